/**
 * Internal: the cross-entropy kernels. {@link dev.xent.internal.kernel.ScalarKernel} is the reference and the
 * fallback; {@code VectorKernel} the single-pass SIMD kernels ({@code jdk.incubator.vector}, loaded only when the
 * module is present; its channels-first sparse rows in {@code VectorStrided}, its categorical cross-entropy in
 * {@code VectorCategorical}; its constants and lane math live in {@code VectorMath}, their scalar twins in
 * {@code FloatMath}; float64 probabilities in {@code DoubleVectorKernel}); {@code LaneTwin} is the SIMD kernel's
 * sparse and categorical paths without the Vector API, bit-identical, which {@code WarmingKernel} runs while the SIMD
 * code is not compiled yet (and a small one-shot job runs alone); {@code ParallelKernel} splits large calls across
 * threads; {@link dev.xent.internal.kernel.Kernels} chooses once ({@code xent.kernels}, {@code xent.threads},
 * {@code xent.warmup}; {@code xent.fma} picks the exp form), and per job for a process that runs one
 * ({@code forOneShot}, {@code with}).
 *
 * <p>The element-wise losses (binary and focal cross-entropy, KL divergence, Poisson) have their own family:
 * {@link dev.xent.internal.kernel.ElementwiseKernel}, with {@link dev.xent.internal.kernel.ScalarElementwise} the
 * reference, {@code VectorElementwise} the SIMD kernel (float32 binary cross-entropy, KL and Poisson) and
 * {@code ParallelElementwise} the split over threads, chosen by {@link dev.xent.internal.kernel.Kernels#elementwise}.
 * Not public API.
 */
package dev.xent.internal.kernel;
