package dev.xent.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.ndarray.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * A Spark ML {@link Evaluator} computing the metric of any {@link Catalog} function (a cross-entropy by default), for
 * {@code CrossValidator} and {@code TrainValidationSplit}: smaller is better, except for the accuracies. Unlike
 * MLlib's {@code logLoss} it takes Keras's arguments: logits ({@code rawPrediction}), an ignored class, label
 * smoothing, a class axis, focal {@code gamma}, top-{@code k}..., weights, segmentation rows with a shape column.
 *
 * <pre>{@code
 * XentEvaluator eval = new XentEvaluator().setPredictionCol("probability");
 * eval.evaluate(predictions);   // the mean -log p[label], as keras.metrics.SparseCategoricalCrossentropy
 * new CrossValidator().setEstimator(lr).setEvaluator(eval).setEstimatorParamMaps(grid).fit(train);
 * new XentEvaluator().setMetricName("sparse_top_k_categorical_accuracy")   // larger is better
 *     .setKerasConfig("{\"k\": 2}");
 * }</pre>
 *
 * <p>Params: {@code metricName} (any catalogue function or metric class name; default
 * {@code sparse_categorical_crossentropy}); {@code kerasConfig}, a JSON object of the metric's arguments by Keras's
 * names (and xent's extensions), as in its {@code get_config()}, such as {@code {"gamma": 3.0, "from_logits": true}}
 * (its {@code "dtype"} is the metric's dtype; {@code "name"} is ignored); the typed {@code fromLogits},
 * {@code ignoreClass}, {@code labelSmoothing}, {@code axis} and {@code excludeIgnoredFromCount}, which when set
 * override {@code kerasConfig}'s keys; {@code skipNulls}; {@code labelCol} (default {@code label}),
 * {@code predictionCol} (default {@code probability}; {@code rawPrediction} with {@code fromLogits}),
 * {@code weightCol} and {@code shapeCol} (unset: none). An argument the metric does not take, with another value than
 * its default, fails {@link #evaluate} naming it. Saved and loaded as MLlib's own evaluators are.
 *
 * <p>Params are set before use; evaluation itself is thread-safe.
 */
public final class XentEvaluator extends Evaluator implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;

    private final Param<String> metricName;
    private final Param<String> kerasConfig;
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
        metricName = new Param<>(this, "metricName", "the metric: a Keras function or metric class name, such as "
                + "sparse_categorical_crossentropy (integer labels), categorical_crossentropy (target arrays) or "
                + "binary_accuracy", ParamValidators.inArray(metricNames()));
        kerasConfig = new Param<>(this, "kerasConfig", "the metric's arguments as a JSON object by Keras's names, "
                + "such as {\"gamma\": 3.0}; the typed params, when set, override its keys");
        fromLogits = new BooleanParam(this, "fromLogits", "from_logits: whether predictions are logits");
        ignoreClass = new IntParam(this, "ignoreClass",
                "ignore_class: a label value to ignore (sparse_categorical_crossentropy)");
        labelSmoothing = new DoubleParam(this, "labelSmoothing",
                "label_smoothing in [0, 1] (the functions that take it)",
                ParamValidators.inRange(0, 1));
        axis = new IntParam(this, "axis", "the class axis in the batch (rows, ...shape)");
        excludeIgnoredFromCount = new BooleanParam(this, "excludeIgnoredFromCount",
                "exclude_ignored_from_count: leave ignored entries out of count even without weights (tf.keras 2)");
        skipNulls = new BooleanParam(this, "skipNulls", "skip rows with nulls instead of failing");
        labelCol = new Param<>(this, "labelCol", "label column name");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name: probabilities or logits");
        weightCol = new Param<>(this, "weightCol", "weight column name (unset: unweighted)");
        shapeCol = new Param<>(this, "shapeCol", "column of each row's prediction shape (unset: (classes,))");
        setDefault(metricName, "sparse_categorical_crossentropy");
        setDefault(kerasConfig, "{}");
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

    public Param<String> kerasConfig() {
        return kerasConfig;
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

    /** The metric's arguments as a JSON object, such as {@code {"k": 3}} or {@code {"alpha": [0.25, 0.5]}}. */
    public XentEvaluator setKerasConfig(String value) {
        set(kerasConfig, value);
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

    /** Every catalogue function name, then every metric class name. */
    private static String[] metricNames() {
        List<String> names = new ArrayList<>();
        for (KerasFunction f : Catalog.all()) {
            names.add(f.name());
        }
        for (KerasFunction f : Catalog.all()) {
            if (f.hasMetricClass()) {
                names.add(f.metricClassName());
            }
        }
        return names.toArray(new String[0]);
    }

    /** The catalogue function {@code metricName} names. */
    public KerasFunction function() {
        return Catalog.get($(metricName));
    }

    /**
     * The options the params describe: {@code kerasConfig}'s arguments, then the typed params that are set.
     *
     * @throws IllegalArgumentException when {@code kerasConfig} is not a JSON object of known arguments with valid
     *     values
     */
    public XentOptions options() {
        XentOptions.Builder b = XentOptions.builder().skipNulls((Boolean) $(skipNulls));
        for (Map.Entry<String, Object> e : kerasArguments().entrySet()) {
            if (e.getKey().equals("dtype")) {
                if (!(e.getValue() instanceof String)) {
                    throw new IllegalArgumentException("kerasConfig's dtype (" + e.getValue() + ") must be \"float32\""
                            + " or \"float64\"");
                }
                b.dtype(DType.fromKerasName((String) e.getValue()));
            } else if (!e.getKey().equals("name")) {
                b.set(e.getKey(), e.getValue());
            }
        }
        if (isSet(fromLogits)) {
            b.fromLogits((Boolean) $(fromLogits));
        }
        if (isSet(ignoreClass)) {
            b.ignoreClass((Integer) $(ignoreClass));
        }
        if (isSet(labelSmoothing)) {
            b.labelSmoothing((Double) $(labelSmoothing));
        }
        if (isSet(axis)) {
            b.axis((Integer) $(axis));
        }
        if (isSet(excludeIgnoredFromCount)) {
            b.excludeIgnoredFromCount((Boolean) $(excludeIgnoredFromCount));
        }
        return b.build();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> kerasArguments() {
        String json = $(kerasConfig);
        try {
            Object parsed = new ObjectMapper().readValue(json, Object.class);
            if (parsed instanceof Map) {
                return new LinkedHashMap<>((Map<String, Object>) parsed);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("kerasConfig (" + json + ") must be a JSON object: "
                    + e.getOriginalMessage(), e);
        }
        throw new IllegalArgumentException("kerasConfig (" + json + ") must be a JSON object of arguments, such as "
                + "{\"from_logits\": true}");
    }

    /** The metric with its state and row counts (the skipped rows among them). */
    public XentSummary summarize(Dataset<?> dataset) {
        return XentFunctions.aggregate(dataset, function(), false, options(),
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

    /** True for the accuracies, false for the rest (losses): Keras's direction of the metric. */
    @Override
    public boolean isLargerBetter() {
        return function().higherIsBetter();
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
