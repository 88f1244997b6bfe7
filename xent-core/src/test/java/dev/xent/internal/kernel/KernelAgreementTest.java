package dev.xent.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xent.ndarray.NdArray;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every fast kernel against the {@link ScalarKernel} reference (one test body, every implementation): the SIMD kernel
 * within float32 rounding per element, the parallel decorator bit-identical for 1, 2, 3 and 8 threads, and
 * buffer-backed input (heap and direct little-endian, as a memory-mapped file) bit-identical to array-backed input.
 *
 * <p>Cases are seeded random data over awkward row counts (0, 1, 3, 7, 8, 13, 31, 100, 1023, 4099) and class counts
 * (1, 2, 3, 7, 8, 16, 17, 100, 1000, 32000; fewer rows for large ones), class axis last or followed by 3 or 17
 * positions (channels first), both precisions, every probability mode, sparse and categorical, half of them sprinkled
 * with edge values (NaN, +-Infinity, 0, 1, the clip bounds, logits +-1e4). The display name carries the seed.
 *
 * <p>Tolerance (the fast path's contract): {@code |fast - scalar| <= 2 ulp(float)(scalar) + 1e-7}; NaN where the
 * reference is NaN and equal infinities.
 */
class KernelAgreementTest {

    static final int[] ROWS = {0, 1, 3, 7, 8, 13, 31, 100, 1023, 4099};
    static final int[] CLASSES = {1, 2, 3, 7, 8, 16, 17, 100, 1000, 32000};
    static final int[] INNER = {1, 3, 17};
    /** Largest prediction size per case, to keep the suite fast (the reference reads element by element). */
    static final int MAX_ELEMENTS = 140_000;

    static final float LO = (float) Precision.FLOAT32.clipLow;
    static final float HI = (float) Precision.FLOAT32.clipHigh;

    /** One generated input. */
    static final class Case {
        final long seed;
        final boolean sparse;
        final ProbabilityMode mode;
        final Precision precision;
        final int outer;
        final int classes;
        final int inner;
        final boolean edges;
        final boolean smoothing;

        Case(long seed, boolean sparse, ProbabilityMode mode, Precision precision, int outer, int classes, int inner,
             boolean edges, boolean smoothing) {
            this.seed = seed;
            this.sparse = sparse;
            this.mode = mode;
            this.precision = precision;
            this.outer = outer;
            this.classes = classes;
            this.inner = inner;
            this.edges = edges;
            this.smoothing = smoothing;
        }

        RowLayout layout() {
            return new RowLayout(outer, classes, inner);
        }

        int rows() {
            return outer * inner;
        }

        @Override
        public String toString() {
            return (sparse ? "sparse " : "categorical ") + mode + " " + precision + " shape (" + outer + ", "
                    + classes + ", " + inner + ")" + (edges ? " edges" : "") + (smoothing ? " smoothing" : "")
                    + " seed=" + seed;
        }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        SplittableRandom pick = new SplittableRandom(20260822);
        for (int classes : CLASSES) {
            for (int inner : INNER) {
                for (int rows : ROWS) {
                    int outer = inner == 1 ? rows : Math.max(rows == 0 ? 0 : 1, rows / inner);
                    if ((long) outer * classes * inner > MAX_ELEMENTS) {
                        continue;
                    }
                    // Every mode for both kinds at each shape would be ~2000 cases: rotate through them instead.
                    for (int variant = 0; variant < 2; variant++) {
                        boolean sparse = pick.nextBoolean();
                        ProbabilityMode mode = sparse ? ProbabilityMode.values()[pick.nextInt(3)]
                                : pick.nextBoolean() ? ProbabilityMode.LOGITS : ProbabilityMode.NORMALIZE_THEN_CLIP;
                        Precision precision = pick.nextInt(4) == 0 ? Precision.FLOAT64 : Precision.FLOAT32;
                        out.add(new Case(pick.nextLong(), sparse, mode, precision, outer, classes, inner,
                                variant == 1, !sparse && pick.nextBoolean()));
                    }
                }
            }
        }
        return out.stream();
    }

    /** The data of a case: predictions, sparse labels and categorical targets. */
    static final class Data {
        final float[] pred;
        final float[] target;
        final int[] labels;

        Data(Case c) {
            SplittableRandom rnd = new SplittableRandom(c.seed);
            int n = c.outer * c.classes * c.inner;
            pred = new float[n];
            target = new float[n];
            labels = new int[c.rows()];
            boolean logits = c.mode == ProbabilityMode.LOGITS;
            double scale = logits ? new double[] {1, 5, 30, 1e4}[rnd.nextInt(4)] : 1;
            for (int i = 0; i < n; i++) {
                pred[i] = logits ? (float) (rnd.nextGaussian() * scale) : (float) rnd.nextDouble();
            }
            RowLayout layout = c.layout();
            for (int r = 0; r < labels.length; r++) {
                int label = rnd.nextInt(c.classes);
                labels[r] = rnd.nextInt(20) == 0 ? CrossEntropyKernel.IGNORED : label;
                int base = layout.base(r);
                int kind = rnd.nextInt(4);
                for (int k = 0; k < c.classes; k++) {
                    // one-hot, soft, or the label class only
                    target[base + k * c.inner] = kind == 0 ? (float) rnd.nextDouble() / c.classes
                            : k == label ? 1f : 0f;
                }
                if (!logits && c.edges && rnd.nextInt(8) == 0) {
                    // A "perfect" prediction: exactly 1 at the label, 0 elsewhere.
                    for (int k = 0; k < c.classes; k++) {
                        pred[base + k * c.inner] = k == label ? 1f : 0f;
                    }
                }
                if (!logits && !c.edges && rnd.nextBoolean()) {
                    // A normalised row.
                    double sum = 0;
                    for (int k = 0; k < c.classes; k++) {
                        sum += pred[base + k * c.inner];
                    }
                    for (int k = 0; k < c.classes; k++) {
                        pred[base + k * c.inner] = (float) (pred[base + k * c.inner] / sum);
                    }
                }
                if (logits && c.edges && rnd.nextInt(16) == 0) {
                    for (int k = 0; k < c.classes; k++) {
                        pred[base + k * c.inner] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
            if (c.edges) {
                float[] special = logits
                        ? new float[] {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 1e4f, -1e4f, 0f,
                            -0f, 88f, -88f, 1e30f, -1e30f}
                        : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, 1f, LO, HI,
                            Math.nextUp(LO), Math.nextDown(LO), Math.nextUp(HI), Float.MIN_VALUE, 1e-30f, 2f};
                int hits = Math.max(1, n / 50);
                for (int h = 0; h < hits && n > 0; h++) {
                    pred[rnd.nextInt(n)] = special[rnd.nextInt(special.length)];
                }
            }
        }
    }

    static double[] run(CrossEntropyKernel k, Case c, NdArray pred, NdArray target, int[] labels) {
        int rows = c.rows();
        // Write into the middle of a larger array with a sentinel around it: offsets must be honoured.
        double[] out = new double[rows + 4];
        java.util.Arrays.fill(out, -12345.0);
        double keep = c.smoothing ? c.precision.round(1 - 0.1) : 1;
        double add = c.smoothing ? c.precision.round(c.precision.round(0.1) / c.classes) : 0;
        if (c.sparse) {
            k.sparse(pred, c.layout(), labels, c.mode, c.precision, out, 2, 0, rows);
        } else {
            k.categorical(pred, target, c.layout(), keep, add, c.mode, c.precision, out, 2, 0, rows);
        }
        assertEquals(-12345.0, out[0]);
        assertEquals(-12345.0, out[1]);
        assertEquals(-12345.0, out[rows + 2]);
        assertEquals(-12345.0, out[rows + 3]);
        return java.util.Arrays.copyOfRange(out, 2, rows + 2);
    }

    static double[] run(CrossEntropyKernel k, Case c, Data d) {
        int[] shape = {c.outer, c.classes, c.inner};
        return run(k, c, NdArray.of(d.pred, 0, shape), NdArray.of(d.target, 0, shape), d.labels);
    }

    static void assertClose(double[] want, double[] got, Case c, String what) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            double w = want[i];
            double g = got[i];
            if (Double.isNaN(w) || Double.isInfinite(w)) {
                if (Double.compare(w, g) != 0) {
                    fail(what + " row " + i + ": " + g + ", reference " + w + " (" + c + ")");
                }
                continue;
            }
            double tol = 2 * Math.ulp((float) w) + 1e-7;
            if (!(Math.abs(g - w) <= tol)) {
                fail(what + " row " + i + ": " + g + ", reference " + w + ", |diff| " + Math.abs(g - w) + " > "
                        + tol + " (" + c + ")");
            }
        }
    }

    static CrossEntropyKernel vector() {
        String[] why = new String[1];
        CrossEntropyKernel k = Kernels.vectorKernel(why);
        assumeTrue(k != null, () -> "SIMD kernel unavailable: " + why[0]);
        return k;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void vectorAgreesWithScalar(Case c) {
        CrossEntropyKernel vector = vector();
        Data d = new Data(c);
        double[] want = run(ScalarKernel.INSTANCE, c, d);
        double[] got = run(vector, c, d);
        if (c.precision == Precision.FLOAT64) {
            assertArrayEquals(want, got, "float64 runs the reference: " + c);
        } else {
            assertClose(want, got, c, "vector");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parallelIsBitIdenticalForAnyThreadCount(Case c) {
        Data d = new Data(c);
        CrossEntropyKernel base = Kernels.vectorModulePresent() ? vectorOrScalar() : ScalarKernel.INSTANCE;
        double[] single = run(base, c, d);
        for (int threads : new int[] {1, 2, 3, 8}) {
            double[] got = run(new ParallelKernel(base, threads, 1), c, d);
            assertArrayEquals(single, got, base.name() + " on " + threads + " threads: " + c);
        }
        double[] scalar = run(ScalarKernel.INSTANCE, c, d);
        assertArrayEquals(scalar, run(new ParallelKernel(ScalarKernel.INSTANCE, 3, 1), c, d), "scalar x 3: " + c);
    }

    private static CrossEntropyKernel vectorOrScalar() {
        CrossEntropyKernel k = Kernels.vectorKernel(new String[1]);
        return k == null ? ScalarKernel.INSTANCE : k;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void buffersGiveTheArrayResult(Case c) {
        buffersGiveTheArrayResult(c, vectorOrScalar());
        // The reference copies contiguous arrays into its row buffer and reads everything else element by element.
        buffersGiveTheArrayResult(c, ScalarKernel.INSTANCE);
    }

    private static void buffersGiveTheArrayResult(Case c, CrossEntropyKernel k) {
        Data d = new Data(c);
        int[] shape = {c.outer, c.classes, c.inner};
        double[] fromArrays = run(k, c, NdArray.of(d.pred, 0, shape), NdArray.of(d.target, 0, shape), d.labels);
        // A heap buffer (no array exposed through NdArray) for predictions, a direct little-endian one for targets.
        FloatBuffer heap = FloatBuffer.allocate(d.pred.length + 3);
        heap.position(3);
        heap.put(d.pred);
        heap.position(3);
        FloatBuffer direct = ByteBuffer.allocateDirect(4 * d.target.length).order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
        direct.put(d.target);
        direct.flip();
        double[] fromBuffers = run(k, c, NdArray.of(heap, shape), NdArray.of(direct, shape), d.labels);
        assertArrayEquals(fromArrays, fromBuffers, k.name() + " buffers vs arrays: " + c);
        // And a view that starts inside a larger array.
        float[] shifted = new float[d.pred.length + 5];
        System.arraycopy(d.pred, 0, shifted, 5, d.pred.length);
        double[] fromOffset = run(k, c, NdArray.of(shifted, 5, shape), NdArray.of(d.target, 0, shape), d.labels);
        assertArrayEquals(fromArrays, fromOffset, k.name() + " offset view: " + c);
    }

    static Stream<Case> channelsFirstCases() {
        return cases().filter(c -> c.inner > 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("channelsFirstCases")
    void channelsFirstGivesTheClassLastResult(Case c) {
        // A row's value depends only on its data: moving the class axis last changes no bit.
        Data d = new Data(c);
        int rows = c.rows();
        float[] pred = new float[d.pred.length];
        float[] target = new float[d.target.length];
        RowLayout layout = c.layout();
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < c.classes; k++) {
                pred[r * c.classes + k] = d.pred[layout.base(r) + k * c.inner];
                target[r * c.classes + k] = d.target[layout.base(r) + k * c.inner];
            }
        }
        Case last = new Case(c.seed, c.sparse, c.mode, c.precision, rows, c.classes, 1, c.edges, c.smoothing);
        int[] shape = {rows, c.classes, 1};
        CrossEntropyKernel k = vectorOrScalar();
        assertArrayEquals(run(k, c, d), run(k, last, NdArray.of(pred, 0, shape), NdArray.of(target, 0, shape),
                d.labels), k.name() + ": " + c);
    }

    @ParameterizedTest(name = "rows [{0}, {1}) seed=7")
    @MethodSource("subRanges")
    void subRangesWriteOnlyTheirRows(int from, int to) {
        Case c = new Case(7, true, ProbabilityMode.LOGITS, Precision.FLOAT32, 5, 40, 17, true, false);
        Data d = new Data(c);
        int[] shape = {c.outer, c.classes, c.inner};
        double[] all = run(vectorOrScalar(), c, d);
        double[] out = new double[to - from];
        vectorOrScalar().sparse(NdArray.of(d.pred, 0, shape), c.layout(), d.labels, c.mode, c.precision, out, 0,
                from, to);
        assertArrayEquals(java.util.Arrays.copyOfRange(all, from, to), out);
    }

    static Stream<Arguments> subRanges() {
        return Stream.of(Arguments.of(0, 0), Arguments.of(0, 85), Arguments.of(3, 4), Arguments.of(5, 40),
                Arguments.of(16, 51), Arguments.of(33, 85));
    }

    @ParameterizedTest(name = "{0} classes")
    @MethodSource("longRows")
    void longLogitRowsRescaleAcrossBlocks(int classes) {
        // Increasing logits: the running max grows in every block, so every block rescales the running sum.
        CrossEntropyKernel vector = vector();
        float[] pred = new float[2 * classes];
        SplittableRandom rnd = new SplittableRandom(classes);
        for (int i = 0; i < classes; i++) {
            pred[i] = i * 0.01f + (float) rnd.nextGaussian();
            pred[classes + i] = i < 2 * VectorKernel.BLOCK ? Float.NEGATIVE_INFINITY : (float) rnd.nextGaussian();
        }
        int[] labels = {classes - 1, classes - 1};
        Case c = new Case(classes, true, ProbabilityMode.LOGITS, Precision.FLOAT32, 2, classes, 1, false, false);
        NdArray p = NdArray.of(pred, 2, classes);
        assertClose(run(ScalarKernel.INSTANCE, c, p, p, labels), run(vector, c, p, p, labels), c, "long rows");
        Case cat = new Case(classes, false, ProbabilityMode.LOGITS, Precision.FLOAT32, 2, classes, 1, false, true);
        float[] t = new float[2 * classes];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) rnd.nextDouble() / classes;
        }
        NdArray tt = NdArray.of(t, 2, classes);
        assertClose(run(ScalarKernel.INSTANCE, cat, p, tt, labels), run(vector, cat, p, tt, labels), cat,
                "long categorical rows");
    }

    static Stream<Integer> longRows() {
        // The last: longer than the reference's row buffer (it reads such rows element by element).
        return Stream.of(VectorKernel.BLOCK - 1, VectorKernel.BLOCK + 1, 3 * VectorKernel.BLOCK + 17, 128256,
                ScalarKernel.ROW_LIMIT + 3);
    }

    @ParameterizedTest(name = "xent.kernels={0}")
    @MethodSource("properties")
    void providerHonoursTheProperty(String property) {
        CrossEntropyKernel k = Kernels.choose(property, "1");
        if (property.equals("scalar") || !Kernels.vectorModulePresent()) {
            assertEquals("scalar", k.name());
        } else {
            assertEquals("vector", k.name());
        }
        CrossEntropyKernel p = Kernels.choose(property, "3");
        assertTrue(p instanceof ParallelKernel && ((ParallelKernel) p).threads() == 3, p.name());
        // vectorized() sees through the warming and parallel wrappers (it decides the cast of categorical targets).
        boolean simd = !property.equals("scalar") && Kernels.vectorModulePresent();
        assertEquals(simd, k.vectorized(), k.name());
        assertEquals(simd, p.vectorized(), p.name());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("someCases")
    void warmingKernelMixesTwinAndVectorWithoutChangingABit(Case c) {
        CrossEntropyKernel vector = vector();
        Data d = new Data(c);
        double[] want = run(vector, c, d);
        // Slices of SLICE_ELEMENTS: the first goes to the (cold) vector kernel, the next to the twin, then by time.
        WarmingKernel warming = new WarmingKernel(vector, LaneTwin.INSTANCE);
        assertArrayEquals(want, run(warming, c, d), c.toString());
        if (c.precision == Precision.FLOAT32 && c.rows() > Math.max(1, WarmingKernel.SLICE_ELEMENTS / c.classes)) {
            assertTrue(warming.vectorNanos() > 0 && warming.twinNanos() > 0, "both paths ran: " + c);
        }
        for (int threads : new int[] {2, 3}) {
            WarmingKernel fresh = new WarmingKernel(vector, LaneTwin.INSTANCE);
            assertArrayEquals(want, run(new ParallelKernel(fresh, threads, 1), c, d), threads + " threads: " + c);
        }
    }

    @org.junit.jupiter.api.Test
    void warmingKernelTakesBothPathsOnSmallRows() {
        CrossEntropyKernel vector = vector();
        Case c = new Case(11, true, ProbabilityMode.CLIP_THEN_NORMALIZE, Precision.FLOAT32, 2000, 100, 1, true,
                false);
        Data d = new Data(c);
        WarmingKernel warming = new WarmingKernel(vector, LaneTwin.INSTANCE);
        assertArrayEquals(run(vector, c, d), run(warming, c, d));
        assertTrue(warming.vectorNanos() > 0 && warming.twinNanos() > 0);
    }

    static Stream<Case> someCases() {
        return cases().filter(c -> c.rows() * c.classes >= 1000).limit(40);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void twinIsBitIdenticalToTheVectorKernel(Case c) {
        // The warm-up runs the twin while the vector code is cold: which of them ran must never show.
        CrossEntropyKernel vector = vector();
        Data d = new Data(c);
        double[] want = run(vector, c, d);
        assertArrayEquals(want, run(LaneTwin.INSTANCE, c, d), "twin: " + c);
        int[] shape = {c.outer, c.classes, c.inner};
        FloatBuffer heap = FloatBuffer.allocate(d.pred.length + 3);
        heap.position(3);
        heap.put(d.pred);
        heap.position(3);
        assertArrayEquals(want, run(LaneTwin.INSTANCE, c, NdArray.of(heap, shape), NdArray.of(d.target, 0, shape),
                d.labels), "twin on a buffer: " + c);
    }

    @ParameterizedTest(name = "{0} classes")
    @MethodSource("longRows")
    void twinTakesLongRowsAsTheVectorKernelDoes(int classes) {
        CrossEntropyKernel vector = vector();
        SplittableRandom rnd = new SplittableRandom(classes);
        float[] pred = new float[3 * classes];
        for (int i = 0; i < classes; i++) {
            pred[i] = i * 0.01f + (float) rnd.nextGaussian();
            pred[classes + i] = i < 2 * VectorKernel.BLOCK ? Float.NEGATIVE_INFINITY : (float) rnd.nextGaussian();
            pred[2 * classes + i] = (float) rnd.nextDouble();
        }
        int[] labels = {classes - 1, 7, 3};
        NdArray p = NdArray.of(pred, 3, classes);
        float[] target = new float[3 * classes];
        for (int i = 0; i < target.length; i++) {
            // one-hot rows (zero targets left out), a soft row
            target[i] = i < 2 * classes ? (i % classes == labels[i / classes] ? 1f : 0f) : (float) rnd.nextDouble();
        }
        NdArray t = NdArray.of(target, 3, classes);
        for (ProbabilityMode mode : ProbabilityMode.values()) {
            for (boolean sparse : new boolean[] {true, false}) {
                Case c = new Case(classes, sparse, mode, Precision.FLOAT32, 3, classes, 1, false, false);
                assertArrayEquals(run(vector, c, p, t, labels), run(LaneTwin.INSTANCE, c, p, t, labels),
                        c.toString());
            }
        }
    }

    @ParameterizedTest(name = "{0} classes")
    @ValueSource(ints = {1, 2, 3, 10, 15})
    void twinReadsManyFewClassRowsFromABufferInBlocks(int classes) {
        // More rows than one copied block holds, a call that starts and ends inside it, ignored and edge rows.
        int rows = 3 * VectorKernel.COPY_BLOCK / classes + 5;
        SplittableRandom rnd = new SplittableRandom(classes);
        float[] pred = new float[rows * classes];
        for (int i = 0; i < pred.length; i++) {
            pred[i] = i % 97 == 0 ? LO / 2 : i % 89 == 0 ? 1f : (float) rnd.nextDouble();
        }
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = r % 11 == 0 ? CrossEntropyKernel.IGNORED : rnd.nextInt(classes);
        }
        FloatBuffer heap = FloatBuffer.allocate(pred.length + 3);
        heap.position(3);
        heap.put(pred);
        heap.position(3);
        RowLayout layout = new RowLayout(rows, classes, 1);
        for (ProbabilityMode mode : ProbabilityMode.values()) {
            int from = 3;
            int to = rows - 2;
            double[] want = new double[to - from];
            double[] got = new double[to - from];
            vector().sparse(NdArray.of(pred, rows, classes), layout, labels, mode, Precision.FLOAT32, want, from, to);
            LaneTwin.INSTANCE.sparse(NdArray.of(heap, rows, classes), layout, labels, mode, Precision.FLOAT32, got,
                    from, to);
            assertArrayEquals(want, got, mode + ", " + classes + " classes");
        }
    }

    @Test
    void integerClipIsTheVectorKernelsClip() {
        List<Float> xs = new ArrayList<>(List.of(Float.NaN, Float.intBitsToFloat(0xffc00000),
                Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xff800001), Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, LO, HI,
                Math.nextDown(LO), Math.nextUp(LO), Math.nextDown(HI), Math.nextUp(HI), 1f, -1f, 0.5f,
                Float.MAX_VALUE, -Float.MAX_VALUE));
        for (long bits = 0; bits <= 0xffffffffL; bits += 65_537) {
            xs.add(Float.intBitsToFloat((int) bits));
        }
        for (float x : xs) {
            float want = Math.max(LO, Math.min(x, HI)); // VectorKernel's scalar clip: the lanes' two blends
            assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(FloatMath.clip(x)), () -> "clip(" + x + ")");
            // the reference's clip in double, of the widened float (its float32 rows use FloatMath.clip)
            assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(
                    ScalarKernel.clip(x, Precision.FLOAT32)), () -> "reference clip(" + x + ")");
        }
    }

    /**
     * The reference's row sums of probabilities (raw and clipped) are one order whatever the storage: read directly
     * from a {@code float[]}, in pieces from a {@code FloatBuffer}, or element by element from a float64 array
     * rounded to float32 and from channels-first rows. Bit for bit in double, for every length up to 13 and some long
     * ones (a buffer's row in several pieces), with special values and magnitudes too far apart for any sum to be
     * exact.
     */
    @Test
    void referenceRowSumsAreOneOrderForEveryStorage() {
        SplittableRandom random = new SplittableRandom(20261207);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, LO, HI, 2f, -1f,
            Float.MIN_VALUE, 1e-30f, Math.nextDown(LO)};
        int inner = 3;
        int checked = 0;
        for (int len : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 100, 1001, 1027, 2050}) {
            for (int variant = 0; variant < 3; variant++) {
                float[] row = new float[len];
                for (int c = 0; c < len; c++) {
                    row[c] = variant == 0 ? (float) random.nextDouble()
                            : variant == 1 ? (float) Math.scalb(random.nextDouble(), -random.nextInt(60))
                            : specials[random.nextInt(specials.length)];
                }
                // at an offset, as rows inside a chunk are; channels first: class c at c * inner + 1
                float[] array = new float[len + 5];
                double[] wide = new double[len + 5];
                float[] strided = new float[len * inner];
                FloatBuffer buffer = ByteBuffer.allocateDirect(4 * (len + 5)).order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
                for (int c = 0; c < len; c++) {
                    array[c + 5] = row[c];
                    wide[c + 5] = row[c];
                    strided[c * inner + 1] = row[c];
                    buffer.put(c + 5, row[c]);
                }
                for (boolean clip : new boolean[] {false, true}) {
                    double want = ScalarKernel.rowSum(NdArray.of(array), 5, 1, len, Precision.FLOAT32, clip);
                    String what = len + " classes, variant " + variant + ", clip " + clip;
                    assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(ScalarKernel.rowSum(
                            NdArray.of(buffer, len + 5), 5, 1, len, Precision.FLOAT32, clip)), "buffer: " + what);
                    assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(ScalarKernel.rowSum(
                            NdArray.of(wide), 5, 1, len, Precision.FLOAT32, clip)), "float64: " + what);
                    assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(ScalarKernel.rowSum(
                            NdArray.of(strided), 1, inner, len, Precision.FLOAT32, clip)), "strided: " + what);
                    double sequential = 0;
                    for (int c = 0; c < len; c++) {
                        sequential += clip ? ScalarKernel.clip(row[c], Precision.FLOAT32) : row[c];
                    }
                    if (variant == 0 && clip) {
                        // clipped values below 1 are multiples of 2^-47: any order gives the exact sum
                        assertEquals(sequential, want, what);
                    }
                    checked++;
                }
            }
        }
        assertEquals(102, checked);
    }

    /**
     * The row sums in double, before the row's value is rounded to float32 (which would hide most differences of
     * order): the twin's against the SIMD kernel's, and channels-first lanes against contiguous rows, bit for bit,
     * for every length up to a few vectors past the main loop, every kind of term, and special values.
     */
    @Test
    void rowSumsAgreeInDoubleAcrossKernelsAndLayouts() {
        vector();
        int lanes = VectorMath.LANES;
        SplittableRandom random = new SplittableRandom(20261123);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, LO, HI, 2f, -1f,
            Float.MIN_VALUE, 1e-30f};
        int checked = 0;
        List<Integer> lengths = new ArrayList<>();
        for (int len = 1; len <= 6 * lanes + 3; len++) {
            lengths.add(len);
        }
        lengths.add(VectorKernel.BLOCK + 1);
        for (int len : lengths) {
            for (int kind = VectorKernel.CLIP; kind <= VectorKernel.EXP; kind++) {
                // 0: uniform; 1: below the clip bound; 2: special values; 3: a range of magnitudes so wide that no
                // sum is exact, whatever its order
                for (int variant = 0; variant < 4; variant++) {
                    // channels first: class c of row r at c * lanes + r; contiguous copies of each row
                    float[] strided = new float[len * lanes];
                    float[][] rows = new float[lanes][len + 3];
                    for (int r = 0; r < lanes; r++) {
                        for (int c = 0; c < len; c++) {
                            float spread = variant == 3 ? 30 : 6;
                            float x = kind == VectorKernel.EXP ? (float) (random.nextGaussian() * spread)
                                    : variant == 1 ? (float) (random.nextDouble() * 2e-7)
                                    : variant == 3 ? (float) Math.scalb(random.nextDouble(), -random.nextInt(60))
                                    : (float) random.nextDouble();
                            if (variant == 2 && random.nextInt(4 * len) == 0) {
                                x = specials[random.nextInt(specials.length)];
                            }
                            strided[c * lanes + r] = x;
                            rows[r][c + 3] = x; // at an offset, as rows inside a block are
                        }
                    }
                    float max = kind == VectorKernel.EXP ? 9f : 0f;
                    double[] lanesSum = VectorKernel.stridedSums(strided, 0, lanes, 0, len, kind, max);
                    for (int r = 0; r < lanes; r++) {
                        double simd = VectorKernel.rowSum(rows[r], 3, len + 3, kind, max);
                        double twin = LaneTwin.rowSum(rows[r], 3, len + 3, kind, max);
                        String what = "kind " + kind + ", variant " + variant + ", " + len + " classes, row " + r;
                        assertEquals(Double.doubleToLongBits(simd), Double.doubleToLongBits(twin), "twin: " + what);
                        assertEquals(Double.doubleToLongBits(simd), Double.doubleToLongBits(lanesSum[r]),
                                "channels first: " + what);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 1000);
    }

    /**
     * Clipped probabilities are multiples of 2^-47 below 1, so the double-lane row sums are exact while a row sums to
     * less than 64, whatever the order: the SIMD kernel's, its twin's and the channels-first sums all equal the
     * exact sum, and so the reference's sequential double sum, bit for bit. Rows of normalised probabilities, of
     * values under the clip bound, of confident rows and of large values up to a sum near 64.
     */
    @Test
    void clippedRowSumsAreExact() {
        vector();
        int lanes = VectorMath.LANES;
        SplittableRandom random = new SplittableRandom(20261124);
        List<Integer> lengths = new ArrayList<>();
        for (int len = 1; len <= 6 * lanes + 3; len++) {
            lengths.add(len);
        }
        lengths.addAll(List.of(100, 1000, VectorKernel.BLOCK + 1, 20000));
        int checked = 0;
        for (int len : lengths) {
            for (int variant = 0; variant < 4; variant++) {
                float[] strided = new float[len * lanes];
                float[][] rows = new float[lanes][len];
                for (int r = 0; r < lanes; r++) {
                    for (int c = 0; c < len; c++) {
                        // 0: a normalised row; 1: below the clip bound; 2: one dominant entry; 3: a sum near 63
                        double x = variant == 0 ? random.nextDouble() * 2 / len
                                : variant == 1 ? random.nextDouble() * 2e-7
                                : variant == 2 ? (c == r % len ? 0.999 : random.nextDouble() * 1e-3 / len)
                                : Math.min(1, 63.0 / len) * random.nextDouble() * 0.999;
                        rows[r][c] = (float) x;
                        strided[c * lanes + r] = (float) x;
                    }
                }
                double[] lanesSum = VectorKernel.stridedSums(strided, 0, lanes, 0, len, VectorKernel.CLIP, 0f);
                for (int r = 0; r < lanes; r++) {
                    BigDecimal exact = BigDecimal.ZERO;
                    double sequential = 0;
                    for (float x : rows[r]) {
                        float clipped = Math.max(LO, Math.min(x, HI));
                        exact = exact.add(new BigDecimal(clipped));
                        sequential += clipped;
                    }
                    String what = "variant " + variant + ", " + len + " classes, row " + r;
                    assertTrue(exact.compareTo(BigDecimal.valueOf(64)) < 0, what);
                    assertEquals(0, exact.compareTo(new BigDecimal(sequential)), "sequential: " + what);
                    double simd = VectorKernel.rowSum(rows[r], 0, len, VectorKernel.CLIP, 0f);
                    assertEquals(Double.doubleToLongBits(sequential), Double.doubleToLongBits(simd), "SIMD: " + what);
                    assertEquals(Double.doubleToLongBits(sequential),
                            Double.doubleToLongBits(LaneTwin.rowSum(rows[r], 0, len, VectorKernel.CLIP, 0f)),
                            "twin: " + what);
                    assertEquals(Double.doubleToLongBits(sequential), Double.doubleToLongBits(lanesSum[r]),
                            "channels first: " + what);
                    checked++;
                }
            }
        }
        assertEquals(lengths.size() * 4 * lanes, checked);
    }

    /**
     * Confident rows (the label's probability 0.9 to 0.9999, the rest spread over the other classes): the loss is the
     * log of a ratio near 1, so its ulps are far finer than the row sum's, and half a float ulp lost in the sum (as
     * Kahan's correction loses when a term outweighs the running sum) was thousands of them. The row sums carry their
     * exact rounding errors, so the SIMD kernel and its twin stay within one ulp of the reference's loss.
     */
    @ParameterizedTest(name = "{0} classes")
    @ValueSource(ints = {16, 100, 1000})
    void confidentRowsAgreeWithTheReferenceToAnUlpOfTheLoss(int classes) {
        CrossEntropyKernel vector = vector();
        int rows = 3000;
        float[] p = new float[rows * classes];
        int[] labels = new int[rows];
        SplittableRandom random = new SplittableRandom(classes);
        for (int r = 0; r < rows; r++) {
            double big = 0.9 + 0.0999 * random.nextDouble();
            labels[r] = random.nextInt(classes);
            double[] w = new double[classes];
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                w[c] = random.nextDouble();
                sum += w[c];
            }
            for (int c = 0; c < classes; c++) {
                p[r * classes + c] = (float) (c == labels[r] ? big : (1 - big) * w[c] / sum);
            }
        }
        NdArray pred = NdArray.of(p, rows, classes);
        RowLayout layout = new RowLayout(rows, classes, 1);
        double[] want = new double[rows];
        ScalarKernel.INSTANCE.sparse(pred, layout, labels, ProbabilityMode.CLIP_THEN_NORMALIZE, Precision.FLOAT32, want,
                0, 0, rows);
        for (CrossEntropyKernel k : new CrossEntropyKernel[] {vector, LaneTwin.INSTANCE}) {
            double[] got = new double[rows];
            k.sparse(pred, layout, labels, ProbabilityMode.CLIP_THEN_NORMALIZE, Precision.FLOAT32, got, 0, 0, rows);
            assertWithinUlps(k, got, want, 1);
        }
    }

    /**
     * Confident logit rows with one-hot targets (the label's logit 8 to 12 above N(0, 1) others): the loss,
     * {@code log(sum exp(x - max))} with the sum just above 1, is small, so the sum of exps must keep its rounding
     * errors exactly (Kahan's correction lost them: up to 12,310 ulps of the loss at 100 classes). Within 16 ulps of
     * the reference's loss: the reference subtracts the max and takes {@code exp} in double, the kernels in float32 as
     * Keras does, which moves such a small loss by a few of its ulps.
     */
    @ParameterizedTest(name = "{0} classes")
    @ValueSource(ints = {10, 100, 1000})
    void confidentCategoricalLogitsAgreeWithTheReference(int classes) {
        CrossEntropyKernel vector = vector();
        int rows = 2000;
        float[] x = new float[rows * classes];
        float[] t = new float[rows * classes];
        SplittableRandom random = new SplittableRandom(classes + 1);
        for (int r = 0; r < rows; r++) {
            int label = random.nextInt(classes);
            for (int c = 0; c < classes; c++) {
                x[r * classes + c] = (float) (random.nextGaussian() + (c == label ? 8 + 4 * random.nextDouble() : 0));
            }
            t[r * classes + label] = 1f;
        }
        NdArray pred = NdArray.of(x, rows, classes);
        NdArray target = NdArray.of(t, rows, classes);
        RowLayout layout = new RowLayout(rows, classes, 1);
        double[] want = new double[rows];
        ScalarKernel.INSTANCE.categorical(pred, target, layout, 1, 0, ProbabilityMode.LOGITS, Precision.FLOAT32, want,
                0, 0, rows);
        for (CrossEntropyKernel k : new CrossEntropyKernel[] {vector, LaneTwin.INSTANCE}) {
            double[] got = new double[rows];
            k.categorical(pred, target, layout, 1, 0, ProbabilityMode.LOGITS, Precision.FLOAT32, got, 0, 0, rows);
            assertWithinUlps(k, got, want, 16);
        }
    }

    /**
     * The sparse form of the confident logit rows, also past one block of classes: each accumulator of the sum of exps
     * starts at 1 and takes Fast2Sum's error, exact only because no term exceeds that start. Without the start (or with
     * Kahan's correction) the errors of the additions after the label's {@code exp(0) = 1} are lost.
     */
    @ParameterizedTest(name = "{0} classes")
    @ValueSource(ints = {16, 100, 1000, 5000})
    void confidentSparseLogitsAgreeWithTheReference(int classes) {
        CrossEntropyKernel vector = vector();
        int rows = 1000;
        float[] x = new float[rows * classes];
        int[] labels = new int[rows];
        SplittableRandom random = new SplittableRandom(classes + 2);
        for (int r = 0; r < rows; r++) {
            labels[r] = random.nextInt(classes);
            for (int c = 0; c < classes; c++) {
                double peak = c == labels[r] ? 8 + 4 * random.nextDouble() : 0;
                x[r * classes + c] = (float) (random.nextGaussian() + peak);
            }
        }
        NdArray pred = NdArray.of(x, rows, classes);
        RowLayout layout = new RowLayout(rows, classes, 1);
        double[] want = new double[rows];
        ScalarKernel.INSTANCE.sparse(pred, layout, labels, ProbabilityMode.LOGITS, Precision.FLOAT32, want, 0, 0, rows);
        for (CrossEntropyKernel k : new CrossEntropyKernel[] {vector, LaneTwin.INSTANCE}) {
            double[] got = new double[rows];
            k.sparse(pred, layout, labels, ProbabilityMode.LOGITS, Precision.FLOAT32, got, 0, 0, rows);
            assertWithinUlps(k, got, want, 16);
        }
    }

    /**
     * A logit row's max wherever it sits, for every length of the vector max's rest after its pairs of vectors (0 to
     * {@code 2 LANES - 1}): row {@code r} peaks at class {@code r}. A max missed by the vector pass moves the row's
     * value away from the twin's (which scans sequentially) and from the reference's.
     */
    @Test
    void logitRowMaxIsFoundWhereverItSits() {
        CrossEntropyKernel vector = vector();
        int lanes = VectorMath.LANES;
        for (int classes = VectorKernel.MIN_VECTOR; classes < VectorKernel.MIN_VECTOR + 2 * lanes; classes++) {
            int rows = classes;
            float[] x = new float[rows * classes];
            int[] labels = new int[rows];
            SplittableRandom random = new SplittableRandom(classes);
            for (int r = 0; r < rows; r++) {
                labels[r] = random.nextInt(classes);
                for (int c = 0; c < classes; c++) {
                    x[r * classes + c] = (float) (random.nextGaussian() + (c == r ? 8 : 0));
                }
            }
            NdArray pred = NdArray.of(x, rows, classes);
            RowLayout layout = new RowLayout(rows, classes, 1);
            double[] want = new double[rows];
            double[] twin = new double[rows];
            double[] got = new double[rows];
            ScalarKernel.INSTANCE.sparse(pred, layout, labels, ProbabilityMode.LOGITS, Precision.FLOAT32, want, 0, 0,
                    rows);
            LaneTwin.INSTANCE.sparse(pred, layout, labels, ProbabilityMode.LOGITS, Precision.FLOAT32, twin, 0, 0, rows);
            vector.sparse(pred, layout, labels, ProbabilityMode.LOGITS, Precision.FLOAT32, got, 0, 0, rows);
            assertArrayEquals(twin, got, classes + " classes");
            assertWithinUlps(vector, got, want, 16);
        }
    }

    /** Every row's loss within {@code bound} float32 ulps of the reference's. */
    private static void assertWithinUlps(CrossEntropyKernel k, double[] got, double[] want, int bound) {
        for (int r = 0; r < want.length; r++) {
            double ulps = Math.abs(got[r] - want[r]) / Math.ulp((float) want[r]);
            int row = r;
            assertTrue(ulps <= bound, () -> k.name() + ", row " + row + ": " + got[row] + " against the reference's "
                    + want[row] + " (" + ulps + " ulp)");
        }
    }

    static Stream<String> properties() {
        return Stream.of("auto", "scalar", "vector", "AUTO");
    }
}
