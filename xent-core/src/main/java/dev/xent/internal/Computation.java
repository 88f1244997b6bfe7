package dev.xent.internal;

import dev.xent.catalog.Arguments;
import dev.xent.internal.kernel.Precision;
import dev.xent.ndarray.NdArray;

/**
 * The per-element computation of one catalogue function: its values (and mask), and for losses its gradient. Every
 * argument check happens here, before any kernel runs.
 */
public interface Computation {

    /**
     * Per-element values in {@code precision}, shaped as Keras's function output.
     *
     * @param loss whether a loss calls it: inputs then go through Keras's {@code squeeze_or_expand_to_same_rank}
     */
    ElementValues values(NdArray yTrue, NdArray yPred, Arguments args, Precision precision, boolean loss);

    /**
     * The flat gradient (in {@code yPred}'s row-major order) of the reduced loss with respect to {@code yPred},
     * given the values {@link #values} returned for the same inputs.
     */
    default double[] gradient(NdArray yTrue, NdArray yPred, Arguments args, ElementValues values, NdArray sampleWeight,
                              String reduction) {
        throw new UnsupportedOperationException("this function has no gradient");
    }

    /** Whether {@link #gradient} is implemented. */
    default boolean hasGradient() {
        return false;
    }

    /** Whether a metric applies the mask even without a sample weight (an extension of the sparse metric). */
    default boolean maskWithoutWeight(Arguments args) {
        return false;
    }

    /** The per-element values of a computation. */
    @FunctionalInterface
    interface Values {
        ElementValues values(NdArray yTrue, NdArray yPred, Arguments args, Precision precision, boolean loss);
    }

    /** The gradient of a computation (see {@link Computation#gradient}). */
    @FunctionalInterface
    interface Gradient {
        double[] gradient(NdArray yTrue, NdArray yPred, Arguments args, ElementValues values, NdArray sampleWeight,
                          String reduction);
    }

    /** A computation of these values and that gradient. */
    static Computation of(Values values, Gradient gradient) {
        return new Computation() {
            @Override
            public ElementValues values(NdArray t, NdArray p, Arguments a, Precision precision, boolean loss) {
                return values.values(t, p, a, precision, loss);
            }

            @Override
            public double[] gradient(NdArray t, NdArray p, Arguments a, ElementValues v, NdArray w, String r) {
                return gradient.gradient(t, p, a, v, w, r);
            }

            @Override
            public boolean hasGradient() {
                return true;
            }
        };
    }
}
