package dev.xent.metrics;

import dev.xent.catalog.Catalog;
import java.util.Map;

/**
 * How often binary predictions match their labels, after {@code keras.metrics.BinaryAccuracy}: a prediction above
 * {@code threshold} is 1, else 0, and each element that equals its label counts 1.
 *
 * <pre>{@code
 * var m = BinaryAccuracy.builder().build();
 * m.updateState(NdArray.of(new float[] {1, 1, 0, 0}, 4, 1), NdArray.of(new float[] {0.98f, 1, 0, 0.6f}, 4, 1));
 * m.result();   // 0.75
 * }</pre>
 *
 * <p><b>Semantics.</b> As Keras: {@code yTrue} and {@code yPred} are aligned by
 * {@code squeeze_or_expand_to_same_rank}; the threshold is cast to float32 (a float64 prediction of exactly 0.7 is
 * above a 0.7 threshold); a label that is neither 0 nor 1 never matches; NaN is never above the threshold.
 *
 * <p>Not thread-safe; give each thread its own and {@link #merge} them.
 */
public final class BinaryAccuracy extends MeanMetricWrapper {

    public static final String DEFAULT_NAME = Catalog.BINARY_ACCURACY.name();

    private BinaryAccuracy(Builder b) {
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
    public static BinaryAccuracy fromConfig(Map<String, ?> config) {
        return builder().config(config).build();
    }

    public double threshold() {
        return arguments().number("threshold");
    }

    /** Options, with Keras's defaults. */
    public static final class Builder extends MetricBuilder<Builder, BinaryAccuracy> {

        private Builder() {
            super(Catalog.BINARY_ACCURACY, BinaryAccuracy::new);
        }

        /** Predictions above it count as 1 (default 0.5); compared in float32, as Keras casts it. */
        public Builder threshold(double threshold) {
            return set("threshold", threshold);
        }
    }
}
