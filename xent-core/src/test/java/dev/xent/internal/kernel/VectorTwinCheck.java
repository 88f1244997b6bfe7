package dev.xent.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jdk.incubator.vector.FloatVector;

/** Kept apart from the tests so that only a test that found the Vector API loads it. */
final class VectorTwinCheck {

    private VectorTwinCheck() {}

    static void run(float[] expArgs, float[] logArgs) {
        check(expArgs, true);
        check(logArgs, false);
        float[] special = {Float.NaN, Float.NEGATIVE_INFINITY, 0f, -0f, 1f, -87.3f, -87.4f, -1e4f,
            (float) Precision.FLOAT32.clipLow, (float) Precision.FLOAT32.clipHigh, Float.MIN_NORMAL, 0.5f};
        check(special, true);
        check(special, false);
    }

    private static void check(float[] xs, boolean exp) {
        int lanes = VectorMath.LANES;
        float[] padded = java.util.Arrays.copyOf(xs, (xs.length + lanes - 1) / lanes * lanes);
        float[] got = new float[padded.length];
        for (int i = 0; i < padded.length; i += lanes) {
            FloatVector v = FloatVector.fromArray(VectorMath.F, padded, i);
            (exp ? VectorMath.exp(v) : VectorMath.log(v)).intoArray(got, i);
        }
        for (int i = 0; i < xs.length; i++) {
            float want = exp ? FloatMath.exp(xs[i]) : FloatMath.log(xs[i]);
            int k = i;
            assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got[i]),
                    () -> (exp ? "exp(" : "log(") + xs[k] + "): lane " + got[k] + ", twin " + want);
        }
    }
}
