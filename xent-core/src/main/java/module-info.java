/**
 * Keras-exact cross-entropy losses and metrics: {@link dev.xent.losses}, {@link dev.xent.metrics}, the inputs they read
 * ({@link dev.xent.ndarray}), Keras's serialized form ({@link dev.xent.saving}), the catalogue of Keras functions
 * ({@link dev.xent.catalog}) and which kernel runs ({@link dev.xent.runtime}).
 *
 * <p>The SIMD kernels use the incubating Vector API, an optional dependency: with
 * {@code --add-modules jdk.incubator.vector} on the {@code java} command line they run, without it the scalar
 * kernels compute the same results (within the rounding each function documents) 3-10x slower and the first use
 * logs one warning ({@link dev.xent.runtime.KernelInfo} says which kernel runs and why). The same holds on the class
 * path.
 *
 * <p>{@code dev.xent.internal} and {@code dev.xent.internal.kernel} are not exported: they may change in any release.
 * xent-npy (automatic module {@code dev.xent.npy}) escapes file names in its messages as the core does, through
 * {@code dev.xent.internal}, exported to it alone. xent's command line and benchmarks, which use the kernels, are
 * applications that run on the class path.
 */
@SuppressWarnings("module") // the qualified export's target is built after this module
module dev.xent.core {
    requires static jdk.incubator.vector;
    requires java.logging;

    exports dev.xent.catalog;
    exports dev.xent.losses;
    exports dev.xent.metrics;
    exports dev.xent.ndarray;
    exports dev.xent.runtime;
    exports dev.xent.saving;

    // (.ci/run checks with jdeps that the library jars use nothing else of this module's.)
    exports dev.xent.internal to dev.xent.npy;
}
