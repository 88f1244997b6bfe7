package dev.xent.cli;

import dev.xent.internal.kernel.CrossEntropyKernel;
import dev.xent.internal.kernel.Kernels;
import dev.xent.internal.kernel.Precision;
import dev.xent.internal.kernel.ProbabilityMode;
import dev.xent.internal.kernel.RowLayout;
import dev.xent.ndarray.NdArray;

/**
 * The kernel of a command-line run, chosen by {@link Kernels#forOneShot} (sparse calls: {@link
 * Kernels#forOneShotSparse}) for the run's size on the first call that
 * needs a kernel: a run is one job in its own process, so below a size the SIMD kernel's scalar twin alone finishes
 * first. A function that computes without the cross-entropy kernel never asks, and never loads it; the others (the
 * cross-entropies) get the one-shot choice, whatever the catalogue adds.
 *
 * <p>Used by the one thread that runs the command's computation.
 */
final class OneShotKernel implements CrossEntropyKernel {

    private final long elements;
    private final boolean logits;
    private CrossEntropyKernel chosen;
    private CrossEntropyKernel chosenSparse;

    /**
     * @param elements the prediction elements of the whole run
     * @param logits whether the predictions are logits
     */
    OneShotKernel(long elements, boolean logits) {
        this.elements = elements;
        this.logits = logits;
    }

    private CrossEntropyKernel kernel() {
        if (chosen == null) {
            chosen = Kernels.forOneShot(elements, logits);
        }
        return chosen;
    }

    private CrossEntropyKernel sparseKernel() {
        if (chosenSparse == null) {
            chosenSparse = Kernels.forOneShotSparse(elements, logits);
        }
        return chosenSparse;
    }

    @Override
    public String name() {
        return kernel().name();
    }

    @Override
    public boolean vectorized() {
        return kernel().vectorized();
    }

    @Override
    public void sparse(NdArray pred, RowLayout layout, int[] labels, ProbabilityMode mode, Precision precision,
                       double[] out, int outOffset, int from, int to) {
        sparseKernel().sparse(pred, layout, labels, mode, precision, out, outOffset, from, to);
    }

    @Override
    public void categorical(NdArray pred, NdArray target, RowLayout layout, double keep, double add,
                            ProbabilityMode mode, Precision precision, double[] out, int outOffset, int from, int to) {
        kernel().categorical(pred, target, layout, keep, add, mode, precision, out, outOffset, from, to);
    }
}
