package dev.xent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CompensatedSum} computes each addition's error by TwoSum; Neumaier's form (the textbook one, with a branch on
 * the magnitudes) computes the same exact error. Over random sums that mix magnitudes, signs, cancellations,
 * infinities and NaN, both give bit-identical results.
 */
class CompensatedSumTest {

    /** Neumaier's algorithm as published: the reference. */
    private static double neumaier(double[] values) {
        double sum = 0;
        double compensation = 0;
        for (double x : values) {
            double t = sum + x;
            if (Math.abs(sum) >= Math.abs(x)) {
                compensation += (sum - t) + x;
            } else {
                compensation += (x - t) + sum;
            }
            sum = t;
        }
        return sum + compensation;
    }

    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void sameAsNeumaier(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] values = new double[1 + random.nextInt(2000)];
        boolean special = seed % 10 == 9; // every tenth sum also gets infinities or NaN
        for (int i = 0; i < values.length; i++) {
            double magnitude = Math.scalb(random.nextDouble(), random.nextInt(-60, 61));
            values[i] = random.nextBoolean() ? magnitude : -magnitude;
            int r = random.nextInt(100);
            if (r < 3 && i > 0) {
                values[i] = -values[i - 1]; // exact cancellation
            } else if (r < 5) {
                values[i] = Math.scalb(values[i], 900); // near overflow: sums that overflow to infinity
            } else if (special && r < 7) {
                double[] odd = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 0.0, -0.0,
                    Double.MIN_VALUE, Double.MAX_VALUE};
                values[i] = odd[random.nextInt(odd.length)];
            }
        }
        double want = neumaier(values);
        double got = CompensatedSum.of(values, 0, values.length);
        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got),
                () -> "seed " + seed + ": " + got + ", Neumaier " + want);
    }
}
