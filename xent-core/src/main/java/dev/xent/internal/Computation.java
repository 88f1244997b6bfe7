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

    /** Whether a metric applies the mask even without a sample weight (an extension of the sparse metric). */
    default boolean maskWithoutWeight(Arguments args) {
        return false;
    }
}
