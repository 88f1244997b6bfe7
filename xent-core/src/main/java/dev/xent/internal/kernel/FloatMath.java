package dev.xent.internal.kernel;

/**
 * Float32 {@code exp} and {@code log} as multiply/add sequences (Cephes {@code expf}/{@code logf} coefficients): the
 * scalar twins of {@link VectorMath}. {@code exp} uses fused multiply-adds where {@link VectorMath#FMA} says so ({@link
 * #expFused}, about a fifth faster for logits), else separate operations ({@link #expPlain}); {@code log} never fuses.
 * Each twin performs exactly the operations one vector lane performs, in the same order, so a row computed in a vector
 * lane and the same row computed here give bit-identical results; that is what makes the strided kernels independent of
 * how rows are split into lanes, chunks and threads.
 *
 * <p>Accuracy against {@code Math.exp}/{@code Math.log} (a sweep of every 7th float of the domain: worst 0.98 ulp for
 * {@code exp} on {@code [-87.3, 0]} (either form), 0.82 ulp for {@code log} on {@code [1e-7, 1]}; {@code FloatMathTest}
 * asserts 2 ulp): {@code exp} is 0 below {@code -87.3} (where {@code exp(x) < 2^-126}) and exactly 1 at 0; {@code log}
 * expects positive normal floats. NaN gives NaN.
 */
final class FloatMath {

    private FloatMath() {}

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

    /** {@link #exp} with fused multiply-adds (Horner steps and the argument reduction), as chosen by the JIT's FMA. */
    static float expFused(float x) {
        float t = Math.fma(x, LOG2E, MAGIC);
        float n = t - MAGIC;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float z = r * r;
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, E0, E1), r, E2), r, E3), r, E4), r, E5),
                z, r) + 1f;
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) - MAGIC_BITS_MINUS_BIAS) << 23);
        float result = p * scale;
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
        float m = Float.intBitsToFloat((ix & 0x007fffff) | 0x3f000000);
        boolean small = m < SQRT_HALF;
        float x = (m + (small ? m : 0f)) - 1f;
        float ef = (float) e - (small ? 1f : 0f);
        float z = x * x;
        float y = ((((((((L0 * x + L1) * x + L2) * x + L3) * x + L4) * x + L5) * x + L6) * x + L7) * x + L8) * x * z;
        y = y + LN2_LO * ef;
        y = y + -0.5f * z;
        float result = x + y;
        result = result + LN2_HI * ef;
        return q != q ? q : result;
    }
}
