package dev.xent.cli;

import java.util.Arrays;

/**
 * Keras's shape rules over whole-file shapes ({@code long[]}), so that shape errors are reported with the files'
 * shapes before any chunk is read: {@code squeeze_or_expand_to_same_rank}, NumPy broadcasting, axis checks.
 * They mirror the rules xent-core applies to each chunk.
 */
final class ShapeRules {

    private ShapeRules() {}

    /** NumPy's notation: {@code ()}, {@code (2,)}, {@code (2, 3)}. */
    static String str(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        String s = Arrays.toString(shape);
        return "(" + s.substring(1, s.length() - 1) + ")";
    }

    static long[] remove(long[] shape, int axis) {
        long[] out = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != axis) {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    /** {@code axis} in {@code [0, rank)}, or -1 if it is outside {@code [-rank, rank)}. */
    static int canonicalAxis(int axis, int rank) {
        if (axis < -rank || axis >= rank) {
            return -1;
        }
        return axis < 0 ? axis + rank : axis;
    }

    /**
     * Keras's {@code squeeze_or_expand_to_same_rank(x1, x2)}: when the ranks differ by one and the higher-ranked
     * shape ends in 1, expand the lower one if it has rank 1, else squeeze the higher one.
     */
    static long[][] squeezeOrExpand(long[] x1, long[] x2) {
        if (x1.length == x2.length + 1 && x1[x1.length - 1] == 1) {
            return x2.length == 1 ? new long[][] {x1, appendOne(x2)}
                    : new long[][] {Arrays.copyOf(x1, x1.length - 1), x2};
        }
        if (x2.length == x1.length + 1 && x2[x2.length - 1] == 1) {
            return x1.length == 1 ? new long[][] {appendOne(x1), x2}
                    : new long[][] {x1, Arrays.copyOf(x2, x2.length - 1)};
        }
        return new long[][] {x1, x2};
    }

    private static long[] appendOne(long[] shape) {
        long[] out = Arrays.copyOf(shape, shape.length + 1);
        out[shape.length] = 1;
        return out;
    }

    /** The NumPy broadcast of two shapes (aligned from the last axis), or null when they do not broadcast. */
    static long[] broadcast(long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                return null;
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    static long size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
