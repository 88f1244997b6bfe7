package dev.xent.runtime;

import dev.xent.internal.kernel.Kernels;

/**
 * Which kernel computes the cross-entropies in this JVM, whether it uses SIMD, and why: a program can check that it
 * runs at full speed, or report how to get there.
 *
 * <pre>{@code
 * KernelInfo k = KernelInfo.current();
 * k.vectorized();  // true with --add-modules jdk.incubator.vector on the java command line
 * k.name();        // "vector x 8 threads"
 * k.reason();      // "8 float lanes, exp fused (FMA) (xent.fma)"
 * // without the module: false, "scalar x 8 threads", "SIMD is off, the scalar kernels run 3-10x slower: the
 * // Vector API is not enabled; run java with --add-modules jdk.incubator.vector (...)"
 * }</pre>
 *
 * <p>The choice is made once per JVM, on first use (by this method or by any loss or metric), from the system
 * properties {@code xent.kernels} ({@code auto}, the default: SIMD when the Vector API is usable; {@code vector};
 * {@code scalar}) and {@code xent.threads}. Every kernel computes the same values within the rounding documented
 * by each function; SIMD only changes the speed. When SIMD is wanted and unavailable, that first use logs one
 * warning through {@code java.util.logging} (logger {@value #LOGGER}, level WARNING); every choice is also logged
 * there at level CONFIG. While java.util.logging is unconfigured (no configuration file, class or format, no handler
 * on that logger) the warning is printed to stderr as one line, {@code WARNING: xent kernels: ...}, instead of the
 * default format's two.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class KernelInfo {

    /**
     * The name of the {@code java.util.logging} logger that reports the choice: {@code dev.xent.runtime.level = SEVERE}
     * in a logging configuration silences the warning, {@code CONFIG} shows every choice.
     */
    public static final String LOGGER = "dev.xent.runtime";

    private final String name;
    private final boolean vectorized;
    private final String reason;

    private KernelInfo(String name, boolean vectorized, String reason) {
        this.name = name;
        this.vectorized = vectorized;
        this.reason = reason;
    }

    /** The process-wide choice, made (and logged) on the first call of this method or of any loss or metric. */
    public static KernelInfo current() {
        Kernels.Choice c = Kernels.choice();
        return new KernelInfo(c.kernel().name(), c.kernel().vectorized(), c.reason());
    }

    /**
     * Whether the JVM was started with the Vector API module ({@code --add-modules jdk.incubator.vector}), which SIMD
     * needs; it may still be unused where the hardware has no useful vectors, or with {@code xent.kernels=scalar}.
     */
    public static boolean vectorModuleEnabled() {
        return Kernels.vectorModulePresent();
    }

    /** The kernel's name, such as {@code "vector x 8 threads"} or {@code "scalar"}. */
    public String name() {
        return name;
    }

    /** Whether the kernel uses SIMD (the Vector API). */
    public boolean vectorized() {
        return vectorized;
    }

    /**
     * Why this kernel: the SIMD width and {@code exp} form, or why SIMD is off and how to turn it on (one line).
     */
    public String reason() {
        return reason;
    }

    /** {@code "NAME (SIMD|no SIMD): REASON"}. */
    @Override
    public String toString() {
        return name + (vectorized ? " (SIMD): " : " (no SIMD): ") + reason;
    }
}
