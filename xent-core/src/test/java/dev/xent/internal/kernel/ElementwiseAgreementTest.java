package dev.xent.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xent.ndarray.NdArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fast {@link ElementwiseKernel} against the {@link ScalarElementwise} reference, one test body for all: the SIMD
 * kernel within float32 rounding per output, the parallel decorator bit-identical for 1, 2, 3 and 8 threads,
 * buffer-backed and non-float32 inputs bit-identical to float arrays, and any sub-range of outputs identical to the
 * whole call.
 *
 * <p>Cases are seeded random data over awkward output counts (0, 1, 3, 7, 8, 13, 31, 100, 1023, 4099) and reduced-axis
 * lengths (1 to 5000), the axis last or followed by 3 or 17 positions, both precisions, every function, half of them
 * sprinkled with edge values (NaN, +-Infinity, 0, 1, the clip bounds, logits +-100 and +-1e4). The display name
 * carries the seed.
 *
 * <p>Tolerance (the SIMD contract): {@code |fast - reference| <= 2^-20 * scale + ulp(float)(reference) + MIN_NORMAL},
 * where {@code scale} is the output's reduction of the absolute values of each element's terms (the error of a float32
 * log or exp is relative to its term, and terms may cancel); NaN where the reference is NaN and equal infinities.
 */
class ElementwiseAgreementTest {

    enum Fn { BCE, BCE_LOGITS, FOCAL, FOCAL_LOGITS, CATEGORICAL_FOCAL, CATEGORICAL_FOCAL_LOGITS, KL, POISSON }

    static final int[] OUTPUTS = {0, 1, 3, 7, 8, 13, 31, 100, 1023, 4099};
    static final int[] LENGTHS = {1, 2, 3, 7, 8, 10, 16, 17, 33, 100, 2047, 2049, 5000};
    static final int[] INNER = {1, 3, 17};
    static final int MAX_ELEMENTS = 120_000;
    static final float LO = (float) Precision.FLOAT32.clipLow;
    static final float HI = (float) Precision.FLOAT32.clipHigh;

    /** Worst error seen, in float32 ulps of the larger of the reference and its scale (printed after the run). */
    static final double[] WORST_ULPS = new double[Fn.values().length];

    static final class Case {
        final long seed;
        final Fn fn;
        final Precision precision;
        final int outer;
        final int n;
        final int inner;
        final boolean edges;
        final boolean smoothing;

        Case(long seed, Fn fn, Precision precision, int outer, int n, int inner, boolean edges, boolean smoothing) {
            this.seed = seed;
            this.fn = fn;
            this.precision = precision;
            this.outer = outer;
            this.n = n;
            this.inner = inner;
            this.edges = edges;
            this.smoothing = smoothing;
        }

        RowLayout layout() {
            return new RowLayout(outer, n, inner);
        }

        int outputs() {
            return outer * inner;
        }

        int[] shape() {
            return new int[] {outer, n, inner};
        }

        boolean logits() {
            return fn == Fn.BCE_LOGITS || fn == Fn.FOCAL_LOGITS || fn == Fn.CATEGORICAL_FOCAL_LOGITS;
        }

        @Override
        public String toString() {
            return fn + " " + precision + " shape (" + outer + ", " + n + ", " + inner + ")" + (edges ? " edges" : "")
                    + (smoothing ? " smoothing" : "") + " seed=" + seed;
        }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        SplittableRandom pick = new SplittableRandom(20260901);
        Fn[] fns = Fn.values();
        int next = 0;
        for (int n : LENGTHS) {
            for (int inner : INNER) {
                for (int outputs : OUTPUTS) {
                    int outer = inner == 1 ? outputs : Math.max(outputs == 0 ? 0 : 1, outputs / inner);
                    if ((long) outer * n * inner > MAX_ELEMENTS) {
                        continue;
                    }
                    // Every function at every shape would be ~3000 cases: rotate through them instead.
                    for (int variant = 0; variant < 2; variant++) {
                        Fn fn = fns[next++ % fns.length];
                        Precision precision = pick.nextInt(4) == 0 ? Precision.FLOAT64 : Precision.FLOAT32;
                        boolean smoothing = fn != Fn.KL && fn != Fn.POISSON && pick.nextInt(3) == 0;
                        out.add(new Case(pick.nextLong(), fn, precision, outer, n, inner, variant == 1, smoothing));
                    }
                }
            }
        }
        return out.stream();
    }

    /** The inputs of a case. */
    static final class Data {
        final float[] pred;
        final float[] target;

        Data(Case c) {
            SplittableRandom rnd = new SplittableRandom(c.seed);
            int size = c.outer * c.n * c.inner;
            pred = new float[size];
            target = new float[size];
            double scale = new double[] {1, 5, 30, 1e4}[rnd.nextInt(4)];
            int targets = rnd.nextInt(3); // hard, soft, mixed
            for (int i = 0; i < size; i++) {
                switch (c.fn) {
                    case POISSON:
                        pred[i] = (float) Math.exp(rnd.nextGaussian() * 2);
                        target[i] = rnd.nextInt(6);
                        break;
                    case KL:
                        pred[i] = (float) rnd.nextDouble();
                        target[i] = rnd.nextInt(5) == 0 ? 0f : (float) rnd.nextDouble();
                        break;
                    default:
                        pred[i] = c.logits() ? (float) (rnd.nextGaussian() * scale) : (float) rnd.nextDouble();
                        boolean hard = targets == 0 || (targets == 2 && rnd.nextBoolean());
                        target[i] = hard ? rnd.nextInt(2) : (float) rnd.nextDouble();
                        break;
                }
            }
            if (c.edges && size > 0) {
                float[] special;
                if (c.fn == Fn.POISSON) {
                    special = new float[] {Float.NaN, Float.POSITIVE_INFINITY, 0f, -LO, -1f, 1e-30f, Float.MIN_VALUE,
                        -LO + 1e-38f, 1e30f};
                } else if (c.logits()) {
                    special = new float[] {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 100f, -100f,
                        1e4f, -1e4f, 0f, -0f, 88f, -88f, -87.3f, -103f, 1e30f};
                } else {
                    special = new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1f,
                        LO, HI, Math.nextUp(LO), Math.nextDown(LO), Math.nextUp(HI), Float.MIN_VALUE, 1e-30f, 2f};
                }
                float[] specialTargets = {Float.NaN, 0f, 1f, 0.5f, LO, HI};
                int hits = Math.max(1, size / 50);
                for (int h = 0; h < hits; h++) {
                    pred[rnd.nextInt(size)] = special[rnd.nextInt(special.length)];
                    if (rnd.nextInt(4) == 0) {
                        target[rnd.nextInt(size)] = specialTargets[rnd.nextInt(specialTargets.length)];
                    }
                }
            }
        }
    }

    static double keep(Case c) {
        return c.smoothing ? c.precision.round(1 - 0.1) : 1;
    }

    static double add(Case c) {
        if (!c.smoothing) {
            return 0;
        }
        boolean categorical = c.fn == Fn.CATEGORICAL_FOCAL || c.fn == Fn.CATEGORICAL_FOCAL_LOGITS;
        return categorical ? c.precision.round(c.precision.round(0.1) / c.n) : c.precision.round(0.05);
    }

    static final ElementwiseKernel.Focal FOCAL = new ElementwiseKernel.Focal(2.0, true, 0.25, 0.75);

    /** Runs the case's function into the middle of a sentinel-filled array (offsets must be honoured). */
    static double[] run(ElementwiseKernel k, Case c, NdArray target, NdArray pred, int from, int to) {
        int outputs = to - from;
        double[] out = new double[outputs + 4];
        java.util.Arrays.fill(out, -12345.0);
        RowLayout g = c.layout();
        Precision q = c.precision;
        double[] alpha = c.n % 2 == 0 ? new double[] {0.25} : perPosition(c);
        switch (c.fn) {
            case BCE:
            case BCE_LOGITS:
                k.binaryCrossentropy(target, pred, g, keep(c), add(c), c.logits(), q, out, 2, from, to);
                break;
            case FOCAL:
            case FOCAL_LOGITS:
                k.binaryFocalCrossentropy(target, pred, g, keep(c), add(c), c.logits(), FOCAL, q, out, 2, from, to);
                break;
            case CATEGORICAL_FOCAL:
            case CATEGORICAL_FOCAL_LOGITS:
                k.categoricalFocalCrossentropy(target, pred, g, keep(c), add(c), c.logits(), 2.0, alpha, q, out, 2,
                        from, to);
                break;
            case KL:
                k.klDivergence(target, pred, g, q, out, 2, from, to);
                break;
            default:
                k.poisson(target, pred, g, q, out, 2, from, to);
                break;
        }
        assertEquals(-12345.0, out[0]);
        assertEquals(-12345.0, out[1]);
        assertEquals(-12345.0, out[outputs + 2]);
        assertEquals(-12345.0, out[outputs + 3]);
        return java.util.Arrays.copyOfRange(out, 2, outputs + 2);
    }

    /** One alpha per position of the last axis (the inner axis here, or the reduced one when it is last). */
    static double[] perPosition(Case c) {
        int last = c.inner > 1 ? c.inner : c.n;
        double[] alpha = new double[last];
        for (int i = 0; i < last; i++) {
            alpha[i] = (float) (0.1 + 0.8 * i / Math.max(1, last));
        }
        return alpha;
    }

    static double[] run(ElementwiseKernel k, Case c, Data d) {
        return run(k, c, NdArray.of(d.target, 0, c.shape()), NdArray.of(d.pred, 0, c.shape()), 0, c.outputs());
    }

    /** The reduction of {@code |terms|} per output: what the float32 errors of the element formulas scale with. */
    static double[] scales(Case c, Data d) {
        RowLayout g = c.layout();
        Precision q = c.precision;
        double[] s = new double[c.outputs()];
        for (int r = 0; r < s.length; r++) {
            double sum = 0;
            for (int k = 0; k < c.n; k++) {
                int i = g.base(r) + k * g.classStride();
                double t = q.round(d.target[i]);
                if (c.smoothing) {
                    t = q.round(q.round(t * keep(c)) + add(c));
                }
                double p = q.round(d.pred[i]);
                sum += termScale(c.fn, t, p, q);
            }
            s[r] = c.fn == Fn.KL ? sum : sum / c.n;
        }
        return s;
    }

    static double termScale(Fn fn, double t, double p, Precision q) {
        switch (fn) {
            case BCE: {
                double o = ScalarElementwise.clip(p, q);
                return Math.abs(t * Math.log(o)) + Math.abs((1 - t) * Math.log(1 - o));
            }
            case BCE_LOGITS:
                return Math.abs(Math.max(p, 0)) + Math.abs(p * t) + Math.log1p(Math.exp(-Math.abs(p)));
            case KL:
                return Math.abs(ScalarElementwise.kl(t, p, q));
            case POISSON:
                return Math.abs(p) + Math.abs(t * Math.log(p + q.clipLow));
            default:
                return 0; // served by the reference itself: no tolerance
        }
    }

    static void assertClose(double[] want, double[] got, double[] scale, Case c, String what) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            double w = want[i];
            double g = got[i];
            if (Double.isNaN(w) || Double.isInfinite(w)) {
                if (Double.compare(w, g) != 0) {
                    fail(what + " output " + i + ": " + g + ", reference " + w + " (" + c + ")");
                }
                continue;
            }
            double tol = Math.scalb(scale[i], -20) + Math.ulp((float) w) + Float.MIN_NORMAL;
            if (!(Math.abs(g - w) <= tol)) {
                fail(what + " output " + i + ": " + g + ", reference " + w + ", |diff| " + Math.abs(g - w) + " > "
                        + tol + " (" + c + ")");
            }
            // Below the normal floats, errors are absolute (exp underflows to 0 from -87.3 on; TensorFlow flushes).
            double unit = Math.ulp((float) Math.max(Math.max(Math.abs(w), scale[i]), 0x1p-100));
            WORST_ULPS[c.fn.ordinal()] = Math.max(WORST_ULPS[c.fn.ordinal()], Math.abs(g - w) / unit);
        }
    }

    @AfterAll
    static void printWorst() {
        StringBuilder b = new StringBuilder("worst vector error, float32 ulps of max(|reference|, scale):");
        for (Fn fn : Fn.values()) {
            b.append(' ').append(fn).append('=').append(String.format(java.util.Locale.ROOT, "%.2f",
                    WORST_ULPS[fn.ordinal()]));
        }
        System.out.println(b);
    }

    static ElementwiseKernel vector() {
        String[] why = new String[1];
        ElementwiseKernel k = Kernels.vectorElementwise(why);
        assumeTrue(k != null, () -> "SIMD kernel unavailable: " + why[0]);
        return k;
    }

    static ElementwiseKernel vectorOrScalar() {
        ElementwiseKernel k = Kernels.vectorElementwise(new String[1]);
        return k == null ? ScalarElementwise.INSTANCE : k;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void vectorAgreesWithScalar(Case c) {
        ElementwiseKernel vector = vector();
        Data d = new Data(c);
        double[] want = run(ScalarElementwise.INSTANCE, c, d);
        double[] got = run(vector, c, d);
        boolean simd = c.precision == Precision.FLOAT32
                && (c.fn == Fn.BCE || c.fn == Fn.BCE_LOGITS || c.fn == Fn.KL || c.fn == Fn.POISSON);
        if (!simd) {
            assertArrayEquals(want, got, "served by the reference: " + c);
        } else {
            assertClose(want, got, scales(c, d), c, "vector");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parallelIsBitIdenticalForAnyThreadCount(Case c) {
        Data d = new Data(c);
        for (ElementwiseKernel base : new ElementwiseKernel[] {vectorOrScalar(), ScalarElementwise.INSTANCE}) {
            double[] single = run(base, c, d);
            for (int threads : new int[] {1, 2, 3, 8}) {
                double[] got = run(new ParallelElementwise(base, threads, 1), c, d);
                assertArrayEquals(single, got, base.name() + " on " + threads + " threads: " + c);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void buffersOtherDtypesAndOffsetsGiveTheArrayResult(Case c) {
        Data d = new Data(c);
        int[] shape = c.shape();
        for (ElementwiseKernel k : new ElementwiseKernel[] {vectorOrScalar(), ScalarElementwise.INSTANCE}) {
            double[] want = run(k, c, d);
            // A heap buffer (no array exposed through NdArray) for predictions, a direct little-endian one for targets.
            FloatBuffer heap = FloatBuffer.allocate(d.pred.length + 3);
            heap.position(3);
            heap.put(d.pred);
            heap.position(3);
            FloatBuffer direct = ByteBuffer.allocateDirect(4 * d.target.length).order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer();
            direct.put(d.target);
            direct.flip();
            assertArrayEquals(want, run(k, c, NdArray.of(direct, shape), NdArray.of(heap, shape), 0, c.outputs()),
                    k.name() + " buffers: " + c);
            // Views inside larger arrays.
            float[] shifted = new float[d.pred.length + 5];
            System.arraycopy(d.pred, 0, shifted, 5, d.pred.length);
            assertArrayEquals(want, run(k, c, NdArray.of(d.target, 0, shape), NdArray.of(shifted, 5, shape), 0,
                    c.outputs()), k.name() + " offset: " + c);
            // Targets as float64 (read as float32 when the precision is float32, as Keras casts them).
            double[] wide = new double[d.target.length];
            for (int i = 0; i < wide.length; i++) {
                wide[i] = d.target[i];
            }
            assertArrayEquals(want, run(k, c, NdArray.of(wide, 0, shape), NdArray.of(d.pred, 0, shape), 0,
                    c.outputs()), k.name() + " float64 targets: " + c);
        }
    }

    @Test
    void integerTargetsAreCastLikeFloats() {
        Case c = new Case(5, Fn.BCE, Precision.FLOAT32, 300, 10, 1, false, false);
        Data d = new Data(c);
        int[] labels = new int[d.target.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = d.target[i] >= 0.5f ? 1 : 0;
            d.target[i] = labels[i];
        }
        for (ElementwiseKernel k : new ElementwiseKernel[] {vectorOrScalar(), ScalarElementwise.INSTANCE}) {
            assertArrayEquals(run(k, c, d), run(k, c, NdArray.of(labels, 0, c.shape()), NdArray.of(d.pred, 0,
                    c.shape()), 0, c.outputs()), k.name());
        }
    }

    @ParameterizedTest(name = "outputs [{0}, {1}) seed=7")
    @MethodSource("subRanges")
    void subRangesWriteOnlyTheirOutputs(int from, int to) {
        for (Fn fn : Fn.values()) {
            for (int inner : new int[] {1, 17}) {
                Case c = new Case(7, fn, Precision.FLOAT32, inner == 1 ? 85 : 5, 40, inner, true, false);
                Data d = new Data(c);
                NdArray t = NdArray.of(d.target, 0, c.shape());
                NdArray p = NdArray.of(d.pred, 0, c.shape());
                ElementwiseKernel k = vectorOrScalar();
                double[] all = run(k, c, d);
                assertArrayEquals(java.util.Arrays.copyOfRange(all, from, to), run(k, c, t, p, from, to), c.toString());
            }
        }
    }

    static Stream<Arguments> subRanges() {
        return Stream.of(Arguments.of(0, 0), Arguments.of(0, 85), Arguments.of(3, 4), Arguments.of(5, 40),
                Arguments.of(16, 51), Arguments.of(33, 85));
    }

    @Test
    void channelsFirstGivesTheAxisLastResult() {
        // An output depends only on its elements: moving the reduced axis last changes no bit.
        for (Fn fn : Fn.values()) {
            if (fn == Fn.CATEGORICAL_FOCAL || fn == Fn.CATEGORICAL_FOCAL_LOGITS) {
                continue; // alpha follows the last axis, so moving the axis changes the weights
            }
            Case c = new Case(11, fn, Precision.FLOAT32, 6, 37, 19, true, fn != Fn.KL && fn != Fn.POISSON);
            Data d = new Data(c);
            int outputs = c.outputs();
            float[] pred = new float[d.pred.length];
            float[] target = new float[d.target.length];
            RowLayout g = c.layout();
            for (int r = 0; r < outputs; r++) {
                for (int k = 0; k < c.n; k++) {
                    pred[r * c.n + k] = d.pred[g.base(r) + k * c.inner];
                    target[r * c.n + k] = d.target[g.base(r) + k * c.inner];
                }
            }
            Case last = new Case(c.seed, fn, c.precision, outputs, c.n, 1, true, c.smoothing);
            int[] shape = last.shape();
            ElementwiseKernel k = vectorOrScalar();
            assertArrayEquals(run(k, c, d), run(k, last, NdArray.of(target, 0, shape), NdArray.of(pred, 0, shape), 0,
                    outputs), k.name() + ": " + c);
        }
    }

    @Test
    void providerHonoursTheProperty() {
        for (String property : new String[] {"auto", "vector", "scalar", "bogus"}) {
            ElementwiseKernel k = Kernels.chooseElementwise(property, "1");
            boolean simd = (property.equals("auto") || property.equals("vector")) && Kernels.vectorModulePresent();
            assertEquals(simd ? "vector" : "scalar", k.name(), property);
            ElementwiseKernel p = Kernels.chooseElementwise(property, "3");
            assertTrue(p instanceof ParallelElementwise && ((ParallelElementwise) p).threads() == 3, p.name());
        }
    }
}
