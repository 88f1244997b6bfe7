package dev.xent.losses;

import dev.xent.ndarray.NdArray;

/**
 * A loss and its gradient with respect to the predictions, from {@link Loss#lossAndGradient}: one computation of
 * the per-element values serves both.
 *
 * <pre>{@code
 * var loss = SparseCategoricalCrossentropy.builder().fromLogits(true).build();
 * LossAndGradient lg = loss.lossAndGradient(yTrue, logits, null);
 * double value = lg.value();          // the reduced loss
 * NdArray grad = lg.gradient();       // d(value)/d(logits), logits' shape
 * }</pre>
 *
 * <p>Immutable and thread-safe as long as nobody writes to the arrays' data.
 */
public final class LossAndGradient {

    private final Reduction reduction;
    private final NdArray loss;
    private final double value;
    private final NdArray gradient;

    LossAndGradient(Reduction reduction, NdArray loss, double value, NdArray gradient) {
        this.reduction = reduction;
        this.loss = loss;
        this.value = value;
        this.gradient = gradient;
    }

    /** What {@link Loss#call(NdArray, NdArray, NdArray)} returns: rank 0, or the per-element values for {@code none}. */
    public NdArray loss() {
        return loss;
    }

    /**
     * The reduced loss as a double (NaN if a prediction row held NaN).
     *
     * @throws IllegalStateException when the reduction is {@link Reduction#NONE}; use {@link #loss()}
     */
    public double value() {
        if (reduction == Reduction.NONE) {
            throw new IllegalStateException("value() needs a reducing reduction; this loss has reduction none, use loss()");
        }
        return value;
    }

    /**
     * {@code d(loss)/d(yPred)}, shaped as {@code yPred}, in the loss's dtype; for {@code none}, the gradient of the
     * sum of the per-element values.
     */
    public NdArray gradient() {
        return gradient;
    }

    @Override
    public String toString() {
        return "LossAndGradient{loss=" + loss + ", gradient=" + gradient + "}";
    }
}
