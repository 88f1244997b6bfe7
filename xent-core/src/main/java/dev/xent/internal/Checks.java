package dev.xent.internal;

import java.util.Arrays;

/**
 * Argument checks in one place. Messages are built only on failure and follow one shape: the argument's name,
 * its value, then the rule, e.g. {@code labelSmoothing (1.5) must be in [0, 1]}.
 */
public final class Checks {

    private Checks() {}

    public static void checkArgument(boolean ok, String format, Object... args) {
        if (!ok) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, format, args));
        }
    }

    public static <T> T checkNotNull(T value, String name) {
        if (value == null) {
            throw new NullPointerException(name + " must not be null");
        }
        return value;
    }

    /** Turns a possibly negative axis into {@code [0, rank)}. */
    public static int canonicalAxis(int axis, int rank, String what) {
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException("axis (" + axis + ") must be in [" + (-rank) + ", " + rank
                    + ") for " + what + " of rank " + rank);
        }
        return axis < 0 ? axis + rank : axis;
    }

    public static double checkLabelSmoothing(double labelSmoothing) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("labelSmoothing (" + labelSmoothing + ") must be in [0, 1]");
        }
        return labelSmoothing;
    }

    /** The focal losses' {@code gamma}: Keras accepts any number; a negative (or NaN) one is refused here. */
    public static double checkGamma(double gamma) {
        if (!(gamma >= 0)) {
            throw new IllegalArgumentException("gamma (" + gamma + ") must be >= 0");
        }
        return gamma;
    }

    public static String shape(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        String s = Arrays.toString(shape);
        return "(" + s.substring(1, s.length() - 1) + ")";
    }

    /** Row-major coordinates of flat index {@code i} in {@code shape} (just {@code i} for rank 0 or 1). */
    public static long[] coordinates(int[] shape, long i) {
        if (shape.length <= 1) {
            return new long[] {i};
        }
        long[] coords = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            coords[d] = shape[d] == 0 ? 0 : i % shape[d];
            i = shape[d] == 0 ? 0 : i / shape[d];
        }
        return coords;
    }
}
