package dev.xent.internal.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import dev.xent.ndarray.NdArray;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Rows whose sums overflow float32 or hold infinities, where a compensated sum's error term ({@code inf - inf}) could
 * turn an infinite row value into NaN: the SIMD kernel and its scalar twin give the reference's value (NaN where it
 * is NaN, the same infinity where it is infinite), at every class count up to a few vectors and past a block.
 * Categorical targets are ordinary (in [0, 1]): targets whose sum overflows float are out of scope (the SIMD kernel
 * sums them in float, the reference in double).
 */
class OverflowKernelTest {

    static final float MAX = Float.MAX_VALUE;

    /**
     * Values built from huge, infinite and ordinary values. Logits stay within 2.5e38 of each
     * other: their differences are finite in float, while sums of {@code t (max - x)} overflow (differences beyond
     * float's range are float32 infinities in Keras but finite in the reference's double arithmetic).
     */
    static float[] values(SplittableRandom random, int n, boolean logits) {
        float[] huge = logits
                ? new float[] {1e38f, -1e38f, 1.5e38f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}
                : new float[] {MAX, 3e38f, 1e38f, Float.POSITIVE_INFINITY};
        float[] p = new float[n];
        for (int i = 0; i < p.length; i++) {
            p[i] = random.nextInt(3) == 0 ? huge[random.nextInt(huge.length)] : (float) random.nextDouble();
        }
        return p;
    }

    @Test
    void infiniteAndOverflowingRowsAgreeWithTheReference() {
        CrossEntropyKernel vector = KernelAgreementTest.vector();
        List<CrossEntropyKernel> kernels = List.of(vector, LaneTwin.INSTANCE);
        SplittableRandom random = new SplittableRandom(20260930);
        List<Integer> classCounts = new ArrayList<>();
        for (int c = 1; c <= 4 * VectorMath.LANES + 3; c++) {
            classCounts.add(c);
        }
        classCounts.add(VectorKernel.BLOCK + 5);
        for (int classes : classCounts) {
            // class axis last, and channels first (17 positions after it: the strided lanes)
            for (int inner : new int[] {1, 17}) {
                int outer = classes > 100 ? 2 : inner == 1 ? 24 : 2;
                int rows = outer * inner;
                RowLayout layout = new RowLayout(outer, classes, inner);
                int[] shape = {outer, classes, inner};
                for (ProbabilityMode mode : ProbabilityMode.values()) {
                    boolean logits = mode == ProbabilityMode.LOGITS;
                    NdArray pred = NdArray.of(values(random, rows * classes, logits), 0, shape);
                    int[] labels = new int[rows];
                    float[] target = new float[rows * classes];
                    for (int r = 0; r < rows; r++) {
                        labels[r] = random.nextInt(classes);
                    }
                    for (int i = 0; i < target.length; i++) {
                        int k = random.nextInt(4);
                        target[i] = k == 0 ? 0f : k == 1 ? 1f : (float) random.nextDouble();
                    }
                    NdArray t = NdArray.of(target, 0, shape);
                    String what = mode + ", shape (" + outer + ", " + classes + ", " + inner + ")";
                    double[] want = new double[rows];
                    ScalarKernel.INSTANCE.sparse(pred, layout, labels, mode, Precision.FLOAT32, want, 0, rows);
                    boolean categorical = mode != ProbabilityMode.CLIP_THEN_NORMALIZE;
                    double[] wantCat = new double[rows];
                    if (categorical) {
                        ScalarKernel.INSTANCE.categorical(pred, t, layout, 1, 0, mode, Precision.FLOAT32, wantCat, 0,
                                rows);
                    }
                    for (CrossEntropyKernel k : kernels) {
                        double[] got = new double[rows];
                        k.sparse(pred, layout, labels, mode, Precision.FLOAT32, got, 0, rows);
                        check(want, got, k.name() + " sparse " + what);
                        if (categorical) {
                            double[] gotCat = new double[rows];
                            k.categorical(pred, t, layout, 1, 0, mode, Precision.FLOAT32, gotCat, 0, rows);
                            check(wantCat, gotCat, k.name() + " categorical " + what);
                        }
                    }
                }
            }
        }
    }

    /** NaN where the reference is NaN, the same infinity where it is infinite; finite rows are the other tests' job. */
    static void check(double[] want, double[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            boolean special = !Double.isFinite(want[i]) || !Double.isFinite(got[i]);
            if (special && Double.compare(want[i], got[i]) != 0) {
                fail(what + ", row " + i + ": " + got[i] + ", reference " + want[i]);
            }
        }
    }
}
