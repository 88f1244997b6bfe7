package dev.xent.internal;

import dev.xent.internal.kernel.Precision;
import dev.xent.ndarray.NdArray;

/** PLACEHOLDER (being written on another branch): the binary family, KL divergence and Poisson. */
public final class ProbabilisticOps {

    private ProbabilisticOps() {}

    public static ElementValues binaryCrossentropy(NdArray yTrue, NdArray yPred, boolean fromLogits,
                                                   double labelSmoothing, int axis, Precision precision,
                                                   boolean lossRankFix) {
        throw new UnsupportedOperationException("not yet");
    }

    public static ElementValues binaryFocalCrossentropy(NdArray yTrue, NdArray yPred, boolean applyClassBalancing,
                                                        double alpha, double gamma, boolean fromLogits,
                                                        double labelSmoothing, int axis, Precision precision,
                                                        boolean lossRankFix) {
        throw new UnsupportedOperationException("not yet");
    }

    public static ElementValues categoricalFocalCrossentropy(NdArray yTrue, NdArray yPred, double[] alpha,
                                                             double gamma, boolean fromLogits, double labelSmoothing,
                                                             int axis, boolean smoothOverClassAxis,
                                                             Precision precision, boolean lossRankFix) {
        throw new UnsupportedOperationException("not yet");
    }

    public static ElementValues klDivergence(NdArray yTrue, NdArray yPred, Precision precision, boolean lossRankFix) {
        throw new UnsupportedOperationException("not yet");
    }

    public static ElementValues poisson(NdArray yTrue, NdArray yPred, Precision precision, boolean lossRankFix) {
        throw new UnsupportedOperationException("not yet");
    }

    public static ElementValues binaryAccuracy(NdArray yTrue, NdArray yPred, double threshold) {
        throw new UnsupportedOperationException("not yet");
    }
}
