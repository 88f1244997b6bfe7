package dev.xent.losses;

import dev.xent.catalog.Catalog;
import java.util.Map;

/**
 * The Kullback-Leibler divergence loss, after {@code keras.losses.KLDivergence}: per sample
 * {@code sum(t log(t / p))} over the last axis, with {@code t} and {@code p} clipped to {@code [1e-7, 1]}, then
 * Keras's weighting and {@link Reduction}.
 *
 * <pre>{@code
 * var loss = KLDivergence.builder().build();
 * loss.value(NdArray.of(new float[] {0, 1, 0, 0}, 2, 2), NdArray.of(new float[] {0.6f, 0.4f, 0.4f, 0.6f}, 2, 2));   // 0.458
 * }</pre>
 *
 * <p>Inputs are cast to the loss dtype and aligned by {@code squeeze_or_expand_to_same_rank}. NaN propagates.
 * Immutable and thread-safe.
 */
public final class KLDivergence extends Loss {

    public static final String DEFAULT_NAME = Catalog.KL_DIVERGENCE.name();

    private KLDivergence(Builder b) {
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
    public static KLDivergence fromConfig(Map<String, ?> config) {
        return builder().config(config).build();
    }

    /** Options, with Keras's defaults. */
    public static final class Builder extends LossBuilder<Builder, KLDivergence> {

        private Builder() {
            super(Catalog.KL_DIVERGENCE, KLDivergence::new);
        }
    }
}
