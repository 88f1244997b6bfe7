package dev.xent.internal.kernel;

import dev.xent.ndarray.NdArray;

/**
 * Per-row cross-entropy kernels: one loss value per row of a {@link RowLayout}, written to
 * {@code out[outOffset + r - from]} for rows {@code [from, to)}. Implementations differ in speed only: each must agree
 * with {@link ScalarKernel}, the reference, within float32 rounding per element, and each row's value depends only on
 * that row's data (never on how rows are split between calls or threads). Arguments are checked by the caller
 * (kernels only assert); a kernel raises nothing for valid input. Implementations are stateless and thread-safe.
 */
public interface CrossEntropyKernel {

    /** Label value marking a row whose loss is exactly 0 ({@code ignore_class}). */
    int IGNORED = -1;

    String name();

    /**
     * Whether float32 calls run SIMD code (or its bit-identical scalar twin): callers then convert other input dtypes
     * to float32 first, which the scalar reference reads element by element without a copy.
     */
    default boolean vectorized() {
        return false;
    }

    /**
     * Sparse cross-entropy: {@code -log p[labels[r]]} for each row, 0 for rows labelled {@link #IGNORED}.
     *
     * @param pred predictions (any float dtype); read as float first when {@code precision} is float32
     * @param labels one class index in {@code [0, classes)} (or {@link #IGNORED}) per row, indexed by row
     */
    void sparse(NdArray pred, RowLayout layout, int[] labels, ProbabilityMode mode, Precision precision,
                double[] out, int outOffset, int from, int to);

    /** As the method above with {@code outOffset} 0: row {@code r} goes to {@code out[r - from]}. */
    default void sparse(NdArray pred, RowLayout layout, int[] labels, ProbabilityMode mode, Precision precision,
                        double[] out, int from, int to) {
        sparse(pred, layout, labels, mode, precision, out, 0, from, to);
    }

    /**
     * Categorical cross-entropy {@code -sum_c t_c log p_c} per row, with targets smoothed as
     * {@code t * keep + add} (pass {@code keep = 1, add = 0} for none), both already rounded to {@code precision}.
     * {@code mode} is {@link ProbabilityMode#LOGITS} or {@link ProbabilityMode#NORMALIZE_THEN_CLIP}.
     */
    void categorical(NdArray pred, NdArray target, RowLayout layout, double keep, double add, ProbabilityMode mode,
                     Precision precision, double[] out, int outOffset, int from, int to);

    /** As the method above with {@code outOffset} 0: row {@code r} goes to {@code out[r - from]}. */
    default void categorical(NdArray pred, NdArray target, RowLayout layout, double keep, double add,
                             ProbabilityMode mode, Precision precision, double[] out, int from, int to) {
        categorical(pred, target, layout, keep, add, mode, precision, out, 0, from, to);
    }
}
