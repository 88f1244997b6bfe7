package dev.xent.metrics;

import dev.xent.catalog.Catalog;
import java.util.Map;

/**
 * The streaming mean of the Kullback-Leibler divergence, after {@code keras.metrics.KLDivergence}: per sample
 * {@code sum(t log(t / p))} over the last axis, with both {@code t} and {@code p} clipped to {@code [1e-7, 1]}.
 *
 * <pre>{@code
 * var m = KLDivergence.builder().build();
 * m.updateState(NdArray.of(new float[] {0, 1, 0, 0}, 2, 2), NdArray.of(new float[] {0.6f, 0.4f, 0.4f, 0.6f}, 2, 2));
 * m.result();   // 0.45814306
 * }</pre>
 *
 * <p>Computed in float32 (float64 for float64 predictions); NaN propagates to the result until reset. Not
 * thread-safe; give each thread its own and {@link #merge} them.
 */
public final class KLDivergence extends MeanMetricWrapper {

    public static final String DEFAULT_NAME = Catalog.KL_DIVERGENCE.name();

    private KLDivergence(Builder b) {
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
    public static KLDivergence fromConfig(Map<String, ?> config) {
        return builder().config(config).build();
    }

    /** Options, with Keras's defaults. */
    public static final class Builder extends MetricBuilder<Builder, KLDivergence> {

        private Builder() {
            super(Catalog.KL_DIVERGENCE, KLDivergence::new);
        }
    }
}
