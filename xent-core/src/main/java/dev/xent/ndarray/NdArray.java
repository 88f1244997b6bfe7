package dev.xent.ndarray;

import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;

/**
 * A read-only, row-major n-dimensional view over flat primitive data: a Java array (with an offset) or an NIO
 * buffer (heap, direct or memory-mapped), plus a shape. Nothing is copied when a view is made.
 *
 * <pre>{@code
 * NdArray yPred = NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3);
 * NdArray yTrue = NdArray.of(new int[] {1, 2}, 2);
 * }</pre>
 *
 * <p>Buffers are read from their position at the time the view is made, with absolute gets, so the view does not
 * change the buffer's position and later changes of position do not move the view. The data itself is not copied:
 * writes to the array or buffer show through the view.
 *
 * <p>Instances are immutable and safe to share between threads as long as nobody writes to the data.
 */
public final class NdArray {

    private final DType dtype;
    private final int[] shape;
    private final int size;
    /** {@code float[]}, {@code double[]}, {@code int[]} or {@code long[]}; null when buffer-backed. */
    private final Object array;
    /** Start of the view in {@link #array} or in {@link #buffer} (absolute index). */
    private final int offset;
    /** A {@code FloatBuffer}, {@code DoubleBuffer}, {@code IntBuffer} or {@code LongBuffer}; null when array-backed. */
    private final Buffer buffer;

    private NdArray(DType dtype, int[] shape, Object array, Buffer buffer, int offset, int available) {
        this.dtype = dtype;
        this.shape = shape.clone();
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + ": dimension " + i + " ("
                        + shape[i] + ") must be >= 0");
            }
            n *= shape[i];
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape)
                        + " has more than 2^31-1 elements; split the data into chunks");
            }
        }
        if (offset < 0 || n > (long) available - offset) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
                    + " elements but the data holds " + Math.max(0, available - offset) + " from offset " + offset);
        }
        this.size = (int) n;
        this.array = array;
        this.buffer = buffer;
        this.offset = offset;
    }

    // ---- factories over arrays -------------------------------------------------------------------------------

    /** A view of {@code data} with the given shape; with no shape, a rank-1 view of the whole array. */
    public static NdArray of(float[] data, int... shape) {
        return new NdArray(DType.FLOAT32, shapeOrLength(shape, data.length), data, null, 0, data.length);
    }

    /** A view of {@code data} with the given shape; with no shape, a rank-1 view of the whole array. */
    public static NdArray of(double[] data, int... shape) {
        return new NdArray(DType.FLOAT64, shapeOrLength(shape, data.length), data, null, 0, data.length);
    }

    /** A view of {@code data} with the given shape; with no shape, a rank-1 view of the whole array. */
    public static NdArray of(int[] data, int... shape) {
        return new NdArray(DType.INT32, shapeOrLength(shape, data.length), data, null, 0, data.length);
    }

    /** A view of {@code data} with the given shape; with no shape, a rank-1 view of the whole array. */
    public static NdArray of(long[] data, int... shape) {
        return new NdArray(DType.INT64, shapeOrLength(shape, data.length), data, null, 0, data.length);
    }

    /** A view of {@code data} starting at {@code offset}, with the given shape. */
    public static NdArray of(float[] data, int offset, int[] shape) {
        return new NdArray(DType.FLOAT32, shape, data, null, offset, data.length);
    }

    /** A view of {@code data} starting at {@code offset}, with the given shape. */
    public static NdArray of(double[] data, int offset, int[] shape) {
        return new NdArray(DType.FLOAT64, shape, data, null, offset, data.length);
    }

    /** A view of {@code data} starting at {@code offset}, with the given shape. */
    public static NdArray of(int[] data, int offset, int[] shape) {
        return new NdArray(DType.INT32, shape, data, null, offset, data.length);
    }

    /** A view of {@code data} starting at {@code offset}, with the given shape. */
    public static NdArray of(long[] data, int offset, int[] shape) {
        return new NdArray(DType.INT64, shape, data, null, offset, data.length);
    }

    /** Copies a rectangular {@code float[rows][cols]} into a new {@code (rows, cols)} array. */
    public static NdArray of(float[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        float[] flat = new float[Math.multiplyExact(rows.length, cols)];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("rows[" + r + "] has length " + rows[r].length
                        + " but rows[0] has " + cols + "; rows must all have the same length");
            }
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return of(flat, rows.length, cols);
    }

    /** Copies a rectangular {@code double[rows][cols]} into a new {@code (rows, cols)} array. */
    public static NdArray of(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] flat = new double[Math.multiplyExact(rows.length, cols)];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("rows[" + r + "] has length " + rows[r].length
                        + " but rows[0] has " + cols + "; rows must all have the same length");
            }
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return of(flat, rows.length, cols);
    }

    /** A rank-0 float32 array (a scalar). */
    public static NdArray scalar(float value) {
        return new NdArray(DType.FLOAT32, new int[0], new float[] {value}, null, 0, 1);
    }

    /** A rank-0 float64 array (a scalar). */
    public static NdArray scalar(double value) {
        return new NdArray(DType.FLOAT64, new int[0], new double[] {value}, null, 0, 1);
    }

    // ---- factories over buffers ------------------------------------------------------------------------------

    /** A view of {@code data} from its current position, with the given shape (default: all remaining). */
    public static NdArray of(FloatBuffer data, int... shape) {
        return new NdArray(DType.FLOAT32, shapeOrLength(shape, data.remaining()), null, data, data.position(),
                data.limit());
    }

    /** A view of {@code data} from its current position, with the given shape (default: all remaining). */
    public static NdArray of(DoubleBuffer data, int... shape) {
        return new NdArray(DType.FLOAT64, shapeOrLength(shape, data.remaining()), null, data, data.position(),
                data.limit());
    }

    /** A view of {@code data} from its current position, with the given shape (default: all remaining). */
    public static NdArray of(IntBuffer data, int... shape) {
        return new NdArray(DType.INT32, shapeOrLength(shape, data.remaining()), null, data, data.position(),
                data.limit());
    }

    /** A view of {@code data} from its current position, with the given shape (default: all remaining). */
    public static NdArray of(LongBuffer data, int... shape) {
        return new NdArray(DType.INT64, shapeOrLength(shape, data.remaining()), null, data, data.position(),
                data.limit());
    }

    private static int[] shapeOrLength(int[] shape, int length) {
        return shape == null || shape.length == 0 ? new int[] {length} : shape;
    }

    // ---- views ---------------------------------------------------------------------------------------------

    /** The same data with another shape of the same size. */
    public NdArray reshape(int... newShape) {
        NdArray view = new NdArray(dtype, newShape, array, buffer, offset, offset + size);
        if (view.size != size) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " (" + size
                    + " elements) to " + Arrays.toString(newShape));
        }
        return view;
    }

    /**
     * Rows {@code [from, from + count)} of the first axis, as a view (no copy). Used to feed large inputs to a
     * metric in chunks.
     */
    public NdArray slice(int from, int count) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("cannot slice a rank-0 array");
        }
        if (from < 0 || count < 0 || (long) from + count > shape[0]) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + ((long) from + count)
                    + ") are outside [0, " + shape[0] + ")");
        }
        int rowSize = shape[0] == 0 ? 0 : size / shape[0];
        int[] s = shape.clone();
        s[0] = count;
        return new NdArray(dtype, s, array, buffer, offset + from * rowSize, offset + size);
    }

    // ---- accessors -----------------------------------------------------------------------------------------

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Dimension {@code i}; negative {@code i} counts from the end. */
    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int rank() {
        return shape.length;
    }

    /** The number of elements: the product of the shape (1 for a scalar). */
    public int size() {
        return size;
    }

    /** Element {@code i} of the flat row-major data, as a float (doubles and longs are rounded). */
    public float getFloat(int i) {
        int j = offset + i;
        switch (dtype) {
            case FLOAT32: return array != null ? ((float[]) array)[j] : ((FloatBuffer) buffer).get(j);
            case FLOAT64: return (float) (array != null ? ((double[]) array)[j] : ((DoubleBuffer) buffer).get(j));
            case INT32: return array != null ? ((int[]) array)[j] : ((IntBuffer) buffer).get(j);
            default: return array != null ? ((long[]) array)[j] : ((LongBuffer) buffer).get(j);
        }
    }

    /** Element {@code i} of the flat row-major data, as a double. */
    public double getDouble(int i) {
        int j = offset + i;
        switch (dtype) {
            case FLOAT32: return array != null ? ((float[]) array)[j] : ((FloatBuffer) buffer).get(j);
            case FLOAT64: return array != null ? ((double[]) array)[j] : ((DoubleBuffer) buffer).get(j);
            case INT32: return array != null ? ((int[]) array)[j] : ((IntBuffer) buffer).get(j);
            default: return array != null ? ((long[]) array)[j] : ((LongBuffer) buffer).get(j);
        }
    }

    /** Element {@code i} as a long; only for integer dtypes. */
    public long getLong(int i) {
        int j = offset + i;
        switch (dtype) {
            case INT32: return array != null ? ((int[]) array)[j] : ((IntBuffer) buffer).get(j);
            case INT64: return array != null ? ((long[]) array)[j] : ((LongBuffer) buffer).get(j);
            default: throw new IllegalStateException("getLong on a " + dtype + " array");
        }
    }

    /** Whether the data is a Java array (then {@link #array()} and {@link #arrayOffset()} give it). */
    public boolean hasArray() {
        return array != null;
    }

    /**
     * The backing Java array ({@code float[]}, {@code double[]}, {@code int[]} or {@code long[]}), for kernels that
     * read it directly; element {@code i} of this view is at {@code arrayOffset() + i}. Do not write to it.
     */
    public Object array() {
        if (array == null) {
            throw new UnsupportedOperationException("this view is backed by a buffer, not an array");
        }
        return array;
    }

    /** Where element 0 of this view sits in {@link #array()} or {@link #buffer()}. */
    public int arrayOffset() {
        return offset;
    }

    /** The backing buffer, read with absolute gets from {@link #arrayOffset()}; null when array-backed. */
    public Buffer buffer() {
        return buffer;
    }

    /** Copies the data to a new row-major {@code float[]} (doubles are rounded to float). */
    public float[] toFloatArray() {
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            out[i] = getFloat(i);
        }
        return out;
    }

    /** Copies the data to a new row-major {@code double[]}. */
    public double[] toDoubleArray() {
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = getDouble(i);
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("NdArray(").append(dtype.kerasName()).append(", ")
                .append(Arrays.toString(shape)).append(", [");
        int shown = Math.min(size, 8);
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(dtype.isFloating() ? Double.toString(getDouble(i)) : Long.toString(getLong(i)));
        }
        return sb.append(size > shown ? ", ...])" : "])").toString();
    }
}
