package dev.xent.metrics;

import dev.xent.internal.Reductions;
import dev.xent.ndarray.DType;

/** State, result, reset and merge shared by {@link Mean} and {@link MeanMetricWrapper}. */
abstract class AbstractMean extends Metric {

    private MeanState state = MeanState.ZERO;

    AbstractMean(String name, DType dtype) {
        super(name, dtype);
    }

    /** The state variable {@code total}: the weighted sum of per-sample values. */
    public final double total() {
        return state.total();
    }

    /** The state variable {@code count}: the sum of weights, or the number of samples when unweighted. */
    public final double count() {
        return state.count();
    }

    /** The current state, as a value. */
    public final MeanState state() {
        return state;
    }

    /** Replaces the state, e.g. with one decoded by {@link MeanState#fromBytes}. */
    public final void setState(MeanState newState) {
        if (newState == null) {
            throw new NullPointerException("newState must not be null");
        }
        state = newState;
    }

    /**
     * {@code total / count}, or 0 before any update or when {@code count == 0}. A NaN value in any update makes it
     * NaN until {@link #resetState()}.
     */
    @Override
    public final double result() {
        return state.result();
    }

    @Override
    public final void resetState() {
        state = MeanState.ZERO;
    }

    /** Everything that changes how updates are computed: the config plus any options Keras's config lacks. */
    Object options() {
        return getConfig();
    }

    final void add(Reductions.MeanDelta delta) {
        state = state.plus(delta.total, delta.count);
    }

    /**
     * Adds the other metric's state to this one, as if its updates had been made here. Both must be the same
     * class with the same config; the other is unchanged.
     *
     * @throws IllegalArgumentException when {@code other} is this metric, or its class or config differ
     */
    final void mergeFrom(AbstractMean other) {
        if (other == this) {
            throw new IllegalArgumentException("cannot merge a metric with itself: that would count its updates twice");
        }
        if (other.getClass() != getClass() || !other.options().equals(options())) {
            throw new IllegalArgumentException("cannot merge " + other + " into " + this
                    + ": merged metrics must have the same class and config");
        }
        state = state.plus(other.state);
    }
}
