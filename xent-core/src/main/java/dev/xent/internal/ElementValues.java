package dev.xent.internal;

import dev.xent.internal.kernel.Precision;

/**
 * Per-element loss values (one per position of {@code yPred} without its class axis), already rounded to the
 * compute precision, with the {@code ignore_class} validity mask when there is one (Keras's mask on the result).
 */
public final class ElementValues {
    public final double[] values;
    public final int[] shape;
    /** True where the entry counts; null when no {@code ignore_class} was given. */
    public final boolean[] valid;
    public final int validCount;
    public final Precision precision;

    public ElementValues(double[] values, int[] shape, boolean[] valid, int validCount, Precision precision) {
        this.values = values;
        this.shape = shape;
        this.valid = valid;
        this.validCount = validCount;
        this.precision = precision;
    }
}
