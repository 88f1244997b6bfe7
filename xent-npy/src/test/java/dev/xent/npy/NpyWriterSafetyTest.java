package dev.xent.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's output is safe to point anywhere: a FIFO or a device is refused rather than replaced by the rename,
 * the temporary name is short whatever the target's name, and a JVM that exits while a writer is open (SIGTERM,
 * SIGINT) deletes the temporary file through a shutdown hook that closing removes.
 */
class NpyWriterSafetyTest {

    @TempDir
    Path dir;

    List<Path> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().collect(Collectors.toList());
        }
    }

    static boolean run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void fifoIsRefusedAndLeftInPlace() throws IOException {
        Path fifo = dir.resolve("out.npy");
        assumeTrue(run("mkfifo", fifo.toString()), "mkfifo is not available here");
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> NpyWriter.write(fifo, NdArray.of(new float[] {1, 2})));
        assertEquals(fifo + ": is not a regular file (a FIFO, a device or a socket); the array is written to a new"
                + " file renamed into place, which would replace it", e.getMessage());
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "still the FIFO");
        assertEquals(List.of(fifo), listDir(), "no temporary file");
    }

    @Test
    void characterDeviceIsRefused() {
        Path devNull = Path.of("/dev/null");
        assumeTrue(Files.exists(devNull) && !Files.isRegularFile(devNull), "no /dev/null here");
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> NpyWriter.create(devNull, DType.FLOAT32, new long[] {1}));
        assertTrue(e.getMessage().startsWith("/dev/null: is not a regular file"), e.getMessage());
    }

    /** Names up to the usual 255-byte limit work: the temporary name does not grow with the target's. */
    @Test
    void longNamesWork() throws IOException {
        for (int length : new int[] {244, 255}) {
            Path p = dir.resolve("a".repeat(length - 4) + ".npy");
            try (NpyWriter w = NpyWriter.create(p, DType.FLOAT32, new long[] {2})) {
                String temp = w.temporaryFile().getFileName().toString();
                assertTrue(temp.startsWith(".xent-") && temp.endsWith(".tmp") && temp.length() <= 26, temp);
                assertEquals(dir, w.temporaryFile().getParent());
                w.write(NdArray.of(new float[] {1, 2}));
            }
            try (NpyArrayFile f = NpyArrayFile.open(p.toString())) {
                assertEquals(2f, f.readAll(2).getFloat(1));
            }
            Files.delete(p);
        }
        assertEquals(List.of(), listDir());
    }

    @Test
    void shutdownHookIsRegisteredWhileOpenAndRemovedOnClose() throws IOException {
        Path p = dir.resolve("out.npy");
        NpyWriter w = NpyWriter.create(p, DType.FLOAT32, new long[] {2});
        Thread hook = w.cleanupHook();
        assertTrue(Runtime.getRuntime().removeShutdownHook(hook), "registered while open");
        Runtime.getRuntime().addShutdownHook(hook);
        w.write(NdArray.of(new float[] {1, 2}));
        w.close();
        assertFalse(Runtime.getRuntime().removeShutdownHook(hook), "removed on close");
        assertTrue(Files.exists(p));
        // removed also when the writer is discarded
        NpyWriter bad = NpyWriter.create(dir.resolve("bad.npy"), DType.FLOAT32, new long[] {2});
        assertThrows(IllegalStateException.class, bad::close);
        assertFalse(Runtime.getRuntime().removeShutdownHook(bad.cleanupHook()));
        assertEquals(List.of(p), listDir());
    }

    /** What the hook does when the JVM exits mid-write: the temporary file is gone, the writer fails cleanly. */
    @Test
    void shutdownHookDeletesTheTemporaryFile() throws IOException {
        Path p = dir.resolve("out.npy");
        Files.writeString(p, "old");
        NpyWriter w = NpyWriter.create(p, DType.FLOAT32, new long[] {4});
        w.write(NdArray.of(new float[] {1, 2}));
        assertTrue(Files.exists(w.temporaryFile()));
        w.cleanupHook().run();
        assertFalse(Files.exists(w.temporaryFile()));
        assertThrows(IOException.class, () -> w.write(NdArray.of(new float[] {3, 4})));
        w.close();
        assertEquals("old", Files.readString(p));
        assertEquals(List.of(p), listDir());
    }

    /** A real SIGTERM to a JVM holding an open writer: the temporary file is deleted, the target not created. */
    @Test
    void sigtermRemovesTheTemporaryFile() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        assumeTrue(Files.isExecutable(java) && !System.getProperty("os.name").startsWith("Windows"),
                "needs a java launcher and SIGTERM");
        Process child = new ProcessBuilder(java.toString(), "-Xshare:auto", "-cp",
                System.getProperty("java.class.path"), Child.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("writing "), "child said: " + line);
            Path temp = Path.of(line.substring("writing ".length()));
            assertTrue(Files.exists(temp));
            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(20, TimeUnit.SECONDS), "child did not exit");
            assertFalse(Files.exists(temp), "temporary file left behind");
            assertEquals(List.of(), listDir());
        } finally {
            child.destroyForcibly();
        }
    }

    /** Opens a writer in {@code args[0]}, writes part of it, says so, and waits to be killed. */
    static final class Child {
        public static void main(String[] args) throws Exception {
            NpyWriter w = NpyWriter.create(Path.of(args[0], "out.npy"), DType.FLOAT32, new long[] {1 << 20});
            w.write(NdArray.of(new float[1000]));
            System.out.println("writing " + w.temporaryFile());
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
