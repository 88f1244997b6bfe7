package dev.xent.internal;

import dev.xent.internal.kernel.Precision;
import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.util.Arrays;

/**
 * Keras's accuracy functions ({@code sparse_categorical_accuracy}, {@code categorical_accuracy},
 * {@code sparse_top_k_categorical_accuracy}, {@code top_k_categorical_accuracy}) as TensorFlow computes them: shape
 * rules, then one pass per row writing 1 for a hit and 0 for a miss.
 *
 * <p>Numerics notes, each checked against Keras 3.15.1 on TensorFlow 2.21 (CPU):
 * <ul>
 *   <li>{@code argmax} is Eigen's sequential arg-max reduction, started at {@code (index 0, -MAX_VALUE)}: a value
 *       replaces the best only when strictly greater, so ties go to the first index and NaN is never chosen (a row of
 *       NaN or of {@code -Infinity} gives index 0).</li>
 *   <li>Keras replaces {@code -0.0} by {@code -MIN_NORMAL} before {@code argmax} (jax#24280), and TensorFlow's CPU
 *       kernels treat subnormals as zero (DAZ): so {@code -0.0} and negative subnormals lose to {@code +0.0}, and
 *       positive subnormals tie with {@code +0.0}.</li>
 *   <li>{@code in_top_k} (TensorFlow's kernel): a miss when the label is out of range or any score of the row is
 *       not finite; otherwise a hit when fewer than {@code k} scores are strictly greater than the label's, so ties
 *       count as hits. Subnormals compare as zero.</li>
 * </ul>
 */
public final class AccuracyOps {

    private AccuracyOps() {}

    /**
     * {@code sparse_categorical_accuracy}: 1 where {@code yTrue == argmax(yPred, -1)}. Labels are compared in
     * {@code yPred}'s precision, as Keras casts them; fractional or out-of-range labels never match. Values have
     * {@code yTrue}'s shape with a trailing 1 squeezed (the shape of {@code yPred} without its last axis).
     */
    public static ElementValues sparseCategorical(NdArray yTrue, NdArray yPred) {
        Checks.checkNotNull(yTrue, "yTrue");
        Checks.checkNotNull(yPred, "yPred");
        Checks.checkArgument(yPred.rank() >= 1, "yPred must have rank >= 1 (a class axis); got shape ()");
        int[] predShape = yPred.shape();
        int[] rowShape = Shapes.dropLast(predShape);
        int classes = predShape[predShape.length - 1];
        int[] labelShape = yTrue.shape();
        // A trailing 1 is squeezed when the ranks are equal, and the matches are reshaped back afterwards.
        boolean squeezed = labelShape.length == predShape.length && labelShape[labelShape.length - 1] == 1;
        int[] compared = squeezed ? Shapes.dropLast(labelShape) : labelShape;
        // Keras compares with NumPy broadcasting (its own test compares labels (2, 1) with predictions (1, 2, 3)).
        int[] matchShape = Shapes.broadcast(compared, rowShape);
        if (matchShape == null || (squeezed && Shapes.size(matchShape) != Shapes.size(labelShape))) {
            throw new IllegalArgumentException("yTrue shape " + Checks.shape(labelShape) + " does not match yPred shape "
                    + Checks.shape(predShape) + ": labels must have yPred's shape without the last axis, i.e. "
                    + Checks.shape(rowShape) + ", optionally with a trailing 1 (or broadcast to it)");
        }
        int rows = Shapes.size(rowShape);
        Precision precision = precisionOf(yPred);
        boolean integerPred = !yPred.dtype().isFloating();
        int[] best = new int[rows];
        for (int r = 0; r < rows; r++) {
            best[r] = argmax(yPred, r * classes, classes, precision);
        }
        int[] labelIndex = Shapes.broadcastIndex(compared, matchShape);
        int[] rowIndex = Shapes.broadcastIndex(rowShape, matchShape);
        double[] out = new double[labelIndex.length];
        for (int i = 0; i < out.length; i++) {
            int l = labelIndex[i];
            // yTrue is cast to yPred's dtype: rounded to float32, or truncated for integer predictions.
            double label = integerPred ? truncateToLong(yTrue, l) : precision.round(yTrue.getDouble(l));
            out[i] = label == best[rowIndex[i]] ? 1.0 : 0.0;
        }
        int[] valueShape = squeezed ? labelShape : matchShape;
        if (valueShape.length > 1 && valueShape[valueShape.length - 1] == 1) {
            valueShape = Shapes.dropLast(valueShape);
        }
        return new ElementValues(out, valueShape, null, out.length, Precision.FLOAT32);
    }

    /** {@code categorical_accuracy}: 1 where {@code argmax(yTrue, -1) == argmax(yPred, -1)}. */
    public static ElementValues categorical(NdArray yTrue, NdArray yPred) {
        Checks.checkNotNull(yTrue, "yTrue");
        Checks.checkNotNull(yPred, "yPred");
        checkSameShape(yTrue, yPred, 1);
        int[] predShape = yPred.shape();
        int classes = predShape[predShape.length - 1];
        int[] valueShape = Shapes.dropLast(predShape);
        int rows = Shapes.size(valueShape);
        Precision predPrecision = precisionOf(yPred);
        Precision truePrecision = precisionOf(yTrue);
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            int t = argmax(yTrue, r * classes, classes, truePrecision);
            int p = argmax(yPred, r * classes, classes, predPrecision);
            out[r] = t == p ? 1.0 : 0.0;
        }
        return new ElementValues(out, valueShape, null, rows, Precision.FLOAT32);
    }

    /**
     * {@code sparse_top_k_categorical_accuracy}: labels are truncated toward zero to int32 (as Keras casts them);
     * with {@code fromSortedIds}, {@code yPred} holds the ids of the top categories, best first, and a hit is the
     * label (cast to {@code yPred}'s dtype) among the first {@code k}. Values have {@code yTrue}'s shape.
     */
    public static ElementValues sparseTopK(NdArray yTrue, NdArray yPred, int k, boolean fromSortedIds) {
        Checks.checkNotNull(yTrue, "yTrue");
        Checks.checkNotNull(yPred, "yPred");
        Checks.checkArgument(yPred.rank() >= 2, "yPred must have rank >= 2 (batch, %s); got shape %s",
                fromSortedIds ? "ids" : "classes", Checks.shape(yPred.shape()));
        int[] predShape = yPred.shape();
        int width = predShape[predShape.length - 1];
        int[] rowShape = Shapes.dropLast(predShape);
        checkSparseLabels(yTrue, predShape, rowShape);
        int rows = Shapes.size(rowShape);
        double[] out = new double[rows];
        if (fromSortedIds) {
            int n = Math.max(0, Math.min(k, width));
            boolean integerIds = !yPred.dtype().isFloating();
            Precision precision = precisionOf(yPred);
            for (int r = 0; r < rows; r++) {
                boolean hit = false;
                if (integerIds) {
                    long label = truncateToLong(yTrue, r);
                    for (int j = 0; j < n && !hit; j++) {
                        hit = yPred.getLong(r * width + j) == label;
                    }
                } else {
                    double label = precision.round(yTrue.getDouble(r));
                    for (int j = 0; j < n && !hit; j++) {
                        hit = read(yPred, r * width + j, precision) == label;
                    }
                }
                out[r] = hit ? 1.0 : 0.0;
            }
        } else {
            Precision precision = precisionOf(yPred);
            for (int r = 0; r < rows; r++) {
                int label = (int) truncateToLong(yTrue, r);
                out[r] = inTopK(yPred, r * width, width, label, k, precision) ? 1.0 : 0.0;
            }
        }
        return new ElementValues(out, yTrue.shape(), null, rows, Precision.FLOAT32);
    }

    /** {@code top_k_categorical_accuracy}: {@code argmax(yTrue, -1)} is among the top {@code k} of {@code yPred}. */
    public static ElementValues topK(NdArray yTrue, NdArray yPred, int k) {
        Checks.checkNotNull(yTrue, "yTrue");
        Checks.checkNotNull(yPred, "yPred");
        checkSameShape(yTrue, yPred, 2);
        int[] predShape = yPred.shape();
        int classes = predShape[predShape.length - 1];
        int[] valueShape = Shapes.dropLast(predShape);
        int rows = Shapes.size(valueShape);
        Precision predPrecision = precisionOf(yPred);
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            // Keras casts yTrue to yPred's dtype before its argmax here.
            int label = argmax(yTrue, r * classes, classes, predPrecision);
            out[r] = inTopK(yPred, r * classes, classes, label, k, predPrecision) ? 1.0 : 0.0;
        }
        return new ElementValues(out, valueShape, null, rows, Precision.FLOAT32);
    }

    /**
     * {@code binary_accuracy}: 1 where {@code yTrue == (yPred > threshold ? 1 : 0)}, after Keras's
     * {@code squeeze_or_expand_to_same_rank(y_true, y_pred)} and with NumPy broadcasting of what remains. The threshold
     * is a float32 tensor ({@code f32(0.7) < 0.7}, so a float64 prediction of exactly 0.7 is above it); float64
     * predictions are compared in float64, others as float32 (Keras's type promotion); labels are compared in their
     * own dtype, so fractional labels never match. NaN predictions are not above any threshold; NaN labels never match.
     *
     * <p>Values have the broadcast shape, unreduced, as Keras 3's function returns them (there is no mean over the
     * last axis in the function; the metric's {@code Mean} averages each sample's values).
     */
    public static ElementValues binaryAccuracy(NdArray yTrue, NdArray yPred, double threshold) {
        Checks.checkNotNull(yTrue, "yTrue");
        Checks.checkNotNull(yPred, "yPred");
        int[][] fixed = Shapes.squeezeOrExpandToSameRank(yTrue.shape(), yPred.shape());
        int[] shape = Shapes.broadcast(fixed[0], fixed[1]);
        if (shape == null) {
            throw new IllegalArgumentException("yTrue shape " + Checks.shape(yTrue.shape()) + " does not broadcast with "
                    + "yPred shape " + Checks.shape(yPred.shape()) + ": binary_accuracy compares them element by "
                    + "element (NumPy broadcasting, after squeezing or expanding a trailing 1)");
        }
        float cut = (float) threshold;
        boolean float64 = yPred.dtype() == DType.FLOAT64;
        int n = Shapes.size(shape);
        boolean same = Arrays.equals(fixed[0], fixed[1]);
        int[] labelIndex = same ? null : Shapes.broadcastIndex(fixed[0], shape);
        int[] predIndex = same ? null : Shapes.broadcastIndex(fixed[1], shape);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            int l = same ? i : labelIndex[i];
            int p = same ? i : predIndex[i];
            boolean above = float64 ? yPred.getDouble(p) > cut : yPred.getFloat(p) > cut;
            out[i] = yTrue.getDouble(l) == (above ? 1.0 : 0.0) ? 1.0 : 0.0;
        }
        return new ElementValues(out, shape, null, n, Precision.FLOAT32);
    }

    /** float64 data is compared in float64, everything else in float32 (as Keras casts it). */
    private static Precision precisionOf(NdArray a) {
        return a.dtype() == DType.FLOAT64 || a.dtype() == DType.INT64 ? Precision.FLOAT64 : Precision.FLOAT32;
    }

    private static double read(NdArray a, int i, Precision precision) {
        return precision == Precision.FLOAT32 ? a.getFloat(i) : a.getDouble(i);
    }

    /** Labels must be {@code rowShape}, or {@code rowShape} plus a trailing 1. */
    private static void checkSparseLabels(NdArray yTrue, int[] predShape, int[] rowShape) {
        int[] labelShape = yTrue.shape();
        boolean ok = Arrays.equals(labelShape, rowShape)
                || (labelShape.length == predShape.length && labelShape[labelShape.length - 1] == 1
                    && Arrays.equals(Shapes.dropLast(labelShape), rowShape));
        if (!ok) {
            throw new IllegalArgumentException("yTrue shape " + Checks.shape(labelShape) + " does not match yPred shape "
                    + Checks.shape(predShape) + ": labels must have yPred's shape without the last axis, i.e. "
                    + Checks.shape(rowShape) + ", optionally with a trailing 1");
        }
    }

    private static void checkSameShape(NdArray yTrue, NdArray yPred, int minRank) {
        Checks.checkArgument(yPred.rank() >= minRank, "yPred must have rank >= %d; got shape %s", minRank,
                Checks.shape(yPred.shape()));
        if (!Arrays.equals(yTrue.shape(), yPred.shape())) {
            throw new IllegalArgumentException("yTrue shape " + Checks.shape(yTrue.shape())
                    + " does not match yPred shape " + Checks.shape(yPred.shape())
                    + ": categorical targets must have the same shape as the predictions");
        }
    }

    /** A label as TensorFlow casts it to an integer: floats truncate toward zero. */
    private static long truncateToLong(NdArray yTrue, int i) {
        if (yTrue.dtype().isFloating()) {
            double v = yTrue.getDouble(i);
            return Double.isNaN(v) ? Integer.MIN_VALUE : (long) v;
        }
        return yTrue.getLong(i);
    }

    /**
     * A score as TensorFlow's CPU kernels compare it after Keras's {@code argmax} fix: subnormals are zero (DAZ) and
     * a zero with the sign bit set becomes {@code -MIN_NORMAL} of the precision.
     */
    private static double argmaxKey(double v, Precision precision) {
        double minNormal = precision == Precision.FLOAT32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
        if (Math.abs(v) < minNormal) {
            return (Double.doubleToRawLongBits(v) < 0) ? -minNormal : 0.0;
        }
        return v;
    }

    /** Eigen's sequential arg-max over {@code n} values from {@code base}: ties and NaN as the class notes say. */
    static int argmax(NdArray a, int base, int n, Precision precision) {
        boolean floating = a.dtype().isFloating();
        int bestIndex = 0;
        double best = floating ? -(precision == Precision.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE)
                : Double.NEGATIVE_INFINITY;
        for (int c = 0; c < n; c++) {
            double v = floating ? argmaxKey(read(a, base + c, precision), precision) : a.getDouble(base + c);
            if (v > best) {
                best = v;
                bestIndex = c;
            }
        }
        return bestIndex;
    }

    /** TensorFlow's {@code InTopK} for one row. */
    static boolean inTopK(NdArray a, int base, int n, int label, int k, Precision precision) {
        if (label < 0 || label >= n) {
            return false;
        }
        double target = daz(read(a, base + label, precision), precision);
        if (!Double.isFinite(target)) {
            return false;
        }
        int greater = 0;
        for (int c = 0; c < n; c++) {
            double v = daz(read(a, base + c, precision), precision);
            if (!Double.isFinite(v)) {
                return false;
            }
            if (v > target) {
                greater++;
            }
        }
        return greater < k;
    }

    private static double daz(double v, Precision precision) {
        double minNormal = precision == Precision.FLOAT32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
        return Math.abs(v) < minNormal ? 0.0 : v;
    }
}
