package dev.xent.internal.kernel;

import dev.xent.ndarray.NdArray;

/**
 * Splits the outputs of one element-wise call across threads ({@link RangeSplitter}); each output depends only on
 * its own elements (an {@link ElementwiseKernel} contract), so results are bit-identical for any thread count.
 * Thread-safe.
 */
final class ParallelElementwise implements ElementwiseKernel {

    private final ElementwiseKernel delegate;
    private final RangeSplitter splitter;

    ParallelElementwise(ElementwiseKernel delegate, int threads, long minElements) {
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
    public void binaryCrossentropy(NdArray target, NdArray pred, RowLayout groups, double keep, double add,
                                   boolean fromLogits, Precision precision, double[] out, int outOffset, int from,
                                   int to) {
        splitter.split(outOffset, from, to, groups.classes, (o, a, b) ->
                delegate.binaryCrossentropy(target, pred, groups, keep, add, fromLogits, precision, out, o, a, b));
    }

    @Override
    public void binaryFocalCrossentropy(NdArray target, NdArray pred, RowLayout groups, double keep, double add,
                                        boolean fromLogits, Focal focal, Precision precision, double[] out,
                                        int outOffset, int from, int to) {
        splitter.split(outOffset, from, to, groups.classes, (o, a, b) -> delegate.binaryFocalCrossentropy(target,
                pred, groups, keep, add, fromLogits, focal, precision, out, o, a, b));
    }

    @Override
    public void categoricalFocalCrossentropy(NdArray target, NdArray pred, RowLayout rows, double keep, double add,
                                             boolean fromLogits, double gamma, double[] alpha, Precision precision,
                                             double[] out, int outOffset, int from, int to) {
        splitter.split(outOffset, from, to, rows.classes, (o, a, b) -> delegate.categoricalFocalCrossentropy(target,
                pred, rows, keep, add, fromLogits, gamma, alpha, precision, out, o, a, b));
    }

    @Override
    public void klDivergence(NdArray target, NdArray pred, RowLayout groups, Precision precision, double[] out,
                             int outOffset, int from, int to) {
        splitter.split(outOffset, from, to, groups.classes,
                (o, a, b) -> delegate.klDivergence(target, pred, groups, precision, out, o, a, b));
    }

    @Override
    public void poisson(NdArray target, NdArray pred, RowLayout groups, Precision precision, double[] out,
                        int outOffset, int from, int to) {
        splitter.split(outOffset, from, to, groups.classes,
                (o, a, b) -> delegate.poisson(target, pred, groups, precision, out, o, a, b));
    }
}
