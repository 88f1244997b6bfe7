/**
 * xent on Apache Spark: typed {@link org.apache.spark.sql.expressions.Aggregator}s whose buffer is the core's
 * mergeable state ({@link dev.xent.metrics.MeanState}, {@link dev.xent.losses.LossState}), SQL functions
 * ({@link dev.xent.spark.XentFunctions}), and a Spark ML evaluator ({@link dev.xent.spark.XentEvaluator}).
 *
 * <p>Spark is a {@code provided} dependency: this module depends on xent-core, never the reverse.
 */
package dev.xent.spark;
