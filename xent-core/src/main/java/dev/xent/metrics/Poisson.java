package dev.xent.metrics;

import dev.xent.catalog.Catalog;
import java.util.Map;

/**
 * The streaming mean of the Poisson loss, after {@code keras.metrics.Poisson}: per sample
 * {@code mean(p - t log(p + 1e-7))} over the last axis.
 *
 * <pre>{@code
 * var m = Poisson.builder().build();
 * m.updateState(NdArray.of(new float[] {4, 8, 12, 8, 1, 3}, 2, 3), NdArray.of(new float[] {12, 8, 1, 3, 2, 4}, 2, 3));
 * m.result();   // -3.1180415
 * }</pre>
 *
 * <p>Computed in float32 (float64 for float64 predictions); NaN propagates to the result until reset. Not
 * thread-safe; give each thread its own and {@link #merge} them.
 */
public final class Poisson extends MeanMetricWrapper {

    public static final String DEFAULT_NAME = Catalog.POISSON.name();

    private Poisson(Builder b) {
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
    public static Poisson fromConfig(Map<String, ?> config) {
        return builder().config(config).build();
    }

    /** Options, with Keras's defaults. */
    public static final class Builder extends MetricBuilder<Builder, Poisson> {

        private Builder() {
            super(Catalog.POISSON, Poisson::new);
        }
    }
}
