package dev.xent.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .keras} archives that lie or are empty: the JSON read is capped by the bytes actually inflated, not by the
 * size the zip header claims; an empty {@code config.json} is reported as empty, not as a model saved without
 * {@code compile()}.
 */
class KerasArchiveTest {

    static final long CAP = 64L << 20;

    @TempDir
    Path dir;

    /** A zip with {@code config.json} holding {@code json} (deflated) and a small metadata.json. */
    static byte[] archive(byte[] json) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            z.putNextEntry(new ZipEntry("metadata.json"));
            z.write("{\"keras_version\": \"3.15.1\"}".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("config.json"));
            z.write(json);
            z.closeEntry();
        }
        return bytes.toByteArray();
    }

    /** Sets the uncompressed size of {@code name}'s central directory record to {@code size}. */
    static void declareSize(byte[] zip, String name, int size) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = zip.length - 46; i >= 0; i--) {
            if (b.getInt(i) == 0x02014b50 && (b.getShort(i + 28) & 0xffff) == n.length
                    && new String(zip, i + 46, n.length, StandardCharsets.UTF_8).equals(name)) {
                b.putInt(i + 24, size);
                return;
            }
        }
        throw new IllegalArgumentException("no central record for " + name);
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void inflatedBytesAreCountedNotTheDeclaredSize() throws IOException {
        // valid JSON (whitespace, then {}) that inflates past the cap from about 70 KB, declared as 1000 bytes
        byte[] json = new byte[(int) CAP + 4096];
        java.util.Arrays.fill(json, (byte) ' ');
        json[json.length - 2] = '{';
        json[json.length - 1] = '}';
        byte[] zip = archive(json);
        declareSize(zip, "config.json", 1000);
        Path p = write("bomb.keras", zip);
        IOException e = assertThrows(IOException.class, () -> KerasModelFile.open(p));
        assertEquals(p + ": config.json inflates to more than " + CAP + " bytes (its zip header says 1000); at most "
                + CAP + " are read", e.getMessage());
    }

    @Test
    void emptyConfigIsReportedAsEmpty() throws IOException {
        for (String content : new String[] {"", "  \n"}) {
            Path p = write("empty.keras", archive(content.getBytes(StandardCharsets.UTF_8)));
            IOException e = assertThrows(IOException.class, () -> KerasModelFile.open(p));
            assertEquals(p + ": config.json in the archive is empty; it must hold the model's config as a JSON object"
                    + " (is the archive damaged?)", e.getMessage());
        }
        Path array = write("array.keras", archive("[1, 2]".getBytes(StandardCharsets.UTF_8)));
        assertEquals(array + ": config.json in the archive is a JSON array, not the JSON object of a model's config",
                assertThrows(IOException.class, () -> KerasModelFile.open(array)).getMessage());
    }

    @Test
    void configWithoutCompileConfigIsStillSaidSo() throws IOException {
        Path p = write("plain.keras", archive("{\"class_name\": \"Sequential\", \"config\": {}}"
                .getBytes(StandardCharsets.UTF_8)));
        KerasModelFile f = KerasModelFile.open(p);
        assertEquals("3.15.1", f.kerasVersion());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, f::compileConfig);
        assertTrue(e.getMessage().contains("saved without compile()"), e.getMessage());
    }
}
