package dev.xent.internal;

import dev.xent.internal.kernel.Precision;
import dev.xent.ndarray.NdArray;

/** A sample-weight array as shape plus values in the compute precision, with NumPy broadcasting products. */
final class Weights {
    final int[] shape;
    final double[] data;

    Weights(int[] shape, double[] data) {
        this.shape = shape;
        this.data = data;
    }

    static Weights of(NdArray sampleWeight, Precision precision) {
        double[] d = new double[sampleWeight.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = precision.round(sampleWeight.getDouble(i));
        }
        return new Weights(sampleWeight.shape(), d);
    }

    Weights reshape(int[] newShape) {
        return new Weights(newShape, data);
    }

    /** {@code a * b} with NumPy broadcasting, rounded to {@code precision}; null-free error when incompatible. */
    static Weights multiply(int[] aShape, double[] a, Weights b, Precision precision, String what) {
        int[] out = Shapes.broadcast(aShape, b.shape);
        if (out == null) {
            throw new IllegalArgumentException("sampleWeight shape " + Checks.shape(b.shape)
                    + " does not broadcast to " + what + " shape " + Checks.shape(aShape)
                    + " (NumPy rules, aligned from the last axis; give per-sample weights as (batch,) or (batch, 1, ...))");
        }
        int[] ia = Shapes.broadcastIndex(aShape, out);
        int[] ib = Shapes.broadcastIndex(b.shape, out);
        double[] d = new double[ia.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = precision.round(a[ia[i]] * b.data[ib[i]]);
        }
        return new Weights(out, d);
    }

    double sum() {
        return CompensatedSum.of(data, 0, data.length);
    }
}
