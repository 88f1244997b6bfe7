package dev.xent.losses;

import java.util.Objects;

/**
 * A reduced loss in two additive parts, so that a loss over data too large for one call can be computed batch by
 * batch (or on several machines) and combined exactly: {@code sum} of weighted values and the {@code divisor} the
 * reduction divides by (elements, valid elements, or the sum of weights; unused for {@code sum}).
 *
 * <pre>{@code
 * LossState s = loss.partial(yTrue1, yPred1, null).plus(loss.partial(yTrue2, yPred2, null));
 * s.result();   // equals loss.value(all yTrue, all yPred) for per-sample or per-element weights
 * }</pre>
 *
 * <p>Weights that are not per sample (a scalar, or a shape that broadcasts across the batch) are applied per call,
 * as Keras applies them per batch. Immutable and thread-safe.
 */
public final class LossState {

    private final Reduction reduction;
    private final double sum;
    private final double divisor;

    private LossState(Reduction reduction, double sum, double divisor) {
        this.reduction = reduction;
        this.sum = sum;
        this.divisor = divisor;
    }

    /** The state of no data for {@code reduction}: result 0. */
    public static LossState zero(Reduction reduction) {
        return of(reduction, 0, 0);
    }

    public static LossState of(Reduction reduction, double sum, double divisor) {
        Objects.requireNonNull(reduction, "reduction");
        if (reduction == Reduction.NONE) {
            throw new IllegalArgumentException("reduction (none) has no LossState; use Loss.call per batch");
        }
        return new LossState(reduction, sum, divisor);
    }

    public Reduction reduction() {
        return reduction;
    }

    /** The sum of weighted values. */
    public double sum() {
        return sum;
    }

    /** What the reduction divides by. */
    public double divisor() {
        return divisor;
    }

    /** Both batches' data together. */
    public LossState plus(LossState other) {
        if (other.reduction != reduction) {
            throw new IllegalArgumentException("cannot add a LossState with reduction " + other.reduction.kerasName()
                    + " to one with reduction " + reduction.kerasName());
        }
        return new LossState(reduction, sum + other.sum, divisor + other.divisor);
    }

    /** The loss: {@code sum} for {@link Reduction#SUM}, else {@code sum / divisor} (0 when the divisor is 0). */
    public double result() {
        return reduction == Reduction.SUM ? sum : (divisor == 0 ? 0.0 : sum / divisor);
    }

    @Override
    public String toString() {
        return "LossState{reduction=" + reduction.kerasName() + ", sum=" + sum + ", divisor=" + divisor + "}";
    }
}
