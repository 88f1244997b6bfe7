/**
 * Streaming metrics with Keras's names and semantics: {@link dev.xent.metrics.SparseCategoricalCrossentropy},
 * {@link dev.xent.metrics.CategoricalCrossentropy}, and the building blocks {@link dev.xent.metrics.Metric},
 * {@link dev.xent.metrics.Mean} and {@link dev.xent.metrics.MeanMetricWrapper}. State is a mergeable
 * {@link dev.xent.metrics.MeanState}.
 */
package dev.xent.metrics;
