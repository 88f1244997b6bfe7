package dev.xent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.xent.ndarray.NdArray;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link CompiledMetrics} against numbers printed by Keras 3.15.1 {@code model.evaluate} on an identity model. */
class CompiledMetricsTest {

    static final NdArray X = NdArray.of(new float[] {0.1f, 0.6f, 0.3f, 0.5f, 0.4f, 0.1f, 0.2f, 0.2f, 0.6f}, 3, 3);
    static final NdArray Y = NdArray.of(new long[] {1, 2, 2});
    static final NdArray SW = NdArray.of(new float[] {1f, 2f, 0.5f});

    /**
     * {@code compile(loss="sparse_categorical_crossentropy", loss_weights=0.5, metrics=["accuracy",
     * SparseCategoricalCrossentropy(), SparseTopKCategoricalAccuracy(k=2), "sparse_categorical_crossentropy"],
     * weighted_metrics=["acc", SparseCategoricalAccuracy()])}, {@code evaluate(x, y, sample_weight, batch_size=2)}.
     */
    static CompiledMetrics kerasExample() {
        return CompiledMetrics.builder()
                .loss(dev.xent.losses.SparseCategoricalCrossentropy.builder().build())
                .lossWeight(0.5)
                .metric(SparseCategoricalAccuracy.builder().name("accuracy").build())
                .metric(SparseCategoricalCrossentropy.builder().build())
                .metric(SparseTopKCategoricalAccuracy.builder().k(2).build())
                .metric(SparseCategoricalCrossentropy.builder().name("sparse_categorical_crossentropy").build())
                .weightedMetric(SparseCategoricalAccuracy.builder().name("acc").build())
                .weightedMetric(SparseCategoricalAccuracy.builder().build())
                .build();
    }

    @Test
    void matchesKerasEvaluate() {
        Map<String, Double> r = kerasExample().evaluate(Y, X, SW, 2);
        assertEquals(List.of("loss", "accuracy", "sparse_categorical_crossentropy", "sparse_top_k_categorical_accuracy",
                "sparse_categorical_crossentropy_1", "acc", "sparse_categorical_accuracy"), List.copyOf(r.keySet()));
        Map<String, Double> keras = Map.of("acc", 0.4285714328289032, "accuracy", 0.6666666865348816,
                "loss", 0.8952347636222839, "sparse_categorical_accuracy", 0.4285714328289032,
                "sparse_categorical_crossentropy", 1.1080788373947144,
                "sparse_categorical_crossentropy_1", 1.1080788373947144,
                "sparse_top_k_categorical_accuracy", 0.6666666865348816);
        keras.forEach((k, v) -> assertEquals(v, r.get(k), 2e-5 * Math.abs(v), k));
    }

    @Test
    void batchLossesAreWeightedByBatchSize() {
        var loss = dev.xent.losses.SparseCategoricalCrossentropy.builder().build();
        CompiledMetrics cm = CompiledMetrics.builder().loss(loss).build();
        cm.updateState(Y.slice(0, 2), X.slice(0, 2), null);
        cm.updateState(Y.slice(2, 1), X.slice(2, 1), null);
        double expected = (2 * loss.value(Y.slice(0, 2), X.slice(0, 2)) + loss.value(Y.slice(2, 1), X.slice(2, 1))) / 3;
        assertEquals(expected, cm.result().get("loss"), 1e-7);
        cm.resetState();
        assertEquals(0.0, cm.result().get("loss"));
    }

    @Test
    void duplicateNamesFollowKeras() {
        CompiledMetrics cm = CompiledMetrics.builder()
                .metric(SparseCategoricalAccuracy.builder().name("a").build())
                .metric(SparseCategoricalAccuracy.builder().name("a").build())
                .metric(SparseCategoricalAccuracy.builder().name("a").build())
                .weightedMetric(SparseCategoricalAccuracy.builder().name("a").build())
                .weightedMetric(SparseCategoricalAccuracy.builder().name("a").build())
                .weightedMetric(SparseCategoricalAccuracy.builder().name("b").build())
                .build();
        assertEquals(List.of("loss", "a", "a_1", "a_2", "weighted_a", "weighted_a_1", "b"),
                List.copyOf(cm.result().keySet()));
    }

    /**
     * Keras 3.15.1, {@code compile(loss="mse", metrics=[AUC(), "auc", BinaryAccuracy(name="auc")])}: evaluate reports
     * {@code auc}, {@code auc_1}, {@code auc_2}. Without the two AUCs the BinaryAccuracy still is {@code auc_2}.
     */
    @Test
    void skippedMetricsKeepTheirPlaceInKerasNaming() {
        CompiledMetrics cm = CompiledMetrics.builder()
                .skippedMetric("auc")
                .skippedWeightedMetric("precision")
                .skippedMetric("auc")
                .metric(SparseCategoricalAccuracy.builder().name("auc").build())
                .weightedMetric(SparseCategoricalAccuracy.builder().name("precision").build())
                .build();
        assertEquals(List.of("loss", "auc_2", "weighted_precision"), List.copyOf(cm.result().keySet()));
        assertEquals(List.of("auc", "auc_1", "precision"), cm.skippedKeys());
        assertEquals(1, cm.metrics().size());
        assertEquals(1, cm.weightedMetrics().size());
        cm.updateState(Y, X, SW);
        assertEquals(2.0 / 3, cm.result().get("auc_2"), 1e-7);
        assertEquals(List.of(), kerasExample().skippedKeys());
    }

    @Test
    void badInputChangesNothing() {
        CompiledMetrics cm = kerasExample();
        cm.updateState(Y, X, SW);
        Map<String, Double> before = cm.result();
        assertThrows(IllegalArgumentException.class, () -> cm.updateState(NdArray.of(new long[] {1, 5, 2}), X, SW));
        assertEquals(before, cm.result());
        var same = SparseCategoricalAccuracy.builder().build();
        assertThrows(IllegalArgumentException.class,
                () -> CompiledMetrics.builder().metric(same).weightedMetric(same).build());
        assertThrows(IllegalArgumentException.class, () -> cm.evaluate(Y, X, null, 0));
    }
}
