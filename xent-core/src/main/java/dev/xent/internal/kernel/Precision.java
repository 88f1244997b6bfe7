package dev.xent.internal.kernel;

/**
 * The floating-point type the per-element math runs in, as Keras runs it: float32 by default (inputs rounded to
 * float, clip bounds {@code f32(1e-7)} and {@code f32(1 - 1e-7)}, results rounded to float), float64 when the loss
 * dtype (or, for metrics, the prediction dtype) is float64.
 */
public enum Precision {
    FLOAT32(1.0000000116860974e-07, 0.99999988079071044921875),
    FLOAT64(1e-7, 1 - 1e-7);

    /** Lower clip bound for probabilities: Keras's epsilon in this precision. */
    public final double clipLow;
    /** Upper clip bound for probabilities: {@code 1 - epsilon} rounded to this precision. */
    public final double clipHigh;

    Precision(double clipLow, double clipHigh) {
        this.clipLow = clipLow;
        this.clipHigh = clipHigh;
    }

    /** Rounds {@code x} to this precision. */
    public double round(double x) {
        return this == FLOAT32 ? (float) x : x;
    }
}
