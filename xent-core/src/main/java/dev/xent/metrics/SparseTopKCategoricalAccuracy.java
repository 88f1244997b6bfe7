package dev.xent.metrics;

import dev.xent.internal.AccuracyOps;
import dev.xent.internal.ConfigReader;
import dev.xent.internal.ElementValues;
import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.util.LinkedHashMap;
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

    public static final String DEFAULT_NAME = "sparse_top_k_categorical_accuracy";

    private final int k;
    private final boolean fromSortedIds;

    private SparseTopKCategoricalAccuracy(Builder b) {
        super(b.name, b.dtype);
        this.k = b.k;
        this.fromSortedIds = b.fromSortedIds;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().name(name()).dtype(dtype()).k(k).fromSortedIds(fromSortedIds);
    }

    /**
     * Keras's {@code from_config}: keys {@code name, dtype, k, from_sorted_ids}, each optional.
     *
     * @throws IllegalArgumentException on an unknown key or a value of the wrong type
     */
    public static SparseTopKCategoricalAccuracy fromConfig(Map<String, ?> config) {
        ConfigReader r = new ConfigReader(config, "SparseTopKCategoricalAccuracy",
                "name", "dtype", "k", "from_sorted_ids");
        return builder().name(r.string("name", DEFAULT_NAME)).dtype(r.dtype("dtype", DType.FLOAT32))
                .k(r.integer("k", 5)).fromSortedIds(r.bool("from_sorted_ids", false)).build();
    }

    /** {@code name, dtype, k}, plus {@code from_sorted_ids: true} only when set, as Keras writes them. */
    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        c.put("dtype", dtype().kerasName());
        c.put("k", k);
        if (fromSortedIds) {
            c.put("from_sorted_ids", true);
        }
        return c;
    }

    public int k() {
        return k;
    }

    public boolean fromSortedIds() {
        return fromSortedIds;
    }

    @Override
    ElementValues values(NdArray yTrue, NdArray yPred) {
        return AccuracyOps.sparseTopK(yTrue, yPred, k, fromSortedIds);
    }

    /** Options, with Keras's defaults. */
    public static final class Builder {
        private String name = DEFAULT_NAME;
        private DType dtype = DType.FLOAT32;
        private int k = 5;
        private boolean fromSortedIds;

        private Builder() {}

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The state's dtype: float32 (default) or float64. */
        public Builder dtype(DType dtype) {
            this.dtype = dtype;
            return this;
        }

        /** How many of the best classes count (default 5); {@code k <= 0} never hits, as in Keras. */
        public Builder k(int k) {
            this.k = k;
            return this;
        }

        /** Whether {@code yPred} holds sorted category ids instead of scores (default false). */
        public Builder fromSortedIds(boolean fromSortedIds) {
            this.fromSortedIds = fromSortedIds;
            return this;
        }

        public SparseTopKCategoricalAccuracy build() {
            return new SparseTopKCategoricalAccuracy(this);
        }
    }
}
