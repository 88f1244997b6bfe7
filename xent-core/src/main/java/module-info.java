/**
 * Keras-exact cross-entropy losses and metrics: {@link dev.xent.losses}, {@link dev.xent.metrics}, the inputs they read
 * ({@link dev.xent.ndarray}), Keras's serialized form ({@link dev.xent.saving}), the catalogue of Keras functions
 * ({@link dev.xent.catalog}) and which kernel runs ({@link dev.xent.runtime}).
 *
 * <p>The SIMD kernels use the incubating Vector API, an optional dependency: with
 * {@code --add-modules jdk.incubator.vector} on the {@code java} command line they run, without it the scalar
 * kernels compute the same results 3-10x slower and the first use logs one warning
 * ({@link dev.xent.runtime.KernelInfo} says which kernel runs and why). The same holds on the class path.
 *
 * <p>{@code dev.xent.internal} and {@code dev.xent.internal.kernel} are not exported: they may change in any release.
 * xent's own command line and benchmarks, which use them, run on the class path.
 */
module dev.xent.core {
    requires static jdk.incubator.vector;
    requires java.logging;

    exports dev.xent.catalog;
    exports dev.xent.losses;
    exports dev.xent.metrics;
    exports dev.xent.ndarray;
    exports dev.xent.runtime;
    exports dev.xent.saving;
}
