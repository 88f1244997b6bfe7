package dev.xent.metrics;

import dev.xent.internal.AccuracyOps;
import dev.xent.internal.ConfigReader;
import dev.xent.internal.ElementValues;
import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How often the arg-max of one-hot targets is among the {@code k} highest-scored classes, after
 * {@code keras.metrics.TopKCategoricalAccuracy} (Keras 3.15, TensorFlow backend).
 *
 * <pre>{@code
 * var m = TopKCategoricalAccuracy.builder().k(1).build();
 * m.updateState(NdArray.of(new float[] {0, 0, 1, 0, 1, 0}, 2, 3),
 *               NdArray.of(new float[] {0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0f}, 2, 3));
 * m.result();   // 0.5
 * }</pre>
 *
 * <p><b>Semantics.</b> The target class is {@code argmax(yTrue, -1)} (ties to the first index); a hit when fewer
 * than {@code k} scores are strictly greater than that class's score, so <b>ties count as hits</b>. {@code yTrue}
 * must have {@code yPred}'s shape, of rank 2 or more (rows of the last axis).
 *
 * <p><b>NaN and infinities.</b> Any NaN or infinite score in a row of {@code yPred} makes that row a miss
 * (TensorFlow's {@code in_top_k}).
 *
 * <p>Not thread-safe; give each thread its own and {@link #merge} them.
 */
public final class TopKCategoricalAccuracy extends MeanMetricWrapper {

    public static final String DEFAULT_NAME = "top_k_categorical_accuracy";

    private final int k;

    private TopKCategoricalAccuracy(Builder b) {
        super(b.name, b.dtype);
        this.k = b.k;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().name(name()).dtype(dtype()).k(k);
    }

    /**
     * Keras's {@code from_config}: keys {@code name, dtype, k}, each optional.
     *
     * @throws IllegalArgumentException on an unknown key or a value of the wrong type
     */
    public static TopKCategoricalAccuracy fromConfig(Map<String, ?> config) {
        ConfigReader r = new ConfigReader(config, "TopKCategoricalAccuracy", "name", "dtype", "k");
        return builder().name(r.string("name", DEFAULT_NAME)).dtype(r.dtype("dtype", DType.FLOAT32))
                .k(r.integer("k", 5)).build();
    }

    /** {@code name, dtype, k}, as Keras writes them. */
    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        c.put("dtype", dtype().kerasName());
        c.put("k", k);
        return c;
    }

    public int k() {
        return k;
    }

    @Override
    ElementValues values(NdArray yTrue, NdArray yPred) {
        return AccuracyOps.topK(yTrue, yPred, k);
    }

    /** Options, with Keras's defaults. */
    public static final class Builder {
        private String name = DEFAULT_NAME;
        private DType dtype = DType.FLOAT32;
        private int k = 5;

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

        /** How many of the best classes count (default 5). */
        public Builder k(int k) {
            this.k = k;
            return this;
        }

        public TopKCategoricalAccuracy build() {
            return new TopKCategoricalAccuracy(this);
        }
    }
}
