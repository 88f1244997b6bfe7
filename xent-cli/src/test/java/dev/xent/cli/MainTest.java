package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Main} in a JVM of its own without the Vector API (as on a JDK that lacks the module): the library's warning
 * about SIMD does not reach stderr, which carries only an error's one line.
 */
class MainTest {

    static final Path EXAMPLES = Path.of("..", "examples", "doc");

    /** Runs {@code java -cp (this test's class path) dev.xent.cli.Main args}; exit code, stdout, stderr. */
    static String[] run(Path dir, String... args) throws Exception {
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out");
        return new String[] {String.valueOf(p.exitValue()), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8)};
    }

    @Test
    void noSimdWarningWithoutTheVectorModule(@TempDir Path dir) throws Exception {
        String yTrue = EXAMPLES.resolve("y_true.npy").toString();
        String yPred = EXAMPLES.resolve("y_pred.npy").toString();
        String[] r = run(dir, "metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred);
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("\"result\":1.17693"), r[1]);
        assertEquals("", r[2]);
        // An error is still its one line.
        r = run(dir, "metric", "sparse_categorical_crossentropy", "--y-true", yPred, "--y-pred", yPred);
        assertEquals("1", r[0], r[2]);
        assertEquals(1, r[2].lines().count(), r[2]);
        assertTrue(r[2].startsWith("xent: error: "), r[2]);
    }
}
