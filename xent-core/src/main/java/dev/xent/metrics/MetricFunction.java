package dev.xent.metrics;

import dev.xent.ndarray.NdArray;

/** A per-sample (or per-element) metric function, such as a loss function with reduction {@code none}. */
@FunctionalInterface
public interface MetricFunction {
    /** Values whose first axis is the batch; any trailing axes are averaged per sample by the metric. */
    NdArray apply(NdArray yTrue, NdArray yPred);
}
