package dev.xent.spark;

import dev.xent.ndarray.InvalidElementException;
import dev.xent.ndarray.NdArray;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.unsafe.Platform;

/**
 * Rows of one layout (precision, row shape, label count, weighted or not) gathered into flat arrays, then handed to
 * the core in one call: {@code (rows, ...shape)} predictions, {@code (rows, ...)} labels, {@code (rows,)} weights.
 * One call over many rows gives the same state as one call per row, up to the rounding of a double sum, since the
 * core averages each row (sample) on its own and sums samples in compensated double.
 */
final class RowBatch {

    /**
     * At most this many prediction elements are gathered, whatever the row count: half a megabyte of float32, which
     * stays in cache, and below the core's threshold for splitting a call over threads (Spark owns the threads).
     */
    private static final int MAX_ELEMENTS = 1 << 17;

    final XentAggregator<?> agg;
    final boolean float32;
    final int[] rowShape;
    final int[] labelShape;
    final int rowSize;
    final int labelSize;
    final int capacity;
    /** Rows the arrays hold now: they start small and double up to {@link #capacity}, so that a GROUP BY with many
     * small groups does not hold a full batch per group. */
    private int allocated;
    private float[] floats;
    private double[] doubles;
    private double[] labels;
    /** Targets (of the prediction's shape) rounded to float32 for the core (float32 predictions only); reused. */
    private float[] targets32;
    private double[] weights;
    private int n;
    /** The partition-local index of the first gathered row. */
    private long firstRow;

    RowBatch(XentAggregator<?> agg, boolean float32, int[] rowShape, int[] labelShape) {
        this.agg = agg;
        this.float32 = float32;
        this.rowShape = rowShape;
        this.labelShape = labelShape;
        this.rowSize = size(rowShape);
        this.labelSize = size(labelShape);
        this.capacity = Math.max(1, Math.min(agg.options.batchRows(), MAX_ELEMENTS / Math.max(1, rowSize)));
        allocate(Math.min(capacity, 8));
    }

    private void allocate(int rows) {
        allocated = rows;
        floats = float32 ? (floats == null ? new float[rows * rowSize] : Arrays.copyOf(floats, rows * rowSize)) : null;
        doubles = float32 ? null
                : doubles == null ? new double[rows * rowSize] : Arrays.copyOf(doubles, rows * rowSize);
        labels = labels == null ? new double[rows * labelSize] : Arrays.copyOf(labels, rows * labelSize);
        weights = !agg.weighted ? null : weights == null ? new double[rows] : Arrays.copyOf(weights, rows);
    }

    /** Makes room for one more row. */
    private void reserve() {
        if (n == allocated) {
            allocate(Math.min(capacity, allocated * 2));
        }
    }

    static int size(int[] shape) {
        long s = 1;
        for (int d : shape) {
            s *= d;
        }
        return (int) s;
    }

    boolean fits(boolean f32, int[] shape, int[] lshape) {
        return f32 == float32 && Arrays.equals(shape, rowShape) && Arrays.equals(lshape, labelShape);
    }

    boolean isEmpty() {
        return n == 0;
    }

    /** Adds one row; the caller has checked its sizes. Returns whether the batch is now full. */
    boolean add(long rowIndex, float[] fp, double[] dp, Double label, double[] labelArray, Double weight) {
        if (n == 0) {
            firstRow = rowIndex;
        }
        reserve();
        if (float32) {
            System.arraycopy(fp, 0, floats, n * rowSize, rowSize);
        } else {
            System.arraycopy(dp, 0, doubles, n * rowSize, rowSize);
        }
        if (labelArray != null) {
            System.arraycopy(labelArray, 0, labels, n * labelSize, labelSize);
        } else {
            labels[n] = label;
        }
        if (weights != null) {
            weights[n] = weight;
        }
        n++;
        return n == capacity;
    }

    /**
     * Adds one row whose prediction is Spark's array data (no null elements: the caller has checked), copied straight
     * from Spark's memory when it is an {@link UnsafeArrayData}. Returns whether the batch is now full.
     */
    boolean add(long rowIndex, ArrayData prediction, double label, double[] labelArray, double weight) {
        if (n == 0) {
            firstRow = rowIndex;
        }
        reserve();
        if (prediction instanceof UnsafeArrayData) {
            UnsafeArrayData u = (UnsafeArrayData) prediction;
            long header = UnsafeArrayData.calculateHeaderPortionInBytes(rowSize);
            if (float32) {
                Platform.copyMemory(u.getBaseObject(), u.getBaseOffset() + header, floats,
                        Platform.FLOAT_ARRAY_OFFSET + 4L * n * rowSize, 4L * rowSize);
            } else {
                Platform.copyMemory(u.getBaseObject(), u.getBaseOffset() + header, doubles,
                        Platform.DOUBLE_ARRAY_OFFSET + 8L * n * rowSize, 8L * rowSize);
            }
        } else if (float32) {
            for (int i = 0, j = n * rowSize; i < rowSize; i++, j++) {
                floats[j] = prediction.getFloat(i);
            }
        } else {
            for (int i = 0, j = n * rowSize; i < rowSize; i++, j++) {
                doubles[j] = prediction.getDouble(i);
            }
        }
        if (labelArray != null) {
            System.arraycopy(labelArray, 0, labels, n * labelSize, labelSize);
        } else {
            labels[n] = label;
        }
        if (weights != null) {
            weights[n] = weight;
        }
        n++;
        return n == capacity;
    }

    /** Whether Spark's array data holds a null element (a scan of the null bits for unsafe arrays). */
    static boolean hasNullElement(ArrayData a) {
        if (a instanceof UnsafeArrayData) {
            UnsafeArrayData u = (UnsafeArrayData) a;
            int words = (a.numElements() + 63) / 64;
            for (int w = 0; w < words; w++) {
                if (Platform.getLong(u.getBaseObject(), u.getBaseOffset() + 8 + 8L * w) != 0) {
                    return true;
                }
            }
            return false;
        }
        for (int i = 0; i < a.numElements(); i++) {
            if (a.isNullAt(i)) {
                return true;
            }
        }
        return false;
    }

    /** Hands the gathered rows to the core, updating {@code buffer}'s state, and empties the batch. */
    void flushInto(XentBuffer buffer) {
        if (n == 0) {
            return;
        }
        int[] predShape = prepend(n, rowShape);
        NdArray yPred = float32 ? NdArray.of(floats, 0, predShape) : NdArray.of(doubles, 0, predShape);
        NdArray yTrue = float32 && !agg.labels
                ? NdArray.of(targets32(n * labelSize), 0, prepend(n, labelShape))
                : NdArray.of(labels, 0, prepend(n, labelShape));
        NdArray sw = weights == null ? null : NdArray.of(weights, 0, weightShape(n, rowShape.length - 1, agg.isLoss));
        int count = n;
        n = 0;
        try {
            agg.update(buffer, yTrue, yPred, sw);
        } catch (InvalidElementException e) {
            throw agg.rowError(e.withRowOffset(firstRow).getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw agg.rowError("rows [" + firstRow + ", " + (firstRow + count) + "): " + e.getMessage(), e);
        }
    }

    /**
     * Targets as float32 next to float32 predictions, as the command line reads them from a float32 file
     * (Keras casts targets to the prediction dtype anyway): the core then runs the same kernel for both, so a Spark
     * result equals the single-machine one to the last bits of the sum, not only within float32 rounding per element.
     */
    private float[] targets32(int size) {
        if (targets32 == null || targets32.length < size) {
            targets32 = new float[labels.length];
        }
        for (int i = 0; i < size; i++) {
            targets32[i] = (float) labels[i];
        }
        return targets32;
    }

    /**
     * Per-row weights as {@code (rows,)} for a metric (Keras averages each row's values, then weighs it) and as
     * {@code (rows, 1, ...)} for a loss over maps, of the rank of the values ({@code valueRank} axes besides the
     * rows: the row's shape without the class axis), so that a row's weight broadcasts over its elements (Keras
     * aligns ranks only one axis apart: its users pass such weights themselves).
     */
    static int[] weightShape(int rows, int valueRank, boolean loss) {
        int[] s = new int[loss ? valueRank + 1 : 1];
        java.util.Arrays.fill(s, 1);
        s[0] = rows;
        return s;
    }

    static int[] prepend(int first, int[] rest) {
        int[] s = new int[rest.length + 1];
        s[0] = first;
        System.arraycopy(rest, 0, s, 1, rest.length);
        return s;
    }
}
