package dev.xent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import org.junit.jupiter.api.Test;

/**
 * Keras's {@code keras/src/metrics/reduction_metrics_test.py} cases for {@code Mean} and {@code MeanMetricWrapper},
 * with Keras's numbers and tolerances: the building blocks a user extends.
 */
class MeanAndWrapperKerasPortedTest {

    static NdArray values(float... v) {
        return NdArray.of(v);
    }

    @Test
    void meanTestUnweightedWeightedNegativeAndNd() {
        Mean m = new Mean("mean", DType.FLOAT32);
        m.updateState(values(1, 3, 5, 7));
        assertEquals(4.0, m.result(), 1e-3);                                          // test_unweighted
        m.resetState();
        m.updateState(values(1, 3, 5, 7), values(1, 1, 0, 0));
        assertEquals(2.0, m.result(), 1e-3);                                          // test_weighted
        m.resetState();
        m.updateState(values(1, 3, 5, 7), values(-1, -1, 0, 0));
        assertEquals(2.0, m.result(), 1e-3);                                          // test_weighted_negative_weights
        m.resetState();
        m.updateState(NdArray.of(new float[] {1, 3, 5, 7}, 2, 2), NdArray.of(new float[] {1, 1, 1, 0}, 2, 2));
        assertEquals(3.0, m.result(), 1e-3);                                          // test_weighted_nd
        m.resetState();
        m.updateState(NdArray.of(new float[] {1, 3, 5, 7}, 2, 2), NdArray.of(new float[] {1, 0}, 1, 2));
        assertEquals(3.0, m.result(), 1e-3);                                          // test_weighted_nd_broadcast
        assertEquals(Mean.class, m.getClass());
        assertEquals("{name=mean, dtype=float32}", m.getConfig().toString());         // test_config
    }

    static final NdArray Y_TRUE = NdArray.of(new float[] {
        0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1}, 4, 5);
    static final NdArray Y_PRED = NdArray.of(new float[] {
        0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1}, 4, 5);

    /** Keras's test function: elementwise squared error, averaged per sample by the wrapper. */
    static NdArray mse(NdArray yTrue, NdArray yPred) {
        float[] out = new float[yTrue.size()];
        for (int i = 0; i < out.length; i++) {
            float d = yTrue.getFloat(i) - yPred.getFloat(i);
            out[i] = d * d;
        }
        return NdArray.of(out, 0, yTrue.shape());
    }

    @Test
    void metricWrapperTestUnweightedWeightedBroadcast() {
        MeanMetricWrapper m = new MeanMetricWrapper(MeanAndWrapperKerasPortedTest::mse, "mse", DType.FLOAT32);
        m.updateState(Y_TRUE, Y_PRED);
        assertEquals(0.5, m.result(), 1e-5);                                          // test_unweighted
        m.resetState();
        assertEquals(0.54285, m.call(Y_TRUE, Y_PRED, values(1.0f, 1.5f, 2.0f, 2.5f)), 1e-5);    // test_weighted
        m.resetState();
        assertEquals(0.45, m.call(Y_TRUE, Y_PRED, NdArray.of(new float[] {1, 0, 0.5f, 0, 1}, 1, 5)), 1e-5);
        assertEquals("mse", m.name());
    }

    @Test
    void userWrapperMergesAndRefusesItself() {
        MeanMetricWrapper a = new MeanMetricWrapper(MeanAndWrapperKerasPortedTest::mse, "mse", DType.FLOAT32);
        MeanMetricWrapper b = new MeanMetricWrapper(MeanAndWrapperKerasPortedTest::mse, "mse", DType.FLOAT32);
        a.updateState(Y_TRUE.slice(0, 1), Y_PRED.slice(0, 1));
        b.updateState(Y_TRUE.slice(1, 3), Y_PRED.slice(1, 3));
        a.merge(b);
        assertEquals(0.5, a.result(), 1e-7);
        assertEquals(4.0, a.count());
        assertThrows(IllegalArgumentException.class, () -> a.merge(a));
    }
}
