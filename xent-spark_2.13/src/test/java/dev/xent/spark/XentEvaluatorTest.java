package dev.xent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.catalog.Catalog;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.NdArray;
import java.nio.file.Path;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ML evaluator: the core's number, MLlib's logLoss where they agree, CrossValidator, save and load. */
class XentEvaluatorTest {

    private static SparkSession spark;
    private static TestData data;
    private static Dataset<Row> frame;
    private static Dataset<Row> predictions;

    @BeforeAll
    static void data() {
        spark = SparkTestSession.get();
        data = new TestData(99, 400, 4);
        frame = data.frame(spark).cache();
        // A small 3-class problem whose classes depend on two features.
        Dataset<Row> raw = spark.sql("SELECT CAST(id % 3 AS DOUBLE) AS label, (id % 3) + rand(1) * 1.5 AS f1,"
                + " rand(2) AS f2 FROM range(300)");
        Dataset<Row> train = new VectorAssembler().setInputCols(new String[] {"f1", "f2"}).setOutputCol("features")
                .transform(raw).cache();
        predictions = new LogisticRegression().setMaxIter(20).fit(train).transform(train).cache();
        trainingSet = train;
    }

    private static Dataset<Row> trainingSet;

    @Test
    void evaluatesTheCoresMetric() {
        MeanMetricWrapper m = XentOptions.defaults().metric(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY);
        m.updateState(NdArray.of(data.labels), NdArray.of(data.probabilities64, data.rows, data.classes),
                NdArray.of(data.weights));
        double v = new XentEvaluator().setLabelCol("label_d").setPredictionCol("pv").setWeightCol("w")
                .evaluate(frame);
        TestData.assertRelative(m.result(), v, 1e-12, "weighted evaluator");
        assertFalse(new XentEvaluator().isLargerBetter());
    }

    @Test
    void agreesWithMllibLogLossAndWithItsOwnLogitsPath() {
        double mllib = new MulticlassClassificationEvaluator().setMetricName("logLoss").evaluate(predictions);
        double xent = new XentEvaluator().evaluate(predictions);
        // The metric rounds each value to float32 before summing, as Keras does; MLlib sums doubles.
        TestData.assertRelative(mllib, xent, 2e-7, "probability vs MLlib logLoss");
        double logits = new XentEvaluator().setFromLogits(true).setPredictionCol("rawPrediction")
                .evaluate(predictions);
        TestData.assertRelative(xent, logits, 2e-7, "rawPrediction with fromLogits vs probability");
    }

    @Test
    void choosesTheBetterModelInACrossValidator() {
        LogisticRegression lr = new LogisticRegression().setMaxIter(10);
        ParamMap[] grid = new ParamGridBuilder().addGrid(lr.regParam(), new double[] {0.001, 10.0}).build();
        CrossValidatorModel cv = new CrossValidator().setEstimator(lr).setEvaluator(new XentEvaluator())
                .setEstimatorParamMaps(grid).setNumFolds(2).setParallelism(1).fit(trainingSet);
        double[] metrics = cv.avgMetrics();
        assertEquals(2, metrics.length);
        assertTrue(metrics[0] < metrics[1], "weak regularisation must have the smaller loss: "
                + java.util.Arrays.toString(metrics));
    }

    @Test
    void savesAndLoadsItsParams(@TempDir Path dir) throws Exception {
        XentEvaluator e = new XentEvaluator().setMetricName("categorical_crossentropy").setLabelSmoothing(0.2)
                .setFromLogits(true).setLabelCol("onehot").setPredictionCol("logits").setWeightCol("w");
        String path = dir.resolve("xent-evaluator").toString();
        e.write().overwrite().save(path);
        XentEvaluator loaded = XentEvaluator.load(path);
        assertEquals(e.uid(), loaded.uid());
        assertEquals(e.options(), loaded.options());
        assertEquals("w", loaded.getOrDefault(loaded.weightCol()));
        assertEquals(e.evaluate(frame), loaded.evaluate(frame));

        // Inside a saved CrossValidator, MLlib finds the reader through the static read().
        LogisticRegression lr = new LogisticRegression();
        String cvPath = dir.resolve("cv").toString();
        new CrossValidator().setEstimator(lr).setEvaluator(e)
                .setEstimatorParamMaps(new ParamGridBuilder().addGrid(lr.regParam(), new double[] {0.1}).build())
                .write().save(cvPath);
        XentEvaluator inCv = (XentEvaluator) CrossValidator.load(cvPath).getEvaluator();
        assertEquals(e.options(), inCv.options());
    }

    @Test
    void everyCatalogueMetricWithItsDirectionAndKerasConfig(@TempDir Path dir) throws Exception {
        XentEvaluator top = new XentEvaluator().setMetricName("sparse_top_k_categorical_accuracy")
                .setKerasConfig("{\"k\": 2}").setLabelCol("label").setPredictionCol("pf").setWeightCol("w");
        assertTrue(top.isLargerBetter());
        MeanMetricWrapper m = Catalog.get("sparse_top_k_categorical_accuracy").newMetric(java.util.Map.of("k", 2));
        m.updateState(NdArray.of(data.labels), NdArray.of(data.probabilities, data.rows, data.classes),
                NdArray.of(data.weights));
        TestData.assertRelative(m.result(), top.evaluate(frame), 1e-12, "top-2 accuracy");
        String path = dir.resolve("top").toString();
        top.write().overwrite().save(path);
        XentEvaluator loaded = XentEvaluator.load(path);
        assertEquals(top.options(), loaded.options());
        assertEquals("{\"k\": 2}", loaded.getOrDefault(loaded.kerasConfig()));
        // Class names are accepted too; typed params override kerasConfig's keys.
        XentEvaluator cce = new XentEvaluator().setMetricName("CategoricalCrossentropy")
                .setKerasConfig("{\"from_logits\": true, \"label_smoothing\": 0.1}").setLabelSmoothing(0.2);
        assertFalse(cce.isLargerBetter());
        assertEquals(XentOptions.builder().fromLogits(true).labelSmoothing(0.2).build(), cce.options());
        // An argument the metric does not take is refused when evaluating, naming it.
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new XentEvaluator().setKerasConfig("{\"gamma\": 3}").setLabelCol("label").setPredictionCol("pf")
                        .evaluate(frame));
        assertEquals("gamma (3) is not an option of sparse_categorical_crossentropy; it must be 2.0", e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new XentEvaluator().setKerasConfig("[1]").options());
        assertTrue(e.getMessage().startsWith("kerasConfig ([1]) must be a JSON object"), e.getMessage());
    }

    @Test
    void countsSkippedRows() {
        Dataset<Row> withNull = frame.selectExpr("IF(id = 3, NULL, label) AS label", "pf AS probability");
        XentSummary s = new XentEvaluator().setSkipNulls(true).summarize(withNull);
        assertEquals(1, s.getSkipped());
        assertEquals(data.rows, s.getRows());
        assertEquals(data.rows - 1, s.getCount());
    }
}
