package dev.xent.metrics;

import dev.xent.catalog.Catalog;
import java.util.Map;

/**
 * How often integer labels are among the {@code k} highest-scored classes, after
 * {@code keras.metrics.SparseTopKCategoricalAccuracy} (Keras 3.15, TensorFlow backend).
 *
 * <pre>{@code
 * var m = SparseTopKCategoricalAccuracy.builder().k(1).build();
 * m.updateState(NdArray.of(new int[] {2, 1}),
 *               NdArray.of(new float[] {0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0f}, 2, 3));
 * m.result();   // 0.5
 * }</pre>
 *
 * <p><b>Semantics.</b> Per sample, 1 when fewer than {@code k} scores are strictly greater than the label's score
 * (TensorFlow's {@code in_top_k}), so <b>ties count as hits</b>: scores {@code [0.5, 0.5]} with label 1 and
 * {@code k = 1} give 1, where {@link SparseCategoricalAccuracy} gives 0. Labels are truncated toward zero to
 * integers as Keras casts them; an out-of-range label is a miss. {@code yPred} of rank above 2 is treated as rows of
 * its last axis; {@code yTrue} has {@code yPred}'s shape without the last axis, optionally with a trailing 1.
 *
 * <p>With {@link Builder#fromSortedIds(boolean) fromSortedIds}, {@code yPred} holds the ids of the top categories,
 * best first (any number {@code N} of them), and a hit is the label among the first {@code k} ids.
 *
 * <p><b>NaN and infinities.</b> Any NaN or infinite score in a row makes that row a miss (TensorFlow's kernel
 * cannot rank it). Keras on TensorFlow refuses float64 scores; here they are ranked in float64.
 *
 * <p>Not thread-safe; give each thread its own and {@link #merge} them.
 */
public final class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {

    public static final String DEFAULT_NAME = Catalog.SPARSE_TOP_K_CATEGORICAL_ACCURACY.name();

    private SparseTopKCategoricalAccuracy(Builder b) {
        super(b);
    }

    /** A builder with Keras's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this metric's options. */
    public Builder toBuilder() {
        return new Builder().from(this);
    }

    /**
     * Keras's {@code from_config}: the keys of {@code get_config()}, each optional.
     *
     * @throws IllegalArgumentException on an unknown key, a value of the wrong type, or one that breaks its rule
     */
    public static SparseTopKCategoricalAccuracy fromConfig(Map<String, ?> config) {
        return builder().config(config).build();
    }

    public int k() {
        return arguments().integer("k");
    }

    public boolean fromSortedIds() {
        return arguments().bool("from_sorted_ids");
    }

    /** Options, with Keras's defaults. */
    public static final class Builder extends MetricBuilder<Builder, SparseTopKCategoricalAccuracy> {

        private Builder() {
            super(Catalog.SPARSE_TOP_K_CATEGORICAL_ACCURACY, SparseTopKCategoricalAccuracy::new);
        }

        /** How many of the best classes count (default 5); {@code k <= 0} never hits, as in Keras. */
        public Builder k(int k) {
            return set("k", k);
        }

        /** Whether {@code yPred} holds sorted category ids instead of scores (default false). */
        public Builder fromSortedIds(boolean fromSortedIds) {
            return set("from_sorted_ids", fromSortedIds);
        }
    }
}
