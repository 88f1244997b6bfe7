package dev.xent.internal.kernel;

import static dev.xent.internal.kernel.FloatMath.E0;
import static dev.xent.internal.kernel.FloatMath.E1;
import static dev.xent.internal.kernel.FloatMath.E2;
import static dev.xent.internal.kernel.FloatMath.E3;
import static dev.xent.internal.kernel.FloatMath.E4;
import static dev.xent.internal.kernel.FloatMath.E5;
import static dev.xent.internal.kernel.FloatMath.EXP_UNDERFLOW;
import static dev.xent.internal.kernel.FloatMath.L0;
import static dev.xent.internal.kernel.FloatMath.L1;
import static dev.xent.internal.kernel.FloatMath.L2;
import static dev.xent.internal.kernel.FloatMath.L3;
import static dev.xent.internal.kernel.FloatMath.L4;
import static dev.xent.internal.kernel.FloatMath.L5;
import static dev.xent.internal.kernel.FloatMath.L6;
import static dev.xent.internal.kernel.FloatMath.L7;
import static dev.xent.internal.kernel.FloatMath.L8;
import static dev.xent.internal.kernel.FloatMath.LN2_HI;
import static dev.xent.internal.kernel.FloatMath.LN2_LO;
import static dev.xent.internal.kernel.FloatMath.LOG2E;
import static dev.xent.internal.kernel.FloatMath.MAGIC;
import static dev.xent.internal.kernel.FloatMath.MAGIC_BITS_MINUS_BIAS;
import static dev.xent.internal.kernel.FloatMath.SQRT_HALF;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API holder: the species and lane-wise {@code exp}/{@code log}. Only {@link VectorKernel} touches this
 * class, so nothing on the scalar path loads {@code jdk.incubator.vector}.
 *
 * <p>{@code VectorOperators.EXP}/{@code LOG} are not used: without SVML (JDK 17 on most builds) they run lane by
 * lane through {@code Math.exp}. These are the Cephes float polynomials of {@link FloatMath}, operation for
 * operation, so a lane and its scalar twin agree bit for bit. Only methods present in both JDK 17 and JDK 25
 * ({@code fromArray}, {@code intoArray}, {@code lanewise}, {@code compare}, {@code blend}, reinterpret casts) are used.
 */
final class VectorMath {

    private VectorMath() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    static final int LANES = F.length();

    /**
     * Whether {@code exp} uses fused multiply-adds (here and in {@link FloatMath}): by default where SIMD is at least
     * 256 bits wide on x86 (AVX2, which comes with FMA3) and on AArch64 (FMA is part of the base ISA). Elsewhere
     * {@code Math.fma} may not be a single instruction. {@code -Dxent.fma=true|false} overrides the choice.
     */
    static final boolean FMA = fma(System.getProperty("xent.fma", "auto"), System.getProperty("os.arch", ""));

    static boolean fma(String property, String arch) {
        if (property.equals("true") || property.equals("false")) {
            return Boolean.parseBoolean(property);
        }
        return arch.equals("aarch64") || ((arch.equals("amd64") || arch.equals("x86_64")) && LANES >= 8);
    }

    /** Lane-wise {@link FloatMath#exp}. */
    static FloatVector exp(FloatVector x) {
        return FMA ? expFused(x) : expPlain(x);
    }

    /** Lane-wise {@link FloatMath#expFused}. */
    static FloatVector expFused(FloatVector x) {
        FloatVector t = x.fma(LOG2E, MAGIC);
        FloatVector n = t.sub(MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector z = r.mul(r);
        FloatVector z2 = z.mul(z);
        FloatVector high = r.fma(E0, E1);
        FloatVector middle = r.fma(E2, E3);
        FloatVector low = r.fma(E4, E5);
        FloatVector q = high.fma(z2, middle.fma(z, low)).fma(z, r);
        FloatVector scale = ((IntVector) t.reinterpretAsInts()).sub(MAGIC_BITS_MINUS_BIAS)
                .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return q.fma(scale, scale).blend(0f, x.compare(VectorOperators.LT, EXP_UNDERFLOW));
    }

    /** Lane-wise {@link FloatMath#expPlain}. */
    static FloatVector expPlain(FloatVector x) {
        FloatVector t = x.mul(LOG2E).add(MAGIC);
        FloatVector n = t.sub(MAGIC);
        FloatVector r = x.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
        FloatVector z = r.mul(r);
        FloatVector p = r.mul(E0).add(E1).mul(r).add(E2).mul(r).add(E3).mul(r).add(E4).mul(r).add(E5)
                .mul(z).add(r).add(1f);
        FloatVector scale = ((IntVector) t.reinterpretAsInts()).sub(MAGIC_BITS_MINUS_BIAS)
                .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale).blend(0f, x.compare(VectorOperators.LT, EXP_UNDERFLOW));
    }

    /** Lane-wise {@link FloatMath#log}. */
    static FloatVector log(FloatVector q) {
        IntVector ix = (IntVector) q.reinterpretAsInts();
        IntVector e = ix.lanewise(VectorOperators.LSHR, 23).sub(126);
        FloatVector m = ix.and(0x007fffff).or(0x3f000000).reinterpretAsFloats();
        VectorMask<Float> small = m.compare(VectorOperators.LT, SQRT_HALF);
        FloatVector x = m.add(m.blend(0f, small.not())).sub(1f);
        FloatVector ef = ((FloatVector) e.convert(VectorOperators.I2F, 0)).sub(FloatVector.zero(F).blend(1f, small));
        FloatVector z = x.mul(x);
        FloatVector y = x.mul(L0).add(L1).mul(x).add(L2).mul(x).add(L3).mul(x).add(L4).mul(x).add(L5).mul(x)
                .add(L6).mul(x).add(L7).mul(x).add(L8).mul(x).mul(z);
        y = y.add(ef.mul(LN2_LO));
        y = y.add(z.mul(-0.5f));
        FloatVector result = x.add(y).add(ef.mul(LN2_HI));
        return result.blend(q, q.compare(VectorOperators.NE, q));
    }

    /** {@link #logPolynomial}'s coefficients as vectors (constants to C2: no broadcast per use). */
    private static final FloatVector VL0 = FloatVector.broadcast(F, L0);
    private static final FloatVector VL1 = FloatVector.broadcast(F, L1);
    private static final FloatVector VL2 = FloatVector.broadcast(F, L2);
    private static final FloatVector VL3 = FloatVector.broadcast(F, L3);
    private static final FloatVector VL4 = FloatVector.broadcast(F, L4);
    private static final FloatVector VL5 = FloatVector.broadcast(F, L5);
    private static final FloatVector VL6 = FloatVector.broadcast(F, L6);
    private static final FloatVector VL7 = FloatVector.broadcast(F, L7);
    private static final FloatVector VL8 = FloatVector.broadcast(F, L8);

    /** Lane-wise {@link FloatMath#logPolynomial}. */
    static FloatVector logPolynomial(FloatVector x, FloatVector z) {
        if (FMA) {
            FloatVector p = x.fma(VL0, VL1);
            p = p.fma(x, VL2);
            p = p.fma(x, VL3);
            p = p.fma(x, VL4);
            p = p.fma(x, VL5);
            p = p.fma(x, VL6);
            p = p.fma(x, VL7);
            p = p.fma(x, VL8);
            return p.mul(x).mul(z);
        }
        return x.mul(L0).add(L1).mul(x).add(L2).mul(x).add(L3).mul(x).add(L4).mul(x).add(L5).mul(x)
                .add(L6).mul(x).add(L7).mul(x).add(L8).mul(x).mul(z);
    }

    private static final FloatVector VLN2_HI = FloatVector.broadcast(F, LN2_HI);
    private static final FloatVector VLN2_LO = FloatVector.broadcast(F, LN2_LO);
    private static final FloatVector VMINUS_HALF = FloatVector.broadcast(F, -0.5f);

    /** Lane-wise {@link FloatMath#logFast}. */
    static FloatVector logFast(FloatVector q) {
        IntVector ix = (IntVector) q.reinterpretAsInts();
        IntVector tmp = ix.sub(FloatMath.SQRT_HALF_BITS);
        FloatVector x = ix.sub(tmp.and(0xff800000)).reinterpretAsFloats().sub(1f);
        FloatVector ef = (FloatVector) tmp.lanewise(VectorOperators.ASHR, 23).convert(VectorOperators.I2F, 0);
        FloatVector z = x.mul(x);
        FloatVector y = logPolynomial(x, z);
        FloatVector result;
        if (FMA) {
            y = ef.fma(VLN2_LO, y);
            y = z.fma(VMINUS_HALF, y);
            result = ef.fma(VLN2_HI, x.add(y));
        } else {
            y = y.add(ef.mul(LN2_LO));
            y = y.add(z.mul(-0.5f));
            result = x.add(y).add(ef.mul(LN2_HI));
        }
        return result.blend(q, q.compare(VectorOperators.NE, q));
    }

    /** Lane-wise {@link FloatMath#log1pUnit}. */
    static FloatVector log1pUnit(FloatVector e) {
        VectorMask<Float> big = e.compare(VectorOperators.GE, FloatMath.SQRT2_MINUS_1);
        FloatVector zero = FloatVector.zero(F);
        FloatVector b = e.mul(0.5f);
        FloatVector xb = b.sub(0.5f);
        FloatVector lo = zero.blend(b.sub(xb.add(0.5f)), big);
        FloatVector x = e.blend(xb, big);
        FloatVector ef = zero.blend(1f, big);
        FloatVector z = x.mul(x);
        FloatVector y = logPolynomial(x, z);
        y = y.add(ef.mul(LN2_LO));
        y = y.add(z.mul(-0.5f));
        y = y.add(lo);
        return x.add(y).add(ef.mul(LN2_HI));
    }

    /**
     * Lane-wise {@link FloatMath#logAny}: {@link #logFast} of the argument (subnormals scaled by {@code 2^24} first),
     * then the lanes outside the positive normal floats fixed as {@code Math.log} answers them. One log and no branch:
     * C2 (JDK 17) inlines one log per compiled loop at most (its node budget), and anything it leaves out is boxed.
     */
    static FloatVector logAny(FloatVector q) {
        VectorMask<Float> subnormal = q.compare(VectorOperators.GT, 0f).and(q.compare(VectorOperators.LT,
                Float.MIN_NORMAL));
        FloatVector r = logFast(q.blend(q.mul(0x1p24f), subnormal));
        r = r.blend(r.sub(FloatMath.LN2_24), subnormal);
        r = r.blend(Float.NEGATIVE_INFINITY, q.compare(VectorOperators.EQ, 0f));
        r = r.blend(Float.NaN, q.compare(VectorOperators.LT, 0f));
        return r.blend(Float.POSITIVE_INFINITY, q.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
    }

    /**
     * {@link FloatMath#logDouble} of {@code x[0, LANES)} into {@code y}, {@code D.length()} lanes at a time: each row
     * group's final logs at once. Arrays rather than vectors cross the call, so nothing is boxed if it is not inlined.
     */
    static void logDouble(double[] x, double[] y) {
        for (int i = 0; i < LANES; i += D.length()) {
            DoubleVector v = DoubleVector.fromArray(D, x, i);
            LongVector bits = (LongVector) v.reinterpretAsLongs();
            LongVector significand = bits.and(FloatMath.SIGNIFICAND);
            LongVector halve = significand.add(FloatMath.SQRT2_CARRY).and(FloatMath.BIT52);
            DoubleVector m = significand.or(halve.lanewise(VectorOperators.XOR, FloatMath.ONE_BITS))
                    .reinterpretAsDoubles();
            DoubleVector e = bits.lanewise(VectorOperators.LSHR, 52).add(halve.lanewise(VectorOperators.LSHR, 52))
                    .or(FloatMath.TWO52_BITS).reinterpretAsDoubles().sub(FloatMath.TWO52_PLUS_BIAS);
            DoubleVector f = m.sub(1.0);
            DoubleVector s = f.div(f.add(2.0));
            DoubleVector z = s.mul(s);
            DoubleVector w = z.mul(z);
            DoubleVector t1 = w.mul(w.mul(w.mul(FloatMath.LG6).add(FloatMath.LG4)).add(FloatMath.LG2));
            DoubleVector t2 = z.mul(w.mul(w.mul(w.mul(FloatMath.LG7).add(FloatMath.LG5)).add(FloatMath.LG3))
                    .add(FloatMath.LG1));
            DoubleVector r = t2.add(t1);
            DoubleVector hfsq = f.mul(0.5).mul(f);
            DoubleVector result = e.mul(FloatMath.LN2_HI_D)
                    .sub(hfsq.sub(s.mul(hfsq.add(r)).add(e.mul(FloatMath.LN2_LO_D))).sub(f));
            VectorMask<Double> self = v.compare(VectorOperators.NE, v).or(v.compare(VectorOperators.EQ,
                    Double.POSITIVE_INFINITY));
            result.blend(v, self).intoArray(y, i);
        }
    }
}
