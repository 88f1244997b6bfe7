package dev.xent.npy;

/**
 * IEEE 754 binary16 (NumPy {@code float16}) to {@code float}, exactly; Java 17 has no {@code Float.float16ToFloat}.
 * Internal.
 */
final class Float16 {

    private Float16() {
    }

    /**
     * The float with the same value as the half-precision bits {@code h}. Every binary16 value, subnormals
     * included, is exactly representable as a float; infinities stay infinities and NaNs stay NaNs with their
     * payload shifted into the float's mantissa (as NumPy's {@code astype(float32)} does).
     */
    static float toFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // zero or subnormal: mantissa * 2^-24, exact in float since mantissa < 2^10
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        // normal: rebias the exponent from 15 to 127
        return Float.intBitsToFloat(sign | ((exponent + (127 - 15)) << 23) | (mantissa << 13));
    }

    /** {@link #toFloat} of every bit pattern (256 KiB), built on first use; indexed by {@code bits & 0xffff}. */
    static float[] table() {
        return Table.FLOATS;
    }

    private static final class Table {
        static final float[] FLOATS = new float[1 << 16];

        static {
            for (int i = 0; i < FLOATS.length; i++) {
                FLOATS[i] = toFloat((short) i);
            }
        }
    }
}
