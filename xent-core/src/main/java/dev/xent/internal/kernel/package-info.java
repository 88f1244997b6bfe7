/**
 * Internal: the cross-entropy kernels. {@link dev.xent.internal.kernel.ScalarKernel} is the reference and the
 * fallback; {@link dev.xent.internal.kernel.Kernels} chooses the implementation once. Not public API.
 */
package dev.xent.internal.kernel;
