package dev.xent.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class NdArrayTest {

    @Test
    void viewsDoNotCopy() {
        float[] data = {1, 2, 3, 4, 5, 6};
        NdArray a = NdArray.of(data, 2, 3);
        data[4] = 50;
        assertEquals(50f, a.getFloat(4));
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertEquals(3, a.dim(-1));
        NdArray row = a.slice(1, 1);
        assertArrayEquals(new int[] {1, 3}, row.shape());
        assertEquals(4f, row.getFloat(0));
        assertEquals(1, row.arrayOffset() / 3);
        assertArrayEquals(new float[] {1, 2, 3, 4, 50, 6}, a.reshape(3, 2).toFloatArray());
    }

    @Test
    void buffersReadFromTheirPositionWithoutMovingIt() {
        ByteBuffer bytes = ByteBuffer.allocateDirect(6 * 4).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer f = bytes.asFloatBuffer();
        for (int i = 0; i < 6; i++) {
            f.put(i, i * 0.5f);
        }
        f.position(2);
        NdArray a = NdArray.of(f, 2, 2);
        f.position(0);
        assertEquals(1.0f, a.getFloat(0));
        assertEquals(2.5f, a.getFloat(3));
        assertEquals(2, a.slice(1, 1).size());
        assertEquals(2.0, a.slice(1, 1).getDouble(0));
    }

    @Test
    void rankZeroAndEmpty() {
        NdArray s = NdArray.of(new double[] {3}, 0, new int[0]);
        assertEquals(0, s.rank());
        assertEquals(1, s.size());
        assertEquals(0, NdArray.of(new float[0], 0, 5).size());
        assertEquals(0, NdArray.of(new float[0][]).size());
    }

    @Test
    void badShapesAreRefused() {
        assertEquals("shape [2, 3] needs 6 elements but the data holds 5 from offset 0",
                assertThrows(IllegalArgumentException.class, () -> NdArray.of(new float[5], 2, 3)).getMessage());
        assertEquals("shape [2, -1]: dimension 1 (-1) must be >= 0",
                assertThrows(IllegalArgumentException.class, () -> NdArray.of(new float[5], 2, -1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> NdArray.of(new float[][] {{1, 2}, {3}}));
        assertThrows(IndexOutOfBoundsException.class, () -> NdArray.of(new float[4], 2, 2).slice(1, 2));
        assertThrows(IllegalArgumentException.class, () -> NdArray.of(new float[4], 2, 2).reshape(3));
    }
}
