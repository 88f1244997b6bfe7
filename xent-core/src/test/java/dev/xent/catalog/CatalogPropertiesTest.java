package dev.xent.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.losses.Loss;
import dev.xent.losses.LossState;
import dev.xent.losses.Reduction;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of every catalogue function over seeded random inputs at awkward sizes (each case named by its seed):
 * one update equals many batches equals merged states; a loss's partial states add up to the whole; logits agree
 * with the probabilities they stand for where no clip applies; a metric's values never go below 0 where Keras's
 * cannot.
 */
class CatalogPropertiesTest {

    static final int[] ROWS = {1, 3, 7, 8, 13, 31, 100, 1023};

    static Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        List<org.junit.jupiter.params.provider.Arguments> out = new ArrayList<>();
        long seed = 20261206;
        for (KerasFunction f : Catalog.all()) {
            for (int rows : ROWS) {
                for (int classes : new int[] {1, 2, 5, 37}) {
                    if (classes == 1 && f.targets() == KerasFunction.Targets.LABELS) {
                        continue;
                    }
                    out.add(org.junit.jupiter.params.provider.Arguments.of(f, seed++, rows, classes));
                }
            }
        }
        return out.stream();
    }

    /** Inputs a function takes: labels or targets, and probabilities in (0, 1) that sum to 1 per row. */
    static NdArray[] inputs(KerasFunction f, SplittableRandom r, int rows, int classes) {
        float[] p = new float[rows * classes];
        float[] t = new float[rows * classes];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                p[i * classes + c] = (float) (0.02 + r.nextDouble());
                sum += p[i * classes + c];
            }
            labels[i] = r.nextInt(classes);
            for (int c = 0; c < classes; c++) {
                p[i * classes + c] = (float) (p[i * classes + c] / sum);
                boolean binary = f.name().startsWith("binary");
                t[i * classes + c] = binary ? r.nextInt(2) : (c == labels[i] ? 1f : 0f);
            }
        }
        NdArray target = f.targets() == KerasFunction.Targets.LABELS ? NdArray.of(labels)
                : NdArray.of(t, rows, classes);
        return new NdArray[] {target, NdArray.of(p, rows, classes)};
    }

    static NdArray weights(SplittableRandom r, int rows) {
        float[] w = new float[rows];
        for (int i = 0; i < rows; i++) {
            w[i] = (float) r.nextDouble(0, 2);
        }
        return NdArray.of(w);
    }

    static NdArray rows(NdArray a, int from, int to) {
        int[] shape = a.shape().clone();
        int per = a.size() / Math.max(1, shape[0]);
        shape[0] = to - from;
        if (a.dtype() == dev.xent.ndarray.DType.INT32) {
            int[] labels = new int[(to - from) * per];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = (int) a.getLong(from * per + i);
            }
            return NdArray.of(labels, shape);
        }
        return NdArray.of(Arrays.copyOfRange(a.toFloatArray(), from * per, to * per), shape);
    }

    @ParameterizedTest(name = "{0} seed={1} rows={2} classes={3}")
    @MethodSource("cases")
    void oneUpdateEqualsBatchesEqualsMergedStates(KerasFunction f, long seed, int rows, int classes) {
        SplittableRandom r = new SplittableRandom(seed);
        NdArray[] in = inputs(f, r, rows, classes);
        NdArray w = weights(r, rows);
        MeanMetricWrapper whole = f.newMetric(Map.of());
        whole.updateState(in[0], in[1], w);
        MeanMetricWrapper batched = f.newMetric(Map.of());
        MeanMetricWrapper left = f.newMetric(Map.of());
        MeanMetricWrapper right = f.newMetric(Map.of());
        int cut = r.nextInt(rows + 1);
        for (int from = 0; from < rows; ) {
            int to = Math.min(rows, from + 1 + r.nextInt(5));
            batched.updateState(rows(in[0], from, to), rows(in[1], from, to), rows(w, from, to));
            (from < cut ? left : right).updateState(rows(in[0], from, to), rows(in[1], from, to), rows(w, from, to));
            from = to;
        }
        right.merge(left);
        String why = f + " seed " + seed;
        assertClose(whole.result(), batched.result(), why + " (batches)");
        assertClose(whole.count(), batched.count(), why + " (count)");
        assertClose(whole.result(), right.result(), why + " (merged)");
        if (!f.higherIsBetter() && !f.name().equals("poisson")) {
            assertTrue(whole.result() >= 0, why + ": " + whole.result());
        }
        if (f.hasLoss()) {
            for (Reduction red : new Reduction[] {Reduction.SUM, Reduction.SUM_OVER_BATCH_SIZE,
                    Reduction.MEAN_WITH_SAMPLE_WEIGHT}) {
                Loss loss = f.newLoss(Map.of("reduction", red.kerasName()));
                LossState s = LossState.zero(red);
                for (int from = 0; from < rows; from += 3) {
                    int to = Math.min(rows, from + 3);
                    s = s.plus(loss.partial(rows(in[0], from, to), rows(in[1], from, to), rows(w, from, to)));
                }
                assertClose(loss.value(in[0], in[1], w), s.result(), why + " " + red.kerasName());
            }
        }
    }

    /** Where a function takes logits, logits and the probabilities they stand for agree where no clip applies. */
    @ParameterizedTest(name = "{0} seed={1} rows={2} classes={3}")
    @MethodSource("cases")
    void logitsAgreeWithTheirProbabilities(KerasFunction f, long seed, int rows, int classes) {
        boolean binary = f.name().startsWith("binary");
        if (f.argument("from_logits") == null || (binary && classes == 1)) {
            return; // a one-class row's probability is exactly 1: an infinite logit, NaN in Keras too
        }
        SplittableRandom r = new SplittableRandom(seed);
        NdArray[] in = inputs(f, r, rows, classes);
        float[] p = in[1].toFloatArray();
        float[] x = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            // sigmoid^-1 for the binary functions; log for the softmax ones (softmax(log p) = p for rows summing to 1)
            x[i] = (float) (binary ? Math.log(p[i] / (1.0 - p[i])) : Math.log(p[i]));
        }
        NdArray logits = NdArray.of(x, rows, classes);
        float[] fromProbabilities = f.call(in[0], in[1], Map.of()).toFloatArray();
        float[] fromLogits = f.call(in[0], logits, Map.of("from_logits", true)).toFloatArray();
        for (int i = 0; i < fromProbabilities.length; i++) {
            assertEquals(fromProbabilities[i], fromLogits[i], 2e-5 * Math.max(1, Math.abs(fromProbabilities[i])),
                    f + " seed " + seed + " value " + i);
        }
    }

    static void assertClose(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) <= 1e-12 * Math.max(1, Math.abs(expected)),
                what + ": expected " + expected + " but got " + actual);
    }
}
