package dev.xent;

import static dev.xent.testsupport.GoldenJson.JSON;
import static dev.xent.testsupport.GoldenJson.array;
import static dev.xent.testsupport.GoldenJson.map;
import static dev.xent.testsupport.GoldenJson.number;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.losses.Loss;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.NdArray;
import dev.xent.saving.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the golden data of {@code tools/golden/generate_family.py} (Keras 3.15.1 on TensorFlow 2.21): the binary,
 * focal, KL divergence, Poisson and accuracy functions, metrics and losses, and Keras's own tests for them. One dynamic
 * test per case, in the style of {@link GoldenTest}, whose tolerances and config comparison it uses.
 *
 * <p>Functions go through {@link Catalog#get(String)}{@code .call}; metrics and losses are built from Keras's
 * serialized form ({@link Serialization#deserializeMetric}, {@link Serialization#deserializeLoss}) and must serialize
 * back to it, and from {@code class_name} and {@code config} ({@link Serialization#metricFromConfig},
 * {@link Serialization#lossFromConfig}) and give that config back.
 *
 * <p>Where this library deliberately differs from Keras 3.15.1 the case is checked against the documented behaviour
 * instead ({@link #difference}). A computation that is not written yet ({@code UnsupportedOperationException}) skips
 * the numeric part of the case, with the reason.
 */
class FamilyGoldenTest {

    static final List<String> FILES = List.of("family_functions.json", "family_metrics.json", "family_losses.json",
            "family_keras_tests.json");

    @TestFactory
    Stream<DynamicNode> golden() {
        return FILES.stream().map(FamilyGoldenTest::file);
    }

    static DynamicContainer file(String name) {
        JsonNode root = GoldenTest.read(name);
        List<DynamicNode> tests = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("id").asText(), () -> run(c)));
        }
        return DynamicContainer.dynamicContainer(name + " (keras " + root.get("keras_version").asText() + ")", tests);
    }

    static void run(JsonNode c) {
        switch (c.get("kind").asText()) {
            case "function":
                runFunction(c);
                break;
            case "metric":
                runMetric(c);
                break;
            case "loss":
                runLoss(c);
                break;
            default:
                fail("unknown kind " + c.get("kind"));
        }
    }

    // ---- documented differences from Keras 3.15.1 ------------------------------------------------------------------

    enum Difference {
        NONE,
        /**
         * TensorFlow's {@code in_top_k} refuses float64 scores, so Keras-TF raises for the top-k accuracies of float64
         * predictions; the other backends compute them. Either answer is accepted here.
         */
        TF_IN_TOP_K_FLOAT64,
        /** Keras returns an empty array for a loss reduced over values of shape (0,); we return 0 (Loss.call). */
        EMPTY_LOSS_REDUCES_TO_ZERO,
        /**
         * Keras 3.15.1 smooths categorical focal targets with {@code shape[-1]} classes even when {@code axis != -1};
         * the default matches it, {@code smooth_over_class_axis} gives {@code expected_if_fixed}.
         */
        LABEL_SMOOTHING_CLASS_AXIS
    }

    static Difference difference(JsonNode c) {
        if (c.has("keras_bug")) {
            return Difference.LABEL_SMOOTHING_CLASS_AXIS;
        }
        if (c.path("expected").path("error").asText().contains("InTopKV2 as input #0")) {
            return Difference.TF_IN_TOP_K_FLOAT64;
        }
        JsonNode r = c.path("expected").path("result");
        JsonNode reduction = c.path("config").path("reduction");
        boolean reduces = !reduction.isNull() && !reduction.asText().equals("none");
        if (c.get("kind").asText().equals("loss") && reduces && r.isObject() && r.get("shape").size() == 1
                && r.get("shape").get(0).asInt() == 0) {
            return Difference.EMPTY_LOSS_REDUCES_TO_ZERO;
        }
        return Difference.NONE;
    }

    // ---- one case of each kind -------------------------------------------------------------------------------------

    static void runFunction(JsonNode c) {
        KerasFunction fn = Catalog.get(c.get("class_name").asText());
        Map<String, Object> kwargs = map(c.get("config"));
        JsonNode call = c.get("calls").get(0);
        NdArray yTrue = array(call.get("y_true"));
        NdArray yPred = array(call.get("y_pred"));
        Supplier<NdArray> compute = () -> fn.call(yTrue, yPred, kwargs);
        if (difference(c) == Difference.TF_IN_TOP_K_FLOAT64) {
            notYet(c, compute);
            return;
        }
        if (GoldenTest.expectsError(c)) {
            expectRefusal(c, compute::get);
            return;
        }
        GoldenTest.assertArray(c, "per-element values", c.get("expected").get("result"), notYet(c, compute));
        if (difference(c) == Difference.LABEL_SMOOTHING_CLASS_AXIS) {
            kwargs.put("smooth_over_class_axis", true);
            GoldenTest.assertArray(c, "per-element values with smooth_over_class_axis",
                    c.get("expected_if_fixed").get("result"), notYet(c, compute));
        }
    }

    static void runMetric(JsonNode c) {
        GoldenTest.assumeSupportedDtype(c, c.get("config").get("dtype").asText());
        MeanMetricWrapper fromSerialized = Serialization.deserializeMetric(map(c.get("serialized")));
        GoldenTest.assertConfig(c.get("serialized"), Serialization.serializeKerasObject(fromSerialized),
                "serializeKerasObject(deserializeMetric(serialized))");
        MeanMetricWrapper m = Serialization.metricFromConfig(c.get("class_name").asText(), map(c.get("config")));
        GoldenTest.assertConfig(c.get("config"), m.getConfig(), "getConfig()");
        List<NdArray[]> calls = new ArrayList<>();
        for (JsonNode call : c.get("calls")) {
            calls.add(new NdArray[] {array(call.get("y_true")), array(call.get("y_pred")),
                array(call.get("sample_weight"))});
        }
        Runnable update = () -> {
            for (NdArray[] call : calls) {
                m.updateState(call[0], call[1], call[2]);
            }
        };
        if (difference(c) == Difference.TF_IN_TOP_K_FLOAT64) {
            notYet(c, () -> {
                update.run();
                return null;
            });
            return;
        }
        if (GoldenTest.expectsError(c)) {
            expectRefusal(c, update);
            return;
        }
        notYet(c, () -> {
            update.run();
            return null;
        });
        JsonNode e = c.get("expected");
        if (e.has("result")) {
            GoldenTest.assertClose(c, "result()", number(e.get("result")), m.result());
            GoldenTest.assertClose(c, "total", number(e.get("total")), m.total());
            GoldenTest.assertClose(c, "count", number(e.get("count")), m.count());
        }
    }

    static void runLoss(JsonNode c) {
        String dtype = c.get("dtype").asText();
        GoldenTest.assumeSupportedDtype(c, dtype);
        Loss fromSerialized = Serialization.deserializeLoss(map(c.get("serialized")));
        GoldenTest.assertConfig(c.get("serialized"), Serialization.serializeKerasObject(fromSerialized),
                "serializeKerasObject(deserializeLoss(serialized))");
        // Keras 3.15.1 writes no dtype into loss configs: it is the constructor argument, recorded beside the config
        Map<String, Object> cfg = map(c.get("config"));
        if (!dtype.equals("float32")) {
            cfg.put("dtype", dtype);
        }
        Loss loss = Serialization.lossFromConfig(c.get("class_name").asText(), cfg);
        GoldenTest.assertConfig(c.get("config"), loss.getConfig(), "getConfig()");
        if (c.get("calls").isEmpty()) {
            return;
        }
        JsonNode call = c.get("calls").get(0);
        NdArray yTrue = array(call.get("y_true"));
        NdArray yPred = array(call.get("y_pred"));
        NdArray sw = array(call.get("sample_weight"));
        if (GoldenTest.expectsError(c)) {
            expectRefusal(c, () -> loss.call(yTrue, yPred, sw));
            return;
        }
        NdArray out = notYet(c, () -> loss.call(yTrue, yPred, sw));
        JsonNode expected = c.get("expected").get("result");
        if (difference(c) == Difference.EMPTY_LOSS_REDUCES_TO_ZERO) {
            expected = JSON.getNodeFactory().numberNode(0.0);
        }
        GoldenTest.assertLoss(c, expected, out);
        if (difference(c) == Difference.LABEL_SMOOTHING_CLASS_AXIS) {
            cfg.put("smooth_over_class_axis", true);
            Loss fixed = dev.xent.catalog.Catalog.get(c.get("class_name").asText()).newLoss(cfg);
            GoldenTest.assertLoss(c, c.get("expected_if_fixed").get("result"), fixed.call(yTrue, yPred, sw));
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    /** Runs the computation (every catalogue function is computed: nothing is skipped). */
    static <T> T notYet(JsonNode c, Supplier<T> computation) {
        return computation.get();
    }

    /** Where Keras raises, we must refuse with IllegalArgumentException. */
    static void expectRefusal(JsonNode c, Runnable computation) {
        try {
            computation.run();
        } catch (IllegalArgumentException expected) {
            return;
        }
        fail(c.get("id").asText() + ": Keras raises " + c.get("expected").get("error").asText()
                + "; expected IllegalArgumentException");
    }
}
