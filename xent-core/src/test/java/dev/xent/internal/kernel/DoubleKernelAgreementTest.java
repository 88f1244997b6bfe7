package dev.xent.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.xent.ndarray.NdArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The float64 sparse SIMD path ({@link DoubleVectorKernel}, reached through the vector kernel) against the
 * {@link ScalarKernel} reference: every class count from 1 to 300 and some large ones, both probability orders, half
 * of the cases sprinkled with edge values (NaN, +-Infinity, 0, -0, 1, the clip bounds and their neighbours, 2, tiny
 * values) and ignored rows, for probabilities and logits; the vector {@code exp} against {@code Math.exp};
 * buffer-backed and offset views, and row values independent of how rows are split between calls. The display name carries the seed.
 *
 * <p>Tolerance: the SIMD row sum is the reference's sum reordered, so
 * {@code |fast - scalar| <= (classes + 8) * 2^-52 * max(16, |scalar|)}; NaN exactly where the reference is NaN.
 */
class DoubleKernelAgreementTest {

    static final double LO = Precision.FLOAT64.clipLow;
    static final double HI = Precision.FLOAT64.clipHigh;
    static final double[] EDGES = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1.0,
        LO, HI, Math.nextUp(LO), Math.nextDown(LO), Math.nextUp(HI), Math.nextDown(HI), Double.MIN_VALUE, 1e-300,
        2.0};

    /** One generated input: {@code rows x classes} float64 predictions, class axis last. */
    static final class Case {
        final long seed;
        final ProbabilityMode mode;
        final int rows;
        final int classes;
        final boolean edges;

        Case(long seed, ProbabilityMode mode, int rows, int classes, boolean edges) {
            this.seed = seed;
            this.mode = mode;
            this.rows = rows;
            this.classes = classes;
            this.edges = edges;
        }

        RowLayout layout() {
            return new RowLayout(rows, classes, 1);
        }

        @Override
        public String toString() {
            return mode + " (" + rows + ", " + classes + ")" + (edges ? " edges" : "") + " seed=" + seed;
        }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        SplittableRandom pick = new SplittableRandom(20260823);
        List<Integer> classCounts = new ArrayList<>();
        for (int c = 1; c <= 300; c++) {
            classCounts.add(c);
        }
        classCounts.addAll(List.of(1000, 1023, 4099, 32000, 100_003));
        int[] rowCounts = {1, 3, 7, 13};
        for (int classes : classCounts) {
            for (ProbabilityMode mode : ProbabilityMode.values()) {
                for (boolean edges : new boolean[] {false, true}) {
                    int rows = classes > 1000 ? 2 : rowCounts[pick.nextInt(rowCounts.length)];
                    out.add(new Case(pick.nextLong(), mode, rows, classes, edges));
                }
            }
        }
        out.add(new Case(1, ProbabilityMode.CLIP_THEN_NORMALIZE, 0, 100, false));
        return out.stream();
    }


    /** Predictions (normalised rows, raw draws, or a perfect row) and labels (some ignored) of a case. */
    static final class Data {
        final double[] pred;
        final int[] labels;

        Data(Case c) {
            SplittableRandom rnd = new SplittableRandom(c.seed);
            pred = new double[c.rows * c.classes];
            labels = new int[c.rows];
            boolean logits = c.mode == ProbabilityMode.LOGITS;
            for (int r = 0; r < c.rows; r++) {
                int base = r * c.classes;
                int label = rnd.nextInt(c.classes);
                labels[r] = rnd.nextInt(10) == 0 ? CrossEntropyKernel.IGNORED : label;
                int kind = rnd.nextInt(4);
                double sum = 0;
                for (int k = 0; k < c.classes; k++) {
                    pred[base + k] = logits ? rnd.nextGaussian() * 10
                            : kind == 3 ? (k == label ? 1.0 : 0.0) : rnd.nextDouble();
                    sum += pred[base + k];
                }
                if (!logits && kind < 2) {
                    for (int k = 0; k < c.classes; k++) {
                        pred[base + k] /= sum;
                    }
                }
                if (c.edges) {
                    int hits = 1 + rnd.nextInt(Math.max(1, c.classes / 20));
                    for (int h = 0; h < hits; h++) {
                        // Now and then at the label, where the clip decides the value.
                        int at = rnd.nextInt(4) == 0 ? label : rnd.nextInt(c.classes);
                        pred[base + at] = EDGES[rnd.nextInt(EDGES.length)];
                    }
                }
            }
        }
    }

    static double[] run(CrossEntropyKernel k, Case c, NdArray pred, int[] labels) {
        // Write into the middle of a larger array with a sentinel around it: offsets must be honoured.
        double[] out = new double[c.rows + 4];
        Arrays.fill(out, -12345.0);
        k.sparse(pred, c.layout(), labels, c.mode, Precision.FLOAT64, out, 2, 0, c.rows);
        assertEquals(-12345.0, out[0]);
        assertEquals(-12345.0, out[1]);
        assertEquals(-12345.0, out[c.rows + 2]);
        assertEquals(-12345.0, out[c.rows + 3]);
        return Arrays.copyOfRange(out, 2, c.rows + 2);
    }

    static NdArray view(Case c, Data d) {
        return NdArray.of(d.pred, 0, new int[] {c.rows, c.classes});
    }

    static void assertClose(double[] want, double[] got, Case c) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            double w = want[i];
            double g = got[i];
            if (Double.isNaN(w) || Double.isInfinite(w)) {
                if (Double.compare(w, g) != 0) {
                    fail("row " + i + ": " + g + ", reference " + w + " (" + c + ")");
                }
                continue;
            }
            double tol = (c.classes + 8) * Math.ulp(1.0) * Math.max(16, Math.abs(w));
            if (!(Math.abs(g - w) <= tol)) {
                fail("row " + i + ": " + g + ", reference " + w + ", |diff| " + Math.abs(g - w) + " > " + tol
                        + " (" + c + ")");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void simdAgreesWithTheReference(Case c) {
        CrossEntropyKernel vector = KernelAgreementTest.vector();
        Data d = new Data(c);
        assertTrue(DoubleVectorKernel.handles(view(c, d), c.layout(), c.mode, Precision.FLOAT64), c.toString());
        assertClose(run(ScalarKernel.INSTANCE, c, view(c, d), d.labels), run(vector, c, view(c, d), d.labels), c);
    }

    @org.junit.jupiter.api.Test
    void expWithinTwoUlpOfMathExp() {
        KernelAgreementTest.vector();
        int lanes = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED.length();
        double[] x = new double[lanes];
        double[] got = new double[lanes];
        SplittableRandom rnd = new SplittableRandom(7);
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            for (int l = 0; l < lanes; l++) {
                // Dense near 0 (where the sum's terms matter), and down to the underflow bound.
                x[l] = i % 2 == 0 ? -rnd.nextDouble() * 2 : rnd.nextDouble() * DoubleVectorKernel.EXP_UNDERFLOW;
            }
            DoubleVectorKernel.exp(jdk.incubator.vector.DoubleVector.fromArray(
                    jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED, x, 0)).intoArray(got, 0);
            for (int l = 0; l < lanes; l++) {
                double want = Math.exp(x[l]);
                worst = Math.max(worst, Math.abs(got[l] - want) / Math.ulp(want));
            }
        }
        assertTrue(worst <= 2.0, "worst " + worst + " ulp");
        double[] special = {0.0, -0.0, Double.NEGATIVE_INFINITY, Double.NaN, -708.5, -1e300, Math.nextDown(0.0)};
        double[] padded = Arrays.copyOf(special, Math.max(lanes, special.length) + lanes);
        double[] out = new double[padded.length];
        for (int i = 0; i + lanes <= padded.length; i += lanes) {
            DoubleVectorKernel.exp(jdk.incubator.vector.DoubleVector.fromArray(
                    jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED, padded, i)).intoArray(out, i);
        }
        assertEquals(1.0, out[0]);
        assertEquals(1.0, out[1]);
        assertEquals(0.0, out[2]);
        assertTrue(Double.isNaN(out[3]));
        assertEquals(0.0, out[4]);
        assertEquals(0.0, out[5]);
        assertEquals(1.0, out[6]);
    }

    static Stream<Case> someCases() {
        return cases().filter(c -> c.classes % 29 == 3 || c.classes > 300);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("someCases")
    void buffersAndOffsetViewsGiveTheArrayResult(Case c) {
        CrossEntropyKernel vector = KernelAgreementTest.vector();
        Data d = new Data(c);
        int[] shape = {c.rows, c.classes};
        double[] fromArray = run(vector, c, view(c, d), d.labels);
        DoubleBuffer heap = DoubleBuffer.allocate(d.pred.length + 3);
        heap.position(3);
        heap.put(d.pred);
        heap.position(3);
        assertArrayEquals(fromArray, run(vector, c, NdArray.of(heap, shape), d.labels), "heap buffer: " + c);
        DoubleBuffer direct = ByteBuffer.allocateDirect(8 * d.pred.length).order(ByteOrder.LITTLE_ENDIAN)
                .asDoubleBuffer();
        direct.put(d.pred);
        direct.flip();
        assertArrayEquals(fromArray, run(vector, c, NdArray.of(direct, shape), d.labels), "direct buffer: " + c);
        double[] shifted = new double[d.pred.length + 5];
        System.arraycopy(d.pred, 0, shifted, 5, d.pred.length);
        assertArrayEquals(fromArray, run(vector, c, NdArray.of(shifted, 5, shape), d.labels), "offset view: " + c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("someCases")
    void aRowsValueDependsOnlyOnItsData(Case c) {
        // One row per call, and through the parallel decorator: the same bits as one call over all rows.
        CrossEntropyKernel vector = KernelAgreementTest.vector();
        Data d = new Data(c);
        double[] all = run(vector, c, view(c, d), d.labels);
        for (int r = 0; r < c.rows; r++) {
            double[] one = new double[1];
            vector.sparse(view(c, d), c.layout(), d.labels, c.mode, Precision.FLOAT64, one, 0, r, r + 1);
            assertEquals(Double.doubleToLongBits(all[r]), Double.doubleToLongBits(one[0]), "row " + r + ": " + c);
        }
        assertArrayEquals(all, run(new ParallelKernel(vector, 3, 1), c, view(c, d), d.labels), c.toString());
    }
}
