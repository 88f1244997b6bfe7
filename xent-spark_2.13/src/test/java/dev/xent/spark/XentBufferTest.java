package dev.xent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.xent.losses.Reduction;
import org.junit.jupiter.api.Test;

/** The buffer's versioned encoding, without Spark. */
class XentBufferTest {

    @Test
    void aMetricStateRoundTrips() {
        XentAggregator<Double> agg = XentAggregator.metric(Crossentropy.SPARSE_CATEGORICAL,
                XentOptions.builder().skipNulls(true).build(), false);
        XentBuffer b = agg.reduce(agg.zero(), XentInput.sparse(1, new float[] {0.05f, 0.95f, 0f}));
        agg.reduce(b, new XentInput());
        byte[] bytes = b.getBytes();
        XentBuffer decoded = new XentBuffer();
        decoded.setBytes(bytes);
        assertEquals(b.meanState, decoded.meanState);
        assertEquals(2, decoded.rows);
        assertEquals(1, decoded.skipped);
        assertEquals(0x58, bytes[0]);
    }

    @Test
    void aLossStateRoundTripsWithItsReduction() {
        XentAggregator<Double> agg = XentAggregator.loss(Crossentropy.SPARSE_CATEGORICAL,
                XentOptions.builder().reduction(Reduction.SUM).build(), false);
        XentBuffer b = agg.reduce(agg.zero(), XentInput.sparse(1, new double[] {0.5, 0.5}));
        XentBuffer decoded = new XentBuffer();
        decoded.setBytes(b.getBytes());
        assertEquals(Reduction.SUM, decoded.lossState.reduction());
        assertEquals(b.lossState.sum(), decoded.lossState.sum());
        assertEquals(-Math.log(0.5f), agg.finish(decoded), 1e-7);
    }

    @Test
    void refusesOtherBytes() {
        XentBuffer b = new XentBuffer();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.setBytes(new byte[30]));
        assertEquals("encoded XentBuffer (30 bytes) must start with the magic XSPK", e.getMessage());
        byte[] bytes = XentBuffer.forMetric().getBytes();
        bytes[4] = 9;
        e = assertThrows(IllegalArgumentException.class, () -> b.setBytes(bytes));
        assertEquals("encoded XentBuffer version 9 is not readable; this build reads version 1", e.getMessage());
    }

    @Test
    void optionsThatDoNotApplyAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> XentAggregator.metric(
                Crossentropy.CATEGORICAL, XentOptions.builder().ignoreClass(255).build(), false));
        assertEquals("ignoreClass (255) is not an option of categorical_crossentropy; it must be null",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> XentAggregator.loss(Crossentropy.SPARSE_CATEGORICAL,
                XentOptions.builder().reduction(Reduction.NONE).build(), false));
        assertEquals("reduction (none) has no aggregate; use the per-row values function, or a reducing reduction",
                e.getMessage());
    }
}
