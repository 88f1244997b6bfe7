package dev.xent.internal;

import dev.xent.internal.kernel.CrossEntropyKernel;
import dev.xent.internal.kernel.Kernels;
import dev.xent.internal.kernel.Precision;
import dev.xent.internal.kernel.ProbabilityMode;
import dev.xent.internal.kernel.RowLayout;
import dev.xent.ndarray.DType;
import dev.xent.ndarray.InvalidElementException;
import dev.xent.ndarray.NdArray;
import java.nio.IntBuffer;

/**
 * Keras's {@code sparse_categorical_crossentropy} and {@code categorical_crossentropy} functions: shape rules,
 * label checks, then one kernel call. Every check happens here, before any kernel runs, so every kernel (scalar,
 * vector, parallel) sees valid input and raises nothing.
 */
public final class CrossEntropyOps {

    private CrossEntropyOps() {}

    /** Keras computes a metric in its prediction's dtype: float64 predictions in float64, all else in float32. */
    public static Precision precisionOf(NdArray yPred) {
        return yPred.dtype() == DType.FLOAT64 ? Precision.FLOAT64 : Precision.FLOAT32;
    }

    public static Precision precisionOf(DType dtype) {
        return dtype == DType.FLOAT64 ? Precision.FLOAT64 : Precision.FLOAT32;
    }

    /**
     * Sparse cross-entropy per element.
     *
     * @param lossRankFix apply the loss's {@code squeeze_or_expand_to_same_rank(y_true, y_pred)} first
     */
    public static ElementValues sparse(NdArray yTrue, NdArray yPred, boolean fromLogits, Integer ignoreClass,
                                       int axis, boolean normalizeBeforeClip, Precision precision,
                                       boolean lossRankFix) {
        Checks.checkNotNull(yTrue, "yTrue");
        Checks.checkNotNull(yPred, "yPred");
        checkPredictions(yPred);
        checkLabels(yTrue);
        int[] labelShape = yTrue.shape();
        int[] predShape = yPred.shape();
        if (lossRankFix) {
            int[][] fixed = Shapes.squeezeOrExpandToSameRank(labelShape, predShape);
            labelShape = fixed[0];
            predShape = fixed[1];
        }
        Checks.checkArgument(predShape.length >= 1, "yPred must have rank >= 1 (a class axis); got shape ()");
        int classAxis = Checks.canonicalAxis(axis, predShape.length, "yPred");
        // A trailing-1 (class-axis-1) label dimension is squeezed, before the ignore mask is built (keras#19838).
        if (labelShape.length == predShape.length && labelShape[classAxis] == 1) {
            labelShape = Shapes.remove(labelShape, classAxis);
        }
        int[] valueShape = Shapes.remove(predShape, classAxis);
        if (!java.util.Arrays.equals(labelShape, valueShape)) {
            throw new IllegalArgumentException("yTrue shape " + Checks.shape(yTrue.shape()) + " does not match yPred shape "
                    + Checks.shape(yPred.shape()) + ": labels must have yPred's shape without the class axis ("
                    + classAxis + "), i.e. " + Checks.shape(valueShape) + ", optionally with a 1 at the class axis");
        }
        RowLayout layout = RowLayout.of(predShape, classAxis);
        int rows = layout.rows();
        int[] labels = new int[rows];
        boolean[] valid = ignoreClass == null ? null : new boolean[rows];
        int validCount = convertLabels(yTrue, labelShape, layout.classes, ignoreClass, labels, valid);
        double[] out = new double[rows];
        ProbabilityMode mode = fromLogits ? ProbabilityMode.LOGITS
                : normalizeBeforeClip ? ProbabilityMode.NORMALIZE_THEN_CLIP : ProbabilityMode.CLIP_THEN_NORMALIZE;
        Kernels.get().sparse(yPred, layout, labels, mode, precision, out, 0, rows);
        return new ElementValues(out, valueShape, valid, validCount, precision);
    }

    /**
     * Categorical cross-entropy per element.
     *
     * @param smoothOverClassAxis smooth over the class axis's size (later Keras) instead of the last axis's size
     *     (Keras 3.15, which differs only when {@code axis != -1})
     */
    public static ElementValues categorical(NdArray yTrue, NdArray yPred, boolean fromLogits, double labelSmoothing,
                                            int axis, boolean smoothOverClassAxis, Precision precision,
                                            boolean lossRankFix) {
        Checks.checkNotNull(yTrue, "yTrue");
        Checks.checkNotNull(yPred, "yPred");
        checkPredictions(yPred);
        Checks.checkLabelSmoothing(labelSmoothing);
        int[] targetShape = yTrue.shape();
        int[] predShape = yPred.shape();
        if (lossRankFix) {
            int[][] fixed = Shapes.squeezeOrExpandToSameRank(targetShape, predShape);
            targetShape = fixed[0];
            predShape = fixed[1];
        }
        if (!java.util.Arrays.equals(targetShape, predShape)) {
            throw new IllegalArgumentException("yTrue shape " + Checks.shape(yTrue.shape())
                    + " does not match yPred shape " + Checks.shape(yPred.shape())
                    + ": categorical targets must have the same shape as the predictions");
        }
        Checks.checkArgument(predShape.length >= 1, "yPred must have rank >= 1 (a class axis); got shape ()");
        int classAxis = Checks.canonicalAxis(axis, predShape.length, "yPred");
        RowLayout layout = RowLayout.of(predShape, classAxis);
        double keep = 1.0;
        double add = 0.0;
        if (labelSmoothing != 0) {
            // Keras: y * (1 - ls) + ls / n, each constant cast to the compute dtype. Keras 3.15 takes n from the
            // last axis even when the class axis is another (tensorflow#127249; fixed upstream by keras#23437).
            int n = smoothOverClassAxis ? layout.classes : predShape[predShape.length - 1];
            keep = precision.round(1.0 - labelSmoothing);
            add = precision.round(precision.round(labelSmoothing) / n);
        }
        int rows = layout.rows();
        double[] out = new double[rows];
        ProbabilityMode mode = fromLogits ? ProbabilityMode.LOGITS : ProbabilityMode.NORMALIZE_THEN_CLIP;
        CrossEntropyKernel kernel = Kernels.get();
        if (precision == Precision.FLOAT32 && yPred.dtype() == DType.FLOAT32 && yTrue.dtype() != DType.FLOAT32
                && kernel.vectorized()) {
            // Keras casts y_true to y_pred's dtype; as float32, the targets (NumPy's float64 one-hot, int labels
            // one-hot) reach the SIMD kernel instead of the reference, with the same values the reference reads.
            // (The reference reads them as they are, without this copy.)
            yTrue = NdArray.of(yTrue.toFloatArray(), 0, yTrue.shape());
        }
        kernel.categorical(yPred, yTrue, layout, keep, add, mode, precision, out, 0, rows);
        return new ElementValues(out, Shapes.remove(predShape, classAxis), null, rows, precision);
    }

    private static void checkPredictions(NdArray yPred) {
        Checks.checkArgument(yPred.dtype().isFloating(),
                "yPred dtype (%s) must be float32 or float64", yPred.dtype().kerasName());
    }

    private static void checkLabels(NdArray yTrue) {
        // Any numeric dtype is accepted; float labels must hold whole numbers (checked per element).
    }

    /**
     * Converts labels to class indices, {@link CrossEntropyKernel#IGNORED} for {@code ignoreClass}, checking each:
     * whole numbers, in {@code [0, classes)} unless ignored. Returns the number of valid entries.
     */
    private static int convertLabels(NdArray yTrue, int[] labelShape, int classes, Integer ignoreClass,
                                     int[] labels, boolean[] valid) {
        int n = labels.length;
        int validCount = 0;
        boolean floating = yTrue.dtype().isFloating();
        long ignore = ignoreClass == null ? Long.MIN_VALUE : ignoreClass;
        // int32, the usual label dtype: copied in bulk, then checked in place. Read element by element through the
        // NdArray, this was about a nanosecond per row of serial work between kernel calls.
        boolean int32 = yTrue.dtype() == DType.INT32;
        if (int32) {
            if (yTrue.hasArray()) {
                System.arraycopy((int[]) yTrue.array(), yTrue.arrayOffset(), labels, 0, n);
            } else {
                ((IntBuffer) yTrue.buffer()).get(yTrue.arrayOffset(), labels, 0, n);
            }
        }
        for (int i = 0; i < n; i++) {
            long label;
            double given = 0; // a float label as given, for the message
            if (int32) {
                label = labels[i];
            } else if (floating) {
                double v = yTrue.getDouble(i);
                if (v != Math.rint(v) || Double.isInfinite(v)) {
                    throw new InvalidElementException("yTrue", "label", Checks.coordinates(labelShape, i),
                            Double.toString(v), "is not a whole number; sparse labels must be class indices");
                }
                label = (long) v; // saturates beyond the long range: out of range below, reported as given
                given = v;
            } else {
                label = yTrue.getLong(i);
            }
            if (ignoreClass != null && label == ignore) {
                labels[i] = CrossEntropyKernel.IGNORED;
                continue;
            }
            if (label < 0 || label >= classes) {
                throw new InvalidElementException("yTrue", "label", Checks.coordinates(labelShape, i),
                        floating ? labelText(given) : Long.toString(label), "is out of range [0, " + classes + ")"
                        + (ignoreClass == null ? "" : " and is not ignoreClass (" + ignoreClass + ")"));
            }
            labels[i] = (int) label;
            if (valid != null) {
                valid[i] = true;
            }
            validCount++;
        }
        return validCount;
    }

    /**
     * A whole-number float label as given: as an integer where a long holds it exactly ({@code 7}, not
     * {@code 7.0}), else as the double ({@code 1.8446744073709552E19} for 2^64, which a cast would turn into
     * {@code Long.MAX_VALUE}).
     */
    private static String labelText(double v) {
        return v >= -0x1p63 && v < 0x1p63 ? Long.toString((long) v) : Double.toString(v);
    }
}
