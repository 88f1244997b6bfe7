package dev.xent.internal;

/**
 * Neumaier's compensated sum: the running error of each addition is kept and added back, so the result is the
 * exactly rounded sum for any realistic input length, independent of how the inputs were split. Each error is
 * computed by TwoSum, which gives the same (exact) error as Neumaier's comparison of magnitudes.
 *
 * <p>Infinities and NaN follow IEEE addition of the values in order: once the running sum is infinite it stays so
 * ({@code +inf} plus finite values is {@code +inf}) until an opposite infinity or a NaN makes it NaN. The error terms
 * are then meaningless ({@code inf - inf} is NaN, an overflow's error is infinite) and {@link #value()} ignores them.
 */
public final class CompensatedSum {
    private double sum;
    private double compensation;

    public CompensatedSum add(double x) {
        // The exact error of sum + x by Knuth's TwoSum: the same error Neumaier's branch on |sum| >= |x| picks out,
        // without a data-dependent branch (one the JIT's profile never saw taken would deoptimise the caller).
        double t = sum + x;
        double b = t - sum;
        compensation += (sum - (t - b)) + (x - b);
        sum = t;
        return this;
    }

    /** The sum; {@code +-inf} or NaN as the plain sum in order gives them when it is not finite. */
    public double value() {
        // A non-finite running sum never becomes finite again, and the compensation is finite while the sum is:
        // the check here keeps the branch out of add's loop.
        return Double.isFinite(sum) ? sum + compensation : sum;
    }

    /** Compensated sum of {@code values[from, to)}. */
    public static double of(double[] values, int from, int to) {
        CompensatedSum s = new CompensatedSum();
        for (int i = from; i < to; i++) {
            s.add(values[i]);
        }
        return s.value();
    }
}
