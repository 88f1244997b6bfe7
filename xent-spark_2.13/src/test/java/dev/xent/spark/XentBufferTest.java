package dev.xent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.xent.catalog.Catalog;
import dev.xent.losses.Reduction;
import org.junit.jupiter.api.Test;

/** The buffer's versioned encoding, without Spark. */
class XentBufferTest {

    @Test
    void aMetricStateRoundTrips() {
        XentAggregator<Double> agg = XentAggregator.metric(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY,
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
        XentAggregator<Double> agg = XentAggregator.loss(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY,
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
        assertEquals("encoded XentBuffer version 9 is not readable; this build reads versions 1 and 2",
                e.getMessage());
    }

    /**
     * Version 1 (written before the number of classes was kept) stays readable: the files were written by the
     * version 1 code (a metric: total 2.5, count 2, 3 rows, 1 skipped; a loss: sum 4, divisor 2, 2 rows).
     */
    @Test
    void readsVersion1Files() throws Exception {
        XentBuffer b = new XentBuffer();
        b.setBytes(resource("xent-buffer-v1-metric.bin"));
        assertEquals(dev.xent.metrics.MeanState.of(2.5, 2.0), b.meanState);
        assertEquals(3, b.rows);
        assertEquals(1, b.skipped);
        assertEquals(0, b.classes);
        b.setBytes(resource("xent-buffer-v1-loss.bin"));
        assertEquals(Reduction.SUM, b.lossState.reduction());
        assertEquals(4.0, b.lossState.sum());
        assertEquals(2.0, b.lossState.divisor());
        assertEquals(2, b.rows);
    }

    private static byte[] resource(String name) throws java.io.IOException {
        try (java.io.InputStream in = XentBufferTest.class.getResourceAsStream("/buffers/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void theNumberOfClassesRoundTripsAndBuffersOfOtherClassCountsDoNotMerge() {
        XentAggregator<Double> agg = XentAggregator.metric(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY,
                XentOptions.defaults(), false);
        XentBuffer three = agg.reduce(agg.zero(), XentInput.sparse(1, new float[] {0.05f, 0.95f, 0f}));
        XentBuffer decoded = new XentBuffer();
        decoded.setBytes(three.getBytes());
        assertEquals(3, decoded.classes);
        XentBuffer two = agg.reduce(agg.zero(), XentInput.sparse(1, new float[] {0.5f, 0.5f}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> agg.merge(decoded, two));
        assertEquals("sparse_categorical_crossentropy: rows of 3 and of 2 classes meet when partitions are merged;"
                + " every row must have the same number of classes", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> agg.reduce(three, XentInput.sparse(1, new float[] {0.5f, 0.5f})));
        assertEquals("sparse_categorical_crossentropy: row 1 has a prediction of 2 classes but earlier rows have 3;"
                + " every row must have the same number of classes (label=1.0, prediction=[0.5, 0.5])",
                e.getMessage());
    }

    @Test
    void optionsThatDoNotApplyAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> XentAggregator.metric(
                Catalog.CATEGORICAL_CROSSENTROPY, XentOptions.builder().ignoreClass(255).build(), false));
        assertEquals("ignoreClass (255) is not an option of categorical_crossentropy; it must be null",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> XentAggregator.loss(
                Catalog.SPARSE_CATEGORICAL_CROSSENTROPY,
                XentOptions.builder().reduction(Reduction.NONE).build(), false));
        assertEquals("reduction (none) has no aggregate; use the per-row values function, or a reducing reduction",
                e.getMessage());
    }
}
