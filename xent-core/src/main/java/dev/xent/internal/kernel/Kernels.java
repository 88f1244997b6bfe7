package dev.xent.internal.kernel;

import java.util.logging.Logger;

/**
 * Chooses the kernel implementation once per JVM. The system property {@code xent.kernels} ({@code auto},
 * {@code scalar}) overrides the choice; the choice is logged once at level CONFIG.
 */
public final class Kernels {

    private static final Logger LOG = Logger.getLogger(Kernels.class.getName());
    private static final CrossEntropyKernel CHOSEN = choose(System.getProperty("xent.kernels", "auto"));

    private Kernels() {}

    /** The kernel in use. */
    public static CrossEntropyKernel get() {
        return CHOSEN;
    }

    static CrossEntropyKernel choose(String property) {
        CrossEntropyKernel k = ScalarKernel.INSTANCE;
        LOG.config(() -> "xent kernels: " + k.name() + " (xent.kernels=" + property + ")");
        return k;
    }
}
