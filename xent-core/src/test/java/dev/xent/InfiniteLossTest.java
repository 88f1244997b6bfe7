package dev.xent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.losses.Reduction;
import dev.xent.metrics.CategoricalCrossentropy;
import dev.xent.metrics.MeanState;
import dev.xent.metrics.SparseCategoricalCrossentropy;
import dev.xent.ndarray.NdArray;
import org.junit.jupiter.api.Test;

/**
 * A row whose loss is +inf (a logit of -inf at the label, or logits of 1e38 scale whose float32 difference
 * overflows) makes Keras's metric result, total and reduced losses +inf, as IEEE addition does: +inf plus finite
 * values stays +inf, and only +inf plus -inf (or a NaN) gives NaN. The compensated sums must not turn it into NaN.
 */
class InfiniteLossTest {

    /** Row 0: -inf at the label (loss +inf); row 1: an ordinary row. */
    static final NdArray MINUS_INF_AT_LABEL = NdArray.of(new float[] {Float.NEGATIVE_INFINITY, 0, 0, 1, 2, 3}, 2, 3);
    /** Row 0: 1e38-scale logits, label 0: the loss, 6e38, overflows float32 to +inf. */
    static final NdArray HUGE_LOGITS = NdArray.of(new float[] {-3e38f, 3e38f, 0, 1, 2, 3}, 2, 3);
    static final NdArray LABELS = NdArray.of(new int[] {0, 1});
    static final NdArray ONE_HOT = NdArray.of(new float[] {1, 0, 0, 0, 1, 0}, 2, 3);

    @Test
    void sparseMetricResultAndTotalAreInfinite() {
        for (NdArray logits : new NdArray[] {MINUS_INF_AT_LABEL, HUGE_LOGITS}) {
            var m = SparseCategoricalCrossentropy.builder().fromLogits(true).build();
            m.updateState(LABELS, logits);
            assertEquals(Double.POSITIVE_INFINITY, m.result());
            assertEquals(Double.POSITIVE_INFINITY, m.total());
            assertEquals(2.0, m.count());
            m.updateState(LABELS.slice(1, 1), logits.slice(1, 1)); // finite updates after it keep +inf
            assertEquals(Double.POSITIVE_INFINITY, m.result());
        }
    }

    @Test
    void categoricalMetricResultIsInfinite() {
        var m = CategoricalCrossentropy.builder().fromLogits(true).build();
        m.updateState(ONE_HOT, MINUS_INF_AT_LABEL);
        assertEquals(Double.POSITIVE_INFINITY, m.result());
        assertEquals(Double.POSITIVE_INFINITY, m.total());
    }

    @Test
    void reducedLossesAreInfinite() {
        var loss = dev.xent.losses.SparseCategoricalCrossentropy.builder().fromLogits(true).build();
        for (NdArray logits : new NdArray[] {MINUS_INF_AT_LABEL, HUGE_LOGITS}) {
            for (Reduction r : new Reduction[] {Reduction.SUM, Reduction.SUM_OVER_BATCH_SIZE, Reduction.MEAN,
                Reduction.MEAN_WITH_SAMPLE_WEIGHT}) {
                var l = loss.toBuilder().reduction(r).build();
                assertEquals(Double.POSITIVE_INFINITY, l.value(LABELS, logits), r.kerasName());
                assertEquals(Double.POSITIVE_INFINITY, l.value(LABELS, logits, NdArray.of(new float[] {0.5f, 2})),
                        r.kerasName() + " weighted");
                assertEquals(Double.POSITIVE_INFINITY, l.partial(LABELS, logits, null).result(), r.kerasName());
            }
        }
        var cat = dev.xent.losses.CategoricalCrossentropy.builder().fromLogits(true).reduction(Reduction.SUM).build();
        assertEquals(Double.POSITIVE_INFINITY, cat.value(ONE_HOT, MINUS_INF_AT_LABEL));
    }

    @Test
    void oppositeInfinitiesGiveNaN() {
        var m = SparseCategoricalCrossentropy.builder().fromLogits(true).build();
        m.updateState(LABELS, MINUS_INF_AT_LABEL);
        m.updateState(LABELS, MINUS_INF_AT_LABEL, NdArray.of(new float[] {-1, 1}));
        assertTrue(Double.isNaN(m.result()), "+inf + -inf is NaN");
    }

    @Test
    void meanStateKeepsInfinities() {
        MeanState s = MeanState.ZERO.plus(1.5, 1).plus(Double.POSITIVE_INFINITY, 1).plus(2.5, 1);
        assertEquals(Double.POSITIVE_INFINITY, s.total());
        assertEquals(Double.POSITIVE_INFINITY, s.result());
        assertEquals(Double.POSITIVE_INFINITY, MeanState.of(1, 1).plus(s).result());
        assertEquals(Double.POSITIVE_INFINITY, s.plus(MeanState.of(1e300, 1)).result());
        assertEquals(Double.NEGATIVE_INFINITY, MeanState.of(-Double.MAX_VALUE, 1).plus(-Double.MAX_VALUE, 1).total());
        assertTrue(Double.isNaN(s.plus(Double.NEGATIVE_INFINITY, 1).result()));
        assertEquals(Double.POSITIVE_INFINITY, MeanState.fromBytes(s.toBytes()).result());
    }
}
