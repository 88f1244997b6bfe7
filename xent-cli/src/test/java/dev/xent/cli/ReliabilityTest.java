package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyArrayFile;
import dev.xent.npy.NpyFormatException;
import dev.xent.npy.NpyWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line on inputs that used to go wrong (issue #18): infinite losses, damaged archives, huge float
 * labels, unusual output targets, memory exhaustion and inputs truncated while mapped. Every bad input gives exactly
 * one line on stderr, nothing on stdout and exit code 1.
 */
class ReliabilityTest {

    @TempDir
    Path dir;

    String write(String name, NdArray a) throws IOException {
        Path p = dir.resolve(name);
        NpyWriter.write(p, a);
        return p.toString();
    }

    static void assertOneLineError(String prefix, Cli.Run run) {
        assertEquals(1, run.code, run.toString());
        assertEquals("", run.out, run.toString());
        assertTrue(run.err.startsWith("xent: error: " + prefix), run.toString());
        assertEquals(1, run.err.lines().count(), run.toString());
    }

    // ---- 1. infinities --------------------------------------------------------------------------------------

    @Test
    void infiniteLossIsInfinityNotNaN() throws IOException {
        String t = write("t.npy", NdArray.of(new int[] {0, 1}));
        String p = write("p.npy", NdArray.of(new float[] {Float.NEGATIVE_INFINITY, 0, 0, 1, 2, 3}, 2, 3));
        Cli.Run m = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", t, "--y-pred", p,
                "--from-logits");
        assertEquals(0, m.code, m.toString());
        assertTrue(m.out.endsWith(",\"result\":\"Infinity\",\"total\":\"Infinity\",\"count\":2.0}\n"), m.out);
        for (String reduction : new String[] {"sum", "sum_over_batch_size"}) {
            Cli.Run l = Cli.run("loss", "sparse_categorical_crossentropy", "--y-true", t, "--y-pred", p,
                    "--from-logits", "--reduction", reduction, "--batch-size", "1");
            assertEquals(0, l.code, l.toString());
            assertTrue(l.out.contains("\"result\":\"Infinity\""), reduction + ": " + l.out);
        }
        // 1e38-scale logits: the loss 6e38 overflows float32
        String huge = write("huge.npy", NdArray.of(new float[] {-3e38f, 3e38f, 0, 1, 2, 3}, 2, 3));
        Cli.Run h = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", t, "--y-pred", huge,
                "--from-logits");
        assertTrue(h.out.contains("\"result\":\"Infinity\""), h.toString());
    }

    // ---- 2. damaged archives --------------------------------------------------------------------------------

    static byte[] npy(NdArray a, Path tmp) throws IOException {
        NpyWriter.write(tmp, a);
        byte[] b = Files.readAllBytes(tmp);
        Files.delete(tmp);
        return b;
    }

    /** A stored archive of y_true and y_pred, y_pred's CRC-32 in the directory flipped if asked. */
    Path archive(String name, boolean badCrc, boolean duplicate) throws IOException {
        byte[] t = npy(NdArray.of(new int[] {1, 2, 0, 1}), dir.resolve("t.tmp.npy"));
        byte[] p = npy(NdArray.of(new float[] {.1f, .8f, .1f, .2f, .2f, .6f, .7f, .2f, .1f, .3f, .3f, .4f}, 4, 3),
                dir.resolve("p.tmp.npy"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            // twins: "Y_pred.npy" is renamed "y_pred.npy" below (ZipOutputStream refuses two entries of one name)
            String[] names = duplicate ? new String[] {"y_true.npy", "y_pred.npy", "Y_pred.npy"}
                    : new String[] {"y_true.npy", "y_pred.npy"};
            for (String n : names) {
                byte[] data = n.startsWith("y_true") ? t : p;
                CRC32 crc = new CRC32();
                crc.update(data);
                ZipEntry e = new ZipEntry(n);
                e.setMethod(ZipEntry.STORED);
                e.setSize(data.length);
                e.setCompressedSize(data.length);
                e.setCrc(crc.getValue());
                z.putNextEntry(e);
                z.write(data);
                z.closeEntry();
            }
        }
        byte[] zip = bytes.toByteArray();
        if (badCrc) { // y_pred's CRC-32 in the central directory
            for (int i = zip.length - 46; i >= 0; i--) {
                if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 1 && zip[i + 3] == 2
                        && new String(zip, i + 46, 10, StandardCharsets.ISO_8859_1).equals("y_pred.npy")) {
                    zip[i + 16] ^= 1;
                }
            }
        }
        byte[] twin = "Y_pred.npy".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; duplicate && i + twin.length <= zip.length; i++) {
            if (new String(zip, i, twin.length, StandardCharsets.ISO_8859_1).equals("Y_pred.npy")) {
                zip[i] = 'y';
            }
        }
        Path a = dir.resolve(name);
        Files.write(a, zip);
        return a;
    }

    @Test
    void wrongCrcInAStoredEntryIsRefusedBeforeAnyResult() throws IOException {
        Path a = archive("crc.npz", true, false);
        for (String batch : new String[] {"1", "1000"}) {
            Cli.Run run = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", a + ":y_true",
                    "--y-pred", a + ":y_pred", "--batch-size", batch);
            assertOneLineError(a + ":y_pred: zip entry 'y_pred.npy': the CRC-32 of its ", run);
            assertTrue(run.err.contains("they must match (the archive is damaged)"), run.err);
        }
        Path good = archive("good.npz", false, false);
        Cli.Run ok = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", good + ":y_true",
                "--y-pred", good + ":y_pred");
        assertEquals(0, ok.code, ok.toString());
    }

    @Test
    void duplicateEntryIsRefusedAsAmbiguous() throws IOException {
        Path a = archive("dup.npz", false, true);
        Cli.Run run = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", a + ":y_true",
                "--y-pred", a + ":y_pred");
        assertOneLineError(a + ":y_pred: the archive has 2 entries named 'y_pred.npy', which is ambiguous", run);
    }

    // ---- 4. labels --------------------------------------------------------------------------------------------

    @Test
    void hugeFloatLabelIsReportedAsGiven() throws IOException {
        String t = write("t.npy", NdArray.of(new float[] {1, 0x1p64f}));
        String p = write("p.npy", NdArray.of(new float[] {.1f, .8f, .1f, .2f, .2f, .6f}, 2, 3));
        Cli.Run run = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", t, "--y-pred", p);
        assertOneLineError(t + ": label 1.8446744073709552E19 at index 1 is out of range [0, 3)", run);
    }

    // ---- 6. output targets ------------------------------------------------------------------------------------

    Cli.Run lossTo(String output) throws IOException {
        String t = write("t.npy", NdArray.of(new int[] {1, 2}));
        String p = write("p.npy", NdArray.of(new float[] {.1f, .8f, .1f, .2f, .2f, .6f}, 2, 3));
        return Cli.run("loss", "sparse_categorical_crossentropy", "--y-true", t, "--y-pred", p, "--reduction",
                "none", "--output", output);
    }

    @Test
    void fifoOutputIsRefused() throws Exception {
        Path fifo = dir.resolve("fifo.npy");
        Process mk;
        try {
            mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            mk = null;
        }
        assumeTrue(mk != null && mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo unavailable");
        Cli.Run run = lossTo(fifo.toString());
        assertOneLineError(fifo + ": ", run);
        assertTrue(run.err.contains(": is not a regular file (a FIFO, a device or a socket)"), run.err);
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".tmp"))
                    .collect(Collectors.toList()));
        }
    }

    @Test
    void longOutputNameWorks() throws IOException {
        Path out = dir.resolve("l".repeat(240) + ".npy"); // 244 characters
        Cli.Run run = lossTo(out.toString());
        assertEquals(0, run.code, run.toString());
        try (NpyArrayFile f = NpyArrayFile.open(out.toString())) {
            assertEquals(2, f.rows());
        }
    }

    // ---- 7. out of memory -------------------------------------------------------------------------------------

    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Option(names = "--y-pred")
        String yPred;

        @Option(names = "--error")
        String error;

        @Override
        public Integer call() throws Exception {
            if ("oom".equals(error)) {
                throw new OutOfMemoryError("Java heap space");
            }
            if ("assert".equals(error)) {
                throw new AssertionError("a bug");
            }
            // map the rows, truncate the file, read the view: the JVM throws an InternalError
            try (NpyArrayFile f = NpyArrayFile.open(yPred)) {
                NdArray view = f.readRows(0, (int) f.rows());
                assertNotNull(view.buffer(), "a mapped view");
                try (FileChannel ch = FileChannel.open(Path.of(yPred), StandardOpenOption.WRITE)) {
                    ch.truncate(200);
                }
                double sum = 0;
                for (int i = 0; i < view.size(); i++) {
                    sum += view.getFloat(i);
                }
                return (int) sum;
            }
        }
    }

    static Cli.Run runWithBoom(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = XentCommand.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        cl.addSubcommand(new Boom());
        int code = cl.execute(args);
        return new Cli.Run(code, out.toString(), err.toString());
    }

    @Test
    void outOfMemoryIsOneLineWithTheWayOut() {
        Cli.Run run = runWithBoom("boom", "--error", "oom");
        assertOneLineError("out of memory (the Java heap's maximum is ", run);
        assertTrue(run.err.contains("XENT_JAVA_OPTS=-Xmx") && run.err.contains("--batch-size"), run.err);
        Cli.Run verbose = runWithBoom("boom", "--error", "oom", "--verbose");
        assertEquals(1, verbose.code);
        assertTrue(verbose.err.lines().count() > 1, "--verbose adds the stack trace");
        Cli.Run bug = runWithBoom("boom", "--error", "assert");
        assertOneLineError("internal error: a bug (java.lang.AssertionError; run with --verbose", bug);
    }

    /** A heap too small for the run, in a separate JVM: one line, exit 1, no stack trace. */
    @Test
    void outOfMemoryInARealRun() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        assumeTrue(Files.isExecutable(java), "no java launcher");
        int rows = 1 << 20;
        String t = write("t.npy", NdArray.of(new int[rows]));
        // int8 predictions are converted to float32 in memory: 32 MiB in one batch, more than the 24 MiB heap
        Path p = dir.resolve("p.npy");
        byte[] header = header(rows);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(header));
            ch.write(ByteBuffer.allocate(rows * 8), header.length);
        }
        Process child = new ProcessBuilder(java.toString(), "-Xmx24m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "metric",
                "sparse_categorical_crossentropy", "--y-true", t, "--y-pred", p.toString(), "--batch-size",
                Integer.toString(rows)).start();
        try {
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not finish");
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            String all = "exit " + child.exitValue() + "\n" + out + err;
            assertEquals(1, child.exitValue(), all);
            assertEquals("", out, all);
            assertTrue(err.startsWith("xent: error: ") && err.contains("out of memory"), all);
            assertEquals(1, err.lines().count(), all);
        } finally {
            child.destroyForcibly();
        }
    }

    /** The header of an int8 (rows, 8) .npy file. */
    static byte[] header(int rows) {
        String dict = "{'descr': '|i1', 'fortran_order': False, 'shape': (" + rows + ", 8), }";
        int pad = Math.floorMod(-(10 + dict.length() + 1), 64);
        ByteBuffer b = ByteBuffer.allocate(10 + dict.length() + pad + 1).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                .putShort((short) (dict.length() + pad + 1)).put(dict.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < pad; i++) {
            b.put((byte) ' ');
        }
        return b.put((byte) '\n').array();
    }

    // ---- 3. inputs truncated while mapped -----------------------------------------------------------------------

    String bigFloats() throws IOException {
        return write("big.npy", NdArray.of(new float[40_000 * 4], 40_000, 4));
    }

    /** A fault in the computation (here: the test command's loop) reaches the top level: one line naming the file. */
    @Test
    void truncatedWhileMappedInTheComputation() throws IOException {
        String p = bigFloats();
        Cli.Run run = runWithBoom("boom", "--y-pred", p);
        assertOneLineError(p + ": the file changed while being read (reading its memory-mapped data failed); now ",
                run);
    }

    /** A fault while the reader converts mapped integer predictions: the copying reader's one-line error. */
    @Test
    void truncatedWhileMappedInTheReader() throws IOException {
        String p = write("ints.npy", NdArray.of(new int[40_000 * 4], 40_000, 4));
        try (NpyArrayFile f = NpyArrayFile.open(p)) {
            NdArray view = f.readRows(0, 40_000);
            assertNotNull(view.buffer(), "a mapped view");
            try (FileChannel ch = FileChannel.open(Path.of(p), StandardOpenOption.WRITE)) {
                ch.truncate(4096);
            }
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> ChunkReader.floats(f, view));
            assertEquals(p + ": the file ended at byte 4096 although it had 640128 bytes when opened; was it changed"
                    + " while being read?", e.getMessage());
        }
    }

    // ---- 5. .keras archives through the command line ------------------------------------------------------------

    @Test
    void kerasArchiveWithEmptyConfig() throws IOException {
        Path model = dir.resolve("empty.keras");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            z.putNextEntry(new ZipEntry("config.json"));
            z.closeEntry();
        }
        Files.write(model, bytes.toByteArray());
        String t = write("t.npy", NdArray.of(new int[] {1, 2}));
        String p = write("p.npy", NdArray.of(new float[] {.1f, .8f, .1f, .2f, .2f, .6f}, 2, 3));
        Cli.Run run = Cli.run("evaluate", "--model", model.toString(), "--y-true", t, "--y-pred", p);
        assertOneLineError(model + ": config.json in the archive is empty", run);
        assertFalse(run.err.contains("compile()"), run.err);
    }
}
