package dev.xent.spark;

import dev.xent.losses.Loss;
import dev.xent.losses.Reduction;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.DType;
import java.io.Serializable;
import java.util.Objects;

/**
 * Keras's options for the cross-entropies, plus how the Spark adapters treat null rows, fixed when a function is
 * registered or an aggregator is made. Options that one cross-entropy does not have ({@code ignoreClass} for
 * categorical, {@code labelSmoothing} for sparse) are refused when that function is used, not silently dropped.
 *
 * <pre>{@code
 * XentOptions options = XentOptions.builder().fromLogits(true).ignoreClass(255).skipNulls(true).build();
 * XentFunctions.register(spark, options);
 * }</pre>
 *
 * <p>Immutable, serializable and thread-safe.
 */
public final class XentOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Rows gathered before one call into the core: large enough to amortise the call, small enough for cache. */
    public static final int DEFAULT_BATCH_ROWS = 512;

    private static final XentOptions DEFAULTS = builder().build();

    private final boolean fromLogits;
    private final Integer ignoreClass;
    private final double labelSmoothing;
    private final int axis;
    private final Reduction reduction;
    private final DType dtype;
    private final boolean excludeIgnoredFromCount;
    private final boolean normalizeBeforeClip;
    private final boolean skipNulls;
    private final int batchRows;

    private XentOptions(Builder b) {
        this.fromLogits = b.fromLogits;
        this.ignoreClass = b.ignoreClass;
        this.labelSmoothing = b.labelSmoothing;
        this.axis = b.axis;
        this.reduction = b.reduction;
        this.dtype = b.dtype;
        this.excludeIgnoredFromCount = b.excludeIgnoredFromCount;
        this.normalizeBeforeClip = b.normalizeBeforeClip;
        this.skipNulls = b.skipNulls;
        this.batchRows = b.batchRows;
    }

    /** Keras's defaults; null rows are errors. */
    public static XentOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().fromLogits(fromLogits).ignoreClass(ignoreClass).labelSmoothing(labelSmoothing)
                .axis(axis).reduction(reduction).dtype(dtype).excludeIgnoredFromCount(excludeIgnoredFromCount)
                .normalizeBeforeClip(normalizeBeforeClip).skipNulls(skipNulls).batchRows(batchRows);
    }

    public boolean fromLogits() {
        return fromLogits;
    }

    public Integer ignoreClass() {
        return ignoreClass;
    }

    public double labelSmoothing() {
        return labelSmoothing;
    }

    public int axis() {
        return axis;
    }

    public Reduction reduction() {
        return reduction;
    }

    public DType dtype() {
        return dtype;
    }

    public boolean excludeIgnoredFromCount() {
        return excludeIgnoredFromCount;
    }

    public boolean normalizeBeforeClip() {
        return normalizeBeforeClip;
    }

    public boolean skipNulls() {
        return skipNulls;
    }

    public int batchRows() {
        return batchRows;
    }

    /**
     * The core metric these options describe.
     *
     * @throws IllegalArgumentException when an option does not apply to {@code kind}
     */
    public MeanMetricWrapper metric(Crossentropy kind) {
        checkApplies(kind);
        if (kind == Crossentropy.SPARSE_CATEGORICAL) {
            return dev.xent.metrics.SparseCategoricalCrossentropy.builder().fromLogits(fromLogits)
                    .ignoreClass(ignoreClass).axis(axis).dtype(dtype).normalizeBeforeClip(normalizeBeforeClip)
                    .excludeIgnoredFromCount(excludeIgnoredFromCount).build();
        }
        // Keras's config keeps label_smoothing's type: the metric's default is the int 0, so set it only when given.
        dev.xent.metrics.CategoricalCrossentropy.Builder b = dev.xent.metrics.CategoricalCrossentropy.builder()
                .fromLogits(fromLogits).axis(axis).dtype(dtype);
        return (labelSmoothing != 0 ? b.labelSmoothing(labelSmoothing) : b).build();
    }

    /**
     * The core loss these options describe, with {@link #reduction()}.
     *
     * @throws IllegalArgumentException when an option does not apply to {@code kind}
     */
    public Loss loss(Crossentropy kind) {
        checkApplies(kind);
        if (excludeIgnoredFromCount) {
            throw new IllegalArgumentException("excludeIgnoredFromCount (true) is a metric option; a loss's mean "
                    + "reductions always divide by the valid entries");
        }
        if (kind == Crossentropy.SPARSE_CATEGORICAL) {
            return dev.xent.losses.SparseCategoricalCrossentropy.builder().fromLogits(fromLogits)
                    .ignoreClass(ignoreClass).axis(axis).dtype(dtype).normalizeBeforeClip(normalizeBeforeClip)
                    .reduction(reduction).build();
        }
        dev.xent.losses.CategoricalCrossentropy.Builder b = dev.xent.losses.CategoricalCrossentropy.builder()
                .fromLogits(fromLogits).axis(axis).dtype(dtype).reduction(reduction);
        return (labelSmoothing != 0 ? b.labelSmoothing(labelSmoothing) : b).build();
    }

    private void checkApplies(Crossentropy kind) {
        if (kind == Crossentropy.SPARSE_CATEGORICAL && labelSmoothing != 0) {
            throw new IllegalArgumentException("labelSmoothing (" + labelSmoothing
                    + ") is not an option of sparse_categorical_crossentropy; it must be 0");
        }
        if (kind == Crossentropy.CATEGORICAL) {
            if (ignoreClass != null) {
                throw new IllegalArgumentException("ignoreClass (" + ignoreClass
                        + ") is not an option of categorical_crossentropy; it must be null");
            }
            if (excludeIgnoredFromCount || normalizeBeforeClip) {
                throw new IllegalArgumentException("excludeIgnoredFromCount and normalizeBeforeClip are options of "
                        + "sparse_categorical_crossentropy only; they must be false for categorical_crossentropy");
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof XentOptions)) {
            return false;
        }
        XentOptions x = (XentOptions) o;
        return fromLogits == x.fromLogits && Objects.equals(ignoreClass, x.ignoreClass)
                && Double.compare(labelSmoothing, x.labelSmoothing) == 0 && axis == x.axis
                && reduction == x.reduction && dtype == x.dtype && excludeIgnoredFromCount == x.excludeIgnoredFromCount
                && normalizeBeforeClip == x.normalizeBeforeClip && skipNulls == x.skipNulls
                && batchRows == x.batchRows;
    }

    @Override
    public int hashCode() {
        return Objects.hash(fromLogits, ignoreClass, labelSmoothing, axis, reduction, dtype, excludeIgnoredFromCount,
                normalizeBeforeClip, skipNulls, batchRows);
    }

    @Override
    public String toString() {
        return "XentOptions{fromLogits=" + fromLogits + ", ignoreClass=" + ignoreClass + ", labelSmoothing="
                + labelSmoothing + ", axis=" + axis + ", reduction=" + reduction.kerasName() + ", dtype="
                + dtype.kerasName() + ", excludeIgnoredFromCount=" + excludeIgnoredFromCount
                + ", normalizeBeforeClip=" + normalizeBeforeClip + ", skipNulls=" + skipNulls + ", batchRows="
                + batchRows + "}";
    }

    /** Options, with Keras's defaults. */
    public static final class Builder {
        private boolean fromLogits;
        private Integer ignoreClass;
        private double labelSmoothing;
        private int axis = -1;
        private Reduction reduction = Reduction.SUM_OVER_BATCH_SIZE;
        private DType dtype = DType.FLOAT32;
        private boolean excludeIgnoredFromCount;
        private boolean normalizeBeforeClip;
        private boolean skipNulls;
        private int batchRows = DEFAULT_BATCH_ROWS;

        private Builder() {}

        /** Whether predictions are logits (default false: probabilities). */
        public Builder fromLogits(boolean fromLogits) {
            this.fromLogits = fromLogits;
            return this;
        }

        /** Sparse only: a label value to ignore (such as -1 or 255), or null (default). */
        public Builder ignoreClass(Integer ignoreClass) {
            this.ignoreClass = ignoreClass;
            return this;
        }

        /** Categorical only: label smoothing in [0, 1] (default 0). */
        public Builder labelSmoothing(double labelSmoothing) {
            if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
                throw new IllegalArgumentException("labelSmoothing (" + labelSmoothing + ") must be in [0, 1]");
            }
            this.labelSmoothing = labelSmoothing;
            return this;
        }

        /**
         * The class axis (default -1), counted in the batch {@code (rows, ...shape)}: a row without a shape is
         * {@code (classes,)}, so its batch is {@code (rows, classes)} and the axis is -1 or 1.
         */
        public Builder axis(int axis) {
            this.axis = axis;
            return this;
        }

        /** The losses' reduction (default {@code sum_over_batch_size}); {@code none} is for the per-row values. */
        public Builder reduction(Reduction reduction) {
            this.reduction = Objects.requireNonNull(reduction, "reduction must not be null");
            return this;
        }

        /** The metric state's dtype and the losses' compute dtype: float32 (default) or float64. */
        public Builder dtype(DType dtype) {
            if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
                throw new IllegalArgumentException("dtype (" + dtype + ") must be float32 or float64");
            }
            this.dtype = dtype;
            return this;
        }

        /** Sparse metric only: leave ignored entries out of {@code count} even without weights (tf.keras 2). */
        public Builder excludeIgnoredFromCount(boolean excludeIgnoredFromCount) {
            this.excludeIgnoredFromCount = excludeIgnoredFromCount;
            return this;
        }

        /** Sparse only: normalise probabilities before clipping (Keras on JAX/PyTorch) instead of after. */
        public Builder normalizeBeforeClip(boolean normalizeBeforeClip) {
            this.normalizeBeforeClip = normalizeBeforeClip;
            return this;
        }

        /**
         * Whether a row with a null label, prediction, weight or shape is skipped and counted (true) or fails the
         * job with an error naming the row (false, the default).
         */
        public Builder skipNulls(boolean skipNulls) {
            this.skipNulls = skipNulls;
            return this;
        }

        /** Rows per call into the core (default {@value #DEFAULT_BATCH_ROWS}); the result does not depend on it. */
        public Builder batchRows(int batchRows) {
            if (batchRows < 1) {
                throw new IllegalArgumentException("batchRows (" + batchRows + ") must be >= 1");
            }
            this.batchRows = batchRows;
            return this;
        }

        public XentOptions build() {
            return new XentOptions(this);
        }
    }
}
