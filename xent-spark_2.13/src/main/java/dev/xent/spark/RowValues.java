package dev.xent.spark;

import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.losses.Loss;
import dev.xent.losses.Reduction;
import dev.xent.ndarray.NdArray;
import java.io.Serializable;
import org.apache.spark.ml.linalg.Vector;
import scala.runtime.AbstractFunction4;

/**
 * The per-row function behind the {@code _values} SQL functions: the loss with {@code reduction = none} on one row,
 * as a batch of one, weighted. Returns a {@code Double} for rows without a shape, a {@code double[]} (the row's
 * values without the class axis, flattened) for rows with one, and null for a null row when skipping nulls.
 */
final class RowValues extends AbstractFunction4<Object, Object, Object, Object, Object> implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The catalogue function's name ({@link KerasFunction} is not serializable). */
    private final String functionName;
    private final XentOptions options;
    private final String function;
    private final boolean float32;
    private final boolean weighted;
    private final boolean shaped;
    private final boolean integerLabels;
    private transient Loss loss;
    /** The class axis in the batch (rows, ...shape), from the loss's arguments. */
    private transient int axis;

    RowValues(KerasFunction target, XentOptions options, String function, boolean float32, boolean weighted,
              boolean shaped) {
        this.functionName = target.name();
        this.integerLabels = target.targets() == KerasFunction.Targets.LABELS;
        this.options = options;
        this.function = function;
        this.float32 = float32;
        this.weighted = weighted;
        this.shaped = shaped;
        loss();
    }

    private Loss loss() {
        if (loss == null) {
            loss = options.toBuilder().reduction(Reduction.NONE).build().loss(Catalog.get(functionName));
            axis = loss.arguments().asMap().containsKey("axis") ? loss.arguments().integer("axis") : -1;
        }
        return loss;
    }

    @Override
    public Object apply(Object label, Object prediction, Object weight, Object shape) {
        String missing = prediction == null ? "prediction" : label == null ? "label"
                : weighted && weight == null ? "weight" : shaped && shape == null ? "shape"
                : hasNull(prediction) ? "prediction element" : hasNull(label) ? "label element"
                : shaped && hasNull(shape) ? "shape element" : null;
        if (missing != null) {
            if (options.skipNulls()) {
                return null;
            }
            throw new IllegalArgumentException(function + ": a row has a null " + missing + " (label=" + label
                    + ", prediction=" + abbreviate(prediction) + "); filter nulls out or set skipNulls");
        }
        int[] rowShape;
        NdArray yPred;
        if (prediction instanceof Vector) {
            double[] d = ((Vector) prediction).toArray();
            rowShape = shapeOf(shape, d.length);
            yPred = NdArray.of(d, 0, RowBatch.prepend(1, rowShape));
        } else {
            scala.collection.Seq<?> seq = (scala.collection.Seq<?>) prediction;
            int n = seq.length();
            rowShape = shapeOf(shape, n);
            if (float32) {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = ((Number) element(seq, i, "prediction")).floatValue();
                }
                yPred = NdArray.of(f, 0, RowBatch.prepend(1, rowShape));
            } else {
                double[] d = new double[n];
                for (int i = 0; i < n; i++) {
                    d[i] = ((Number) element(seq, i, "prediction")).doubleValue();
                }
                yPred = NdArray.of(d, 0, RowBatch.prepend(1, rowShape));
            }
        }
        int classAxis;
        try {
            loss();
            classAxis = XentAggregator.classAxis(axis, rowShape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(function + ": " + e.getMessage(), e);
        }
        int[] labelShape = integerLabels ? XentAggregator.without(rowShape, classAxis) : rowShape;
        double[] labels;
        if (label instanceof scala.collection.Seq) {
            scala.collection.Seq<?> seq = (scala.collection.Seq<?>) label;
            labels = new double[seq.length()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = ((Number) element(seq, i, "label")).doubleValue();
            }
        } else {
            labels = new double[] {((Number) label).doubleValue()};
        }
        if (labels.length != RowBatch.size(labelShape)) {
            throw new IllegalArgumentException(function + ": a row has " + labels.length + " label values but its "
                    + "prediction of shape " + java.util.Arrays.toString(rowShape) + " needs "
                    + RowBatch.size(labelShape));
        }
        NdArray yTrue = float32 && !integerLabels ? NdArray.of(toFloats(labels), 0, RowBatch.prepend(1, labelShape))
                : NdArray.of(labels, 0, RowBatch.prepend(1, labelShape));
        NdArray sw = weighted ? NdArray.of(new double[] {((Number) weight).doubleValue()}, 0,
                RowBatch.weightShape(1, rowShape.length - 1, true)) : null;
        NdArray out;
        try {
            out = loss().call(yTrue, yPred, sw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(function + ": " + e.getMessage(), e);
        }
        if (!shaped) {
            return out.getDouble(0);
        }
        return out.toDoubleArray();
    }

    /** Targets as float32 next to float32 predictions, as {@link RowBatch} gives them to the core. */
    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static boolean hasNull(Object o) {
        if (o instanceof scala.collection.Seq) {
            scala.collection.Seq<?> seq = (scala.collection.Seq<?>) o;
            for (int i = 0; i < seq.length(); i++) {
                if (seq.apply(i) == null) {
                    return true;
                }
            }
        }
        return false;
    }

    private int[] shapeOf(Object shape, int length) {
        if (!shaped) {
            return new int[] {length};
        }
        scala.collection.Seq<?> seq = (scala.collection.Seq<?>) shape;
        int[] s = new int[seq.length()];
        for (int i = 0; i < s.length; i++) {
            s[i] = ((Number) element(seq, i, "shape")).intValue();
        }
        if (RowBatch.size(s) != length) {
            throw new IllegalArgumentException(function + ": a row has shape " + java.util.Arrays.toString(s) + " ("
                    + RowBatch.size(s) + " elements) but its prediction has " + length + " elements");
        }
        return s;
    }

    private Object element(scala.collection.Seq<?> seq, int i, String what) {
        Object o = seq.apply(i);
        if (o == null) {
            throw new IllegalArgumentException(function + ": " + what + " element " + i + " is null");
        }
        return o;
    }

    private static String abbreviate(Object o) {
        return XentInput.abbreviate(String.valueOf(o));
    }
}
