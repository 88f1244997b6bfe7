package dev.xent.spark;

import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;

/**
 * A Spark ML {@link Evaluator} computing a Keras cross-entropy metric, for {@code CrossValidator} and
 * {@code TrainValidationSplit} (smaller is better). Unlike MLlib's {@code logLoss} it takes Keras's options: logits
 * ({@code rawPrediction}), an ignored class, label smoothing, a class axis, weights, segmentation rows with a shape
 * column.
 *
 * <pre>{@code
 * XentEvaluator eval = new XentEvaluator().setPredictionCol("probability");
 * eval.evaluate(predictions);   // the mean -log p[label], as keras.metrics.SparseCategoricalCrossentropy
 * new CrossValidator().setEstimator(lr).setEvaluator(eval).setEstimatorParamMaps(grid).fit(train);
 * }</pre>
 *
 * <p>Params: {@code metricName} ({@code sparse_categorical_crossentropy}, default, or
 * {@code categorical_crossentropy}), {@code fromLogits}, {@code ignoreClass}, {@code labelSmoothing}, {@code axis},
 * {@code excludeIgnoredFromCount}, {@code skipNulls}, {@code labelCol} (default {@code label}),
 * {@code predictionCol} (default {@code probability}; {@code rawPrediction} with {@code fromLogits}),
 * {@code weightCol} and {@code shapeCol} (unset: none). Saved and loaded as MLlib's own evaluators are.
 *
 * <p>Params are set before use; evaluation itself is thread-safe.
 */
public final class XentEvaluator extends Evaluator implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;

    private final Param<String> metricName;
    private final BooleanParam fromLogits;
    private final IntParam ignoreClass;
    private final DoubleParam labelSmoothing;
    private final IntParam axis;
    private final BooleanParam excludeIgnoredFromCount;
    private final BooleanParam skipNulls;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final Param<String> weightCol;
    private final Param<String> shapeCol;

    public XentEvaluator() {
        this(Identifiable$.MODULE$.randomUID("xentEval"));
    }

    public XentEvaluator(String uid) {
        this.uid = uid;
        metricName = new Param<>(this, "metricName", "the metric: sparse_categorical_crossentropy (integer labels) "
                + "or categorical_crossentropy (target arrays)", ParamValidators.inArray(
                        new String[] {"sparse_categorical_crossentropy", "categorical_crossentropy"}));
        fromLogits = new BooleanParam(this, "fromLogits", "whether predictions are logits");
        ignoreClass = new IntParam(this, "ignoreClass", "sparse only: a label value to ignore");
        labelSmoothing = new DoubleParam(this, "labelSmoothing", "categorical only: label smoothing in [0, 1]",
                ParamValidators.inRange(0, 1));
        axis = new IntParam(this, "axis", "the class axis in the batch (rows, ...shape)");
        excludeIgnoredFromCount = new BooleanParam(this, "excludeIgnoredFromCount",
                "leave ignored entries out of count even without weights (tf.keras 2)");
        skipNulls = new BooleanParam(this, "skipNulls", "skip rows with nulls instead of failing");
        labelCol = new Param<>(this, "labelCol", "label column name");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name: probabilities or logits");
        weightCol = new Param<>(this, "weightCol", "weight column name (unset: unweighted)");
        shapeCol = new Param<>(this, "shapeCol", "column of each row's prediction shape (unset: (classes,))");
        setDefault(metricName, "sparse_categorical_crossentropy");
        setDefault(fromLogits, false);
        setDefault(labelSmoothing, 0.0);
        setDefault(axis, -1);
        setDefault(excludeIgnoredFromCount, false);
        setDefault(skipNulls, false);
        setDefault(labelCol, "label");
        setDefault(predictionCol, "probability");
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> metricName() {
        return metricName;
    }

    public BooleanParam fromLogits() {
        return fromLogits;
    }

    public IntParam ignoreClass() {
        return ignoreClass;
    }

    public DoubleParam labelSmoothing() {
        return labelSmoothing;
    }

    public IntParam axis() {
        return axis;
    }

    public BooleanParam excludeIgnoredFromCount() {
        return excludeIgnoredFromCount;
    }

    public BooleanParam skipNulls() {
        return skipNulls;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> weightCol() {
        return weightCol;
    }

    public Param<String> shapeCol() {
        return shapeCol;
    }

    public XentEvaluator setMetricName(String value) {
        set(metricName, value);
        return this;
    }

    public XentEvaluator setFromLogits(boolean value) {
        set(fromLogits, value);
        return this;
    }

    public XentEvaluator setIgnoreClass(int value) {
        set(ignoreClass, value);
        return this;
    }

    public XentEvaluator setLabelSmoothing(double value) {
        set(labelSmoothing, value);
        return this;
    }

    public XentEvaluator setAxis(int value) {
        set(axis, value);
        return this;
    }

    public XentEvaluator setExcludeIgnoredFromCount(boolean value) {
        set(excludeIgnoredFromCount, value);
        return this;
    }

    public XentEvaluator setSkipNulls(boolean value) {
        set(skipNulls, value);
        return this;
    }

    public XentEvaluator setLabelCol(String value) {
        set(labelCol, value);
        return this;
    }

    public XentEvaluator setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    public XentEvaluator setWeightCol(String value) {
        set(weightCol, value);
        return this;
    }

    public XentEvaluator setShapeCol(String value) {
        set(shapeCol, value);
        return this;
    }

    /** The options the params describe. */
    public XentOptions options() {
        XentOptions.Builder b = XentOptions.builder().fromLogits((Boolean) $(fromLogits))
                .labelSmoothing((Double) $(labelSmoothing)).axis((Integer) $(axis))
                .excludeIgnoredFromCount((Boolean) $(excludeIgnoredFromCount)).skipNulls((Boolean) $(skipNulls));
        if (isDefined(ignoreClass)) {
            b.ignoreClass((Integer) $(ignoreClass));
        }
        return b.build();
    }

    /** The metric with its state and row counts (the skipped rows among them). */
    public XentSummary summarize(Dataset<?> dataset) {
        return XentFunctions.aggregate(dataset, Crossentropy.fromName($(metricName)), false, options(),
                $(labelCol), $(predictionCol), isDefined(weightCol) ? $(weightCol) : null,
                isDefined(shapeCol) ? $(shapeCol) : null);
    }

    /**
     * The metric over {@code dataset}; 0 for an empty one. NaN in a prediction makes it NaN, as in Keras.
     *
     * @throws IllegalArgumentException for missing columns, unusable types or options that do not apply
     */
    @Override
    public double evaluate(Dataset<?> dataset) {
        return summarize(dataset).getResult();
    }

    /** False: a cross-entropy is a loss. */
    @Override
    public boolean isLargerBetter() {
        return false;
    }

    @Override
    public XentEvaluator copy(ParamMap extra) {
        return (XentEvaluator) defaultCopy(extra);
    }

    /** MLlib's reader, also found by {@code CrossValidatorModel.load} through this static method. */
    public static MLReader<XentEvaluator> read() {
        return new DefaultParamsReadable<XentEvaluator>() {}.read();
    }

    public static XentEvaluator load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "XentEvaluator: uid=" + uid + ", metricName=" + $(metricName);
    }
}
