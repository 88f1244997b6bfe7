package dev.xent.internal.kernel;

/**
 * Where the classes of each "row" (one per-element loss value) sit in the flat row-major prediction data, for a
 * class axis anywhere: the shape is {@code (outer..., classes, inner...)}, so row {@code r} has
 * {@code o = r / inner}, {@code i = r % inner}, and class {@code c} at {@code o*classes*inner + c*inner + i}.
 * With the class axis last, {@code inner == 1} and rows are contiguous. Nothing is transposed.
 */
public final class RowLayout {
    public final int outer;
    public final int classes;
    public final int inner;

    public RowLayout(int outer, int classes, int inner) {
        this.outer = outer;
        this.classes = classes;
        this.inner = inner;
    }

    /** The layout of {@code shape} with the class axis at {@code axis} (already canonical). */
    public static RowLayout of(int[] shape, int axis) {
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < axis; i++) {
            outer *= shape[i];
        }
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        return new RowLayout((int) outer, shape[axis], (int) inner);
    }

    public int rows() {
        return outer * inner;
    }

    /** Flat index of class 0 of row {@code r}. */
    public int base(int r) {
        if (inner == 1) {
            return r * classes;
        }
        int o = r / inner;
        return o * classes * inner + (r - o * inner);
    }

    /** Distance between consecutive classes of one row. */
    public int classStride() {
        return inner;
    }
}
