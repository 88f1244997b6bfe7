package dev.xent.internal;

/**
 * Neumaier's compensated sum: the running error of each addition is kept and added back, so the result is the
 * exactly rounded sum for any realistic input length, independent of how the inputs were split.
 */
public final class CompensatedSum {
    private double sum;
    private double compensation;

    public CompensatedSum add(double x) {
        double t = sum + x;
        if (Math.abs(sum) >= Math.abs(x)) {
            compensation += (sum - t) + x;
        } else {
            compensation += (x - t) + sum;
        }
        sum = t;
        return this;
    }

    public double value() {
        return sum + compensation;
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
