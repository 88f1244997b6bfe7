/**
 * Internal: the cross-entropy kernels. {@link dev.xent.internal.kernel.ScalarKernel} is the reference and the
 * fallback; {@code VectorKernel} the single-pass SIMD kernels ({@code jdk.incubator.vector}, loaded only when the
 * module is present; its constants and lane math live in {@code VectorMath}, their scalar twins in
 * {@code FloatMath}; float64 probabilities in {@code DoubleVectorKernel}); {@code LaneTwin} is the SIMD kernel's
 * sparse and categorical paths without the Vector API, bit-identical, which {@code WarmingKernel} runs while the SIMD
 * code is not compiled yet (and a small one-shot job runs alone); {@code ParallelKernel} splits large calls across
 * threads; {@link dev.xent.internal.kernel.Kernels} chooses once ({@code xent.kernels}, {@code xent.threads},
 * {@code xent.warmup}; {@code xent.fma} picks the exp form), and per job for a process that runs one
 * ({@code forOneShot}, {@code with}). Not public API.
 */
package dev.xent.internal.kernel;
