package dev.xent.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.losses.Loss;
import dev.xent.metrics.CompiledMetrics;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.saving.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CompileConfig} resolves every function of the catalogue in every form Keras 3.15.1 writes it in a
 * {@code compile_config}, refuses what Keras refuses, and lists what xent does not compute.
 */
class CompileConfigTest {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Shapes for which the function's own inputs are valid; "accuracy" and "crossentropy" are categorical here. */
    static final int[] LABELS = {4};
    static final int[] ROWS = {4, 3};

    static Stream<KerasFunction> functions() {
        return Catalog.all().stream();
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> config(Object loss, Object metrics, Object weightedMetrics) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("loss", loss);
        c.put("loss_weights", null);
        c.put("metrics", metrics);
        c.put("weighted_metrics", weightedMetrics);
        return c;
    }

    static CompiledMetrics compile(Object loss, Object metrics) {
        return CompileConfig.parse(json(config(loss, metrics, null))).toCompiledMetrics(LABELS, ROWS);
    }

    static int[] yTrueShape(KerasFunction f) {
        return f.targets() == KerasFunction.Targets.LABELS ? LABELS : ROWS;
    }

    /** What {@code serialize_keras_object} writes for a function: Keras 3.15.1 writes module "builtins". */
    static Map<String, Object> serializedFunction(String name) {
        Map<String, Object> fn = new LinkedHashMap<>();
        fn.put("module", "builtins");
        fn.put("class_name", "function");
        fn.put("config", name);
        fn.put("registered_name", "function");
        return fn;
    }

    // ---- every catalogue function, in every form -------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("functions")
    void metricAsEveryStringKerasAccepts(KerasFunction f) {
        List<String> ids = f.kerasMetricIdentifiers();
        assertEquals(f.hasMetricClass(), !ids.isEmpty(), f.name());
        if (ids.isEmpty()) {
            // The focal losses: Keras's metrics.get refuses the string (see stringsKerasCannotInterpret).
            assertThrows(IllegalArgumentException.class, () -> compile("poisson", List.of(f.name())));
            return;
        }
        List<Object> metrics = new ArrayList<>(ids);
        CompiledMetrics cm = CompileConfig.parse(json(config("poisson", metrics, null)))
                .toCompiledMetrics(yTrueShape(f), ROWS);
        assertEquals(ids.size(), cm.metrics().size());
        for (int i = 0; i < ids.size(); i++) {
            MeanMetricWrapper m = cm.metrics().get(i);
            assertSame(f, m.function(), ids.get(i));
            assertEquals(ids.get(i), m.name(), "named by the string, as compile_utils.get_metric names it");
        }
    }

    @ParameterizedTest
    @MethodSource("functions")
    void metricAsSerializedObjectAndFunction(KerasFunction f) {
        MeanMetricWrapper configured = f.newMetric(Map.of("name", "mine"));
        List<Object> metrics = List.of(Serialization.serializeKerasObject(configured), serializedFunction(f.name()));
        CompiledMetrics cm = CompileConfig.parse(json(config("poisson", null, metrics)))
                .toCompiledMetrics(yTrueShape(f), ROWS);
        assertEquals(2, cm.weightedMetrics().size());
        MeanMetricWrapper object = cm.weightedMetrics().get(0);
        assertSame(f, object.function());
        assertEquals("mine", object.name());
        assertEquals(configured.getConfig(), object.getConfig());
        MeanMetricWrapper function = cm.weightedMetrics().get(1);
        assertSame(f, function.function());
        assertEquals(f.name(), function.name(), "named by the function (get_object_name)");
    }

    @ParameterizedTest
    @MethodSource("functions")
    void lossAsEveryStringKerasAccepts(KerasFunction f) {
        List<String> ids = f.kerasLossIdentifiers();
        assertEquals(f.hasLoss(), !ids.isEmpty(), f.name());
        for (String id : ids) {
            Loss loss = CompileConfig.parse(json(config(id, null, null))).toCompiledMetrics(yTrueShape(f), ROWS).loss();
            assertSame(f, loss.function(), id);
            assertEquals(f.newLoss(Map.of()).arguments().toString(), loss.arguments().toString(), "Keras's defaults");
            // A class name is the class with its default name; a function name or alias Keras's
            // LossFunctionWrapper(fn, name=identifier).
            assertEquals(id.equals(f.lossClassName()) ? f.newLoss(Map.of()).name() : id, loss.name(), id);
        }
        if (!f.hasLoss()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> compile(f.name(), null));
            assertTrue(e.getMessage().contains("Could not interpret loss identifier: " + f.name()), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("functions")
    void lossAsSerializedObjectAndFunction(KerasFunction f) {
        if (!f.hasLoss()) {
            // Keras wraps any function in a LossFunctionWrapper; xent has no loss for the accuracies: skipped.
            CompileConfig.Resolution r = CompileConfig.parse(json(config(serializedFunction(f.name()), null, null)))
                    .resolve(yTrueShape(f), ROWS);
            assertEquals(1, r.skipped().size());
            assertEquals("loss", r.skipped().get(0).key());
            assertFalse(r.result().containsKey("loss"));
            return;
        }
        Loss configured = f.newLoss(Map.of("name", "mine", "reduction", "sum"));
        Loss object = CompileConfig.parse(json(config(Serialization.serializeKerasObject(configured), null, null)))
                .toCompiledMetrics(yTrueShape(f), ROWS).loss();
        assertSame(f, object.function());
        assertEquals(configured.getConfig(), object.getConfig());
        Loss function = CompileConfig.parse(json(config(serializedFunction(f.name()), null, null)))
                .toCompiledMetrics(yTrueShape(f), ROWS).loss();
        assertSame(f, function.function());
        assertEquals(f.name(), function.name());
        assertEquals(f.newLoss(Map.of()).getConfig().get("reduction"), function.getConfig().get("reduction"));
    }

    // ---- compile()'s shape-chosen strings --------------------------------------------------------------------

    @Test
    void accuracyAndCrossentropyByShape() {
        String c = json(config("CE", List.of("accuracy", "Acc"), null));
        CompiledMetrics binary = CompileConfig.parse(c).toCompiledMetrics(new int[] {4, 1}, new int[] {4, 1});
        assertSame(Catalog.BINARY_CROSSENTROPY, binary.loss().function());
        assertEquals("CE", binary.loss().name());
        assertSame(Catalog.BINARY_ACCURACY, binary.metrics().get(0).function());
        assertEquals("Acc", binary.metrics().get(1).name());
        CompiledMetrics sparse = CompileConfig.parse(c).toCompiledMetrics(new int[] {4, 1}, new int[] {4, 3});
        assertSame(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY, sparse.loss().function());
        assertSame(Catalog.SPARSE_CATEGORICAL_ACCURACY, sparse.metrics().get(0).function());
        CompiledMetrics categorical = CompileConfig.parse(c).toCompiledMetrics(new int[] {4, 3}, new int[] {4, 3});
        assertSame(Catalog.CATEGORICAL_CROSSENTROPY, categorical.loss().function());
        assertSame(Catalog.CATEGORICAL_ACCURACY, categorical.metrics().get(0).function());
        // Multi-label targets: Keras picks CategoricalAccuracy, as it does (evaluate.json's multilabel model).
        CompiledMetrics multiLabel = CompileConfig.parse(c).toCompiledMetrics(new int[] {4, 3}, new int[] {4, 3});
        assertSame(Catalog.CATEGORICAL_ACCURACY, multiLabel.metrics().get(0).function());
    }

    // ---- what Keras refuses -----------------------------------------------------------------------------------

    @Test
    void stringsKerasCannotInterpret() {
        for (String s : List.of("kld", "KLD", "binary_focal_crossentropy", "BinaryFocalCrossentropy",
                "categorical_focal_crossentropy", "crossentropy", "CE")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> compile("poisson", List.of("accuracy", s)), s);
            assertTrue(e.getMessage().contains("compile_config.metrics[1] (\"" + s + "\"): Keras cannot use it as a"
                    + " metric (keras.metrics.get raises \"Could not interpret metric identifier: " + s + "\")"),
                    e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> compile(null, List.of("binary_focal_crossentropy")));
        assertTrue(e.getMessage().endsWith("compile(metrics=[keras.losses.binary_focal_crossentropy]) passes the"
                + " function"), e.getMessage());
        for (String s : List.of("accuracy", "acc", "binary_accuracy", "SparseCategoricalAccuracy")) {
            e = assertThrows(IllegalArgumentException.class, () -> compile(s, null), s);
            assertTrue(e.getMessage().contains("compile_config.loss (\"" + s + "\"): Keras cannot use it as a loss"),
                    e.getMessage());
        }
    }

    @Test
    void compileConfigThatIsNotAnObject() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CompileConfig.parse("\"sparse_categorical_crossentropy\""));
        assertEquals("compile_config: compile_config (\"sparse_categorical_crossentropy\") must be a JSON object of"
                + " compile() arguments, as Keras's compile(**compile_config) needs; it is a string", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CompileConfig.parse("[\"accuracy\"]"));
        assertTrue(e.getMessage().endsWith("; it is a list"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CompileConfig.parse("3"));
        assertTrue(e.getMessage().endsWith("; it is a number"), e.getMessage());
    }

    @Test
    void noLossAndNoMetrics() {
        for (String c : List.of("{\"loss\": null}", "{\"loss\": null, \"metrics\": [], \"weighted_metrics\": null}",
                "{\"optimizer\": \"rmsprop\"}", "{\"loss\": null, \"metrics\": [[]]}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CompileConfig.parse(c).resolve(LABELS, ROWS), c);
            assertTrue(e.getMessage().startsWith("compile_config: compile_config has no loss and no metrics, so there"
                    + " is nothing to evaluate (Keras's evaluate raises \"No loss to compute."), e.getMessage());
        }
        // With metrics, Keras 3.15 on TensorFlow raises too (on JAX it reports a loss of 0).
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> compile(null, List.of("accuracy")));
        assertEquals("compile_config: compile_config has metrics but no loss (\"loss\": null), which Keras on"
                + " TensorFlow cannot evaluate (its evaluate raises \"No loss to compute. Provide a `loss` argument in"
                + " `compile()`.\")", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CompileConfig.parse("{\"weighted_metrics\": [\"accuracy\"]}").resolve(LABELS, ROWS));
        assertTrue(e.getMessage().contains("has metrics but no loss (\"loss\": absent)"), e.getMessage());
    }

    @Test
    void metricsThatAreNotAList() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> compile("poisson", "accuracy"));
        assertEquals("compile_config: compile_config.metrics (\"accuracy\") must be a list (or a dict by output), as"
                + " Keras's compile() requires (\"Expected `metrics` argument to be a list, tuple, or dict\")",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> compile("poisson",
                Serialization.serializeKerasObject(Catalog.POISSON.newMetric(Map.of()))));
        assertTrue(e.getMessage().startsWith("compile_config: compile_config.metrics (Poisson) must be a list"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> compile("poisson", List.of(3)));
        assertEquals("compile_config: compile_config.metrics[0] (3) must be a string or a serialized Keras object",
                e.getMessage());
    }

    @Test
    void badConfigOfAKnownClassIsAnError() {
        Map<String, Object> bad = Serialization.serializeKerasObject(Catalog.BINARY_ACCURACY.newMetric(Map.of()));
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = new LinkedHashMap<>((Map<String, Object>) bad.get("config"));
        inner.put("thresholds", 0.5);
        bad = new LinkedHashMap<>(bad);
        bad.put("config", inner);
        Map<String, Object> given = bad;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CompileConfig.parse(json(config(null, List.of("auc", given), null))).resolve(ROWS, ROWS));
        assertTrue(e.getMessage().startsWith("compile_config: compile_config.metrics[1] (BinaryAccuracy): config key"
                + " 'thresholds' is not an argument of BinaryAccuracy"), e.getMessage());
    }

    // ---- what xent does not compute -----------------------------------------------------------------------------

    static Map<String, Object> object(String module, String className, Map<String, Object> config, String registered) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("module", module);
        o.put("class_name", className);
        o.put("config", config);
        o.put("registered_name", registered);
        return o;
    }

    @Test
    void everyUnsupportedEntryIsNamedInOneLine() {
        Map<String, Object> auc = object("keras.metrics", "AUC", Map.of("name", "auc", "num_thresholds", 200), null);
        Map<String, Object> custom = object(null, "MyMetric", Map.of("name", "my_metric"), "my_pkg>MyMetric");
        Map<String, Object> lossAsMetric = Serialization.serializeKerasObject(Catalog.POISSON.newLoss(Map.of()));
        Map<String, Object> registeredFn = serializedFunction("my_pkg>my_fn");
        Map<String, Object> wrapper = object("keras.metrics", "MeanMetricWrapper",
                Map.of("name", "mmw", "fn", serializedFunction("mean_squared_error")), null);
        Map<String, Object> c = config("mse",
                List.of("accuracy", auc, "auc", custom, lossAsMetric, registeredFn, serializedFunction("hinge"), wrapper),
                List.of("precision", "acc"));
        CompileConfig cc = CompileConfig.parse(json(c));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cc.toCompiledMetrics(LABELS, ROWS));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.startsWith("compile_config: compile_config has 9 entries xent does not compute:"
                + " compile_config.loss (\"mse\"): not a loss xent computes;"
                + " compile_config.metrics[1] (AUC): not a metric xent computes;"
                + " compile_config.metrics[2] (\"auc\"): not a metric xent computes;"
                + " compile_config.metrics[3] (MyMetric): a custom object (registered as my_pkg>MyMetric);"
                + " compile_config.metrics[4] (Poisson): a loss object used as a metric (Keras averages its per-batch"
                + " values) is not computed by xent;"
                + " compile_config.metrics[5] (my_pkg>my_fn): a custom function (registered as my_pkg>my_fn);"
                + " compile_config.metrics[6] (hinge): not a function xent computes;"
                + " compile_config.metrics[7] (MeanMetricWrapper(mean_squared_error)): a MeanMetricWrapper of a"
                + " function xent does not compute;"
                + " compile_config.weighted_metrics[0] (\"precision\"): not a metric xent computes. xent computes the"
                + " losses sparse_categorical_crossentropy, categorical_crossentropy, binary_crossentropy,"), m);
        // The list of what xent computes comes from the catalogue.
        for (KerasFunction f : Catalog.all()) {
            assertTrue(m.contains(f.name()), f.name());
        }

        CompileConfig.Resolution r = cc.resolve(LABELS, ROWS);
        List<String> keys = new ArrayList<>();
        r.skipped().forEach(s -> keys.add(s.key()));
        assertEquals(List.of("loss", "auc", "auc_1", "my_metric", "poisson", "my_fn", "hinge", "mmw", "precision"), keys);
        assertEquals("compile_config.metrics[1]", r.skipped().get(1).entry());
        assertEquals("AUC", r.skipped().get(1).identifier());
        assertEquals("not a metric xent computes", r.skipped().get(1).reason());
        assertEquals(List.of("accuracy", "acc"), List.copyOf(r.result().keySet()), "no loss: it is skipped");
        assertEquals(m, r.unsupportedMessage());
        assertNull(CompileConfig.parse(json(config("poisson", List.of("acc"), null))).resolve(LABELS, ROWS)
                .unsupportedMessage());
    }

    @Test
    void customFunctionsAndLegacyForms() {
        // tf.keras 2 writes no module; a config with a reduction is a loss.
        Map<String, Object> legacyLoss = new LinkedHashMap<>();
        legacyLoss.put("class_name", "KLDivergence");
        legacyLoss.put("config", Map.of("name", "kl", "reduction", "auto"));
        Map<String, Object> legacyMetric = new LinkedHashMap<>();
        legacyMetric.put("class_name", "BinaryAccuracy");
        legacyMetric.put("config", Map.of("name", "ba", "dtype", "float32", "threshold", 0.3));
        CompiledMetrics cm = CompileConfig.parse(json(config(legacyLoss, List.of(legacyMetric), null)))
                .toCompiledMetrics(ROWS, ROWS);
        assertSame(Catalog.KL_DIVERGENCE, cm.loss().function());
        assertEquals("ba", cm.metrics().get(0).name());
        // A function from another module is a custom one, even with a catalogue name.
        Map<String, Object> foreign = serializedFunction("poisson");
        foreign.put("module", "my_pkg.metrics");
        CompileConfig.Resolution r = CompileConfig.parse(json(config("poisson", List.of(foreign), null)))
                .resolve(ROWS, ROWS);
        assertEquals("compile_config.metrics[0] (poisson): a function from module 'my_pkg.metrics'",
                r.skipped().get(0).toString());
        assertEquals("poisson", r.skipped().get(0).key());
    }
}
