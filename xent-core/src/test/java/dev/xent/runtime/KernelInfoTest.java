package dev.xent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.testsupport.WarningProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link KernelInfo} in this JVM, and the one warning of a program run without the Vector API: {@link WarningProbe}
 * in JVMs of its own, with and without {@code --add-modules jdk.incubator.vector}, on the class path and with
 * xent-core as a named module on the module path.
 */
class KernelInfoTest {

    static final Path CLASSES = Path.of("target", "classes");
    static final Path TEST_CLASSES = Path.of("target", "test-classes");
    static final String FLAG = "--add-modules jdk.incubator.vector";

    @Test
    void describesTheProcessWideChoice() {
        KernelInfo k = KernelInfo.current();
        assertFalse(k.name().isBlank());
        assertFalse(k.reason().isBlank());
        assertFalse(k.reason().contains("\n"), k.reason());
        if (!KernelInfo.vectorModuleEnabled()) {
            assertFalse(k.vectorized(), k::toString);
            assertTrue(k.reason().contains(FLAG), k::toString);
        }
        assertEquals(k.toString(), KernelInfo.current().toString(), "chosen once");
    }

    /** One probe run: its stdout and its stderr lines. */
    record Run(String out, List<String> err) {}

    static Run probe(boolean modulePath, String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        if (modulePath) {
            cmd.addAll(List.of("--module-path", CLASSES.toString(), "--add-modules", "dev.xent.core",
                    "-cp", TEST_CLASSES.toString()));
        } else {
            cmd.addAll(List.of("-cp", CLASSES + java.io.File.pathSeparator + TEST_CLASSES));
        }
        cmd.add(WarningProbe.class.getName());
        Path err = Files.createTempFile("xent-probe", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe timed out");
            List<String> lines = Files.readAllLines(err).stream()
                    // the JVM's own notice when the incubator module is added
                    .filter(l -> !l.equals("WARNING: Using incubator modules: jdk.incubator.vector"))
                    .collect(Collectors.toList());
            assertEquals(0, p.exitValue(), () -> cmd + "\n" + out + lines);
            return new Run(out, lines);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @ParameterizedTest(name = "module path: {0}")
    @ValueSource(booleans = {false, true})
    void withoutTheVectorModuleOneWarningNamesTheFlag(boolean modulePath) throws Exception {
        Run r = probe(modulePath);
        assertTrue(r.out().startsWith("false scalar"), r::toString);
        List<String> warnings = r.err().stream().filter(l -> l.startsWith("WARNING")).collect(Collectors.toList());
        assertEquals(1, warnings.size(), r::toString);
        assertTrue(warnings.get(0).contains(FLAG), r::toString);
        // One line in all, not java.util.logging's default two (a line with the time and the source first).
        assertEquals(1, r.err().size(), r::toString);
        assertTrue(r.err().get(0).startsWith("WARNING: xent kernels: "), r::toString);
    }

    @ParameterizedTest(name = "module path: {0}")
    @ValueSource(booleans = {false, true})
    void withTheVectorModuleNoWarning(boolean modulePath) throws Exception {
        Run r = probe(modulePath, "--add-modules", "jdk.incubator.vector");
        assertEquals(List.of(), r.err());
        assertTrue(r.out().startsWith("true vector"), r::toString);
    }

    @Test
    void configuredLoggingGetsTheWarningAsARecord() throws Exception {
        Run r = probe(false, "-Djava.util.logging.SimpleFormatter.format=%4$s|%3$s|%5$s%n");
        assertEquals(1, r.err().size(), r::toString);
        assertTrue(r.err().get(0).startsWith("WARNING|dev.xent.runtime|xent kernels: "), r::toString);
    }

    @Test
    void choosingScalarIsNotWarnedAbout() throws Exception {
        Run r = probe(false, "-Dxent.kernels=scalar");
        assertEquals(List.of(), r.err());
        assertTrue(r.out().startsWith("false scalar"), r::toString);
    }
}
