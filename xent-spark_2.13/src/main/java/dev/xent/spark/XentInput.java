package dev.xent.spark;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;

/**
 * One row for an {@link XentAggregator}, as a Java bean so that Spark decodes primitive arrays without boxing:
 * exactly one prediction ({@code floatPrediction} computes in float32, {@code doublePrediction} and
 * {@code vectorPrediction} in float64, as Keras computes in the prediction's dtype), a sparse {@code label} or a
 * {@code labels} array (sparse segmentation maps, targets of the prediction's shape), an optional {@code weight}
 * and an optional {@code shape} of the flattened prediction (default {@code (classes,)}).
 *
 * <pre>{@code
 * XentInput row = XentInput.sparse(1, new float[] {0.05f, 0.95f, 0f});
 * Dataset<XentInput> ds = spark.createDataset(List.of(row), XentInput.encoder());
 * ds.select(XentAggregator.metric(Catalog.get("sparse_categorical_crossentropy"), XentOptions.defaults(), false)
 *     .toColumn());
 * }</pre>
 *
 * <p>Mutable (Spark fills it through its setters); not thread-safe.
 */
public final class XentInput implements Serializable {

    private static final long serialVersionUID = 1L;

    private Double label;
    private double[] labels;
    private float[] floatPrediction;
    private double[] doublePrediction;
    private Vector vectorPrediction;
    private Double weight;
    private int[] shape;

    /** An empty row; Spark uses this with the setters. */
    public XentInput() {}

    /** The bean encoder; its schema lists the properties in alphabetical order. */
    public static Encoder<XentInput> encoder() {
        return Encoders.bean(XentInput.class);
    }

    /** A row of a function with integer labels (the sparse ones): a label and float32 predictions. */
    public static XentInput sparse(double label, float[] prediction) {
        XentInput in = new XentInput();
        in.setLabel(label);
        in.setFloatPrediction(prediction);
        return in;
    }

    /** A row of a function with integer labels (the sparse ones): a label and float64 predictions. */
    public static XentInput sparse(double label, double[] prediction) {
        XentInput in = new XentInput();
        in.setLabel(label);
        in.setDoublePrediction(prediction);
        return in;
    }

    /**
     * A row of a function whose targets have the prediction's shape (categorical, binary, KL divergence, Poisson...):
     * a target array and float32 predictions of the same length.
     */
    public static XentInput categorical(double[] target, float[] prediction) {
        XentInput in = new XentInput();
        in.setLabels(target);
        in.setFloatPrediction(prediction);
        return in;
    }

    /** As {@link #categorical(double[], float[])} with float64 predictions. */
    public static XentInput categorical(double[] target, double[] prediction) {
        XentInput in = new XentInput();
        in.setLabels(target);
        in.setDoublePrediction(prediction);
        return in;
    }

    /** This row with a weight; returns this. */
    public XentInput withWeight(double w) {
        this.weight = w;
        return this;
    }

    /** This row with the shape of its flattened prediction (class axis included); returns this. */
    public XentInput withShape(int... s) {
        this.shape = s;
        return this;
    }

    public Double getLabel() {
        return label;
    }

    public void setLabel(Double label) {
        this.label = label;
    }

    public double[] getLabels() {
        return labels;
    }

    public void setLabels(double[] labels) {
        this.labels = labels;
    }

    public float[] getFloatPrediction() {
        return floatPrediction;
    }

    public void setFloatPrediction(float[] floatPrediction) {
        this.floatPrediction = floatPrediction;
    }

    public double[] getDoublePrediction() {
        return doublePrediction;
    }

    public void setDoublePrediction(double[] doublePrediction) {
        this.doublePrediction = doublePrediction;
    }

    public Vector getVectorPrediction() {
        return vectorPrediction;
    }

    public void setVectorPrediction(Vector vectorPrediction) {
        this.vectorPrediction = vectorPrediction;
    }

    public Double getWeight() {
        return weight;
    }

    public void setWeight(Double weight) {
        this.weight = weight;
    }

    public int[] getShape() {
        return shape;
    }

    public void setShape(int[] shape) {
        this.shape = shape;
    }

    /** A short description for error messages: the label and the first few predictions. */
    String describe() {
        StringBuilder sb = new StringBuilder("label=");
        sb.append(labels != null ? abbreviate(Arrays.toString(labels)) : String.valueOf(label));
        sb.append(", prediction=");
        if (floatPrediction != null) {
            sb.append(abbreviate(Arrays.toString(floatPrediction)));
        } else if (doublePrediction != null) {
            sb.append(abbreviate(Arrays.toString(doublePrediction)));
        } else {
            sb.append(vectorPrediction == null ? "null" : abbreviate(vectorPrediction.toString()));
        }
        if (weight != null) {
            sb.append(", weight=").append(weight);
        }
        if (shape != null) {
            sb.append(", shape=").append(Arrays.toString(shape));
        }
        return sb.toString();
    }

    /** An array's text cut after whole elements: {@code [0.1, 0.2, ...]}. */
    static String abbreviate(String s) {
        if (s.length() <= 80) {
            return s;
        }
        int cut = s.lastIndexOf(", ", 74);
        return (cut > 0 ? s.substring(0, cut) : s.substring(0, 74)) + ", ...]";
    }
}
