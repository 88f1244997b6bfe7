package dev.xent.metrics;

import dev.xent.catalog.Catalog;
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

    public static final String DEFAULT_NAME = Catalog.TOP_K_CATEGORICAL_ACCURACY.name();

    private TopKCategoricalAccuracy(Builder b) {
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
    public static TopKCategoricalAccuracy fromConfig(Map<String, ?> config) {
        return builder().config(config).build();
    }

    public int k() {
        return arguments().integer("k");
    }

    /** Options, with Keras's defaults. */
    public static final class Builder extends MetricBuilder<Builder, TopKCategoricalAccuracy> {

        private Builder() {
            super(Catalog.TOP_K_CATEGORICAL_ACCURACY, TopKCategoricalAccuracy::new);
        }

        /** How many of the best classes count (default 5); {@code k <= 0} never hits, as in Keras. */
        public Builder k(int k) {
            return set("k", k);
        }
    }
}
