package dev.xent.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The float16 conversion against an independent double-precision formula, for all 65536 bit patterns. */
class Float16Test {

    @Test
    void everyHalfMatchesTheFormula() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float actual = Float16.toFloat((short) bits);
            assertEquals(Float.floatToRawIntBits(actual), Float.floatToRawIntBits(Float16.table()[bits]));
            int sign = bits >>> 15;
            int exponent = (bits >>> 10) & 0x1f;
            int mantissa = bits & 0x3ff;
            double expected;
            if (exponent == 0x1f) {
                expected = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
            } else if (exponent == 0) {
                expected = Math.scalb((double) mantissa, -24);
            } else {
                expected = Math.scalb((double) (1024 + mantissa), exponent - 25);
            }
            expected = sign == 1 ? -expected : expected;
            String what = String.format("half 0x%04x", bits);
            if (Double.isNaN(expected)) {
                assertTrue(Float.isNaN(actual), what);
                // NumPy keeps the payload: float32 mantissa = half mantissa << 13, sign kept
                assertEquals(bits >>> 15 << 31 | 0x7f800000 | mantissa << 13, Float.floatToRawIntBits(actual), what);
            } else {
                assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(actual), what);
            }
        }
    }

    @Test
    void knownValues() {
        assertEquals(1.0f, Float16.toFloat((short) 0x3c00));
        assertEquals(65504.0f, Float16.toFloat((short) 0x7bff));
        assertEquals(0x1p-24f, Float16.toFloat((short) 0x0001));
        assertEquals(0x1p-14f, Float16.toFloat((short) 0x0400));
        assertEquals(-2.0f, Float16.toFloat((short) 0xc000));
        assertEquals(Float.floatToIntBits(-0.0f), Float.floatToIntBits(Float16.toFloat((short) 0x8000)));
        assertEquals(Float.NEGATIVE_INFINITY, Float16.toFloat((short) 0xfc00));
    }
}
