package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.losses.Loss;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyWriter;
import dev.xent.saving.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --config} in every form Keras writes, resolved through the catalogue: Keras 3's serialized objects, a
 * function serialized by name, a bare {@code get_config()} dict with NAME, tf.keras 2's forms (no module,
 * {@code "reduction": "auto"}, a function as a bare string, {@code fn} as a string), and {@code MeanMetricWrapper} /
 * {@code LossFunctionWrapper} of a function. Objects are built without computing (so that functions whose
 * computation is pending are covered too) and, where computed, also run.
 */
class CliConfigTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    String labels;
    String oneHot;
    String probs;

    @BeforeEach
    void writeInputs() throws IOException {
        labels = write("labels", NdArray.of(new int[] {1, 2}));
        oneHot = write("onehot", NdArray.of(new float[] {0, 1, 0, 0, 0, 1}, 2, 3));
        probs = write("probs", NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3));
    }

    String write(String name, NdArray a) throws IOException {
        Path p = dir.resolve(name + ".npy");
        NpyWriter.write(p, a);
        return p.toString();
    }

    static RuntimeException usage(String message) {
        return new IllegalStateException("usage: " + message);
    }

    /** The metric {@code xent metric [NAME] --config CONFIG OPTIONS} would compute (not run). */
    static MeanMetricWrapper metric(String name, String config, String... options) {
        EvaluateCommand c = parse("metric", name, config, options);
        ConfigInput cfg = c.keras.config();
        KerasFunction f = c.keras.resolve(c.name(), cfg, false, CliConfigTest::usage);
        return c.keras.newMetric(f, cfg, CliConfigTest::usage);
    }

    /** The loss {@code xent loss [NAME] --config CONFIG OPTIONS} would compute (not run). */
    static Loss loss(String name, String config, String... options) {
        LossCommand c = (LossCommand) parse("loss", name, config, options);
        ConfigInput cfg = c.keras.config();
        KerasFunction f = c.keras.resolve(c.name(), cfg, true, CliConfigTest::usage);
        return c.keras.newLoss(f, cfg, c.reduction, CliConfigTest::usage);
    }

    static EvaluateCommand parse(String command, String name, String config, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of(command));
        if (name != null) {
            args.add(name);
        }
        args.addAll(List.of("--y-true", "t.npy", "--y-pred", "p.npy", "--config", config));
        args.addAll(List.of(options));
        return CliCatalogTest.parse(args.toArray(new String[0]));
    }

    @Test
    void keras3SerializedObjects() {
        // keras.saving.serialize_keras_object(keras.losses.BinaryFocalCrossentropy(gamma=3.0, apply_class_balancing=True))
        Loss l = loss(null, "{\"module\": \"keras.losses\", \"class_name\": \"BinaryFocalCrossentropy\", \"config\":"
                + " {\"name\": \"binary_focal_crossentropy\", \"reduction\": \"sum_over_batch_size\", \"from_logits\":"
                + " false, \"label_smoothing\": 0.0, \"axis\": -1, \"apply_class_balancing\": true, \"alpha\": 0.25,"
                + " \"gamma\": 3.0}, \"registered_name\": null}");
        assertEquals(Catalog.BINARY_FOCAL_CROSSENTROPY, l.function());
        assertEquals(true, l.getConfig().get("apply_class_balancing"));
        assertEquals(3.0, l.getConfig().get("gamma"));
        MeanMetricWrapper m = metric(null, "{\"module\": \"keras.metrics\", \"class_name\": \"BinaryAccuracy\","
                + " \"config\": {\"name\": \"acc\", \"dtype\": \"float32\", \"threshold\": 0.7}, \"registered_name\": null}");
        assertEquals(Map.of("name", "acc", "dtype", "float32", "threshold", 0.7), m.getConfig());
        // Every serialized form xent writes reads back to the same config.
        for (KerasFunction f : Catalog.all()) {
            Map<String, Object> s = Serialization.serializeKerasObject(f.newMetric(Map.of("name", "m")));
            assertEquals(s.get("config"), metric(null, json(s)).getConfig(), f.name());
            if (f.hasLoss()) {
                Map<String, Object> sl = Serialization.serializeKerasObject(f.newLoss(Map.of("name", "l")));
                assertEquals(sl.get("config"), loss(null, json(sl)).getConfig(), f.name());
            }
        }
    }

    @Test
    void functionSerializedByName() {
        for (KerasFunction f : Catalog.all()) {
            String byName = "{\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"" + f.name()
                    + "\", \"registered_name\": \"function\"}";
            MeanMetricWrapper m = metric(null, byName);
            assertEquals(f, m.function());
            assertEquals(f.newMetric(Map.of()).getConfig(), m.getConfig());
            if (f.hasLoss()) {
                assertEquals(f.newLoss(Map.of()).getConfig(), loss(null, byName).getConfig());
                // tf.keras 2 writes a function given by name as the bare string.
                assertEquals(f.newLoss(Map.of()).getConfig(), loss(null, "\"" + f.name() + "\"").getConfig());
            }
        }
    }

    @Test
    void bareConfigWithName() {
        Loss l = loss("categorical_focal_crossentropy", "{\"alpha\": [0.2, 0.3, 0.5], \"gamma\": 1.0}");
        assertEquals(List.of(0.2, 0.3, 0.5), l.getConfig().get("alpha"));
        assertEquals(1.0, l.getConfig().get("gamma"));
        assertEquals(5, metric("top_k_categorical_accuracy", "{\"name\": \"top\"}").getConfig().get("k"));
    }

    @Test
    void tfKeras2Forms() {
        // tf.keras 2: no module, the reduction "auto".
        Loss l = loss(null, "{\"class_name\": \"SparseCategoricalCrossentropy\", \"config\": {\"reduction\": \"auto\","
                + " \"name\": \"sparse_categorical_crossentropy\", \"from_logits\": true, \"ignore_class\": null}}");
        assertEquals("sum_over_batch_size", l.getConfig().get("reduction"));
        assertEquals(true, l.getConfig().get("from_logits"));
        Loss kl = loss(null, "{\"class_name\": \"KLDivergence\", \"config\": {\"reduction\": \"auto\", \"name\":"
                + " \"kl_divergence\"}}");
        assertEquals(Map.of("name", "kl_divergence", "reduction", "sum_over_batch_size"), kl.getConfig());
        // tf.keras 2's MeanMetricWrapper names its function as a string.
        MeanMetricWrapper m = metric(null, "{\"class_name\": \"MeanMetricWrapper\", \"config\": {\"name\": \"bfc\","
                + " \"dtype\": \"float32\", \"fn\": \"binary_focal_crossentropy\", \"gamma\": 3.0}}");
        assertEquals(Catalog.BINARY_FOCAL_CROSSENTROPY, m.function());
        assertEquals(3.0, m.getConfig().get("gamma"));
    }

    @Test
    void wrappersOfAFunction() {
        // What Keras 3 writes for compile(metrics=["binary_focal_crossentropy"]).
        String focal = "{\"module\": \"keras.metrics\", \"class_name\": \"MeanMetricWrapper\", \"config\": {\"name\":"
                + " \"binary_focal_crossentropy\", \"dtype\": \"float32\", \"fn\": {\"module\": \"keras.losses\","
                + " \"class_name\": \"function\", \"config\": \"binary_focal_crossentropy\", \"registered_name\":"
                + " \"function\"}}, \"registered_name\": null}";
        MeanMetricWrapper m = metric(null, focal);
        assertEquals(Catalog.BINARY_FOCAL_CROSSENTROPY, m.function());
        assertEquals("MeanMetricWrapper", m.function().metricClassName());
        assertTrue(m.getConfig().containsKey("fn"), m.getConfig().toString());
        assertEquals(1.5, metric(null, focal, "--gamma", "1.5").getConfig().get("gamma"));
        // A MeanMetricWrapper of a function with a metric class is that class (which has no fn).
        MeanMetricWrapper cce = metric(null, "{\"module\": \"keras.metrics\", \"class_name\": \"MeanMetricWrapper\","
                + " \"config\": {\"name\": \"cce\", \"dtype\": \"float32\", \"fn\": {\"module\": \"keras.losses\","
                + " \"class_name\": \"function\", \"config\": \"categorical_crossentropy\"}}}");
        assertEquals(Map.of("name", "cce", "dtype", "float32", "from_logits", false, "label_smoothing", 0, "axis", -1),
                cce.getConfig());
        Loss lfw = loss(null, "{\"module\": \"keras.losses\", \"class_name\": \"LossFunctionWrapper\", \"config\":"
                + " {\"name\": \"p\", \"reduction\": \"sum\", \"fn\": {\"module\": \"keras.losses\", \"class_name\":"
                + " \"function\", \"config\": \"poisson\"}}}");
        assertEquals(Catalog.POISSON, lfw.function());
        assertEquals("sum", lfw.getConfig().get("reduction"));
    }

    @Test
    void optionsOverrideConfigKeys() {
        Loss l = loss(null, "{\"module\": \"keras.losses\", \"class_name\": \"BinaryCrossentropy\", \"config\":"
                + " {\"name\": \"bce\", \"reduction\": \"sum\", \"from_logits\": true, \"label_smoothing\": 0.2}}",
                "--no-from-logits", "--label-smoothing", "0.1", "--reduction", "mean", "--name", "mine");
        assertEquals("mine", l.getConfig().get("name"));
        assertEquals("mean", l.getConfig().get("reduction"));
        assertEquals(false, l.getConfig().get("from_logits"));
        assertEquals(0.1, l.getConfig().get("label_smoothing"));
        MeanMetricWrapper m = metric("categorical_crossentropy", "{\"from_logits\": true}", "--dtype", "float64",
                "--smooth-over-class-axis");
        assertEquals("float64", m.getConfig().get("dtype"));
        assertEquals(true, m.arguments().get("smooth_over_class_axis"));
    }

    @Test
    void runsWithEachForm() throws IOException {
        for (String config : List.of(
                "{\"module\": \"keras.losses\", \"class_name\": \"CategoricalCrossentropy\", \"config\": {\"name\":"
                        + " \"cce\", \"reduction\": \"sum\", \"from_logits\": false, \"label_smoothing\": 0.1,"
                        + " \"axis\": -1}, \"registered_name\": null}",
                "{\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"categorical_crossentropy\","
                        + " \"registered_name\": \"function\"}",
                "{\"class_name\": \"CategoricalCrossentropy\", \"config\": {\"reduction\": \"auto\", \"name\": \"c\","
                        + " \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1}}",
                "\"categorical_crossentropy\"")) {
            Cli.Run run = Cli.run("loss", "--y-true", oneHot, "--y-pred", probs, "--config", config);
            assertEquals(0, run.code, config + "\n" + run);
            Loss expected = loss(null, config);
            JsonNode out = JSON.readTree(run.out);
            assertEquals("CategoricalCrossentropy", out.get("class_name").asText());
            assertEquals(JSON.valueToTree(expected.getConfig()), out.get("config"));
            assertEquals(expected.value(NdArray.of(new float[] {0, 1, 0, 0, 0, 1}, 2, 3),
                    NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3)),
                    out.get("result").asDouble(), 1e-12);
        }
        Path file = dir.resolve("metric.json");
        Files.writeString(file, "{\"module\": \"keras.metrics\", \"class_name\": \"SparseTopKCategoricalAccuracy\","
                + " \"config\": {\"name\": \"top1\", \"dtype\": \"float32\", \"k\": 1}, \"registered_name\": null}");
        Cli.Run run = Cli.run("metric", "--y-true", labels, "--y-pred", probs, "--config", "@" + file);
        assertEquals(0, run.code, run.toString());
        assertTrue(run.out.startsWith("{\"class_name\":\"SparseTopKCategoricalAccuracy\",\"config\":{\"name\":\"top1\","
                + "\"dtype\":\"float32\",\"k\":1},\"result\":0.5,"), run.out);
    }

    @Test
    void badConfigs() {
        CliErrorsTest.assertDataError("--config: config key 'normalize_before_clip' is an option of xent, not of Keras:"
                + " give it on the command line (--normalize-before-clip), never in a config", Cli.run("metric",
                "sparse_categorical_crossentropy", "--y-true", labels, "--y-pred", probs, "--config",
                "{\"normalize_before_clip\": true}"));
        CliErrorsTest.assertDataError("--config: class_name MeanMetricWrapper is a metric; use 'xent metric' for it",
                Cli.run("loss", "--y-true", oneHot, "--y-pred", probs, "--config", "{\"class_name\":"
                        + " \"MeanMetricWrapper\", \"config\": {\"fn\": \"poisson\"}}"));
        CliErrorsTest.assertDataError("--config: MeanMetricWrapper config 'fn' (null) must name a function (one of "
                + Catalog.names(false) + ")", Cli.run("metric", "--y-true", oneHot, "--y-pred", probs, "--config",
                "{\"class_name\": \"MeanMetricWrapper\", \"config\": {\"name\": \"m\"}}"));
        CliErrorsTest.assertDataError("--config: function (hinge) must be one of " + Catalog.names(true),
                Cli.run("loss", "--y-true", oneHot, "--y-pred", probs, "--config", "\"hinge\""));
        CliErrorsTest.assertDataError("--config: function (binary_accuracy) must be one of " + Catalog.names(true)
                + " (Keras has no loss of binary_accuracy, only a metric: use 'xent metric')",
                Cli.run("loss", "--y-true", oneHot, "--y-pred", probs, "--config", "\"binary_accuracy\""));
        CliErrorsTest.assertDataError("--config: config key 'reduction' is not an argument of BinaryAccuracy; its keys"
                + " are [name, dtype, threshold]", Cli.run("metric", "binary_accuracy", "--y-true", oneHot,
                "--y-pred", probs, "--config", "{\"reduction\": \"auto\"}"));
        CliErrorsTest.assertUsageError("NAME (poisson) does not match the class_name (KLDivergence) of --config",
                "xent loss", Cli.run("loss", "poisson", "--y-true", oneHot, "--y-pred", probs, "--config",
                        "{\"class_name\": \"KLDivergence\", \"config\": {}}"));
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
