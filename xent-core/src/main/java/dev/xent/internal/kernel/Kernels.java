package dev.xent.internal.kernel;

import dev.xent.runtime.KernelInfo;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Chooses the kernel implementation once per JVM (and per job, for one-shot jobs) and logs the choice at level
 * CONFIG (so nothing reaches the console under the default logging configuration), except that the first choice
 * that wanted SIMD and cannot have it logs at WARNING, once per JVM: without {@code --add-modules
 * jdk.incubator.vector} the library runs 3-10x slower, and that line on stderr is how a user learns it. The public
 * view of the choice is {@link dev.xent.runtime.KernelInfo}.
 *
 * <p>System properties, read once for the process-wide choice ({@link #forOneShot} reads {@code xent.kernels} per
 * call):
 * <ul>
 *   <li>{@code xent.kernels}: {@code auto} (default: {@code vector} when the Vector API is usable, else
 *       {@code scalar}; a one-shot job below {@link #forOneShot}'s size takes the SIMD kernel's twin alone),
 *       {@code vector} (SIMD, also for small one-shot jobs; logged as a warning when it cannot be honoured) or
 *       {@code scalar} (the reference loops);
 *   <li>{@code xent.threads}: how many threads one large call may use (default: the available processors;
 *       {@code 1} keeps every call on the caller's thread). Results are bit-identical for any value;
 *   <li>{@code xent.warmup}: {@code false} runs the SIMD kernel from the first call even while it is not compiled
 *       yet; by default its scalar twin takes most rows until then (see {@code WarmingKernel}; results are the
 *       same bit for bit).
 * </ul>
 * The Vector API needs {@code --add-modules jdk.incubator.vector} on the {@code java} command line; without it the
 * scalar kernel runs and the log line says how to enable SIMD.
 *
 * <p>A process that computes one job and exits (the command line) can ask {@link #forOneShot} for the kernel that
 * finishes that job first and run the job {@link #with} it: below a size, the SIMD kernel's scalar twin alone. Before
 * SIMD code runs compiled, the JIT spends about a second of CPU on it (and on the Vector API's fallbacks that cold
 * SIMD code runs); a small job is over before that pays off. The twin gives the SIMD kernel's results bit for bit, so
 * the choice never shows in a value.
 */
public final class Kernels {

    private static final Logger LOG = Logger.getLogger(KernelInfo.LOGGER);
    static final String VECTOR_MODULE = "jdk.incubator.vector";

    /**
     * With {@code xent.kernels=auto}, one-shot jobs of fewer prediction elements than these run the SIMD kernel's
     * scalar twin alone ({@link #forOneShot}; the command line's sparse probabilities take the reference instead, see
     * {@link #forOneShotSparse}): about where {@code ./xent metric} took as long either way on a 2-core
     * machine (2.5-3 GB of float32 probabilities, 1.2-1.6 GB of logits, whose {@code exp} the twin computes one
     * element at a time; docs/benchmarks.md), rounded down to a power of two.
     */
    static final long ONE_SHOT_PROBABILITY_ELEMENTS = 1L << 29;
    static final long ONE_SHOT_LOGIT_ELEMENTS = 1L << 28;

    /** The kernel {@link #with} set on this thread, if any. */
    private static final ThreadLocal<CrossEntropyKernel> SCOPED = new ThreadLocal<>();

    /** Whether this JVM has had its one warning (see {@link #log}). */
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    /** A process-wide choice: the kernel, and why it is that one. */
    public record Choice(CrossEntropyKernel kernel, String reason) {}

    /** The process-wide choice, made and logged on first use. */
    private static final class Chosen {
        static final Choice CHOICE =
                decide(System.getProperty("xent.kernels", "auto"), System.getProperty("xent.threads"));
        static final CrossEntropyKernel KERNEL = CHOICE.kernel();
    }

    /**
     * The SIMD kernel's scalar twin, split over the same threads as the process-wide choice (which it is where SIMD is
     * unavailable).
     */
    private static final class OneShot {
        static final CrossEntropyKernel KERNEL = vectorKernel(new String[1]) == null ? Chosen.KERNEL
                : parallel(loaded("LaneTwin"), threads(System.getProperty("xent.threads")));
    }

    private Kernels() {}

    /** The process-wide choice and its reason, made (and logged) on first use; {@link #with} does not change it. */
    public static Choice choice() {
        return Chosen.CHOICE;
    }

    /** The kernel in use: the one {@link #with} set on this thread, else the process-wide choice. */
    public static CrossEntropyKernel get() {
        CrossEntropyKernel scoped = SCOPED.get();
        return scoped != null ? scoped : Chosen.KERNEL;
    }

    /** The process-wide element-wise kernel, chosen and logged on first use (same properties). */
    private static final class ChosenElementwise {
        static final ElementwiseKernel KERNEL =
                chooseElementwise(System.getProperty("xent.kernels", "auto"), System.getProperty("xent.threads"));
    }

    /**
     * The kernel of the element-wise losses ({@code binary_crossentropy}, the focal losses, {@code kl_divergence},
     * {@code poisson}): SIMD with {@code xent.kernels=auto|vector} when the Vector API is usable, else the reference;
     * split over {@code xent.threads} threads.
     */
    public static ElementwiseKernel elementwise() {
        ElementwiseKernel scoped = SCOPED_ELEMENTWISE.get();
        return scoped != null ? scoped : ChosenElementwise.KERNEL;
    }

    /** The element-wise kernel {@link #withElementwise} set on this thread, if any. */
    private static final ThreadLocal<ElementwiseKernel> SCOPED_ELEMENTWISE = new ThreadLocal<>();

    /** Runs {@code body} with {@link #elementwise} answering {@code kernel} on this thread (tests, benchmarks). */
    public static <T, E extends Exception> T withElementwise(ElementwiseKernel kernel, Job<T, E> body) throws E {
        ElementwiseKernel previous = SCOPED_ELEMENTWISE.get();
        SCOPED_ELEMENTWISE.set(kernel);
        try {
            return body.run();
        } finally {
            if (previous == null) {
                SCOPED_ELEMENTWISE.remove();
            } else {
                SCOPED_ELEMENTWISE.set(previous);
            }
        }
    }

    /**
     * The kernel that finishes first a job of about {@code elements} prediction elements in a process that exits
     * after it: when {@code xent.kernels} is {@code auto} (or unset) and the job is smaller than
     * {@link #ONE_SHOT_PROBABILITY_ELEMENTS} ({@link #ONE_SHOT_LOGIT_ELEMENTS} for logits), the SIMD kernel's scalar
     * twin alone, split over threads (the reference where SIMD is unavailable); else the process-wide choice. The twin
     * computes what the SIMD kernel computes, bit for bit (calls it does not serve, such as float64 predictions, go to
     * the SIMD kernel).
     */
    public static CrossEntropyKernel forOneShot(long elements, boolean logits) {
        String kernels = System.getProperty("xent.kernels", "auto").trim().toLowerCase(Locale.ROOT);
        if (kernels.equals("auto") && elements < (logits ? ONE_SHOT_LOGIT_ELEMENTS : ONE_SHOT_PROBABILITY_ELEMENTS)) {
            LOG.config(() -> "xent kernels: " + OneShot.KERNEL.name() + " for a one-shot job of " + elements
                    + (logits ? " logits" : " elements") + " (below the size at which SIMD pays for its warm-up)");
            return OneShot.KERNEL;
        }
        return Chosen.KERNEL;
    }

    /** The reference kernel split over the process-wide number of threads. */
    private static final class Reference {
        static final CrossEntropyKernel KERNEL =
                parallel(ScalarKernel.INSTANCE, threads(System.getProperty("xent.threads")));
    }

    /**
     * {@link #forOneShot(long, boolean)} for sparse (label) calls only: with {@code xent.kernels=auto} (or unset),
     * sparse probabilities go to the reference kernel, split over threads, whatever the size. In a one-shot process
     * it needs no warm-up (no SIMD code to compile) and reads a mapped file in place, without copying it into heap
     * blocks; whole {@code ./xent metric} runs over 1.6 and 6.4 GB of probabilities finished at least as soon with it
     * as with the SIMD kernel or its twin on a 2-core machine, with or without AVX-512 (docs/benchmarks.md). Its
     * values are the reference's (within the one ulp of the SIMD kernel's that {@code KernelUlpsTest} asserts).
     * Sparse logits take {@link #forOneShot(long, boolean)}'s choice.
     */
    public static CrossEntropyKernel forOneShotSparse(long elements, boolean logits) {
        String kernels = System.getProperty("xent.kernels", "auto").trim().toLowerCase(Locale.ROOT);
        if (!logits && kernels.equals("auto")) {
            LOG.config(() -> "xent kernels: " + Reference.KERNEL.name() + " for a one-shot job of " + elements
                    + " elements (sparse probabilities: no warm-up, the mapped file read in place)");
            return Reference.KERNEL;
        }
        return forOneShot(elements, logits);
    }

    /** A computation run by {@link #with}. */
    @FunctionalInterface
    public interface Job<T, E extends Exception> {
        T run() throws E;
    }

    /** Runs {@code body} with {@link #get} answering {@code kernel} on this thread, and returns what it returns. */
    public static <T, E extends Exception> T with(CrossEntropyKernel kernel, Job<T, E> body) throws E {
        CrossEntropyKernel previous = SCOPED.get();
        SCOPED.set(kernel);
        try {
            return body.run();
        } finally {
            if (previous == null) {
                SCOPED.remove();
            } else {
                SCOPED.set(previous);
            }
        }
    }

    /** Why SIMD is off when the Vector API module is absent: what the one warning says. */
    static final String NO_VECTOR_MODULE = "SIMD is off, the scalar kernels run 3-10x slower: the Vector API is not"
            + " enabled; run java with --add-modules " + VECTOR_MODULE + " (or set -Dxent.kernels=scalar to choose the"
            + " scalar kernels without this warning)";

    /**
     * Logs a choice: at WARNING when {@code warn} and this JVM has not warned yet (one warning per process, whichever
     * kernel family is chosen first), else at CONFIG.
     */
    private static void log(boolean warn, String line) {
        Level level = warn && WARNED.compareAndSet(false, true) ? Level.WARNING : Level.CONFIG;
        if (level == Level.WARNING && LOG.isLoggable(level) && untouchedLogging()) {
            // java.util.logging's default format takes two lines (a date and source line first); the warning is one.
            System.err.println("WARNING: " + line);
            return;
        }
        LOG.logp(level, Kernels.class.getName(), "choose", line);
    }

    /**
     * Whether java.util.logging is as the JDK sets it up (no configuration file or class, no format, no handler on
     * xent's logger): then the warning goes to stderr as one line; otherwise through the logger, as configured.
     */
    private static boolean untouchedLogging() {
        return System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.config.class") == null
                && System.getProperty("java.util.logging.SimpleFormatter.format") == null
                && LOG.getHandlers().length == 0 && LOG.getUseParentHandlers();
    }

    /** Whether {@code jdk.incubator.vector} is in the boot layer (the JVM was started with it). */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /**
     * The SIMD kernel with its lanes and exp form in {@code why[0]}, or null with the reason there: the module is
     * absent, or the preferred vector is narrower than 128 bits (no useful SIMD, or C2 disabled). Loaded
     * reflectively so that nothing here links against the Vector API when it is absent.
     */
    static CrossEntropyKernel vectorKernel(String[] why) {
        if (!vectorModulePresent()) {
            why[0] = NO_VECTOR_MODULE;
            return null;
        }
        try {
            Class<?> holder = Class.forName(Kernels.class.getPackageName() + ".VectorKernel");
            Class<?> math = Class.forName(Kernels.class.getPackageName() + ".VectorMath");
            int lanes = math.getDeclaredField("LANES").getInt(null);
            if (lanes < 4) {
                why[0] = "the preferred float vector has " + lanes + " lanes (no useful SIMD here)";
                return null;
            }
            why[0] = lanes + " float lanes, exp " + (math.getDeclaredField("FMA").getBoolean(null) ? "fused (FMA)"
                    : "without FMA") + " (xent.fma)";
            return loaded(holder.getSimpleName());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            why[0] = "the Vector API failed to load: " + e;
            return null;
        }
    }

    /** The {@code INSTANCE} of a kernel class of this package that links against the Vector API. */
    private static CrossEntropyKernel loaded(String simpleName) {
        return (CrossEntropyKernel) instance(simpleName);
    }

    private static Object instance(String simpleName) {
        try {
            java.lang.reflect.Field f = Class.forName(Kernels.class.getPackageName() + "." + simpleName)
                    .getDeclaredField("INSTANCE");
            f.setAccessible(true);
            return f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SIMD element-wise kernel, or null with the reason in {@code why[0]} (as {@link #vectorKernel}). */
    static ElementwiseKernel vectorElementwise(String[] why) {
        return vectorKernel(why) == null ? null : (ElementwiseKernel) instance("VectorElementwise");
    }

    /**
     * A specific element-wise implementation, for benchmarks and tools: {@code scalar} or {@code vector} (the
     * reference when the Vector API is unavailable), split over {@code threads} threads when above 1. Not logged.
     */
    public static ElementwiseKernel createElementwise(String kernels, int threads) {
        ElementwiseKernel k = kernels.equals("scalar") ? null : vectorElementwise(new String[1]);
        return parallel(k == null ? ScalarElementwise.INSTANCE : k, threads);
    }

    private static ElementwiseKernel parallel(ElementwiseKernel k, int threads) {
        return threads > 1 ? new ParallelElementwise(k, threads, RangeSplitter.DEFAULT_MIN_ELEMENTS) : k;
    }

    static ElementwiseKernel chooseElementwise(String kernels, String threadsProperty) {
        String mode = kernels.trim().toLowerCase(Locale.ROOT);
        String[] why = {"unknown xent.kernels value, expected auto, scalar or vector"};
        ElementwiseKernel k = mode.equals("auto") || mode.equals("vector") ? vectorElementwise(why) : null;
        // Wanted SIMD and has none: the module is absent (auto), or vector was asked for, or the value is unknown.
        boolean warn = k == null && !mode.equals("scalar")
                && (!mode.equals("auto") || NO_VECTOR_MODULE.equals(why[0]));
        k = parallel(k == null ? ScalarElementwise.INSTANCE : k, threads(threadsProperty));
        String line = "xent element-wise kernels: " + k.name() + " (xent.kernels=" + kernels + ")"
                + (mode.equals("scalar") ? "" : "; " + why[0]);
        log(warn, line);
        return k;
    }

    /**
     * A specific implementation, for benchmarks and tools: {@code scalar}, {@code vector} or {@code twin} (the
     * vector kernel's scalar twin; both fall back to scalar when the Vector API is unavailable), split over
     * {@code threads} threads when above 1. Not logged.
     */
    public static CrossEntropyKernel create(String kernels, int threads) {
        CrossEntropyKernel k = kernels.equals("scalar") ? ScalarKernel.INSTANCE : vectorKernel(new String[1]);
        if (k == null) {
            k = ScalarKernel.INSTANCE;
        } else if (kernels.equals("twin")) {
            k = loaded("LaneTwin");
        }
        return parallel(k, threads);
    }

    private static CrossEntropyKernel parallel(CrossEntropyKernel k, int threads) {
        return threads > 1 ? new ParallelKernel(k, threads, ParallelKernel.DEFAULT_MIN_ELEMENTS) : k;
    }

    static CrossEntropyKernel choose(String kernels, String threadsProperty) {
        return decide(kernels, threadsProperty).kernel();
    }

    /** The kernel for these property values, and why; logged (see {@link #log}). */
    static Choice decide(String kernels, String threadsProperty) {
        String mode = kernels.trim().toLowerCase(Locale.ROOT);
        boolean warn = false;
        String reason;
        CrossEntropyKernel k;
        switch (mode) {
            case "scalar":
                k = ScalarKernel.INSTANCE;
                reason = "xent.kernels=scalar";
                break;
            case "auto":
            case "vector": {
                String[] why = new String[1];
                k = vectorKernel(why);
                reason = why[0];
                if (k == null) {
                    k = ScalarKernel.INSTANCE;
                    // SIMD was asked for, or would be there with the module (not where the hardware has none).
                    warn = mode.equals("vector") || NO_VECTOR_MODULE.equals(why[0]);
                }
                break;
            }
            default:
                k = ScalarKernel.INSTANCE;
                warn = true;
                reason = "unknown xent.kernels value, expected auto, scalar or vector";
                break;
        }
        if (k != ScalarKernel.INSTANCE && !"false".equals(System.getProperty("xent.warmup"))) {
            k = new WarmingKernel(k, loaded("LaneTwin"));
        }
        k = parallel(k, threads(threadsProperty));
        log(warn, "xent kernels: " + k.name() + " (xent.kernels=" + kernels + ")"
                + (mode.equals("scalar") ? "" : "; " + reason));
        return new Choice(k, reason);
    }

    static int threads(String property) {
        int cpus = Runtime.getRuntime().availableProcessors();
        if (property == null || property.isBlank()) {
            return cpus;
        }
        try {
            int t = Integer.parseInt(property.trim());
            return t >= 1 ? t : cpus;
        } catch (NumberFormatException e) {
            LOG.warning(() -> "xent.threads (" + property + ") must be a positive integer; using " + cpus);
            return cpus;
        }
    }
}
