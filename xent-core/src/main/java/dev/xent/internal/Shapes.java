package dev.xent.internal;

import java.util.Arrays;

/** Keras's shape rules: rank squeeze/expand and NumPy broadcasting, over plain {@code int[]} shapes. */
public final class Shapes {

    private Shapes() {}

    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return (int) n;
    }

    public static int[] remove(int[] shape, int axis) {
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != axis) {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    public static int[] dropLast(int[] shape) {
        return Arrays.copyOf(shape, shape.length - 1);
    }

    public static int[] appendOne(int[] shape) {
        int[] out = Arrays.copyOf(shape, shape.length + 1);
        out[shape.length] = 1;
        return out;
    }

    /**
     * Keras's {@code squeeze_or_expand_to_same_rank(x1, x2)}: when the ranks differ by exactly one and the
     * higher-ranked shape ends in 1, expand the lower one if it has rank 1, else squeeze the higher one.
     * Returns the two new shapes (the data does not move: both are views of the same row-major data).
     */
    public static int[][] squeezeOrExpandToSameRank(int[] x1, int[] x2) {
        if (x1.length == x2.length + 1 && x1[x1.length - 1] == 1) {
            return x2.length == 1 ? new int[][] {x1, appendOne(x2)} : new int[][] {dropLast(x1), x2};
        }
        if (x2.length == x1.length + 1 && x2[x2.length - 1] == 1) {
            return x1.length == 1 ? new int[][] {appendOne(x1), x2} : new int[][] {x1, dropLast(x2)};
        }
        return new int[][] {x1, x2};
    }

    /** The NumPy broadcast of two shapes, or null when they do not broadcast. */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                return null;
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * For each flat index of {@code target}, the flat index of the element of {@code source} that NumPy
     * broadcasting maps to it; {@code source} must broadcast to {@code target}.
     */
    public static int[] broadcastIndex(int[] source, int[] target) {
        int n = size(target);
        int[] index = new int[n];
        int rank = target.length;
        int[] strides = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            int si = i - (rank - source.length);
            int d = si < 0 ? 1 : source[si];
            strides[i] = d == 1 ? 0 : stride;
            stride *= si < 0 ? 1 : d;
        }
        int[] coord = new int[rank];
        int at = 0;
        for (int k = 0; k < n; k++) {
            index[k] = at;
            for (int i = rank - 1; i >= 0; i--) {
                coord[i]++;
                at += strides[i];
                if (coord[i] < target[i]) {
                    break;
                }
                at -= strides[i] * coord[i];
                coord[i] = 0;
            }
        }
        return index;
    }

    public static boolean isIdentity(int[] index) {
        for (int i = 0; i < index.length; i++) {
            if (index[i] != i) {
                return false;
            }
        }
        return true;
    }
}
