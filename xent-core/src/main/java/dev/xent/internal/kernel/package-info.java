/**
 * Internal: the cross-entropy kernels. {@link dev.xent.internal.kernel.ScalarKernel} is the reference and the
 * fallback; {@code VectorKernel} the single-pass SIMD kernels ({@code jdk.incubator.vector}, loaded only when the
 * module is present; its constants and lane math live in {@code VectorMath}, their scalar twins in
 * {@code FloatMath}); {@code ParallelKernel} splits large calls across threads; {@link
 * dev.xent.internal.kernel.Kernels} chooses once ({@code xent.kernels}, {@code xent.threads}). Not public API.
 */
package dev.xent.internal.kernel;
