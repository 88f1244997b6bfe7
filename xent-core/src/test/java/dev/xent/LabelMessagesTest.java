package dev.xent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.xent.metrics.SparseCategoricalCrossentropy;
import dev.xent.ndarray.InvalidElementException;
import dev.xent.ndarray.NdArray;
import org.junit.jupiter.api.Test;

/**
 * An out-of-range float label is reported as given: a whole number a long holds as that integer, a larger one as
 * the double, never as the saturated {@code Long.MAX_VALUE} a cast would give.
 */
class LabelMessagesTest {

    static final NdArray PROBS = NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3);

    static String message(NdArray labels) {
        var m = SparseCategoricalCrossentropy.builder().build();
        return assertThrows(InvalidElementException.class, () -> m.updateState(labels, PROBS)).getMessage();
    }

    @Test
    void hugeFloatLabelsAreReportedAsGiven() {
        assertEquals("yTrue label 1.8446744073709552E19 at index 1 is out of range [0, 3)",
                message(NdArray.of(new float[] {1, 0x1p64f})));
        assertEquals("yTrue label 1.8446744073709552E19 at index 0 is out of range [0, 3)",
                message(NdArray.of(new double[] {0x1p64, 1})));
        assertEquals("yTrue label 9.223372036854776E18 at index 0 is out of range [0, 3)",
                message(NdArray.of(new double[] {0x1p63, 1})));
        assertEquals("yTrue label -1.1805916207174113E21 at index 1 is out of range [0, 3)",
                message(NdArray.of(new double[] {1, -0x1p70})));
        assertEquals("yTrue label 1.0E300 at index 1 is out of range [0, 3)",
                message(NdArray.of(new double[] {1, 1e300})));
    }

    @Test
    void wholeFloatLabelsInTheLongRangeAreIntegers() {
        assertEquals("yTrue label 7 at index 1 is out of range [0, 3)", message(NdArray.of(new float[] {1, 7})));
        assertEquals("yTrue label -9223372036854775808 at index 0 is out of range [0, 3)",
                message(NdArray.of(new double[] {-0x1p63, 1})));
        assertEquals("yTrue label 9223372036854774784 at index 0 is out of range [0, 3)",
                message(NdArray.of(new double[] {Math.nextDown(0x1p63), 1})));
        assertEquals("yTrue label 9223372036854775807 at index 0 is out of range [0, 3)",
                message(NdArray.of(new long[] {Long.MAX_VALUE, 1})));
    }
}
