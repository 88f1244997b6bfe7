package dev.xent.internal.kernel;

/**
 * Float32 {@code exp} and {@code log} as multiply/add sequences (Cephes {@code expf}/{@code logf} coefficients), and
 * the double {@code log} of each row's result ({@link #logDouble}, fdlibm's coefficients): the scalar twins of
 * {@link VectorMath}. {@code exp} uses fused multiply-adds where {@link VectorMath#FMA} says so ({@link
 * #expFused}, about a fifth faster for logits), else separate operations ({@link #expPlain}); {@code log} never fuses.
 * Each twin performs exactly the operations one vector lane performs, in the same order, so a row computed in a vector
 * lane and the same row computed here give bit-identical results; that is what makes the strided kernels independent of
 * how rows are split into lanes, chunks and threads.
 *
 * <p>Accuracy against {@code Math.exp}/{@code Math.log} (a sweep of every 7th float of the domain: worst 1.02 ulp for
 * {@code exp} on {@code [-87.3, 0]} (0.98 without FMA), 0.82 ulp for {@code log} on {@code [1e-7, 1]};
 * {@code FloatMathTest} asserts 2 ulp): {@code exp} is 0 below {@code -87.3} (where {@code exp(x) < 2^-126}) and
 * exactly 1 at 0; {@code log} expects positive normal floats. NaN gives NaN.
 */
final class FloatMath {

    private FloatMath() {}

    private static final int CLIP_LOW_BITS = Float.floatToRawIntBits((float) Precision.FLOAT32.clipLow);
    private static final int CLIP_HIGH_BITS = Float.floatToRawIntBits((float) Precision.FLOAT32.clipHigh);

    /**
     * {@code max(eps, min(x, 1 - eps))} in float32 (the vector kernel's clip), value for value, NaN passing through,
     * in integer arithmetic: the bits of non-negative floats order as the floats do, and every negative float (-0,
     * -inf) is a negative int, below eps's bits; NaN is selected back by a test no ordinary row fails. Not
     * {@code Math.max/min} on floats: C2 lowers each to a five-instruction blend sequence (half of a probability
     * row's time). Not comparisons either: a confident model's rows are half below eps, and the branches then cost
     * 4x (766 against 192 ns per 100-class row; 240 ns this way, 247 on rows that need no clip). Integer min/max
     * compile to conditional moves.
     */
    static float clip(float x) {
        float clamped = Float.intBitsToFloat(Math.max(CLIP_LOW_BITS, Math.min(Float.floatToRawIntBits(x),
                CLIP_HIGH_BITS)));
        return x != x ? x : clamped;
    }

    static final float LOG2E = 1.44269504088896341f;
    /** {@code 1.5 * 2^23}: adding it rounds a float of magnitude below {@code 2^22} to an integer. */
    static final float MAGIC = 12582912f;
    /** Bits of {@code MAGIC + n} minus this, shifted left by 23, are the bits of {@code 2^n}. */
    static final int MAGIC_BITS_MINUS_BIAS = 0x4B400000 - 127;
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    /** Below this, {@code exp} returns 0 (the true value is below the smallest normal float). */
    static final float EXP_UNDERFLOW = -87.3f;
    static final float E0 = 1.9875691500e-4f;
    static final float E1 = 1.3981999507e-3f;
    static final float E2 = 8.3334519073e-3f;
    static final float E3 = 4.1665795894e-2f;
    static final float E4 = 1.6666665459e-1f;
    static final float E5 = 5.0000001201e-1f;

    static final float SQRT_HALF = 0.707106781186547524f;
    /** The significand field of {@link #SQRT_HALF}. */
    static final int SQRT_HALF_SIGNIFICAND = Float.floatToRawIntBits(SQRT_HALF) & 0x007fffff;
    static final float L0 = 7.0376836292e-2f;
    static final float L1 = -1.1514610310e-1f;
    static final float L2 = 1.1676998740e-1f;
    static final float L3 = -1.2420140846e-1f;
    static final float L4 = 1.4249322787e-1f;
    static final float L5 = -1.6668057665e-1f;
    static final float L6 = 2.0000714765e-1f;
    static final float L7 = -2.4999993993e-1f;
    static final float L8 = 3.3333331174e-1f;

    /**
     * {@code e^x} for {@code x <= 0} (the only arguments the kernels pass: {@code x - max}); NaN gives NaN, values
     * below {@link #EXP_UNDERFLOW} (and {@code -Infinity}) give 0; exactly 1 at 0.
     */
    static float exp(float x) {
        return VectorMath.FMA ? expFused(x) : expPlain(x);
    }

    /**
     * {@link #exp} with fused multiply-adds, as chosen by the JIT's FMA. The polynomial is evaluated by Estrin's
     * scheme (pairs of coefficients, then powers of {@code r^2}) and the scale is fused into the last step,
     * {@code 2^n + 2^n q}, which rounds exactly as {@code (1 + q) 2^n} does for normal results: the dependency chain is
     * 10 operations deep instead of 13, and one operation shorter. With the sums' cheaper error
     * (VectorKernel.EXP_BIAS) a loop summing exps ran about a sixth faster (docs/benchmarks.md, eighth session).
     */
    static float expFused(float x) {
        float t = Math.fma(x, LOG2E, MAGIC);
        float n = t - MAGIC;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float z = r * r;
        float z2 = z * z;
        float high = Math.fma(r, E0, E1);
        float middle = Math.fma(r, E2, E3);
        float low = Math.fma(r, E4, E5);
        float q = Math.fma(Math.fma(high, z2, Math.fma(middle, z, low)), z, r);
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) - MAGIC_BITS_MINUS_BIAS) << 23);
        float result = Math.fma(q, scale, scale);
        return x < EXP_UNDERFLOW ? 0f : result;
    }

    /** {@link #exp} with separate multiplies and adds. */
    static float expPlain(float x) {
        float t = x * LOG2E + MAGIC;
        float n = t - MAGIC;
        float r = x - n * LN2_HI - n * LN2_LO;
        float z = r * r;
        float p = (((((E0 * r + E1) * r + E2) * r + E3) * r + E4) * r + E5) * z + r + 1f;
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) - MAGIC_BITS_MINUS_BIAS) << 23);
        float result = p * scale;
        return x < EXP_UNDERFLOW ? 0f : result;
    }

    /** Natural log of a positive normal float (the kernels pass clipped probabilities); NaN gives NaN. */
    static float log(float q) {
        int ix = Float.floatToRawIntBits(q);
        int e = (ix >>> 23) - 126;
        // The vector form's m < SQRT_HALF test and its two blends, in integer arithmetic: small is 1 where the
        // significand is below sqrt(1/2)'s (m then doubled exactly by the exponent field, e lowered by one), else 0.
        // A float comparison here compiles to branches, mispredicted on about 40 % of a row's probabilities.
        int significand = ix & 0x007fffff;
        int small = (significand - SQRT_HALF_SIGNIFICAND) >>> 31;
        float m = Float.intBitsToFloat((significand | 0x3f000000) + (small << 23));
        float x = m - 1f;
        float ef = (float) (e - small);
        float z = x * x;
        float y = ((((((((L0 * x + L1) * x + L2) * x + L3) * x + L4) * x + L5) * x + L6) * x + L7) * x + L8) * x * z;
        y = y + LN2_LO * ef;
        y = y + -0.5f * z;
        float result = x + y;
        result = result + LN2_HI * ef;
        return q != q ? q : result;
    }

    /**
     * The polynomial term {@code P(x) x z} ({@code z = x^2}) of {@link #log}: by Horner's scheme in fused multiply-adds
     * if {@code fused} (the vector twins pass {@link VectorMath#FMA}: nine operations fewer, no less accurate), else
     * exactly as {@link #log} evaluates it. For the element-wise kernels' logs below; the cross-entropy kernels keep
     * {@link #log}.
     */
    static float logPolynomial(float x, float z, boolean fused) {
        if (fused) {
            float p = Math.fma(L0, x, L1);
            p = Math.fma(p, x, L2);
            p = Math.fma(p, x, L3);
            p = Math.fma(p, x, L4);
            p = Math.fma(p, x, L5);
            p = Math.fma(p, x, L6);
            p = Math.fma(p, x, L7);
            p = Math.fma(p, x, L8);
            return p * x * z;
        }
        return ((((((((L0 * x + L1) * x + L2) * x + L3) * x + L4) * x + L5) * x + L6) * x + L7) * x + L8) * x * z;
    }

    /** The bits of {@link #SQRT_HALF}: {@link #logFast}'s reduction subtracts them. */
    static final int SQRT_HALF_BITS = Float.floatToRawIntBits(SQRT_HALF);

    /**
     * {@link #log} for the element-wise kernels, in fewer operations: the same reduction to {@code [sqrt(1/2), sqrt 2)}
     * without a comparison (subtracting the bits of {@code sqrt(1/2)} borrows from the exponent exactly where
     * {@link #log} halves; the trick of ARM's optimized-routines {@code logf}), then {@link #logPolynomial}, and where
     * {@code fused} the tail's products in fused multiply-adds. Not fused, it is {@link #log} bit for bit
     * (FloatMathTest); either way within an ulp of {@code Math.log} on positive normal floats. NaN gives NaN.
     */
    static float logFast(float q, boolean fused) {
        int ix = Float.floatToRawIntBits(q);
        int tmp = ix - SQRT_HALF_BITS;
        float x = Float.intBitsToFloat(ix - (tmp & 0xff800000)) - 1f;
        float ef = (float) (tmp >> 23);
        float z = x * x;
        float y = logPolynomial(x, z, fused);
        float result;
        if (fused) {
            y = Math.fma(ef, LN2_LO, y);
            y = Math.fma(z, -0.5f, y);
            result = Math.fma(ef, LN2_HI, x + y);
        } else {
            y = y + LN2_LO * ef;
            y = y + -0.5f * z;
            result = x + y;
            result = result + LN2_HI * ef;
        }
        return q != q ? q : result;
    }

    /** {@code sqrt(2) - 1}: from here on, {@code 1 + e} is halved into Cephes' range. */
    static final float SQRT2_MINUS_1 = 0.41421356237309505f;

    /**
     * {@code log1p(e)} for {@code e} in {@code [0, 1]} (the {@code log1p(exp(-|x|))} of the logits cross-entropy),
     * NaN for NaN: {@link #logPolynomial} on {@code x = e} (then {@code 1 + e < sqrt 2}) or on
     * {@code x = (1 + e) / 2 - 1} with exponent 1, so {@code 1 + e} is never rounded. The halved {@code x} can need one
     * bit more than a float holds; Fast2Sum keeps that bit ({@code lo}) and adds it back. Within an ulp of
     * {@code Math.log1p} (FloatMathTest).
     */
    static float log1pUnit(float e, boolean fused) {
        boolean big = e >= SQRT2_MINUS_1;
        float b = e * 0.5f;
        float xb = b - 0.5f;
        float lo = big ? b - (xb + 0.5f) : 0f;
        float x = big ? xb : e;
        float ef = big ? 1f : 0f;
        float z = x * x;
        float y = logPolynomial(x, z, fused);
        y = y + LN2_LO * ef;
        y = y + -0.5f * z;
        y = y + lo;
        float result = x + y;
        return result + LN2_HI * ef;
    }

    /**
     * {@link #logFast} over the whole float domain, as {@code Math.log} answers it: {@code -Infinity} at 0, NaN below,
     * {@code +Infinity} at {@code +Infinity}, subnormals scaled by {@code 2^24} first (Poisson's {@code log(p + eps)},
     * whose argument is not clipped). Written as its vector twin computes it: one log, then the fixes.
     */
    static float logAny(float q, boolean fused) {
        boolean subnormal = q > 0 && q < Float.MIN_NORMAL;
        float r = logFast(subnormal ? q * 0x1p24f : q, fused);
        if (subnormal) {
            r = r - LN2_24;
        }
        if (q == 0) {
            return Float.NEGATIVE_INFINITY;
        }
        return q < 0 ? Float.NaN : q == Float.POSITIVE_INFINITY ? q : r;
    }

    /** {@code 24 ln 2}, rounded to float. */
    static final float LN2_24 = 16.635532333438686f;

    static final double LN2_HI_D = 6.93147180369123816490e-01;
    static final double LN2_LO_D = 1.90821492927058770002e-10;
    static final double LG1 = 6.666666666666735130e-01;
    static final double LG2 = 3.999999999940941908e-01;
    static final double LG3 = 2.857142874366239149e-01;
    static final double LG4 = 2.222219843214978396e-01;
    static final double LG5 = 1.818357216161805012e-01;
    static final double LG6 = 1.531383769920937332e-01;
    static final double LG7 = 1.479819860511658591e-01;
    /** The significand bits of a double, and the bits of 1.0 (the exponent field of {@code [1, 2)}). */
    static final long SIGNIFICAND = 0x000fffffffffffffL;
    static final long ONE_BITS = 0x3ff0000000000000L;
    /** Added to the significand, carries into bit 52 from a significand of about {@code sqrt(2)} up (fdlibm's). */
    static final long SQRT2_CARRY = 0x00095f6400000000L;
    static final long BIT52 = 0x0010000000000000L;
    /** The bits of {@code 2^52}: or-ing a small integer into them and subtracting gives that integer as a double. */
    static final long TWO52_BITS = 0x4330000000000000L;
    static final double TWO52_PLUS_BIAS = 0x1p52 + 1023;

    /**
     * Natural log of a positive normal double, within one ulp of {@code Math.log} (fdlibm's {@code log}: {@code x =
     * 2^e m} with {@code m} in about {@code [sqrt(1/2), sqrt(2))}, {@code s = (m - 1) / (m + 1)}, a degree-14
     * polynomial in {@code s}), written without branches so that it runs as one vector lane does
     * ({@link VectorMath#logDouble}). It takes each row's final log (a probability ratio in {@code [1e-7, 1e7]} or a
     * sum of exps in {@code [1, classes]}): {@code Math.log} there is a call that cannot be vectorised, and it was half
     * of a two-class row's time. NaN and {@code +Infinity} give themselves; zero, negative and subnormal arguments do
     * not occur there and give no meaningful value.
     */
    static double logDouble(double x) {
        long bits = Double.doubleToRawLongBits(x);
        long significand = bits & SIGNIFICAND;
        // Integer arithmetic instead of a comparison: half of the arguments are above sqrt(2), so a branch would be
        // mispredicted half of the time. halve is BIT52 where the significand is at least ~sqrt(2), else 0.
        long halve = (significand + SQRT2_CARRY) & BIT52;
        double m = Double.longBitsToDouble(significand | (halve ^ ONE_BITS));
        double e = Double.longBitsToDouble(((bits >>> 52) + (halve >>> 52)) | TWO52_BITS) - TWO52_PLUS_BIAS;
        double f = m - 1.0;
        double s = f / (2.0 + f);
        double z = s * s;
        double w = z * z;
        double t1 = w * (LG2 + w * (LG4 + w * LG6));
        double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
        double r = t2 + t1;
        double hfsq = 0.5 * f * f;
        double result = e * LN2_HI_D - ((hfsq - (s * (hfsq + r) + e * LN2_LO_D)) - f);
        return x != x || x == Double.POSITIVE_INFINITY ? x : result;
    }
}
