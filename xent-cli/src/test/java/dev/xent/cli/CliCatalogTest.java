package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.catalog.Argument;
import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.losses.Loss;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyArrayFile;
import dev.xent.npy.NpyWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every name of the {@link Catalog} through {@code xent metric} and {@code xent loss}, and every option of every
 * function, against xent-core called directly: the command line adds nothing of its own per function. A function
 * whose computation this build lacks ({@link UnsupportedOperationException} from xent-core) must exit 2 with one
 * clear line instead of a result.
 */
class CliCatalogTest {

    static final int ROWS = 6;
    static final int CLASSES = 3;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    NdArray labels;
    NdArray oneHot;
    NdArray probs;

    @BeforeEach
    void writeInputs() throws IOException {
        int[] l = {1, 2, 0, 1, 1, 2};
        float[] t = new float[ROWS * CLASSES];
        float[] p = new float[ROWS * CLASSES];
        for (int r = 0; r < ROWS; r++) {
            t[r * CLASSES + l[r]] = 1;
            float sum = 0;
            for (int c = 0; c < CLASSES; c++) {
                sum += p[r * CLASSES + c] = 0.1f + ((r * 7 + c * 3) % 5) * 0.2f;
            }
            for (int c = 0; c < CLASSES; c++) {
                p[r * CLASSES + c] /= sum;
            }
        }
        labels = write("labels", NdArray.of(l));
        oneHot = write("onehot", NdArray.of(t, ROWS, CLASSES));
        probs = write("probs", NdArray.of(p, ROWS, CLASSES));
    }

    NdArray write(String name, NdArray a) throws IOException {
        NpyWriter.write(dir.resolve(name + ".npy"), a);
        return a;
    }

    String file(String name) {
        return dir.resolve(name + ".npy").toString();
    }

    /** The targets file and array for {@code f}: labels or one-hot targets. */
    String targetsFile(KerasFunction f) {
        return file(f.targets() == KerasFunction.Targets.LABELS ? "labels" : "onehot");
    }

    NdArray targets(KerasFunction f) {
        return f.targets() == KerasFunction.Targets.LABELS ? labels : oneHot;
    }

    /** Every name a metric command takes: each function's name and its metric class's. */
    static Stream<Arguments> metricNames() {
        List<Arguments> out = new ArrayList<>();
        for (KerasFunction f : Catalog.all()) {
            out.add(Arguments.of(f.name(), f));
            if (f.hasMetricClass()) {
                out.add(Arguments.of(f.metricClassName(), f));
            }
        }
        return out.stream();
    }

    /** Every name a loss command takes. */
    static Stream<Arguments> lossNames() {
        List<Arguments> out = new ArrayList<>();
        for (KerasFunction f : Catalog.all()) {
            if (f.hasLoss()) {
                out.add(Arguments.of(f.name(), f));
                out.add(Arguments.of(f.lossClassName(), f));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "metric {0}")
    @MethodSource("metricNames")
    void everyMetricName(String name, KerasFunction f) throws IOException {
        Cli.Run run = Cli.run("metric", name, "--y-true", targetsFile(f), "--y-pred", file("probs"));
        MeanMetricWrapper expected = f.newMetric(Map.of());
        expected.updateState(targets(f), probs);
        assertEquals(0, run.code, run.toString());
        assertEquals("", run.err, run.toString());
        JsonNode out = JSON.readTree(run.out);
        assertEquals(f.metricClassName(), out.get("class_name").asText(), run.out);
        assertEquals(JSON.valueToTree(expected.getConfig()), out.get("config"), run.out);
        assertClose(expected.result(), out.get("result").asDouble(), run.out);
        assertClose(expected.total(), out.get("total").asDouble(), run.out);
        assertEquals(expected.count(), out.get("count").asDouble(), run.out);
    }

    @ParameterizedTest(name = "loss {0}")
    @MethodSource("lossNames")
    void everyLossName(String name, KerasFunction f) throws IOException {
        Cli.Run run = Cli.run("loss", name, "--y-true", targetsFile(f), "--y-pred", file("probs"));
        Loss expected = f.newLoss(Map.of());
        double[] value = new double[1];
        value[0] = expected.value(targets(f), probs);
        assertEquals(0, run.code, run.toString());
        JsonNode out = JSON.readTree(run.out);
        assertEquals(f.lossClassName(), out.get("class_name").asText(), run.out);
        assertEquals(JSON.valueToTree(expected.getConfig()), out.get("config"), run.out);
        assertClose(value[0], out.get("result").asDouble(), run.out);
    }

    @Test
    void metricOnlyFunctionsHaveNoLoss() {
        for (KerasFunction f : Catalog.all()) {
            if (f.hasLoss()) {
                continue;
            }
            for (String name : List.of(f.name(), f.metricClassName())) {
                Cli.Run run = Cli.run("loss", name, "--y-true", targetsFile(f), "--y-pred", file("probs"));
                CliErrorsTest.assertUsageError("NAME (" + name + ") must be one of " + Catalog.names(true)
                        + " (Keras has no loss of " + f.name() + ", only a metric: use 'xent metric')", "xent loss", run);
            }
        }
    }

    @Test
    void aLossClassIsNotAMetricName() {
        for (KerasFunction f : Catalog.all()) {
            if (f.hasLoss() && !f.hasMetricClass()) {
                Cli.Run run = Cli.run("metric", f.lossClassName(), "--y-true", targetsFile(f), "--y-pred",
                        file("probs"));
                CliErrorsTest.assertUsageError("NAME (" + f.lossClassName() + ") must be one of " + Catalog.names(false)
                        + " (for the metric of " + f.name() + ", name it " + f.name() + ")", "xent metric", run);
            }
        }
    }

    @Test
    void helpListsTheCataloguesNamesAndOptions() {
        for (boolean loss : new boolean[] {false, true}) {
            Cli.Run help = Cli.run(loss ? "loss" : "metric", "--help");
            assertEquals(0, help.code, help.toString());
            String text = help.out.replaceAll("\\s+", " ");
            assertTrue(text.contains("one of " + Catalog.names(loss) + "."), text);
            for (KerasFunction f : Catalog.all()) {
                if (loss && !f.hasLoss()) {
                    continue;
                }
                for (Argument a : f.arguments(loss)) {
                    String shown = a.type() == Argument.Type.BOOLEAN && !a.isExtension()
                            ? "--[no-]" + a.optionName().substring(2) : a.optionName();
                    assertTrue(text.contains(shown), shown + " in " + text);
                }
            }
        }
        // Options no loss takes are not in the loss's help (they are refused with a message when given).
        String lossHelp = Cli.run("loss", "--help").out;
        for (String option : List.of("--threshold", "--k", "--from-sorted-ids", "--exclude-ignored-from-count")) {
            assertTrue(!lossHelp.contains(option), option + " in " + lossHelp);
        }
    }

    // ---- every option of every function, parsed and built without reading files ------------------------------

    /** A value of {@code a}'s type other than its default, within every rule, as typed and as Keras holds it. */
    static Object[] otherValue(Argument a) {
        switch (a.type()) {
            case BOOLEAN:
                return new Object[] {null, true};
            case INTEGER:
                int i = ((Number) a.defaultValue()).intValue() + 2;
                return new Object[] {String.valueOf(i), i};
            case OPTIONAL_INTEGER:
                return new Object[] {"7", 7};
            case NUMBER:
                return new Object[] {"0.375", 0.375};
            case NUMBER_OR_LIST:
                return new Object[] {"0.125,0.25,0.625", List.of(0.125, 0.25, 0.625)};
            default:
                throw new AssertionError(a.type());
        }
    }

    static Stream<Arguments> everyOption() {
        List<Arguments> out = new ArrayList<>();
        for (KerasFunction f : Catalog.all()) {
            for (boolean loss : new boolean[] {false, true}) {
                if (loss && !f.hasLoss()) {
                    continue;
                }
                for (Argument a : f.arguments(loss)) {
                    out.add(Arguments.of(loss ? "loss" : "metric", f, a));
                }
            }
        }
        return out.stream();
    }

    /** The command's object, parsed from {@code args} without running it. */
    static EvaluateCommand parse(String... args) {
        CommandLine cl = XentCommand.newCommandLine(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        return (EvaluateCommand) parsed.subcommand().commandSpec().userObject();
    }

    static RuntimeException usage(String message) {
        return new IllegalStateException("usage: " + message);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyOption")
    void everyOptionReachesTheObject(String command, KerasFunction f, Argument a) {
        Object[] value = otherValue(a);
        List<String> args = new ArrayList<>(List.of(command, f.name(), "--y-true", "t.npy", "--y-pred", "p.npy",
                a.optionName()));
        if (value[0] != null) {
            args.add((String) value[0]);
        }
        EvaluateCommand c = parse(args.toArray(new String[0]));
        assertEquals(Map.of(a.key(), value[1]), c.keras.given());
        boolean loss = command.equals("loss");
        KerasFunction resolved = c.keras.resolve(c.name(), ConfigInput.NONE, loss, CliCatalogTest::usage);
        assertEquals(f, resolved);
        Map<String, Object> config;
        dev.xent.catalog.Arguments built;
        if (loss) {
            Loss l = c.keras.newLoss(f, ConfigInput.NONE, null, CliCatalogTest::usage);
            config = l.getConfig();
            built = l.arguments();
        } else {
            MeanMetricWrapper m = c.keras.newMetric(f, ConfigInput.NONE, CliCatalogTest::usage);
            config = m.getConfig();
            built = m.arguments();
        }
        assertEquals(value[1], built.get(a.key()));
        if (a.isExtension()) {
            assertTrue(!config.containsKey(a.key()), config.toString());
        } else {
            assertEquals(value[1], config.get(a.key()), config.toString());
        }
    }

    static Stream<Arguments> inapplicableOptions() {
        List<Arguments> out = new ArrayList<>();
        for (KerasFunction f : Catalog.all()) {
            for (boolean loss : new boolean[] {false, true}) {
                if (loss && !f.hasLoss()) {
                    continue;
                }
                for (KerasOptions.CatalogueOption o : KerasOptions.OPTIONS) {
                    boolean takes = false;
                    for (Argument a : f.arguments(loss)) {
                        takes |= a.key().equals(o.key);
                    }
                    if (!takes) {
                        out.add(Arguments.of(loss ? "loss" : "metric", f, o.key));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} --{2}")
    @MethodSource("inapplicableOptions")
    void anOptionTheClassLacksIsAUsageError(String command, KerasFunction f, String key) {
        Argument any = null;
        for (KerasFunction g : Catalog.all()) {
            any = any != null ? any : g.argument(key);
        }
        Object[] value = otherValue(any);
        List<String> args = new ArrayList<>(List.of(command, f.name(), "--y-true", targetsFile(f), "--y-pred",
                file("probs"), any.optionName()));
        if (value[0] != null) {
            args.add((String) value[0]);
        }
        Cli.Run run = Cli.run(args.toArray(new String[0]));
        boolean loss = command.equals("loss");
        List<String> options = new ArrayList<>();
        for (Argument a : f.arguments(loss)) {
            options.add(a.optionName());
        }
        String expected = any.optionName() + " is not an option of " + KerasOptions.owner(f, loss)
                + (options.isEmpty() ? ", which has none" : "; its options are " + String.join(", ", options));
        assertEquals(2, run.code, run.toString());
        assertEquals("", run.out);
        assertTrue(run.err.startsWith("xent: error: " + expected), run.toString());
        assertEquals(2, run.err.lines().count(), run.toString());
    }

    @Test
    void flattenedLabelsAreLeftToTheFunction() throws IOException {
        // Labels (batch * pixels,) for predictions (batch, pixels, classes): Keras's sparse top-k flattens them.
        NdArray flat = write("flat_labels", NdArray.of(new int[] {1, 2, 0, 1, 1, 2}));
        NdArray maps = write("map_probs", NdArray.of(probs.toFloatArray(), 2, 3, CLASSES));
        for (KerasFunction f : Catalog.all()) {
            if (f.targets() != KerasFunction.Targets.LABELS) {
                continue;
            }
            MeanMetricWrapper m = f.newMetric(Map.of());
            Cli.Run run = Cli.run("metric", f.name(), "--y-true", file("flat_labels"), "--y-pred", file("map_probs"),
                    "--batch-size", "1");
            try {
                m.updateState(flat, maps);
            } catch (IllegalArgumentException e) {
                // The function's own rule and message (naming the files), not the plan's.
                assertEquals(1, run.code, run.toString());
                assertTrue(run.err.startsWith("xent: error: " + file("flat_labels") + " shape (6,)"), run.toString());
                continue;
            }
            assertEquals(0, run.code, run.toString());
            assertClose(m.result(), JSON.readTree(run.out).get("result").asDouble(), f.name());
        }
    }

    @Test
    void theBriefsExample() throws IOException {
        CliErrorsTest.assertUsageError("--gamma is not an option of BinaryCrossentropy; its options are --from-logits,"
                + " --label-smoothing, --axis", "xent loss", Cli.run("loss", "binary_crossentropy", "--y-true",
                file("onehot"), "--y-pred", file("probs"), "--gamma", "2"));
        // Keras's BinaryCrossentropy metric has no axis: it averages over the last one.
        CliErrorsTest.assertUsageError("--axis is not an option of BinaryCrossentropy; its options are --from-logits,"
                + " --label-smoothing (--axis is an option of the loss binary_crossentropy only)", "xent metric",
                Cli.run("metric", "binary_crossentropy", "--y-true", file("onehot"), "--y-pred", file("probs"),
                        "--axis", "1"));
    }

    @Test
    void optionValuesBreakingARuleAreUsageErrors() {
        CliErrorsTest.assertUsageError("--gamma (-1.0) must be >= 0", "xent loss", Cli.run("loss",
                "binary_focal_crossentropy", "--y-true", file("onehot"), "--y-pred", file("probs"), "--gamma", "-1"));
        CliErrorsTest.assertUsageError("--alpha (0.1,0.2) must be a number", "xent loss", Cli.run("loss",
                "binary_focal_crossentropy", "--y-true", file("onehot"), "--y-pred", file("probs"), "--alpha",
                "0.1,0.2"));
        CliErrorsTest.assertUsageError("Invalid value for option '--alpha': '0.1,x' is not a number or a"
                + " comma-separated list of numbers", "xent loss", Cli.run("loss", "categorical_focal_crossentropy",
                "--y-true", file("onehot"), "--y-pred", file("probs"), "--alpha", "0.1,x"));
        CliErrorsTest.assertUsageError("Invalid value for option '--k': '2.5' is not an int", "xent metric",
                Cli.run("metric", "top_k_categorical_accuracy", "--y-true", file("onehot"), "--y-pred", file("probs"),
                        "--k", "2.5"));
    }

    @Test
    void negatedFlagsOverrideTheConfig() throws IOException {
        Cli.Run run = Cli.run("metric", "sparse_top_k_categorical_accuracy", "--y-true", file("labels"), "--y-pred",
                file("probs"), "--k", "1", "--no-from-sorted-ids", "--config", "{\"from_sorted_ids\": true, \"k\": 2}");
        assertEquals(0, run.code, run.toString());
        JsonNode config = JSON.readTree(run.out).get("config");
        assertEquals(1, config.get("k").asInt(), run.out);
        assertTrue(!config.has("from_sorted_ids"), "Keras writes from_sorted_ids only when true: " + run.out);
    }

    // ---- outputs of every loss: per-element values and gradients ----------------------------------------------

    static Stream<KerasFunction> losses() {
        return Catalog.all().stream().filter(KerasFunction::hasLoss);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void reductionNoneWritesKerasOutputShape(KerasFunction f) throws IOException {
        Loss loss = f.newLoss(Map.of("reduction", "none"));
        NdArray[] expected = new NdArray[1];
        for (String batch : new String[] {"1", "4", "100"}) {
            Path out = dir.resolve("values_" + batch + ".npy");
            Cli.Run run = Cli.run("loss", f.name(), "--y-true", targetsFile(f), "--y-pred", file("probs"),
                    "--reduction", "none", "--output", out.toString(), "--batch-size", batch);
            expected[0] = loss.call(targets(f), probs);
            assertEquals(0, run.code, run.toString());
            assertTrue(JSON.readTree(run.out).get("result").isNull(), run.out);
            try (NpyArrayFile written = NpyArrayFile.open(out.toString())) {
                NdArray values = written.readAll(1 << 20);
                assertArrayEquals(expected[0].shape(), values.shape(), "--batch-size " + batch);
                assertArrayEquals(expected[0].toFloatArray(), values.toFloatArray(), "--batch-size " + batch);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void gradientOfEveryLoss(KerasFunction f) throws IOException {
        Loss loss = f.newLoss(Map.of());
        Path g = dir.resolve("gradient.npy");
        Cli.Run run = Cli.run("loss", f.name(), "--y-true", targetsFile(f), "--y-pred", file("probs"), "--gradient",
                g.toString(), "--batch-size", "4");
        loss.value(targets(f), probs);
        NdArray[] expected = new NdArray[1];
        expected[0] = loss.gradient(targets(f), probs);
        assertEquals(0, run.code, run.toString());
        try (NpyArrayFile written = NpyArrayFile.open(g.toString())) {
            float[] actual = written.readAll(1 << 20).toFloatArray();
            float[] e = expected[0].toFloatArray();
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], actual[i], 1e-6 * Math.abs(e[i]) + 1e-9, f + " element " + i);
            }
        }
    }

    static void assertClose(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) <= 1e-12 * Math.max(Math.abs(expected), Math.abs(actual)),
                what + ": expected " + expected + " but got " + actual);
    }
}
