package dev.xent.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.ndarray.NdArray;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What NumPy refuses in an archive is refused here too: an entry whose CRC-32 does not match the directory's
 * (stored or deflated, copied or mapped, read whole or by chunks: the read that reaches the end of the entry fails,
 * with one line naming the archive, the entry and the rule), and an archive holding the asked-for entry twice.
 */
class NpzIntegrityTest {

    @TempDir
    Path dir;

    /** float32 (rows, 3), value i at flat index i. */
    static byte[] npy(int rows) {
        ByteBuffer b = ByteBuffer.allocate(rows * 3 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * 3; i++) {
            b.putFloat(i);
        }
        return Fixtures.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", 3), }", b.array());
    }

    /** An archive holding {@code a.npy} (and {@code b.npy}), with a.npy's directory CRC-32 flipped if asked. */
    Path archive(String name, int rows, boolean deflate, boolean badCrc) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("a.npy", npy(rows));
        entries.put("b.npy", npy(2));
        byte[] zip = Zips.zip(entries, deflate);
        if (badCrc) {
            zip[Zips.centralRecord(zip, "a.npy") + 16] ^= 0x40;
        }
        Path p = dir.resolve(name);
        Files.write(p, zip);
        return p;
    }

    @ParameterizedTest(name = "deflated={0}")
    @ValueSource(booleans = {false, true})
    void wrongCrcIsRefusedWhenTheWholeEntryIsRead(boolean deflate) throws IOException {
        String spec = archive("crc.npz", 50, deflate, true) + ":a";
        try (NpyArrayFile f = NpyArrayFile.open(spec)) {
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> f.readAll(1000));
            Fixtures.assertCleanMessage(e, spec);
            assertTrue(e.getMessage().startsWith(spec + ": zip entry 'a.npy': the CRC-32 of its "), e.getMessage());
            assertTrue(e.getMessage().endsWith("; they must match (the archive is damaged)"), e.getMessage());
            if (!deflate) {
                // stays refused: a second read does not return the damaged data
                assertThrows(NpyFormatException.class, () -> f.readRows(0, 50));
            }
        }
        // the good archive reads, and the other entry of the damaged one too
        String good = archive("good.npz", 50, deflate, false) + ":a";
        try (NpyArrayFile f = NpyArrayFile.open(good)) {
            assertEquals(149f, f.readAll(1000).getFloat(149));
        }
        try (NpyArrayFile f = NpyArrayFile.open(spec.replace(":a", ":b"))) {
            assertEquals(5f, f.readAll(1000).getFloat(5));
        }
    }

    /** Chunks in order: every chunk but the last is returned; the last read fails, before a result is complete. */
    @ParameterizedTest(name = "deflated={0}")
    @ValueSource(booleans = {false, true})
    void chunkedReadsFailAtTheLastChunk(boolean deflate) throws IOException {
        String spec = archive("chunks.npz", 100, deflate, true) + ":a";
        try (NpyArrayFile f = NpyArrayFile.open(spec)) {
            for (int from = 0; from < 90; from += 30) {
                assertEquals(30, f.readRows(from, 30).dim(0));
            }
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> f.readRows(90, 10));
            assertTrue(e.getMessage().startsWith(spec + ": zip entry 'a.npy': the CRC-32 of its "), e.getMessage());
        }
    }

    /** Mapped views of a stored entry are checked too (the checksum reads the mapped bytes). */
    @Test
    void mappedStoredEntryIsChecked() throws IOException {
        String spec = archive("mapped.npz", 6000, false, true) + ":a";
        try (NpyArrayFile f = NpyArrayFile.open(spec).mappingAll()) {
            assertTrue(f.mapped());
            assertNotNull(f.readRows(0, 3000).buffer(), "a mapped view");
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> f.readRows(3000, 3000));
            assertTrue(e.getMessage().startsWith(spec + ": zip entry 'a.npy': the CRC-32 of its 72"), e.getMessage());
        }
        String good = archive("mapped-good.npz", 6000, false, false) + ":a";
        try (NpyArrayFile f = NpyArrayFile.open(good).mappingAll()) {
            NdArray all = f.readAll(1 << 20);
            assertNotNull(all.buffer());
            assertEquals(17999f, all.getFloat(17999));
        }
    }

    /** An entry with no data is all header: its checksum is checked when it is opened. */
    @Test
    void emptyEntryIsCheckedOnOpen() throws IOException {
        byte[] empty = Fixtures.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", new byte[0]);
        byte[] zip = Zips.zip(Map.of("a.npy", empty), false);
        zip[Zips.centralRecord(zip, "a.npy") + 16] ^= 1;
        Path p = dir.resolve("empty.npz");
        Files.write(p, zip);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> NpyArrayFile.open(p + ":a"));
        assertTrue(e.getMessage().startsWith(p + ":a: zip entry 'a.npy': the CRC-32 of its "), e.getMessage());
    }

    /** Two entries of one name: NumPy reads the last, java.util.zip the first; refused as ambiguous. */
    @Test
    void duplicateNamesAreRefused() throws IOException {
        Path p = dir.resolve("dup.npz");
        Files.write(p, duplicated());
        for (String spec : new String[] {p + ":a", p + ":a.npy"}) {
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> NpyArrayFile.open(spec));
            assertEquals(spec + ": the archive has 2 entries named 'a.npy', which is ambiguous (NumPy reads the"
                    + " last, other zip readers the first); an archive must name each array once", e.getMessage());
        }
        try (NpyArrayFile f = NpyArrayFile.open(p + ":b")) {
            assertEquals(2, f.rows()); // other entries are fine
        }
    }

    /** A stored archive with entries a.npy (3 rows), b.npy, a.npy (4 rows), written by hand (ZipOutputStream refuses it). */
    static byte[] duplicated() throws IOException {
        String[] names = {"a.npy", "b.npy", "a.npy"};
        byte[][] data = {npy(3), npy(2), npy(4)};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer central = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < names.length; i++) {
            byte[] n = names[i].getBytes(StandardCharsets.UTF_8);
            CRC32 crc = new CRC32();
            crc.update(data[i]);
            int offset = out.size();
            ByteBuffer local = ByteBuffer.allocate(30 + n.length).order(ByteOrder.LITTLE_ENDIAN);
            local.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 0).putInt(0)
                    .putInt((int) crc.getValue()).putInt(data[i].length).putInt(data[i].length)
                    .putShort((short) n.length).putShort((short) 0).put(n);
            out.write(local.array());
            out.write(data[i]);
            central.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0)
                    .putShort((short) 0).putInt(0).putInt((int) crc.getValue()).putInt(data[i].length)
                    .putInt(data[i].length).putShort((short) n.length).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt(offset).put(n);
        }
        int cdOffset = out.size();
        out.write(central.array(), 0, central.position());
        ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) names.length)
                .putShort((short) names.length).putInt(central.position()).putInt(cdOffset).putShort((short) 0);
        out.write(end.array());
        return out.toByteArray();
    }

    /**
     * A file truncated after its rows were mapped: reading the view faults (an InternalError from the JVM), which
     * {@link NpyArrayFile#mappedReadFailure} turns into the copying reader's one-line error.
     */
    @Test
    void truncatedAfterMappingGivesTheOneLineError() throws IOException {
        Path p = dir.resolve("cut.npy");
        byte[] bytes = Fixtures.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (40000, 4), }",
                new byte[40000 * 4 * 4]);
        Files.write(p, bytes);
        try (NpyArrayFile f = NpyArrayFile.open(p.toString())) {
            NdArray view = f.readRows(0, 40000);
            assertNotNull(view.buffer(), "a mapped view");
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.truncate(4096);
            }
            double[] sum = new double[1];
            InternalError fault = assertThrows(InternalError.class, () -> {
                for (int i = 0; i < view.size(); i++) {
                    sum[0] += view.getFloat(i);
                }
            });
            assertTrue(NpyArrayFile.isMappedReadFault(fault), fault.toString());
            NpyFormatException e = f.mappedReadFailure(fault);
            assertEquals(p + ": the file ended at byte 4096 although it had " + bytes.length
                    + " bytes when opened; was it changed while being read?", e.getMessage());
            assertEquals(fault, e.getCause());
            assertNull(f.mappedReadFailure(new InternalError("something else")));
        }
    }
}
