/**
 * Streaming metrics with Keras's names and semantics: {@link dev.xent.metrics.SparseCategoricalCrossentropy},
 * {@link dev.xent.metrics.CategoricalCrossentropy}, the accuracy metrics
 * {@link dev.xent.metrics.SparseCategoricalAccuracy}, {@link dev.xent.metrics.CategoricalAccuracy},
 * {@link dev.xent.metrics.SparseTopKCategoricalAccuracy}, {@link dev.xent.metrics.TopKCategoricalAccuracy} (and their
 * functional forms in {@link dev.xent.metrics.Metrics}), and the building blocks {@link dev.xent.metrics.Metric},
 * {@link dev.xent.metrics.Mean} and {@link dev.xent.metrics.MeanMetricWrapper}. State is a mergeable
 * {@link dev.xent.metrics.MeanState}. {@link dev.xent.metrics.CompiledMetrics} updates a loss and metrics together
 * as Keras's {@code model.evaluate} does.
 */
package dev.xent.metrics;
