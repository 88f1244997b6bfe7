package dev.xent.spark;

import dev.xent.catalog.Arguments;
import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
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
 * A typed Spark {@link Aggregator} for the metric or reduced loss of any {@link Catalog} function. Its buffer holds
 * the core's state and its {@code merge} is the core's {@code plus}, so the result equals the single-machine result
 * (up to the rounding of a double sum, far below 1e-12 relative) for any partitioning and any order: {@code zero} is
 * a new state,
 * {@code reduce} is {@code updateState} (rows are gathered and handed to the core
 * {@link XentOptions#batchRows() batchRows} at a time), {@code merge} is {@code merge}, {@code finish} is
 * {@code result}.
 *
 * <pre>{@code
 * Dataset<XentInput> rows = spark.createDataset(List.of(
 *     XentInput.sparse(1, new float[] {0.05f, 0.95f, 0f}),
 *     XentInput.sparse(2, new float[] {0.1f, 0.8f, 0.1f})), XentInput.encoder());
 * KerasFunction scce = Catalog.get("sparse_categorical_crossentropy");
 * rows.select(XentAggregator.metric(scce, XentOptions.defaults(), false).toColumn()).first();   // 1.1769392
 * }</pre>
 *
 * <p>Rows: a row is a sample; its prediction is the sample's values (one class axis, or with a shape a flattened
 * map), and every row of an aggregation must have the first row's number of classes (the size of the axis the
 * function reduces): a row with another fails the job naming it, as does a merge of partitions that disagree.
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

    /** The function's name: {@link KerasFunction} is not serializable, the catalogue gives it back. */
    private final String functionName;
    final boolean isLoss;
    final XentOptions options;
    final boolean weighted;
    /** Whether the function's targets are integer labels (else arrays of the prediction's shape). */
    final boolean labels;
    /** The class axis (the axis the function reduces) in the batch {@code (rows, ...shape)}: -1 or the argument. */
    final int axis;
    private transient KerasFunction function;
    private transient MeanMetricWrapper metric;
    private transient Loss loss;

    XentAggregator(KerasFunction function, boolean isLoss, XentOptions options, boolean weighted) {
        this.function = function;
        this.functionName = function.name();
        this.isLoss = isLoss;
        this.options = options;
        this.weighted = weighted;
        this.labels = function.targets() == KerasFunction.Targets.LABELS;
        // Fail on the driver, at construction, for options that do not apply.
        Arguments args;
        if (isLoss) {
            if (options.reduction() == Reduction.NONE) {
                throw new IllegalArgumentException("reduction (none) has no aggregate; use the per-row values "
                        + "function, or a reducing reduction");
            }
            args = loss().arguments();
        } else {
            args = metric().arguments();
        }
        this.axis = args.asMap().containsKey("axis") ? args.integer("axis") : -1;
    }

    /**
     * The metric of {@code function} ({@code keras.metrics.NAME}, or Keras's {@code MeanMetricWrapper} of the
     * function when Keras has no metric class for it).
     *
     * @param weighted whether rows carry a weight (then a null weight is a null row); unweighted rows must not
     * @throws IllegalArgumentException when an option does not apply to the function's metric
     */
    public static XentAggregator<Double> metric(KerasFunction function, XentOptions options, boolean weighted) {
        return new ResultAggregator(function, false, options, weighted);
    }

    /**
     * The reduced loss with {@link XentOptions#reduction()}, exactly additive over rows with per-row weights.
     *
     * @throws IllegalArgumentException when the function has no loss, the reduction is {@code none} or an option
     *     does not apply
     */
    public static XentAggregator<Double> loss(KerasFunction function, XentOptions options, boolean weighted) {
        return new ResultAggregator(function, true, options, weighted);
    }

    /** As {@link #metric} or {@link #loss}, with the state and row counts. */
    public static XentAggregator<XentSummary> summary(KerasFunction function, boolean isLoss, XentOptions options,
                                                      boolean weighted) {
        return new SummaryAggregator(function, isLoss, options, weighted);
    }

    /** The catalogue function this aggregator computes. */
    public KerasFunction function() {
        if (function == null) {
            function = Catalog.get(functionName);
        }
        return function;
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
            metric = options.metric(function());
        }
        return metric;
    }

    private Loss loss() {
        if (loss == null) {
            loss = options.loss(function());
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
     * the core. Checks the row's shape, its number of classes against earlier rows' and its label count, naming the
     * row.
     */
    RowBatch batchFor(XentBuffer b, long row, boolean f32, int length, int[] shape, double[] labelArray,
                      java.util.function.Supplier<String> describe) {
        RowBatch batch = b.pending;
        // The common case: a row like the previous ones, (classes,) with its labels; no shapes to work out.
        if (batch != null && shape == null && batch.float32 == f32 && batch.rowShape.length == 1
                && batch.rowSize == length && (labelArray != null ? labelArray.length == batch.labelSize
                        : batch.labelSize == 1 && batch.labelShape.length == 0)) {
            return batch;
        }
        boolean shaped = shape != null;
        if (!shaped) {
            shape = new int[] {length};
        } else if (RowBatch.size(shape) != length) {
            throw rowError("row " + row + " has shape " + java.util.Arrays.toString(shape) + " ("
                    + RowBatch.size(shape) + " elements) but its prediction has " + length + " elements", null);
        }
        int classAxis;
        try {
            classAxis = classAxis(axis, shape);
        } catch (IllegalArgumentException e) {
            throw rowError("row " + row + ": " + e.getMessage(), null);
        }
        int classes = shape[classAxis];
        if (b.classes == 0) {
            b.classes = classes;
        } else if (b.classes != classes) {
            throw rowError("row " + row + " has " + (shaped ? "shape " + java.util.Arrays.toString(shape) + ", with "
                    + classes + " classes," : "a prediction of " + classes + " classes") + " but earlier rows have "
                    + b.classes + "; every row must have the same number of classes (" + describe.get() + ")", null);
        }
        int[] labelShape = labels ? without(shape, classAxis) : shape;
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

    /**
     * The index in a row's {@code shape} of the class axis (the axis the function reduces), {@code axis} counting in
     * the batch {@code (rows, ...shape)} as Keras counts it.
     *
     * @throws IllegalArgumentException when {@code axis} names no axis of the row, or the batch axis
     */
    static int classAxis(int axis, int[] shape) {
        int rank = shape.length + 1;
        int a = axis < 0 ? axis + rank : axis;
        if (a < 1 || a >= rank) {
            throw new IllegalArgumentException("axis (" + axis + ") must name an axis of the row's shape "
                    + java.util.Arrays.toString(shape) + " in the batch (rows, ...shape), i.e. be in [" + (1 - rank)
                    + ", -1] or [1, " + (rank - 1) + "]");
        }
        return a - 1;
    }

    /** {@code shape} without axis {@code i}: a row's label shape (integer labels) or the shape of its values. */
    static int[] without(int[] shape, int i) {
        int[] s = new int[shape.length - 1];
        for (int k = 0, j = 0; k < shape.length; k++) {
            if (k != i) {
                s[j++] = shape[k];
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
        return new IllegalArgumentException(functionName + (isLoss ? " loss" : "") + where + ": " + message,
                cause);
    }

    /**
     * {@code b2}'s rows and state added to {@code b1}.
     *
     * @throws IllegalArgumentException when their rows have different numbers of classes
     */
    @Override
    public XentBuffer merge(XentBuffer b1, XentBuffer b2) {
        if (b1.classes != 0 && b2.classes != 0 && b1.classes != b2.classes) {
            throw rowError("rows of " + b1.classes + " and of " + b2.classes + " classes meet when partitions are"
                    + " merged; every row must have the same number of classes", null);
        }
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

        ResultAggregator(KerasFunction function, boolean isLoss, XentOptions options, boolean weighted) {
            super(function, isLoss, options, weighted);
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

        SummaryAggregator(KerasFunction function, boolean isLoss, XentOptions options, boolean weighted) {
            super(function, isLoss, options, weighted);
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
