package dev.xent.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jdk.incubator.vector.FloatVector;

/** Kept apart from the tests so that only a test that found the Vector API loads it. */
final class VectorTwinCheck {

    private VectorTwinCheck() {}

    /** Both forms of exp (fused and plain) and log, lane against twin. */
    static void run(float[] expArgs, float[] logArgs) {
        float[] special = {Float.NaN, Float.NEGATIVE_INFINITY, 0f, -0f, 1f, -87.3f, -87.4f, -1e4f,
            (float) Precision.FLOAT32.clipLow, (float) Precision.FLOAT32.clipHigh, Float.MIN_NORMAL, 0.5f};
        for (int form = 0; form < 3; form++) {
            check(expArgs, form);
            check(special, form);
        }
        check(logArgs, LOG);
        check(special, LOG);
    }

    /** {@link VectorMath#logDouble} against {@link FloatMath#logDouble}, special values included. */
    static void runLogDouble(double[] args) {
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, 1.0, Double.MIN_NORMAL, Double.MAX_VALUE, 1e-7,
            1e7, Math.sqrt(2), 0.5, 2.0};
        double[] all = java.util.Arrays.copyOf(special, special.length + args.length);
        System.arraycopy(args, 0, all, special.length, args.length);
        int lanes = VectorMath.LANES;
        double[] in = new double[lanes];
        double[] got = new double[lanes];
        for (int i = 0; i < all.length; i += lanes) {
            int n = Math.min(lanes, all.length - i);
            java.util.Arrays.fill(in, 1.0);
            System.arraycopy(all, i, in, 0, n);
            VectorMath.logDouble(in, got);
            for (int l = 0; l < n; l++) {
                double want = FloatMath.logDouble(in[l]);
                int k = l;
                assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got[l]),
                        () -> "logDouble(" + in[k] + "): lane " + got[k] + ", twin " + want);
            }
        }
    }

    private static final int FUSED = 0;
    private static final int PLAIN = 1;
    private static final int EXP = 2;
    private static final int LOG = 3;
    private static final int LOG1P_UNIT = 4;
    private static final int LOG_ANY = 5;
    private static final int LOG_FAST = 6;

    /**
     * {@link VectorMath#log1pUnit}, {@link VectorMath#logAny} and {@link VectorMath#logFast} against their twins,
     * special values included.
     */
    static void runLog1pAndLogAny(float[] unitArgs, float[] anyArgs) {
        float[] special = {Float.NaN, 0f, 1f, FloatMath.SQRT2_MINUS_1, Math.nextDown(FloatMath.SQRT2_MINUS_1), 0.5f,
            Float.MIN_VALUE, Float.MIN_NORMAL, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -0f, -1f, 2f, 1e30f};
        check(unitArgs, LOG1P_UNIT);
        check(java.util.Arrays.copyOf(special, 8), LOG1P_UNIT);
        check(anyArgs, LOG_ANY);
        check(anyArgs, LOG_FAST);
        check(unitArgs, LOG_FAST);
        check(special, LOG_ANY);
        // A vector of only normal arguments takes logAny's fast path: the same bits.
        check(new float[] {1f, 2f, 3f, 0.5f, 1e-7f, 1e7f, 7f, 9f, 11f, 13f, 17f, 19f, 23f, 29f, 31f, 37f}, LOG_ANY);
    }

    private static FloatVector lanes(FloatVector v, int form) {
        return form == FUSED ? VectorMath.expFused(v) : form == PLAIN ? VectorMath.expPlain(v)
                : form == EXP ? VectorMath.exp(v) : form == LOG ? VectorMath.log(v)
                : form == LOG1P_UNIT ? VectorMath.log1pUnit(v) : form == LOG_ANY ? VectorMath.logAny(v)
                : VectorMath.logFast(v);
    }

    private static float twin(float x, int form) {
        return form == FUSED ? FloatMath.expFused(x) : form == PLAIN ? FloatMath.expPlain(x)
                : form == EXP ? FloatMath.exp(x) : form == LOG ? FloatMath.log(x)
                : form == LOG1P_UNIT ? FloatMath.log1pUnit(x, VectorMath.FMA) : form == LOG_ANY ? FloatMath.logAny(x, VectorMath.FMA)
                : FloatMath.logFast(x, VectorMath.FMA);
    }

    private static void check(float[] xs, int form) {
        int lanes = VectorMath.LANES;
        float[] padded = java.util.Arrays.copyOf(xs, (xs.length + lanes - 1) / lanes * lanes);
        float[] got = new float[padded.length];
        for (int i = 0; i < padded.length; i += lanes) {
            FloatVector v = FloatVector.fromArray(VectorMath.F, padded, i);
            lanes(v, form).intoArray(got, i);
        }
        for (int i = 0; i < xs.length; i++) {
            float want = twin(xs[i], form);
            int k = i;
            assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got[i]),
                    () -> "form " + form + " (" + xs[k] + "): lane " + got[k] + ", twin " + want);
        }
    }
}
