package dev.xent.metrics;

import static dev.xent.testsupport.GoldenJson.array;
import static dev.xent.testsupport.GoldenJson.map;
import static dev.xent.testsupport.GoldenJson.number;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xent.ndarray.NdArray;
import dev.xent.saving.Serialization;
import dev.xent.testsupport.GoldenJson;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays {@code golden-accuracy/accuracy.json} (real Keras 3.15.1 on TensorFlow 2.21, written by
 * {@code tools/golden/generate_models.py}): per-call function values, then {@code result}, {@code total} and
 * {@code count} after all calls; the metric is built from Keras's serialized form, and its config must be Keras's.
 */
class AccuracyGoldenTest {

    @TestFactory
    Stream<DynamicTest> golden() {
        JsonNode root = GoldenJson.resource(AccuracyGoldenTest.class, "/golden-accuracy/accuracy.json");
        return GoldenJson.list(root.get("cases")).stream()
                .map(c -> DynamicTest.dynamicTest(c.get("id").asText(), () -> run(c)));
    }

    static void run(JsonNode c) {
        @SuppressWarnings("unchecked")
        Map<String, Object> serialized = GoldenJson.JSON.convertValue(c.get("serialized"), Map.class);
        MeanMetricWrapper m = (MeanMetricWrapper) Serialization.deserializeKerasObject(serialized);
        assertEquals(map(c.get("config")), m.getConfig(), "getConfig()");
        assertEquals(map(c.get("serialized")), Serialization.serializeKerasObject(m), "serialize_keras_object");
        Map<String, Object> cfg = map(c.get("config"));
        int k = cfg.containsKey("k") ? ((Number) cfg.get("k")).intValue() : 5;
        boolean sorted = Boolean.TRUE.equals(cfg.get("from_sorted_ids"));
        int i = 0;
        for (JsonNode call : c.get("calls")) {
            NdArray yTrue = array(call.get("y_true"));
            NdArray yPred = array(call.get("y_pred"));
            NdArray expected = array(c.get("values").get(i));
            NdArray actual;
            switch (c.get("class_name").asText()) {
                case "SparseCategoricalAccuracy":
                    actual = Metrics.sparseCategoricalAccuracy(yTrue, yPred);
                    break;
                case "CategoricalAccuracy":
                    actual = Metrics.categoricalAccuracy(yTrue, yPred);
                    break;
                case "SparseTopKCategoricalAccuracy":
                    actual = Metrics.sparseTopKCategoricalAccuracy(yTrue, yPred, k, sorted);
                    break;
                default:
                    actual = Metrics.topKCategoricalAccuracy(yTrue, yPred, k);
                    break;
            }
            assertArrayEquals(expected.shape(), actual.shape(), "call " + i + " values shape");
            assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), "call " + i + " values");
            m.updateState(yTrue, yPred, array(call.get("sample_weight")));
            i++;
        }
        JsonNode e = c.get("expected");
        assertClose(number(e.get("total")), m.total(), "total");
        assertClose(number(e.get("count")), m.count(), "count");
        assertClose(number(e.get("result")), m.result(), "result");
    }

    static void assertClose(double expected, double actual, String what) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            assertEquals(expected, actual, what);
            return;
        }
        assertEquals(expected, actual, 1e-6 + 1e-6 * Math.abs(expected), what);
    }
}
