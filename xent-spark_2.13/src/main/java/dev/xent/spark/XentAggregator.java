package dev.xent.spark;

import dev.xent.losses.Loss;
import dev.xent.losses.LossState;
import dev.xent.losses.Reduction;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.NdArray;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;

/**
 * A typed Spark {@link Aggregator} for a xent metric or reduced loss. Its buffer holds the core's state and its
 * {@code merge} is the core's {@code plus}, so the result equals the single-machine result (up to the rounding of a
 * double sum, far below 1e-12 relative) for any partitioning and any order: {@code zero} is a new state,
 * {@code reduce} is {@code updateState} (rows are gathered and handed to the core
 * {@link XentOptions#batchRows() batchRows} at a time), {@code merge} is {@code merge}, {@code finish} is
 * {@code result}.
 *
 * <pre>{@code
 * Dataset<XentInput> rows = spark.createDataset(List.of(
 *     XentInput.sparse(1, new float[] {0.05f, 0.95f, 0f}),
 *     XentInput.sparse(2, new float[] {0.1f, 0.8f, 0.1f})), XentInput.encoder());
 * rows.select(XentAggregator.metric(Crossentropy.SPARSE_CATEGORICAL, XentOptions.defaults(), false).toColumn())
 *     .first();   // 1.1769392
 * }</pre>
 *
 * <p>Nulls: a row whose label, prediction or (when {@code weighted}) weight is null fails the job with an error
 * naming the partition, the row's index in it and its values, unless {@link XentOptions#skipNulls()}; skipped rows
 * are counted in {@link XentSummary#getSkipped()}. {@link XentFunctions#column} on a Connect session, which runs
 * this aggregator, turns an array with a null element into a null array first (the bean decoder would read the
 * element as 0), so such a row counts as a null row too. NaN and infinities are not nulls: they go to the core,
 * which makes the result NaN as Keras does. An empty input gives 0.
 *
 * <p>The SQL functions and {@link XentFunctions#column} on classic sessions run this aggregator's {@code zero},
 * {@code merge} and {@code finish} with rows read straight from Spark's internal rows, not through
 * {@code functions.udaf} and this class's bean input (see docs/spark.md, Benchmark).
 *
 * <p>Immutable and serializable; Spark gives each task its own buffers.
 *
 * @param <OUT> {@code Double} for the result, {@link XentSummary} for the result with its state and row counts
 */
public abstract class XentAggregator<OUT> extends Aggregator<XentInput, XentBuffer, OUT> {

    private static final long serialVersionUID = 1L;

    final Crossentropy kind;
    final boolean isLoss;
    final XentOptions options;
    final boolean weighted;
    private transient MeanMetricWrapper metric;
    private transient Loss loss;

    XentAggregator(Crossentropy kind, boolean isLoss, XentOptions options, boolean weighted) {
        this.kind = kind;
        this.isLoss = isLoss;
        this.options = options;
        this.weighted = weighted;
        // Fail on the driver, at construction, for options that do not apply.
        if (isLoss) {
            if (options.reduction() == Reduction.NONE) {
                throw new IllegalArgumentException("reduction (none) has no aggregate; use the per-row values "
                        + "function, or a reducing reduction");
            }
            options.loss(kind);
        } else {
            options.metric(kind);
        }
    }

    /**
     * The metric ({@code keras.metrics.SparseCategoricalCrossentropy} or {@code CategoricalCrossentropy}).
     *
     * @param weighted whether rows carry a weight (then a null weight is a null row); unweighted rows must not
     * @throws IllegalArgumentException when an option does not apply to {@code kind}
     */
    public static XentAggregator<Double> metric(Crossentropy kind, XentOptions options, boolean weighted) {
        return new ResultAggregator(kind, false, options, weighted);
    }

    /**
     * The reduced loss with {@link XentOptions#reduction()}, exactly additive over rows with per-row weights.
     *
     * @throws IllegalArgumentException when the reduction is {@code none} or an option does not apply
     */
    public static XentAggregator<Double> loss(Crossentropy kind, XentOptions options, boolean weighted) {
        return new ResultAggregator(kind, true, options, weighted);
    }

    /** As {@link #metric} or {@link #loss}, with the state and row counts. */
    public static XentAggregator<XentSummary> summary(Crossentropy kind, boolean isLoss, XentOptions options,
                                                      boolean weighted) {
        return new SummaryAggregator(kind, isLoss, options, weighted);
    }

    public Crossentropy kind() {
        return kind;
    }

    public boolean isLoss() {
        return isLoss;
    }

    public XentOptions options() {
        return options;
    }

    public boolean weighted() {
        return weighted;
    }

    /** The core metric (for a metric aggregator) or loss this aggregator computes, for its config. */
    public Object coreFunction() {
        return isLoss ? loss() : metric();
    }

    private MeanMetricWrapper metric() {
        if (metric == null) {
            metric = options.metric(kind);
        }
        return metric;
    }

    private Loss loss() {
        if (loss == null) {
            loss = options.loss(kind);
        }
        return loss;
    }

    @Override
    public XentBuffer zero() {
        return isLoss ? XentBuffer.forLoss(options.reduction()) : XentBuffer.forMetric();
    }

    @Override
    public XentBuffer reduce(XentBuffer b, XentInput in) {
        long row = b.rows++;
        float[] fp = in.getFloatPrediction();
        double[] dp = in.getDoublePrediction();
        if (fp == null && dp == null && in.getVectorPrediction() != null) {
            dp = in.getVectorPrediction().toArray();
        }
        Double label = in.getLabel();
        double[] labelArray = in.getLabels();
        Double weight = in.getWeight();
        String missing = fp == null && dp == null ? "prediction"
                : label == null && labelArray == null ? "label"
                : weighted && weight == null ? "weight"
                : null;
        if (missing != null) {
            if (options.skipNulls()) {
                b.skipped++;
                return b;
            }
            throw rowError("row " + row + " has a null " + missing + " (" + in.describe()
                    + "); filter nulls out or set skipNulls", null);
        }
        if (!weighted && weight != null) {
            throw rowError("row " + row + " has a weight (" + weight + ") but this aggregator is unweighted", null);
        }
        boolean f32 = fp != null;
        RowBatch batch = batchFor(b, row, f32, f32 ? fp.length : dp.length, in.getShape(), labelArray, in::describe);
        if (batch.add(row, fp, dp, label, labelArray, weight)) {
            batch.flushInto(b);
        }
        return b;
    }

    /**
     * The batch that takes a row of this layout: the pending one, or a new one after handing the pending rows to
     * the core. Checks the row's shape and label count, naming the row.
     */
    RowBatch batchFor(XentBuffer b, long row, boolean f32, int length, int[] shape, double[] labelArray,
                      java.util.function.Supplier<String> describe) {
        RowBatch batch = b.pending;
        // The common case: a row like the previous ones, (classes,) with one label; no shapes to work out.
        if (batch != null && shape == null && batch.float32 == f32 && batch.rowShape.length == 1
                && batch.rowSize == length && (labelArray != null ? labelArray.length == batch.labelSize
                        : batch.labelSize == 1 && batch.labelShape.length == 0)) {
            return batch;
        }
        if (shape == null) {
            shape = new int[] {length};
        } else if (RowBatch.size(shape) != length) {
            throw rowError("row " + row + " has shape " + java.util.Arrays.toString(shape) + " ("
                    + RowBatch.size(shape) + " elements) but its prediction has " + length + " elements", null);
        }
        int[] labelShape = labelShape(shape, row);
        int labelLength = RowBatch.size(labelShape);
        if (labelArray != null ? labelArray.length != labelLength : labelLength != 1) {
            throw rowError("row " + row + " has " + (labelArray != null ? labelArray.length : 1)
                    + " label values (" + describe.get() + ") but its prediction of shape "
                    + java.util.Arrays.toString(shape) + " needs " + labelLength, null);
        }
        if (batch == null || !batch.fits(f32, shape, labelShape)) {
            if (batch != null) {
                batch.flushInto(b);
            }
            batch = new RowBatch(this, f32, shape, labelShape);
            b.pending = batch;
        }
        return batch;
    }


    private int[] labelShape(int[] shape, long row) {
        try {
            return labelShape(kind, options.axis(), shape);
        } catch (IllegalArgumentException e) {
            throw rowError("row " + row + ": " + e.getMessage(), null);
        }
    }

    /** A row's label shape: its shape without the class axis (sparse), or its whole shape (categorical). */
    static int[] labelShape(Crossentropy kind, int axis, int[] shape) {
        if (kind == Crossentropy.CATEGORICAL) {
            return shape;
        }
        int rank = shape.length + 1;
        int a = axis < 0 ? axis + rank : axis;
        if (a < 1 || a >= rank) {
            throw new IllegalArgumentException("axis (" + axis + ") must name an axis of the row's shape "
                    + java.util.Arrays.toString(shape) + " in the batch (rows, ...shape), i.e. be in [" + (1 - rank)
                    + ", -1] or [1, " + (rank - 1) + "]");
        }
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != a - 1) {
                s[j++] = shape[i];
            }
        }
        return s;
    }

    /** One core call over a batch; called by {@link RowBatch}. */
    void update(XentBuffer b, NdArray yTrue, NdArray yPred, NdArray sw) {
        if (isLoss) {
            b.lossState = b.lossState.plus(loss().partial(yTrue, yPred, sw));
        } else {
            b.meanState = metric().statelessUpdateState(b.meanState, yTrue, yPred, sw);
        }
    }

    /** An {@link IllegalArgumentException} whose message starts with the function and the partition. */
    IllegalArgumentException rowError(String message, Throwable cause) {
        TaskContext task = TaskContext.get();
        String where = task == null ? "" : " in partition " + task.partitionId();
        return new IllegalArgumentException(kind.kerasName() + (isLoss ? " loss" : "") + where + ": " + message,
                cause);
    }

    @Override
    public XentBuffer merge(XentBuffer b1, XentBuffer b2) {
        b1.plus(b2);
        return b1;
    }

    @Override
    public Encoder<XentBuffer> bufferEncoder() {
        return Encoders.bean(XentBuffer.class);
    }

    /** The summary of a (flushed) buffer. */
    static XentSummary summarize(XentBuffer b) {
        b.flush();
        if (b.meanState != null) {
            return new XentSummary(b.result(), b.meanState.total(), b.meanState.count(), b.rows, b.skipped);
        }
        LossState s = b.lossState;
        return new XentSummary(b.result(), s.sum(), s.divisor(), b.rows, b.skipped);
    }

    static final class ResultAggregator extends XentAggregator<Double> {
        private static final long serialVersionUID = 1L;

        ResultAggregator(Crossentropy kind, boolean isLoss, XentOptions options, boolean weighted) {
            super(kind, isLoss, options, weighted);
        }

        @Override
        public Double finish(XentBuffer b) {
            b.flush();
            return b.result();
        }

        @Override
        public Encoder<Double> outputEncoder() {
            return Encoders.DOUBLE();
        }
    }

    static final class SummaryAggregator extends XentAggregator<XentSummary> {
        private static final long serialVersionUID = 1L;

        SummaryAggregator(Crossentropy kind, boolean isLoss, XentOptions options, boolean weighted) {
            super(kind, isLoss, options, weighted);
        }

        @Override
        public XentSummary finish(XentBuffer b) {
            return summarize(b);
        }

        @Override
        public Encoder<XentSummary> outputEncoder() {
            return Encoders.bean(XentSummary.class);
        }
    }
}
