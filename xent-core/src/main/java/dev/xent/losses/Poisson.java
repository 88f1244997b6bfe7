package dev.xent.losses;

import dev.xent.catalog.Catalog;
import java.util.Map;

/**
 * The Poisson loss, after {@code keras.losses.Poisson}: per sample {@code mean(p - t log(p + 1e-7))} over the last
 * axis, then Keras's weighting and {@link Reduction}.
 *
 * <pre>{@code
 * var loss = Poisson.builder().build();
 * loss.value(NdArray.of(new float[] {0, 1, 0, 0}, 2, 2), NdArray.of(new float[] {1, 1, 0, 0}, 2, 2));   // 0.5
 * }</pre>
 *
 * <p>Inputs are cast to the loss dtype and aligned by {@code squeeze_or_expand_to_same_rank}. NaN propagates.
 * Immutable and thread-safe.
 */
public final class Poisson extends Loss {

    public static final String DEFAULT_NAME = Catalog.POISSON.name();

    private Poisson(Builder b) {
        super(b);
    }

    /** A builder with Keras's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this loss's options. */
    public Builder toBuilder() {
        return new Builder().from(this);
    }

    /**
     * Keras's {@code from_config}: the keys of {@code get_config()}, each optional, and {@code dtype} and
     * {@code fn}, which Keras's constructor takes; tf.keras 2's {@code "reduction": "auto"} reads as
     * {@code sum_over_batch_size}.
     *
     * @throws IllegalArgumentException on an unknown key, a value of the wrong type, or one that breaks its rule
     */
    public static Poisson fromConfig(Map<String, ?> config) {
        return builder().config(config).build();
    }

    /** Options, with Keras's defaults. */
    public static final class Builder extends LossBuilder<Builder, Poisson> {

        private Builder() {
            super(Catalog.POISSON, Poisson::new);
        }
    }
}
