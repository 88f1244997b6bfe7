/**
 * Reading Keras {@code .keras} archives: {@link dev.xent.keras.KerasModelFile} opens one and
 * {@link dev.xent.keras.CompileConfig} turns its {@code compile_config} (loss, metrics, weighted metrics, loss
 * weights) into a {@link dev.xent.metrics.CompiledMetrics} resolved as Keras's {@code compile()} resolves it.
 * Only the configuration is read; weights are not.
 */
package dev.xent.keras;
