package dev.xent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.xent.losses.Reduction;
import dev.xent.ndarray.NdArray;
import org.junit.jupiter.api.Test;

/** The examples of Keras's documentation, with Keras's printed numbers (the README's Java snippet uses these). */
class DocumentedExamplesTest {

    static final NdArray LABELS = NdArray.of(new int[] {1, 2});
    static final NdArray ONE_HOT = NdArray.of(new float[] {0, 1, 0, 0, 0, 1}, 2, 3);
    static final NdArray PROBS = NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3);
    static final NdArray WEIGHTS = NdArray.of(new float[] {0.3f, 0.7f});

    @Test
    void sparseMetric() {
        var m = dev.xent.metrics.SparseCategoricalCrossentropy.builder().build();
        m.updateState(LABELS, PROBS);
        assertEquals(1.1769392, m.result(), 1e-6);
        assertEquals(2.0, m.count());
        m.resetState();
        m.updateState(LABELS, PROBS, WEIGHTS);
        assertEquals(1.6271976, m.result(), 1e-6);
        assertEquals(1.0, m.count(), 1e-7);
    }

    @Test
    void categoricalMetric() {
        var m = dev.xent.metrics.CategoricalCrossentropy.builder().build();
        m.updateState(ONE_HOT, PROBS);
        assertEquals(1.1769392, m.result(), 1e-6);
        m.resetState();
        m.updateState(ONE_HOT, PROBS, WEIGHTS);
        assertEquals(1.6271976, m.result(), 1e-6);
    }

    @Test
    void sparseLoss() {
        var loss = dev.xent.losses.SparseCategoricalCrossentropy.builder().build();
        assertEquals(1.177, loss.value(LABELS, PROBS), 1e-3);
        assertEquals(0.814, loss.value(LABELS, PROBS, WEIGHTS), 1e-3);
        var sum = loss.toBuilder().reduction(Reduction.SUM).build();
        assertEquals(2.354, sum.value(LABELS, PROBS), 1e-3);
        var none = loss.toBuilder().reduction(Reduction.NONE).build();
        assertArrayEquals(new float[] {0.0513f, 2.303f}, none.call(LABELS, PROBS).toFloatArray(), 1e-3f);
    }

    @Test
    void convenienceOverloads() {
        float[][] rows = {{0.05f, 0.95f, 0f}, {0.1f, 0.8f, 0.1f}};
        var m = dev.xent.metrics.SparseCategoricalCrossentropy.builder().build();
        m.updateState(new int[] {1, 2}, rows);
        assertEquals(1.1769392, m.result(), 1e-6);
        assertEquals(1.1769392, dev.xent.losses.SparseCategoricalCrossentropy.builder().build()
                .value(new int[] {1, 2}, rows), 1e-6);
        float[][] oneHot = {{0, 1, 0}, {0, 0, 1}};
        var c = dev.xent.metrics.CategoricalCrossentropy.builder().build();
        c.updateState(oneHot, rows);
        assertEquals(1.1769392, c.result(), 1e-6);
        assertEquals(1.1769392, dev.xent.losses.CategoricalCrossentropy.builder().build().value(oneHot, rows), 1e-6);
    }

    @Test
    void categoricalLoss() {
        var loss = dev.xent.losses.CategoricalCrossentropy.builder().build();
        assertEquals(1.177, loss.value(ONE_HOT, PROBS), 1e-3);
        assertEquals(0.814, loss.value(ONE_HOT, PROBS, WEIGHTS), 1e-3);
    }

    @Test
    void ignoreClassMetricDenominators() {
        // keras/src/metrics/probabilistic_metrics_test.py: ignored entries count unweighted, not weighted.
        NdArray yTrue = NdArray.of(new int[] {0, 1, 2});
        NdArray yPred = NdArray.of(new double[] {0.8, 0.1, 0.1, 0.05, 0.95, 0, 0.1, 0.8, 0.1}, 3, 3);
        var m = dev.xent.metrics.SparseCategoricalCrossentropy.builder().ignoreClass(0).build();
        m.updateState(yTrue, yPred);
        assertEquals(0.78462, m.result(), 1e-3);
        assertEquals(3.0, m.count());
        m.resetState();
        m.updateState(yTrue, yPred, NdArray.of(new double[] {0.5, 1.5, 2.0}));
        assertEquals(1.33774646, m.result(), 1e-3);
        assertEquals(3.5, m.count(), 1e-7);
        var excluding = m.toBuilder().excludeIgnoredFromCount(true).build();
        excluding.updateState(yTrue, yPred);
        assertEquals(2.0, excluding.count());
        var loss = dev.xent.losses.SparseCategoricalCrossentropy.builder().ignoreClass(0).build();
        assertEquals(1.17694, loss.value(yTrue, yPred), 1e-3);
    }

    /** The examples of the new classes' javadoc: Keras's docstring inputs and the numbers Keras 3.15.1 prints. */
    @Test
    void probabilisticFamily() {
        NdArray t = NdArray.of(new float[] {0, 1, 0, 0}, 2, 2);
        NdArray p = NdArray.of(new float[] {0.6f, 0.4f, 0.4f, 0.6f}, 2, 2);
        var bce = dev.xent.metrics.BinaryCrossentropy.builder().build();
        bce.updateState(t, p);
        assertEquals(0.81492424, bce.result(), 1e-6);
        assertEquals(0.815, dev.xent.losses.BinaryCrossentropy.builder().build().value(t, p), 1e-3);
        assertEquals(0.268, dev.xent.losses.BinaryFocalCrossentropy.builder().gamma(2).build().value(t, p), 1e-3);
        var kld = dev.xent.metrics.KLDivergence.builder().build();
        kld.updateState(t, p);
        assertEquals(0.45814306, kld.result(), 1e-6);
        assertEquals(0.458, dev.xent.losses.KLDivergence.builder().build().value(t, p), 1e-3);
        NdArray ones = NdArray.of(new float[] {1, 1, 0, 0}, 2, 2);
        var poisson = dev.xent.metrics.Poisson.builder().build();
        poisson.updateState(t, ones);
        assertEquals(0.49999997, poisson.result(), 1e-6);
        assertEquals(0.5, dev.xent.losses.Poisson.builder().build().value(t, ones), 1e-6);
        assertEquals(0.23315276, dev.xent.losses.CategoricalFocalCrossentropy.builder().build().value(ONE_HOT, PROBS),
                1e-6);
        var accuracy = dev.xent.metrics.BinaryAccuracy.builder().build();
        accuracy.updateState(NdArray.of(new float[] {1, 1, 0, 0}, 4, 1),
                NdArray.of(new float[] {0.98f, 1, 0, 0.6f}, 4, 1));
        assertEquals(0.75, accuracy.result(), 1e-7);
    }
}
