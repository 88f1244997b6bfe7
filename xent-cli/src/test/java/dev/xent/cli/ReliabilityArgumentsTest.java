package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.internal.Printable;
import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's arguments (issue #18, second round): outputs that would overwrite each other or an input,
 * {@code --config} files that never end, trailing JSON, empty paths and other encodings, control characters from
 * the inputs, and {@code evaluate} of a model compiled without a loss. Bad data: one line, exit 1; bad usage: the
 * message and a hint, exit 2; nothing written, nothing raw reaching the terminal.
 */
class ReliabilityArgumentsTest {

    @TempDir
    Path dir;

    String yTrue;
    String yPred;
    String weight;

    @BeforeEach
    void inputs() throws IOException {
        yTrue = write("y_true.npy", NdArray.of(new int[] {1, 2}));
        yPred = write("y_pred.npy", NdArray.of(new float[] {.05f, .95f, 0f, .1f, .8f, .1f}, 2, 3));
        weight = write("w.npy", NdArray.of(new float[] {1f, 2f}));
    }

    String write(String name, NdArray a) throws IOException {
        Path p = dir.resolve(name);
        NpyWriter.write(p, a);
        return p.toString();
    }

    Cli.Run lossNone(String... more) {
        List<String> args = new ArrayList<>(List.of("loss", "sparse_categorical_crossentropy", "--y-true", yTrue,
                "--y-pred", yPred, "--reduction", "none"));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(new String[0]));
    }

    static void assertUsage(String message, String command, Cli.Run run) {
        assertEquals(2, run.code, run.toString());
        assertEquals("", run.out, run.toString());
        assertEquals("xent: error: " + message + "\nTry '" + command + " --help' for more information.\n", run.err,
                run.toString());
    }

    static void assertData(String message, Cli.Run run) {
        assertEquals(1, run.code, run.toString());
        assertEquals("", run.out, run.toString());
        assertEquals("xent: error: " + message + "\n", run.err, run.toString());
    }

    static void assertDataStartsWith(String prefix, Cli.Run run) {
        assertEquals(1, run.code, run.toString());
        assertEquals("", run.out, run.toString());
        assertTrue(run.err.startsWith("xent: error: " + prefix), run.toString());
        assertEquals(1, run.err.lines().count(), run.toString());
    }

    /** The files of {@link #dir}, to show that a refused run wrote nothing (no output, no temporary file). */
    List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    // ---- 1. outputs naming one file, or an input --------------------------------------------------------------

    @Test
    void twoOutputsNamingOneFileAreRefusedBeforeAnythingRuns() throws IOException {
        List<String> before = files();
        String both = dir.resolve("both.npy").toString();
        assertUsage("--gradient (" + both + ") and --output (" + both + ") name the same file; each output needs a"
                + " file of its own", "xent loss", lossNone("--output", both, "--gradient", both));
        String dotted = dir.resolve(".").resolve("both.npy").toString();
        String up = dir.resolve("sub").resolve("..").resolve("both.npy").toString();
        Files.createDirectory(dir.resolve("sub"));
        before = files();
        for (String other : new String[] {dotted, up}) {
            Cli.Run run = lossNone("--output", both, "--gradient", other);
            assertEquals(2, run.code, run.toString());
            assertTrue(run.err.contains(" name the same file;"), run.err);
        }
        assertEquals(before, files(), "nothing written");
        // distinct files: both written
        Cli.Run ok = lossNone("--output", both, "--gradient", dir.resolve("g.npy").toString());
        assertEquals(0, ok.code, ok.toString());
    }

    @Test
    void outputsThatAreOneFileThroughLinks() throws IOException {
        Path target = dir.resolve("target.npy");
        assertEquals(0, lossNone("--output", target.toString()).code);
        byte[] written = Files.readAllBytes(target);
        Path link = dir.resolve("link.npy");
        Path hard = dir.resolve("hard.npy");
        try {
            Files.createSymbolicLink(link, target);
            Files.createLink(hard, target);
        } catch (UnsupportedOperationException | FileSystemException e) {
            assumeTrue(false, "links unsupported: " + e);
        }
        for (String other : new String[] {link.toString(), hard.toString()}) {
            Cli.Run run = lossNone("--output", target.toString(), "--gradient", other);
            assertUsage("--gradient (" + other + ") and --output (" + target + ") name the same file; each output"
                    + " needs a file of its own", "xent loss", run);
        }
        assertArrayEquals(written, Files.readAllBytes(target));
    }

    @Test
    void anOutputNamingAnInputIsRefused() throws IOException {
        byte[] pred = Files.readAllBytes(Path.of(yPred));
        assertUsage("--output (" + yPred + ") names the same file as the input --y-pred (" + yPred + "); an output must"
                + " not overwrite an input", "xent loss", lossNone("--output", yPred));
        assertUsage("--gradient (" + yTrue + ") names the same file as the input --y-true (" + yTrue + "); an output"
                + " must not overwrite an input", "xent loss", lossNone("--output", dir.resolve("o.npy").toString(),
                "--gradient", yTrue));
        assertUsage("--output (" + weight + ") names the same file as the input --sample-weight (" + weight + "); an"
                + " output must not overwrite an input", "xent loss", lossNone("--sample-weight", weight, "--output",
                weight));
        // an input given through a symbolic link or a hard link, or "./"
        Path link = dir.resolve("link.npy");
        Path hard = dir.resolve("hard.npy");
        try {
            Files.createSymbolicLink(link, Path.of(yPred));
            Files.createLink(hard, Path.of(yPred));
        } catch (UnsupportedOperationException | FileSystemException e) {
            assumeTrue(false, "links unsupported: " + e);
        }
        for (String output : new String[] {link.toString(), hard.toString(),
                dir.resolve(".").resolve("y_pred.npy").toString()}) {
            Cli.Run run = lossNone("--output", output);
            assertEquals(2, run.code, run.toString());
            assertTrue(run.err.contains(") names the same file as the input --y-pred ("), run.err);
        }
        assertArrayEquals(pred, Files.readAllBytes(Path.of(yPred)), "the input is untouched");
        assertTrue(Files.isSymbolicLink(link), "the link is untouched");
    }

    @Test
    void anOutputNamingAnArchiveOrTheConfigFileIsRefused() throws IOException {
        Path archive = dir.resolve("data.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(archive))) {
            for (String name : new String[] {"y_true", "y_pred"}) {
                z.putNextEntry(new ZipEntry(name + ".npy"));
                z.write(Files.readAllBytes(Path.of(name.equals("y_true") ? yTrue : yPred)));
                z.closeEntry();
            }
        }
        byte[] zip = Files.readAllBytes(archive);
        Cli.Run run = Cli.run("loss", "sparse_categorical_crossentropy", "--y-true", archive + ":y_true", "--y-pred",
                archive + ":y_pred", "--reduction", "none", "--output", archive.toString());
        assertUsage("--output (" + archive + ") names the same file as the input --y-true (" + archive + ":y_true); an"
                + " output must not overwrite an input", "xent loss", run);
        assertArrayEquals(zip, Files.readAllBytes(archive));

        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"from_logits\": false}");
        run = lossNone("--config", "@" + config, "--output", dir.resolve("o.npy").toString(), "--gradient",
                config.toString());
        assertUsage("--gradient (" + config + ") names the same file as the input --config (@" + config + "); an"
                + " output must not overwrite an input", "xent loss", run);
        assertEquals("{\"from_logits\": false}", Files.readString(config));
    }

    // ---- 2. a config that never ends -------------------------------------------------------------------------

    @Test
    void configFromADeviceIsReadNoFurtherThanTheCap() {
        for (String device : new String[] {"/dev/zero", "/dev/urandom"}) {
            assumeTrue(Files.isReadable(Path.of(device)), "no " + device);
            Cli.Run run = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred,
                    "--config", "@" + device);
            assertData(device + ": the --config file has more than 4194304 bytes (4 MiB), the most a config may"
                    + " have; reading stopped there", run);
        }
    }

    @Test
    void configsOverTheCapAreRefused() throws IOException {
        String big = " ".repeat(ConfigInput.MAX_BYTES) + "{}";
        Path file = dir.resolve("big.json");
        Files.writeString(file, big);
        assertData(file + ": the --config file has more than 4194304 bytes (4 MiB), the most a config may have;"
                        + " reading stopped there",
                Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred,
                        "--config", "@" + file));
        assertData("--config: the inline config has 4194306 bytes (as UTF-8), more than the 4194304 bytes (4 MiB) a"
                + " config may have", Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue,
                "--y-pred", yPred, "--config", big));
        // at the cap: read
        Files.writeString(file, " ".repeat(ConfigInput.MAX_BYTES - 2) + "{}");
        assertEquals(0, Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred,
                "--config", "@" + file).code);
    }

    // ---- 3. trailing content ---------------------------------------------------------------------------------

    @Test
    void contentAfterTheJsonValueIsRefused() throws IOException {
        assertData("--config: unexpected content after the JSON value at line 1, column 23 ({\"from_logits\": false}):"
                + " a config is one JSON value", Cli.run("metric", "sparse_categorical_crossentropy", "--y-true",
                yTrue, "--y-pred", yPred, "--config", "{\"from_logits\": true} {\"from_logits\": false}"));
        assertData("--config: unexpected content after the JSON value at line 1, column 25 (xyz): a config is one"
                + " JSON value", Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred",
                yPred, "--config", "{\"from_logits\": true}   xyz"));
        assertData("--config: unexpected content after the JSON value at line 1, column 35 (\"poisson\"): a config is"
                + " one JSON value", Cli.run("metric", "--y-true", yTrue, "--y-pred", yPred, "--config",
                "\"sparse_categorical_crossentropy\" \"poisson\""));
        Path file = dir.resolve("two.json");
        Files.writeString(file, "{\"from_logits\": true}\r\n\n  ]");
        assertData(file + ": unexpected content after the JSON value at line 3, column 3 (]): a config is one JSON"
                + " value", Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred,
                "--config", "@" + file));
        // whitespace after the value is fine
        Files.writeString(file, "{\"from_logits\": false}\n\n \t\r\n");
        assertEquals(0, Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred,
                "--config", "@" + file).code);
    }

    // ---- 4. empty paths, encodings -----------------------------------------------------------------------------

    @Test
    void emptyPathsNameTheOption() {
        assertUsage("--config @: the path after @ is empty; give --config @FILE or the JSON itself", "xent metric",
                Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred, "--config",
                        "@"));
        assertUsage("--config: the config is empty; give the JSON of a config or @FILE", "xent metric",
                Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred, "--config",
                        ""));
        String out = dir.resolve("o.npy").toString();
        assertUsage("--output: the path is empty; give a file name", "xent loss", lossNone("--output", ""));
        assertUsage("--gradient: the path is empty; give a file name", "xent loss", lossNone("--output", out,
                "--gradient", ""));
        assertUsage("--y-true: the path is empty; give a file name", "xent loss", Cli.run("loss",
                "sparse_categorical_crossentropy", "--y-true", "", "--y-pred", yPred));
        assertUsage("--y-pred: the path is empty; give a file name", "xent metric", Cli.run("metric",
                "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", ""));
        assertUsage("--sample-weight: the path is empty; give a file name", "xent metric", Cli.run("metric",
                "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred, "--sample-weight", ""));
        Path model = KerasIntegrationTest.MODELS.resolve("sparse_string_accuracy.keras");
        assertUsage("--y-true: the path is empty; give a file name", "xent evaluate", Cli.run("evaluate", "--model",
                model.toString(), "--y-true", "", "--y-pred", yPred));
        assertUsage("--model: the path is empty; give a file name", "xent evaluate", Cli.run("evaluate", "--model",
                "", "--y-true", yTrue, "--y-pred", yPred));
    }

    String configFile(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p.toString();
    }

    Cli.Run metricWithConfig(String file) {
        return Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred, "--config",
                "@" + file);
    }

    @Test
    void configFilesInOtherEncodingsSayWhereTheyAreNotUtf8() throws IOException {
        String json = "{\"name\": \"caf\u00e9\"}";
        String latin1 = configFile("latin1.json", json.getBytes(StandardCharsets.ISO_8859_1));
        assertData(latin1 + ": the --config file is not UTF-8: byte 0xe9 at byte offset 13 is not valid UTF-8"
                + " (Latin-1 or another encoding?); save it as UTF-8", metricWithConfig(latin1));
        String utf16 = configFile("utf16.json", json.getBytes(StandardCharsets.UTF_16)); // big-endian, with a BOM
        assertData(utf16 + ": the --config file is not UTF-8: it starts with the UTF-16 byte-order mark 0xfeff (at"
                + " byte offset 0); save it as UTF-8", metricWithConfig(utf16));
        String utf16le = configFile("utf16le.json", json.getBytes(StandardCharsets.UTF_16LE)); // no BOM
        assertData(utf16le + ": the --config file is not UTF-8 text: it has a NUL byte at byte offset 1 (UTF-16 or"
                + " UTF-32 without a byte-order mark?); save it as UTF-8", metricWithConfig(utf16le));
        // a lone continuation byte, and a sequence cut short at the end
        String cut = configFile("cut.json", Arrays.copyOf(json.getBytes(StandardCharsets.UTF_8), 14));
        assertData(cut + ": the --config file is not UTF-8: byte 0xc3 at byte offset 13 is not valid UTF-8 (Latin-1"
                + " or another encoding?); save it as UTF-8", metricWithConfig(cut));
        // UTF-8, with or without a byte-order mark: read
        for (String bom : new String[] {"", "\ufeff"}) {
            String ok = configFile("ok.json", (bom + json).getBytes(StandardCharsets.UTF_8));
            Cli.Run run = metricWithConfig(ok);
            assertEquals(0, run.code, run.toString());
            assertTrue(run.out.contains("\"name\":\"caf\u00e9\""), run.out);
        }
        assertEquals(0, Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred,
                "--config", "\ufeff" + json).code);
    }

    // ---- 5. control characters never reach the terminal raw --------------------------------------------------

    /** ESC, BEL, CR, LF, DEL, CSI (C1), and the bidirectional override U+202E. */
    static final char[] CONTROLS = {0x1b, 0x07, '\r', '\n', 0x7f, 0x9b, 0x202e};

    static String escaped(char c) {
        return String.format("\\u%04x", (int) c);
    }

    /** Nothing printed holds a character that would act on a terminal; stderr has {@code lines} lines. */
    static void assertPrintable(Cli.Run run, int lines) {
        for (String s : new String[] {run.out, run.err}) {
            String body = s.replace("\n", "");
            for (int i = 0; i < body.length(); i++) {
                assertFalse(Printable.isEscaped(body.charAt(i)), () -> "raw control character in: " + run);
            }
        }
        assertEquals(lines, run.err.lines().filter(l -> !l.startsWith("Did you mean: ")).count(), run.toString());
        assertTrue(run.err.isEmpty() || run.err.startsWith("xent: error: "), run.toString());
    }

    /** The lines a run prints on stderr: none, the error, or the error and the hint of bad usage. */
    static int lines(Cli.Run run) {
        return run.code == 0 ? 0 : run.code == 1 ? 1 : 2;
    }

    @Test
    void controlCharactersInNamesAndOptionsAreEscaped() {
        for (char c : CONTROLS) {
            String bad = "bad" + c + "[31m";
            Cli.Run run = Cli.run("metric", bad, "--y-true", yTrue, "--y-pred", yPred);
            assertEquals(2, run.code, run.toString());
            assertPrintable(run, 2);
            assertTrue(run.err.startsWith("xent: error: NAME (bad" + escaped(c) + "[31m) must be one of "), run.err);

            run = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred,
                    "--" + c + "[31m");
            assertEquals(2, run.code, run.toString());
            assertPrintable(run, 2);
            assertTrue(run.err.contains("--" + escaped(c) + "[31m"), run.err);

            run = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred,
                    "--dtype", bad);
            assertEquals(2, run.code, run.toString());
            assertPrintable(run, 2);
            assertTrue(run.err.contains("--dtype (bad" + escaped(c) + "[31m) must be float32 or float64"), run.err);
        }
    }

    @Test
    void controlCharactersInConfigsAreEscaped() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (char c : CONTROLS) {
            String s = "x" + c + "y";
            String quoted = json.writeValueAsString(s);
            Cli.Run run = Cli.run("metric", "--y-true", yTrue, "--y-pred", yPred, "--config",
                    "{\"class_name\": " + quoted + "}");
            assertEquals(1, run.code, run.toString());
            assertPrintable(run, 1);
            assertTrue(run.err.startsWith("xent: error: --config: class_name (x" + escaped(c) + "y) must be one of"),
                    run.err);

            run = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred,
                    "--config", "{" + quoted + ": 1}");
            assertEquals(1, run.code, run.toString());
            assertPrintable(run, 1);
            assertTrue(run.err.contains("x" + escaped(c) + "y"), run.err);

            // raw, unquoted in the JSON text: Jackson's message quotes it
            run = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred,
                    "--config", "{\"name\": 1} " + c);
            assertPrintable(run, lines(run));

            // a name from the config printed on stdout: escaped JSON, the same string when parsed
            run = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred,
                    "--config", "{\"name\": " + quoted + "}");
            assertEquals(0, run.code, run.toString());
            assertPrintable(run, 0);
            assertEquals(s, json.readTree(run.out).get("config").get("name").asText());
            run = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred,
                    "--name", s);
            assertEquals(0, run.code, run.toString());
            assertPrintable(run, 0);
            assertEquals(s, json.readTree(run.out).get("config").get("name").asText());
        }
    }

    @Test
    void controlCharactersInFileNamesAndArchiveKeysAreEscaped() throws IOException {
        for (char c : CONTROLS) {
            String name = "y" + c + "[31m.npy";
            String missing = dir + "/" + name; // a string: the platform's encoding may not map it to a path
            Cli.Run run = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred",
                    missing);
            assertEquals(1, run.code, run.toString());
            assertPrintable(run, 1);
            assertTrue(run.err.contains("y" + escaped(c) + "[31m.npy"), run.err);

            run = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred,
                    "--config", "@" + missing);
            assertEquals(1, run.code, run.toString());
            assertPrintable(run, 1);
            assertTrue(run.err.contains("y" + escaped(c) + "[31m.npy"), run.err);

            // an existing file whose name holds it: the one-line error of a bad array names it
            Path file;
            try {
                file = dir.resolve(name);
                Files.write(file, new byte[] {1, 2, 3});
            } catch (InvalidPathException e) {
                continue; // the file system's encoding cannot hold it
            }
            run = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred",
                    file.toString());
            assertEquals(1, run.code, run.toString());
            assertPrintable(run, 1);
            assertTrue(run.err.contains("y" + escaped(c) + "[31m.npy: "), run.err);
            Files.delete(file);
        }
        // the keys of an .npz listed when the one asked for is missing
        Path archive = dir.resolve("keys.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(archive))) {
            for (char c : CONTROLS) {
                z.putNextEntry(new ZipEntry("k" + c + ".npy"));
                z.write(Files.readAllBytes(Path.of(yPred)));
                z.closeEntry();
            }
        }
        Cli.Run run = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred",
                archive + ":missing" + (char) 0x1b);
        assertEquals(1, run.code, run.toString());
        assertPrintable(run, 1);
        StringBuilder keys = new StringBuilder();
        for (char c : CONTROLS) {
            keys.append(keys.length() == 0 ? "" : ", ").append("k").append(escaped(c));
        }
        assertEquals("xent: error: " + archive + ":missing\\u001b: no array 'missing\\u001b' in the archive (keys: "
                + keys + ")\n", run.err);
    }

    static Path kerasArchive(Path dir, String name, String compileConfig) throws IOException {
        Path p = dir.resolve(name);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("config.json"));
            zip.write(("{\"class_name\": \"Sequential\", \"config\": {}, \"compile_config\": " + compileConfig + "}")
                    .getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        Files.write(p, bytes.toByteArray());
        return p;
    }

    @Test
    void controlCharactersInKerasArchivesAreEscaped() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (char c : CONTROLS) {
            String metric = json.writeValueAsString("acc" + c + "uracy");
            Path model = kerasArchive(dir, "m.keras", "{\"loss\": \"sparse_categorical_crossentropy\", \"metrics\": ["
                    + metric + "]}");
            Cli.Run run = Cli.run("evaluate", "--model", model.toString(), "--y-true", yTrue, "--y-pred", yPred);
            assertEquals(1, run.code, run.toString());
            assertPrintable(run, 1);
            assertTrue(run.err.contains("acc" + escaped(c) + "uracy"), run.err);
            // --skip-unsupported lists it on stdout: escaped JSON
            run = Cli.run("evaluate", "--model", model.toString(), "--y-true", yTrue, "--y-pred", yPred,
                    "--skip-unsupported");
            assertPrintable(run, lines(run));
            if (run.code == 0) {
                assertEquals("acc" + c + "uracy", json.readTree(run.out).get("skipped").get(0).get("identifier")
                        .asText());
            }
        }
    }

    // ---- 6. evaluate without a loss ----------------------------------------------------------------------------

    @Test
    void evaluateRefusesAModelCompiledWithoutALoss() throws IOException {
        Path model = kerasArchive(dir, "no_loss.keras", "{\"loss\": null, \"metrics\": [\"accuracy\"]}");
        assertData(model + ": compile_config has metrics but no loss (\"loss\": null), which Keras on TensorFlow"
                + " cannot evaluate (its evaluate raises \"No loss to compute. Provide a `loss` argument in"
                + " `compile()`.\")", Cli.run("evaluate", "--model", model.toString(), "--y-true", yTrue,
                "--y-pred", yPred));
        model = kerasArchive(dir, "weighted_only.keras", "{\"weighted_metrics\": [\"accuracy\"]}");
        assertDataStartsWith(model + ": compile_config has metrics but no loss (\"loss\": absent)",
                Cli.run("evaluate", "--model", model.toString(), "--y-true", yTrue, "--y-pred", yPred,
                        "--skip-unsupported"));
        // a compile_config that is a string or a list: refused as Keras's compile(**config) refuses it
        model = kerasArchive(dir, "string.keras", "\"sparse_categorical_crossentropy\"");
        assertDataStartsWith(model + ": compile_config (\"sparse_categorical_crossentropy\") must be a JSON object of"
                + " compile() arguments", Cli.run("evaluate", "--model", model.toString(), "--y-true", yTrue,
                "--y-pred", yPred));
        model = kerasArchive(dir, "list.keras", "[\"sparse_categorical_crossentropy\", \"accuracy\"]");
        Cli.Run run = Cli.run("evaluate", "--model", model.toString(), "--y-true", yTrue, "--y-pred", yPred);
        assertDataStartsWith(model + ": compile_config ([", run);
        assertTrue(run.err.endsWith("; it is a list\n"), run.err);
        // with a loss: evaluated
        model = kerasArchive(dir, "ok.keras", "{\"loss\": \"sparse_categorical_crossentropy\", \"metrics\":"
                + " [\"accuracy\"]}");
        run = Cli.run("evaluate", "--model", model.toString(), "--y-true", yTrue, "--y-pred", yPred);
        assertEquals(0, run.code, run.toString());
        assertTrue(run.out.startsWith("{\"accuracy\":0.5,\"loss\":"), run.out);
    }
}
