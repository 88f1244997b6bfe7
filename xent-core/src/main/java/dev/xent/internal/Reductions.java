package dev.xent.internal;

import dev.xent.internal.kernel.Precision;
import dev.xent.ndarray.NdArray;

/**
 * The two ways Keras turns per-element values into numbers: a loss's {@code reduce_weighted_values} and a
 * metric's {@code reduce_to_samplewise_values} + {@code Mean.update_state}. They differ on purpose (see the
 * semantics notes in each method); sums run in compensated double.
 */
public final class Reductions {

    private Reductions() {}

    /** A reduced loss (a number) or the weighted per-element values ({@code reduction = none}). */
    public static final class LossResult {
        public final double value;
        /** The weighted per-element values and their shape when not reduced, else null. */
        public final double[] values;
        public final int[] shape;

        LossResult(double value, double[] values, int[] shape) {
            this.value = value;
            this.values = values;
            this.shape = shape;
        }
    }

    /**
     * Keras's {@code reduce_weighted_values}: the {@code ignore_class} mask folds into the weights, weights align by
     * {@code squeeze_or_expand_to_same_rank} and NumPy broadcasting, then {@code sum}, a division by the number of
     * weighted elements ({@code sum_over_batch_size}, {@code mean}; with a mask, by the number of valid elements,
     * which is what Keras's {@code total/valid} mask weights amount to), or by the sum of weights
     * ({@code mean_with_sample_weight}). Divisions by zero give 0. Empty values reduce to 0 (Keras returns the
     * empty array).
     *
     * @param reduction one of {@code sum_over_batch_size, sum, mean, mean_with_sample_weight, none}
     */
    public static LossResult reduceLoss(ElementValues v, NdArray sampleWeight, String reduction) {
        Weighted wv = weigh(v, sampleWeight);
        if (reduction.equals("none")) {
            return new LossResult(Double.NaN, wv.values, wv.shape);
        }
        if (wv.shape.length == 0) {
            return new LossResult(wv.values[0], null, null);
        }
        double[] partial = partial(v, wv, reduction);
        return new LossResult(finish(partial[0], partial[1], reduction), null, null);
    }

    /**
     * A reduced loss as {@code {sum, divisor}}, additive over batches: the loss of several batches together is
     * {@code finish(sum of sums, sum of divisors)}.
     */
    public static double[] reduceLossPartial(ElementValues v, NdArray sampleWeight, String reduction) {
        Weighted wv = weigh(v, sampleWeight);
        if (wv.shape.length == 0) {
            return new double[] {wv.values[0], 1};
        }
        return partial(v, wv, reduction);
    }

    /** The loss from an additive {@code {sum, divisor}}. */
    public static double finish(double sum, double divisor, String reduction) {
        return reduction.equals("sum") ? sum : divideNoNan(sum, divisor);
    }

    private static double[] partial(ElementValues v, Weighted wv, String reduction) {
        double sum = CompensatedSum.of(wv.values, 0, wv.values.length);
        double divisor;
        switch (reduction) {
            case "sum":
                divisor = 1;
                break;
            case "mean_with_sample_weight":
                divisor = wv.weights != null ? wv.weights.sum() : wv.values.length;
                break;
            default:
                // With a mask, Keras weights valid entries by total/valid, so the mean divides by the valid count
                // (scaled if the weights broadcast the values to more elements).
                divisor = v.valid == null ? wv.values.length
                        : (double) v.validCount * wv.values.length / Math.max(1, v.values.length);
                break;
        }
        return new double[] {sum, divisor};
    }

    /** Values times weights (the mask folded in as 0/1), broadcast as Keras does. */
    private static final class Weighted {
        final double[] values;
        final int[] shape;
        /** The weights after mask folding and rank alignment, unbroadcast; null when unweighted. */
        final Weights weights;

        Weighted(double[] values, int[] shape, Weights weights) {
            this.values = values;
            this.shape = shape;
            this.weights = weights;
        }
    }

    private static Weighted weigh(ElementValues v, NdArray sampleWeight) {
        Precision precision = v.precision;
        Weights w = sampleWeight == null ? null : Weights.of(sampleWeight, precision);
        if (v.valid != null) {
            double[] floatMask = new double[v.valid.length];
            for (int i = 0; i < floatMask.length; i++) {
                floatMask[i] = v.valid[i] ? 1.0 : 0.0;
            }
            if (w != null) {
                int[][] fixed = Shapes.squeezeOrExpandToSameRank(v.shape, w.shape);
                w = Weights.multiply(fixed[0], floatMask, w.reshape(fixed[1]), precision, "yTrue's per-element");
            } else {
                w = new Weights(v.shape, floatMask);
            }
        }
        if (w == null) {
            return new Weighted(v.values, v.shape, null);
        }
        int[][] fixed = Shapes.squeezeOrExpandToSameRank(v.shape, w.shape);
        w = w.reshape(fixed[1]);
        Weights product = Weights.multiply(fixed[0], v.values, w, precision, "the per-element loss");
        return new Weighted(product.data, product.shape, w);
    }

    /** One update's contribution to a {@code Mean}'s {@code total} and {@code count}. */
    public static final class MeanDelta {
        public final double total;
        public final double count;

        MeanDelta(double total, double count) {
            this.total = total;
            this.count = count;
        }
    }

    /**
     * Keras's {@code Mean.update_state(values, sample_weight)} after {@code MeanMetricWrapper}: values are cast to
     * the metric dtype; a mask ({@code ignore_class}) is applied only when a weight is given (as 0/1 weights) unless
     * {@code maskWithoutWeight}; weights align by {@code squeeze_or_expand_to_same_rank}, values are averaged down to
     * the weight's rank, weights broadcast to the values and are averaged per sample; then
     * {@code total += sum(mean per sample * weight)} and {@code count += sum(weights)} or the number of samples.
     *
     * @param maskWithoutWeight also apply the mask without a weight, so ignored entries leave the count too
     *     (tf.keras 2 and PyTorch behaviour)
     */
    public static MeanDelta reduceMetric(ElementValues v, NdArray sampleWeight, Precision metricPrecision,
                                         boolean maskWithoutWeight) {
        double[] values = v.values;
        if (metricPrecision == Precision.FLOAT32 && v.precision == Precision.FLOAT64) {
            values = values.clone();
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) values[i];
            }
        }
        int[] valueShape = v.shape;
        Weights w = sampleWeight == null ? null : Weights.of(sampleWeight, metricPrecision);
        if (w == null && v.valid != null && maskWithoutWeight) {
            double[] ones = new double[values.length];
            java.util.Arrays.fill(ones, 1.0);
            w = new Weights(valueShape, ones);
        }
        if (w == null) {
            return samplewiseUnweighted(values, valueShape);
        }
        if (v.valid != null) {
            double[] floatMask = new double[v.valid.length];
            for (int i = 0; i < floatMask.length; i++) {
                floatMask[i] = v.valid[i] ? 1.0 : 0.0;
            }
            int[][] fixed = Shapes.squeezeOrExpandToSameRank(valueShape, w.shape);
            w = Weights.multiply(fixed[0], floatMask, w.reshape(fixed[1]), metricPrecision, "yTrue's per-element");
        }
        int[][] fixed = Shapes.squeezeOrExpandToSameRank(valueShape, w.shape);
        valueShape = fixed[0];
        w = w.reshape(fixed[1]);
        int weightRank = w.shape.length;
        if (valueShape.length > weightRank) {
            // Average the values down to the weight's rank (over the trailing axes).
            int[] kept = java.util.Arrays.copyOf(valueShape, weightRank);
            values = meanOfTrailing(values, Shapes.size(kept));
            valueShape = kept;
        }
        int[] broadcast = Shapes.broadcast(w.shape, valueShape);
        if (broadcast == null || !java.util.Arrays.equals(broadcast, valueShape)) {
            throw new IllegalArgumentException("sampleWeight shape " + Checks.shape(sampleWeight.shape())
                    + " does not broadcast to the metric values' shape " + Checks.shape(valueShape)
                    + " (NumPy rules, aligned from the last axis)");
        }
        int[] index = Shapes.broadcastIndex(w.shape, valueShape);
        double[] weighted = new double[values.length];
        double[] weights = new double[values.length];
        for (int i = 0; i < weighted.length; i++) {
            weights[i] = w.data[index[i]];
            weighted[i] = values[i] * weights[i];
        }
        double count;
        if (weightRank > 1) {
            count = CompensatedSum.of(meanOfTrailing(weights, valueShape[0]), 0, valueShape[0]);
        } else {
            count = CompensatedSum.of(weights, 0, weights.length);
        }
        double total = valueShape.length > 1
                ? CompensatedSum.of(meanOfTrailing(weighted, valueShape[0]), 0, valueShape[0])
                : CompensatedSum.of(weighted, 0, weighted.length);
        return new MeanDelta(total, count);
    }

    private static MeanDelta samplewiseUnweighted(double[] values, int[] shape) {
        if (shape.length == 0) {
            return new MeanDelta(values[0], 1);
        }
        int samples = shape[0];
        double total = shape.length > 1
                ? CompensatedSum.of(meanOfTrailing(values, samples), 0, samples)
                : CompensatedSum.of(values, 0, values.length);
        return new MeanDelta(total, samples);
    }

    /** Means of {@code groups} equal contiguous groups of {@code data} (the trailing axes of a row-major array). */
    private static double[] meanOfTrailing(double[] data, int groups) {
        double[] out = new double[groups];
        if (groups == 0) {
            return out;
        }
        int g = data.length / groups;
        for (int k = 0; k < groups; k++) {
            out[k] = g == 0 ? Double.NaN : CompensatedSum.of(data, k * g, k * g + g) / g;
        }
        return out;
    }

    /** {@code a / b}, or 0 when {@code b == 0} (Keras's {@code divide_no_nan}). */
    public static double divideNoNan(double a, double b) {
        return b == 0 ? 0.0 : a / b;
    }
}
