package dev.xent.internal.kernel;

import dev.xent.ndarray.NdArray;

/**
 * Splits the rows of one call across threads once the call reads at least {@code minElements} prediction
 * elements ({@link RangeSplitter}). Each task writes its own disjoint range of {@code out}, and a row's value never
 * depends on the split (a {@link CrossEntropyKernel} contract), so the output is bit-identical for any thread count;
 * reductions over it happen afterwards, in index order, on the caller's side. Thread-safe.
 */
final class ParallelKernel implements CrossEntropyKernel {

    /** Below this many elements per call, the call runs on the caller's thread. */
    static final int DEFAULT_MIN_ELEMENTS = RangeSplitter.DEFAULT_MIN_ELEMENTS;

    private final CrossEntropyKernel delegate;
    private final RangeSplitter splitter;

    ParallelKernel(CrossEntropyKernel delegate, int threads, long minElements) {
        this.delegate = delegate;
        this.splitter = new RangeSplitter(threads, minElements);
    }

    int threads() {
        return splitter.threads();
    }

    @Override
    public String name() {
        return delegate.name() + " x " + threads() + " threads";
    }

    @Override
    public boolean vectorized() {
        return delegate.vectorized();
    }

    @Override
    public void sparse(NdArray pred, RowLayout layout, int[] labels, ProbabilityMode mode, Precision precision,
                       double[] out, int outOffset, int from, int to) {
        splitter.split(outOffset, from, to, layout.classes,
                (o, a, b) -> delegate.sparse(pred, layout, labels, mode, precision, out, o, a, b));
    }

    @Override
    public void categorical(NdArray pred, NdArray target, RowLayout layout, double keep, double add,
                            ProbabilityMode mode, Precision precision, double[] out, int outOffset, int from,
                            int to) {
        splitter.split(outOffset, from, to, 2L * layout.classes,
                (o, a, b) -> delegate.categorical(pred, target, layout, keep, add, mode, precision, out, o, a, b));
    }
}
