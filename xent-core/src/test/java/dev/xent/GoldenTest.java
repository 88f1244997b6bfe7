package dev.xent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static dev.xent.testsupport.GoldenJson.JSON;
import static dev.xent.testsupport.GoldenJson.array;
import static dev.xent.testsupport.GoldenJson.map;
import static dev.xent.testsupport.GoldenJson.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xent.losses.Loss;
import dev.xent.losses.Losses;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.NdArray;
import dev.xent.saving.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the golden data generated from real Keras 3.15.1 on TensorFlow 2.21 ({@code tools/golden/generate.py},
 * see {@code tools/golden/README.md}): one dynamic test per case, named by the case id.
 *
 * <p>Each case checks the numbers (per element and reduced; metrics also {@code total} and {@code count}), that
 * {@code getConfig()} equals Keras's {@code get_config()} (same keys in the same order, same values and JSON types),
 * and that serializing what {@code Serialization.deserializeKerasObject} builds from Keras's serialized form gives that
 * form back. Cases where Keras raises expect {@link IllegalArgumentException}.
 *
 * <p>Tolerance: {@code |ours - keras| <= 1e-6 + 1e-6 |keras|} when anything in the computation is float32 (the case's
 * {@code precision}), {@code 1e-9 + 1e-9 |keras|} when all of it is float64. NaN must be NaN and infinities exact.
 *
 * <p>Where this library deliberately differs from Keras 3.15.1 (each difference is documented in the class it concerns)
 * the case is checked against the documented behaviour instead, in {@link #knownDifference}; every such place is listed
 * there.
 */
class GoldenTest {

    static final List<String> FILES = List.of("docs_examples.json", "functions.json", "losses_sparse.json",
            "losses_categorical.json", "metrics_sparse.json", "metrics_categorical.json", "keras_tests.json");


    @TestFactory
    Stream<DynamicNode> golden() {
        return FILES.stream().map(GoldenTest::file);
    }

    static DynamicContainer file(String name) {
        JsonNode root = read(name);
        List<DynamicNode> tests = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("id").asText(), () -> run(c)));
        }
        String header = name + " (keras " + root.get("keras_version").asText() + ", tensorflow "
                + root.get("tensorflow_version").asText() + ")";
        return DynamicContainer.dynamicContainer(header, tests);
    }

    static JsonNode read(String name) {
        try (InputStream in = GoldenTest.class.getResourceAsStream("/golden/" + name)) {
            assertNotNull(in, "missing test resource golden/" + name + "; run tools/golden/generate.py");
            JsonNode root = JSON.readTree(in);
            assertEquals("tensorflow", root.get("backend").asText());
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- one case ----------------------------------------------------------------------------------------------

    static void run(JsonNode c) {
        switch (c.get("kind").asText()) {
            case "function":
                runFunction(c);
                break;
            case "loss":
                runLoss(c);
                break;
            case "metric":
                runMetric(c);
                break;
            default:
                fail("unknown kind " + c.get("kind"));
        }
    }

    static void runFunction(JsonNode c) {
        JsonNode cfg = c.get("config");
        JsonNode call = c.get("calls").get(0);
        NdArray yTrue = array(call.get("y_true"));
        NdArray yPred = array(call.get("y_pred"));
        boolean fromLogits = cfg.get("from_logits").asBoolean();
        int axis = cfg.get("axis").asInt();
        boolean sparse = c.get("class_name").asText().equals("sparse_categorical_crossentropy");
        Integer ignore = sparse && !cfg.get("ignore_class").isNull() ? cfg.get("ignore_class").asInt() : null;
        double ls = sparse ? 0 : cfg.get("label_smoothing").asDouble();
        Supplier<NdArray> compute = sparse
                ? () -> Losses.sparseCategoricalCrossentropy(yTrue, yPred, fromLogits, ignore, axis)
                : () -> Losses.categoricalCrossentropy(yTrue, yPred, fromLogits, ls, axis);
        if (expectsError(c) || knownDifference(c) == Difference.NON_INTEGRAL_LABELS) {
            assertThrows(IllegalArgumentException.class, compute::get, errorMessage(c));
            return;
        }
        assertArray(c, "per-element values", c.get("expected").get("result"), compute.get());
    }

    static void runLoss(JsonNode c) {
        checkSerializationRoundTrip(c);
        assumeSupportedDtype(c, c.get("dtype").asText());
        Map<String, Object> cfg = map(c.get("config"));
        // Keras 3.15.1 does not write axis (sparse) or dtype (any loss) into configs: they are constructor arguments
        int axis = c.get("axis").asInt();
        if (!cfg.containsKey("axis") && axis != -1) {
            cfg.put("axis", axis);
        }
        if (!c.get("dtype").asText().equals("float32")) {
            cfg.put("dtype", c.get("dtype").asText());
        }
        Loss loss = c.get("class_name").asText().equals("SparseCategoricalCrossentropy")
                ? dev.xent.losses.SparseCategoricalCrossentropy.fromConfig(cfg)
                : dev.xent.losses.CategoricalCrossentropy.fromConfig(cfg);
        JsonNode expectedConfig = c.get("config");
        if (knownDifference(c) == Difference.SPARSE_LOSS_CONFIG_AXIS) {
            expectedConfig = ((ObjectNode) expectedConfig.deepCopy()).put("axis", axis);
        }
        assertConfig(expectedConfig, loss.getConfig(), "getConfig()");
        if (c.get("calls").isEmpty()) {
            return;
        }
        JsonNode call = c.get("calls").get(0);
        NdArray yTrue = array(call.get("y_true"));
        NdArray yPred = array(call.get("y_pred"));
        NdArray sw = call.get("sample_weight").isNull() ? null : array(call.get("sample_weight"));
        if (expectsError(c)) {
            assertThrows(IllegalArgumentException.class, () -> loss.call(yTrue, yPred, sw), errorMessage(c));
            return;
        }
        NdArray out = loss.call(yTrue, yPred, sw);
        JsonNode expected = c.get("expected").get("result");
        if (knownDifference(c) == Difference.LABEL_SMOOTHING_CLASS_AXIS) {
            var fixed = ((dev.xent.losses.CategoricalCrossentropy) loss).toBuilder().smoothOverClassAxis(true).build();
            assertLoss(c, c.get("expected_if_fixed").get("result"), fixed.call(yTrue, yPred, sw));
        }
        if (knownDifference(c) == Difference.EMPTY_LOSS_REDUCES_TO_ZERO) {
            expected = JSON.getNodeFactory().numberNode(0.0);
        }
        assertLoss(c, expected, out);
    }

    static void assertLoss(JsonNode c, JsonNode expected, NdArray out) {
        if (expected.isObject()) {
            assertArray(c, "loss", expected, out);
        } else {
            assertEquals(0, out.rank(), "a reduced loss is rank 0");
            assertClose(c, "loss", number(expected), out.getDouble(0));
        }
    }

    static void runMetric(JsonNode c) {
        checkSerializationRoundTrip(c);
        assumeSupportedDtype(c, c.get("config").get("dtype").asText());
        Map<String, Object> cfg = map(c.get("config"));
        MeanMetricWrapper m = c.get("class_name").asText().equals("SparseCategoricalCrossentropy")
                ? dev.xent.metrics.SparseCategoricalCrossentropy.fromConfig(cfg)
                : dev.xent.metrics.CategoricalCrossentropy.fromConfig(cfg);
        assertConfig(c.get("config"), m.getConfig(), "getConfig()");
        List<NdArray[]> calls = new ArrayList<>();
        for (JsonNode call : c.get("calls")) {
            calls.add(new NdArray[] {array(call.get("y_true")), array(call.get("y_pred")),
                call.get("sample_weight").isNull() ? null : array(call.get("sample_weight"))});
        }
        if (expectsError(c)) {
            assertThrows(IllegalArgumentException.class, () -> {
                for (NdArray[] call : calls) {
                    m.updateState(call[0], call[1], call[2]);
                }
            }, errorMessage(c));
            return;
        }
        for (NdArray[] call : calls) {
            m.updateState(call[0], call[1], call[2]);
        }
        JsonNode e = c.get("expected");
        assertClose(c, "result()", number(e.get("result")), m.result());
        assertClose(c, "total", number(e.get("total")), m.total());
        assertClose(c, "count", number(e.get("count")), m.count());
        if (knownDifference(c) == Difference.LABEL_SMOOTHING_CLASS_AXIS) {
            var fixed = ((dev.xent.metrics.CategoricalCrossentropy) m).toBuilder().smoothOverClassAxis(true).build();
            for (NdArray[] call : calls) {
                fixed.updateState(call[0], call[1], call[2]);
            }
            assertClose(c, "result() with smoothOverClassAxis", number(c.get("expected_if_fixed").get("result")),
                    fixed.result());
        }
    }

    // ---- configs and serialization -------------------------------------------------------------------------------

    static void checkSerializationRoundTrip(JsonNode c) {
        JsonNode serialized = c.get("serialized");
        Object obj;
        try {
            obj = Serialization.deserializeKerasObject(map(serialized));
        } catch (IllegalArgumentException e) {
            assumeSupportedDtype(c, serialized.get("config").path("dtype").asText("float32"));
            throw e;
        }
        assertConfig(serialized, Serialization.serializeKerasObject(obj),
                "serializeKerasObject(deserializeKerasObject)");
    }

    /**
     * Deep equality of a Keras config (as JSON) and ours: the same keys in the same order, and the same values with the
     * same JSON types (an int 0 is not a float 0.0; Keras's metric label_smoothing defaults to 0, the loss's to 0.0).
     */
    static void assertConfig(JsonNode keras, Object ours, String what) {
        JsonNode o = JSON.valueToTree(ours);
        String diff = configDiff(keras, o, "");
        if (diff != null) {
            fail(what + " differs from Keras at " + diff + "\n  keras: " + keras + "\n  ours:  " + o);
        }
    }

    static String configDiff(JsonNode k, JsonNode o, String path) {
        if (k.isObject()) {
            if (!o.isObject()) {
                return path + " (not an object)";
            }
            List<String> kk = new ArrayList<>();
            k.fieldNames().forEachRemaining(kk::add);
            List<String> ok = new ArrayList<>();
            o.fieldNames().forEachRemaining(ok::add);
            if (!kk.equals(ok)) {
                return path + " keys " + kk + " vs " + ok;
            }
            for (String f : kk) {
                String d = configDiff(k.get(f), o.get(f), path + "." + f);
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (k.isNumber()) {
            boolean sameType = o.isNumber() && k.isIntegralNumber() == o.isIntegralNumber();
            return sameType && k.doubleValue() == o.doubleValue() ? null : path + " (" + k + " vs " + o + ")";
        }
        return k.equals(o) ? null : path + " (" + k + " vs " + o + ")";
    }

    // ---- documented differences from Keras 3.15.1 ------------------------------------------------------------------

    enum Difference {
        NONE,
        /**
         * Our sparse loss writes {@code axis} into its config when it is not -1, so it is not lost (Keras 3.15.1 writes
         * no axis; later Keras always does). See {@code dev.xent.losses.SparseCategoricalCrossentropy}.
         */
        SPARSE_LOSS_CONFIG_AXIS,
        /** Keras returns an empty array for a loss reduced over values of shape (0,); we return 0 (Loss.call). */
        EMPTY_LOSS_REDUCES_TO_ZERO,
        /** Keras truncates float labels like 1.7 to 1; we raise IllegalArgumentException (see {@code Losses}). */
        NON_INTEGRAL_LABELS,
        /**
         * Keras 3.15.1 smooths categorical targets with {@code shape[-1]} classes even when {@code axis != -1}
         * (tensorflow#127249, fixed in Keras after 3.15.1). We match 3.15.1 by default and check it; the builder option
         * {@code smoothOverClassAxis(true)} gives the fixed behaviour, checked against {@code expected_if_fixed}, which
         * the generator computes with Keras on pre-smoothed targets.
         */
        LABEL_SMOOTHING_CLASS_AXIS
    }

    static Difference knownDifference(JsonNode c) {
        if (c.has("keras_bug") && c.get("keras_bug").asText().equals("label_smoothing uses shape[-1]")) {
            return Difference.LABEL_SMOOTHING_CLASS_AXIS;
        }
        String kind = c.get("kind").asText();
        boolean sparse = c.get("class_name").asText().toLowerCase().startsWith("sparse");
        if (kind.equals("loss") && sparse && c.get("axis").asInt() != -1 && !c.get("config").has("axis")) {
            return Difference.SPARSE_LOSS_CONFIG_AXIS;
        }
        JsonNode r = c.path("expected").path("result");
        JsonNode reduction = c.path("config").path("reduction");
        boolean reduces = !reduction.isNull() && !reduction.asText().equals("none");
        if (kind.equals("loss") && reduces && r.isObject() && r.get("shape").size() == 1
                && r.get("shape").get(0).asInt() == 0) {
            return Difference.EMPTY_LOSS_REDUCES_TO_ZERO;
        }
        if (sparse && !c.get("calls").isEmpty()) {
            for (JsonNode v : c.get("calls").get(0).get("y_true").get("data")) {
                if (v.isNumber() && v.doubleValue() != Math.rint(v.doubleValue())) {
                    return Difference.NON_INTEGRAL_LABELS;
                }
            }
        }
        return Difference.NONE;
    }

    /** Keras also accepts int32 metrics and bfloat16 losses; this library computes in float32 or float64 only. */
    static void assumeSupportedDtype(JsonNode c, String dtype) {
        Assumptions.assumeTrue(Set.of("float32", "float64").contains(dtype),
                () -> c.get("id").asText() + ": dtype " + dtype + " is not supported (float32 and float64 only)");
    }


    // ---- arrays and numbers --------------------------------------------------------------------------------------

    static boolean expectsError(JsonNode c) {
        return c.get("expected").has("error");
    }

    static String errorMessage(JsonNode c) {
        return expectsError(c) ? "Keras raises " + c.get("expected").get("error").asText()
                : "documented difference from Keras: " + knownDifference(c);
    }

    static double tolerance(JsonNode c, double keras) {
        double t = c.get("precision").asText().equals("float64") ? 1e-9 : 1e-6;
        return t + t * Math.abs(keras);
    }

    static void assertClose(JsonNode c, String what, double keras, double ours) {
        if (!close(c, keras, ours)) {
            fail(c.get("id").asText() + ": " + what + " is " + ours + ", Keras gives " + keras + hint(c));
        }
    }

    static boolean close(JsonNode c, double keras, double ours) {
        if (Double.isNaN(keras) || Double.isInfinite(keras)) {
            return Double.compare(keras, ours) == 0;
        }
        return Math.abs(ours - keras) <= tolerance(c, keras);
    }

    static void assertArray(JsonNode c, String what, JsonNode expected, NdArray ours) {
        assertArrayEquals(array(expected).shape(), ours.shape(), c.get("id").asText() + ": " + what + " shape");
        String dtype = expected.get("dtype").asText();
        assertEquals(dtype, ours.dtype().kerasName(), c.get("id").asText() + ": " + what + " dtype");
        JsonNode data = expected.get("data");
        int bad = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < data.size(); i++) {
            double k = number(data.get(i));
            double o = ours.getDouble(i);
            if (!close(c, k, o)) {
                if (bad++ < 5) {
                    first.append("\n  [").append(i).append("] ours ").append(o).append(", keras ").append(k);
                }
            }
        }
        if (bad > 0) {
            fail(c.get("id").asText() + ": " + bad + " of " + data.size() + " " + what + " differ" + first + hint(c));
        }
    }

    /** For the label-smoothing cases: say which of the two answers was being checked. */
    static String hint(JsonNode c) {
        return c.has("keras_bug") ? "\n  (case marked keras_bug: " + c.get("keras_bug").asText()
                + "; Keras 3.15.1 gives " + c.get("expected").get("result") + ", later Keras "
                + c.get("expected_if_fixed").get("result") + ")" : "";
    }
}
