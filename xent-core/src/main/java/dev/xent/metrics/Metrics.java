package dev.xent.metrics;

import dev.xent.internal.AccuracyOps;
import dev.xent.internal.ElementValues;
import dev.xent.ndarray.NdArray;

/**
 * The accuracy functions, after {@code keras.metrics.sparse_categorical_accuracy} and its siblings: one value per
 * sample (1.0 for a hit, 0.0 for a miss) as a float32 array, with no weighting and no averaging. The cross-entropy
 * functions are in {@link dev.xent.losses.Losses}.
 *
 * <pre>{@code
 * Metrics.sparseCategoricalAccuracy(NdArray.of(new int[] {2, 1}),
 *     NdArray.of(new float[] {0.1f, 0.6f, 0.3f, 0.05f, 0.95f, 0f}, 2, 3));   // [0.0, 1.0]
 * }</pre>
 *
 * <p>Ties, NaN and infinities are handled as the metric classes document: arg-max ties go to the first index and
 * NaN is never the arg-max; top-k ties are hits and a row with a NaN or infinite score is a miss.
 */
public final class Metrics {

    private Metrics() {}

    /**
     * 1 where {@code yTrue == argmax(yPred, -1)}; shaped as {@code yTrue} with a trailing 1 squeezed.
     *
     * @throws IllegalArgumentException when {@code yTrue}'s shape is not {@code yPred}'s without the last axis
     *     (optionally with a trailing 1)
     */
    public static NdArray sparseCategoricalAccuracy(NdArray yTrue, NdArray yPred) {
        return toArray(AccuracyOps.sparseCategorical(yTrue, yPred));
    }

    /**
     * 1 where {@code argmax(yTrue, -1) == argmax(yPred, -1)}; shaped as {@code yPred} without the last axis.
     *
     * @throws IllegalArgumentException when the shapes differ
     */
    public static NdArray categoricalAccuracy(NdArray yTrue, NdArray yPred) {
        return toArray(AccuracyOps.categorical(yTrue, yPred));
    }

    /** {@link #sparseTopKCategoricalAccuracy(NdArray, NdArray, int, boolean)} with Keras's defaults: k = 5, scores. */
    public static NdArray sparseTopKCategoricalAccuracy(NdArray yTrue, NdArray yPred) {
        return sparseTopKCategoricalAccuracy(yTrue, yPred, 5, false);
    }

    /**
     * 1 where the label is in the top {@code k} (ties are hits), or among the first {@code k} ids when
     * {@code fromSortedIds}; shaped as {@code yTrue}.
     *
     * @throws IllegalArgumentException when {@code yPred} has rank below 2 or the shapes do not match
     */
    public static NdArray sparseTopKCategoricalAccuracy(NdArray yTrue, NdArray yPred, int k, boolean fromSortedIds) {
        return toArray(AccuracyOps.sparseTopK(yTrue, yPred, k, fromSortedIds));
    }

    /**
     * 1 where {@code argmax(yTrue, -1)} is in the top {@code k} of {@code yPred} (ties are hits); shaped as
     * {@code yPred} without the last axis.
     *
     * @throws IllegalArgumentException when the shapes differ or have rank below 2
     */
    public static NdArray topKCategoricalAccuracy(NdArray yTrue, NdArray yPred, int k) {
        return toArray(AccuracyOps.topK(yTrue, yPred, k));
    }

    /**
     * 1 where {@code (yPred > threshold)} equals {@code yTrue}, after aligning ranks as Keras does; the threshold is
     * compared in float32, as Keras casts it.
     *
     * @throws IllegalArgumentException when the shapes do not match after the rank alignment
     */
    public static NdArray binaryAccuracy(NdArray yTrue, NdArray yPred, double threshold) {
        return dev.xent.catalog.Catalog.BINARY_ACCURACY.call(yTrue, yPred, java.util.Map.of("threshold", threshold));
    }

    private static NdArray toArray(ElementValues v) {
        float[] f = new float[v.values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) v.values[i];
        }
        return NdArray.of(f, 0, v.shape);
    }
}
