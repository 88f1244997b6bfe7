package dev.xent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.catalog.Catalog;
import dev.xent.losses.Losses;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.NdArray;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SQL functions: Keras's documented numbers, every input type, options, nulls, empty input, segmentation. */
class SqlFunctionsTest {

    private static final String KERAS_ROWS = " FROM VALUES (1, array(0.05F, 0.95F, 0F), 0.3D, array(0F, 1F, 0F)),"
            + " (2, array(0.1F, 0.8F, 0.1F), 0.7D, array(0F, 0F, 1F)) AS t(label, prediction, w, onehot)";

    private static SparkSession spark;

    @BeforeAll
    static void register() {
        spark = SparkTestSession.get();
        XentFunctions.register(spark, XentOptions.defaults());
        XentFunctions.register(spark, XentOptions.builder().skipNulls(true).build(), "xent_skip_");
        XentFunctions.register(spark, XentOptions.builder().fromLogits(true).build(), "xent_logits_");
        XentFunctions.register(spark, XentOptions.builder().labelSmoothing(0.1).build(), "xent_smooth_");
        XentFunctions.register(spark, XentOptions.builder().ignoreClass(0).build(), "xent_ignore0_");
        TestData d = new TestData(11, 900, 5);
        d.frame(spark).createOrReplaceTempView("random_rows");
        data = d;
    }

    private static TestData data;

    private static Row one(String sql) {
        return spark.sql(sql).first();
    }

    @Test
    void kerasDocumentedMetricExamples() {
        Row r = one("SELECT xent_sparse_categorical_crossentropy(label, prediction),"
                + " xent_sparse_categorical_crossentropy(label, prediction, w),"
                + " xent_categorical_crossentropy(onehot, prediction),"
                + " xent_categorical_crossentropy(onehot, prediction, w)" + KERAS_ROWS);
        assertEquals(1.1769392, r.getDouble(0), 1e-7);
        assertEquals(1.6271976, r.getDouble(1), 1e-7);
        assertEquals(1.1769392, r.getDouble(2), 1e-7);
        assertEquals(1.6271976, r.getDouble(3), 1e-7);
    }

    @Test
    void kerasDocumentedLossExamples() {
        Row r = one("SELECT xent_sparse_categorical_crossentropy_loss(label, prediction),"
                + " xent_sparse_categorical_crossentropy_loss(label, prediction, w),"
                + " xent_categorical_crossentropy_loss(onehot, prediction, w)" + KERAS_ROWS);
        assertEquals(1.1769392, r.getDouble(0), 1e-7);
        assertEquals(0.8135988, r.getDouble(1), 1e-7);
        assertEquals(0.8135988, r.getDouble(2), 1e-7);
    }

    @Test
    void summaryHasTheStateAndRowCounts() {
        Row s = one("SELECT xent_sparse_categorical_crossentropy_summary(label, prediction) AS s" + KERAS_ROWS)
                .getStruct(0);
        assertEquals(1.1769392, s.getDouble(s.fieldIndex("result")), 1e-7);
        assertEquals(2.3538785, s.getDouble(s.fieldIndex("total")), 1e-7);
        assertEquals(2.0, s.getDouble(s.fieldIndex("count")));
        assertEquals(2L, s.getLong(s.fieldIndex("rows")));
        assertEquals(0L, s.getLong(s.fieldIndex("skipped")));
    }

    @Test
    void perRowValuesAreTheUnreducedLoss() {
        List<Row> rows = spark.sql("SELECT xent_sparse_categorical_crossentropy_values(label, prediction),"
                + " xent_sparse_categorical_crossentropy_values(label, prediction, w)" + KERAS_ROWS).collectAsList();
        NdArray expected = Losses.sparseCategoricalCrossentropy(NdArray.of(new int[] {1, 2}),
                NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3));
        assertEquals(expected.getDouble(0), rows.get(0).getDouble(0));
        assertEquals(expected.getDouble(1), rows.get(1).getDouble(0));
        assertEquals((double) (float) (expected.getDouble(0) * 0.3f), rows.get(0).getDouble(1), 1e-7);
    }

    @Test
    void everyLabelAndPredictionTypeMatchesTheCore() {
        MeanMetricWrapper m32 = XentOptions.defaults().metric(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY);
        m32.updateState(NdArray.of(data.labels), NdArray.of(data.probabilities, data.rows, data.classes));
        MeanMetricWrapper m64 = XentOptions.defaults().metric(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY);
        m64.updateState(NdArray.of(data.labels), NdArray.of(data.probabilities64, data.rows, data.classes));
        Row r = one("SELECT xent_sparse_categorical_crossentropy(label, pf), xent_sparse_categorical_crossentropy(label_l, pf),"
                + " xent_sparse_categorical_crossentropy(label_d, pf), xent_sparse_categorical_crossentropy(label, pd),"
                + " xent_sparse_categorical_crossentropy(label, pv), xent_categorical_crossentropy(onehot, pf),"
                + " xent_categorical_crossentropy(onehot, pv) FROM random_rows");
        for (int i : new int[] {0, 1, 2}) {
            TestData.assertRelative(m32.result(), r.getDouble(i), 1e-12, "float32 column " + i);
        }
        for (int i : new int[] {3, 4}) {
            TestData.assertRelative(m64.result(), r.getDouble(i), 1e-12, "float64 column " + i);
        }
        MeanMetricWrapper c32 = XentOptions.defaults().metric(Catalog.CATEGORICAL_CROSSENTROPY);
        c32.updateState(NdArray.of(data.onehot, data.rows, data.classes),
                NdArray.of(data.probabilities, data.rows, data.classes));
        TestData.assertRelative(c32.result(), r.getDouble(5), 1e-12, "categorical float32");
        MeanMetricWrapper c64 = XentOptions.defaults().metric(Catalog.CATEGORICAL_CROSSENTROPY);
        c64.updateState(NdArray.of(data.onehot, data.rows, data.classes),
                NdArray.of(data.probabilities64, data.rows, data.classes));
        TestData.assertRelative(c64.result(), r.getDouble(6), 1e-12, "categorical vector");
        assertNotEquals(m32.result(), m64.result(), "float32 and float64 predictions must be computed differently");
    }

    @Test
    void everyNumericTypeAndComputedArgumentsGiveTheResultOfDoubles() {
        // Labels and weights of each numeric type are read with the row's own getter (decimals are cast), and
        // arguments that are expressions rather than columns are evaluated first: all must equal the double columns.
        MeanMetricWrapper m = XentOptions.defaults().metric(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY);
        m.updateState(NdArray.of(data.labels), NdArray.of(data.probabilities64, data.rows, data.classes),
                NdArray.of(data.weights));
        String[] labels = {"label_d", "CAST(label AS TINYINT)", "CAST(label AS SMALLINT)", "CAST(label AS FLOAT)",
            "CAST(label AS DECIMAL(5, 0))", "label_l + 0"};
        String[] weights = {"w", "CAST(w AS FLOAT)", "CAST(w AS DECIMAL(20, 17))", "w * 1"};
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < labels.length; i++) {
            sql.append(i == 0 ? "" : ", ").append("xent_sparse_categorical_crossentropy(").append(labels[i])
                    .append(", pv, w)");
        }
        for (String w : weights) {
            sql.append(", xent_sparse_categorical_crossentropy(label, pd, ").append(w).append(")");
        }
        sql.append(", xent_sparse_categorical_crossentropy(label, transform(pd, x -> x), w) FROM random_rows");
        Row r = one(sql.toString());
        for (int i = 0; i < labels.length; i++) {
            TestData.assertRelative(m.result(), r.getDouble(i), 1e-12, "label " + labels[i]);
        }
        // A float weight is rounded to float first: the result is close, not equal.
        for (int i = 0; i < weights.length; i++) {
            TestData.assertRelative(m.result(), r.getDouble(labels.length + i), i == 1 ? 1e-6 : 1e-12,
                    "weight " + weights[i]);
        }
        TestData.assertRelative(m.result(), r.getDouble(labels.length + weights.length), 1e-12, "computed prediction");
        MeanMetricWrapper c = XentOptions.defaults().metric(Catalog.CATEGORICAL_CROSSENTROPY);
        c.updateState(NdArray.of(data.onehot, data.rows, data.classes),
                NdArray.of(data.probabilities64, data.rows, data.classes));
        Row t = one("SELECT xent_categorical_crossentropy(onehot, pd),"
                + " xent_categorical_crossentropy(CAST(onehot AS ARRAY<DOUBLE>), pd),"
                + " xent_categorical_crossentropy(CAST(onehot AS ARRAY<INT>), pd),"
                + " xent_categorical_crossentropy(CAST(onehot AS ARRAY<DECIMAL(3, 0)>), pd) FROM random_rows");
        for (int i = 0; i < 4; i++) {
            TestData.assertRelative(c.result(), t.getDouble(i), 1e-12, "targets " + i);
        }
    }

    @Test
    void optionsFixedAtRegistrationMatchTheCore() {
        Row r = one("SELECT xent_logits_sparse_categorical_crossentropy(label, logits),"
                + " xent_smooth_categorical_crossentropy(onehot, pf),"
                + " xent_ignore0_sparse_categorical_crossentropy(label, pf),"
                + " xent_ignore0_sparse_categorical_crossentropy(label, pf, w) FROM random_rows");
        MeanMetricWrapper logits = XentOptions.builder().fromLogits(true).build()
                .metric(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY);
        logits.updateState(NdArray.of(data.labels), NdArray.of(data.logits, data.rows, data.classes));
        TestData.assertRelative(logits.result(), r.getDouble(0), 1e-12, "fromLogits");
        MeanMetricWrapper smooth = XentOptions.builder().labelSmoothing(0.1).build()
                .metric(Catalog.CATEGORICAL_CROSSENTROPY);
        smooth.updateState(NdArray.of(data.onehot, data.rows, data.classes),
                NdArray.of(data.probabilities, data.rows, data.classes));
        TestData.assertRelative(smooth.result(), r.getDouble(1), 1e-12, "labelSmoothing");
        XentOptions ignore = XentOptions.builder().ignoreClass(0).build();
        MeanMetricWrapper ig = ignore.metric(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY);
        ig.updateState(NdArray.of(data.labels), NdArray.of(data.probabilities, data.rows, data.classes));
        TestData.assertRelative(ig.result(), r.getDouble(2), 1e-12, "ignoreClass");
        MeanMetricWrapper igw = ignore.metric(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY);
        igw.updateState(NdArray.of(data.labels), NdArray.of(data.probabilities, data.rows, data.classes),
                NdArray.of(data.weights));
        TestData.assertRelative(igw.result(), r.getDouble(3), 1e-12, "ignoreClass weighted");
    }

    @Test
    void groupByWithMoreGroupsThanTheHashAggregateHoldsMatchesTheCorePerGroup() {
        // 300 groups exceed ObjectHashAggregate's 128 before it falls back to sorting, which encodes buffers.
        List<Row> rows = spark.sql("SELECT id % 300 AS g, xent_sparse_categorical_crossentropy(label, pf, w) AS m"
                + " FROM random_rows GROUP BY id % 300 ORDER BY g").collectAsList();
        assertEquals(300, rows.size());
        for (int g : new int[] {0, 7, 299}) {
            MeanMetricWrapper m = XentOptions.defaults().metric(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY);
            for (int i = g; i < data.rows; i += 300) {
                m.updateState(NdArray.of(new int[] {data.labels[i]}),
                        NdArray.of(java.util.Arrays.copyOfRange(data.probabilities, i * data.classes,
                                (i + 1) * data.classes), 1, data.classes), NdArray.of(new double[] {data.weights[i]}));
            }
            TestData.assertRelative(m.result(), rows.get(g).getDouble(1), 1e-12, "group " + g);
        }
    }

    @Test
    void anOptionThatDoesNotApplyIsRefusedByName() {
        Exception e = assertThrows(Exception.class,
                () -> one("SELECT xent_smooth_sparse_categorical_crossentropy(label, pf) FROM random_rows"));
        assertTrue(String.valueOf(e.getMessage()).contains("labelSmoothing (0.1)"), e.getMessage());
    }

    @Test
    void aWrongTypeIsRefusedAtAnalysis() {
        Exception e = assertThrows(Exception.class,
                () -> one("SELECT xent_sparse_categorical_crossentropy(label, 'text') FROM random_rows"));
        assertTrue(e.getMessage().contains("prediction (string) must be array<float>, array<double>, an ML vector or a"
                + " number"), e.getMessage());
    }

    @Test
    void everyCatalogueFunctionIsRegisteredWithALossWhereKerasHasOne() {
        for (String name : XentFunctions.functionNames("xent_")) {
            assertTrue(spark.catalog().functionExists(name), name);
        }
        for (dev.xent.catalog.KerasFunction f : dev.xent.catalog.Catalog.all()) {
            assertTrue(spark.catalog().functionExists("xent_" + f.name() + "_summary"), f.name());
            assertEquals(f.hasLoss(), spark.catalog().functionExists("xent_" + f.name() + "_loss"), f.name());
            assertEquals(f.hasLoss(), spark.catalog().functionExists("xent_" + f.name() + "_values"), f.name());
        }
    }

    @Test
    void theAccuraciesMatchTheCore() {
        Row r = one("SELECT xent_sparse_categorical_accuracy(label, pf, w), xent_categorical_accuracy(onehot, pv),"
                + " xent_sparse_top_k_categorical_accuracy(label, pd), xent_top_k_categorical_accuracy(onehot, pf)"
                + " FROM random_rows");
        String[] names = {"sparse_categorical_accuracy", "categorical_accuracy", "sparse_top_k_categorical_accuracy",
            "top_k_categorical_accuracy"};
        for (int i = 0; i < names.length; i++) {
            dev.xent.catalog.KerasFunction f = dev.xent.catalog.Catalog.get(names[i]);
            MeanMetricWrapper m = f.newMetric(java.util.Map.of());
            boolean sparse = f.targets() == dev.xent.catalog.KerasFunction.Targets.LABELS;
            m.updateState(sparse ? NdArray.of(data.labels) : NdArray.of(data.onehot, data.rows, data.classes),
                    i == 0 || i == 3 ? NdArray.of(data.probabilities, data.rows, data.classes)
                            : NdArray.of(data.probabilities64, data.rows, data.classes),
                    i == 0 ? NdArray.of(data.weights) : null);
            TestData.assertRelative(m.result(), r.getDouble(i), 1e-12, names[i]);
        }
    }

    @Test
    void numbersAreOneElementRowsAsKerasTakesABatchOfShapeRowsByOne() {
        // One probability (or logit) and one binary target per row: Keras's (rows, 1).
        double[] y = new double[data.rows];
        double[] p = new double[data.rows];
        float[] z = new float[data.rows];
        for (int i = 0; i < data.rows; i++) {
            y[i] = data.labels[i] == 0 ? 1 : 0;
            p[i] = data.probabilities64[i * data.classes];
            z[i] = data.logits[i * data.classes];
        }
        String rows = " FROM (SELECT id, IF(label = 0, 1D, 0D) AS y, pd[0] AS p, logits[0] AS z, w FROM random_rows)";
        Row r = one("SELECT xent_binary_crossentropy(y, p), xent_binary_crossentropy_loss(y, p, w),"
                + " xent_logits_binary_crossentropy(y, z), xent_binary_accuracy(y, p, w),"
                + " xent_binary_focal_crossentropy(y, p)" + rows);
        dev.xent.catalog.KerasFunction bce = dev.xent.catalog.Catalog.get("binary_crossentropy");
        NdArray yTrue = NdArray.of(y, data.rows, 1);
        NdArray yPred = NdArray.of(p, data.rows, 1);
        NdArray sw = NdArray.of(data.weights);
        MeanMetricWrapper m = bce.newMetric(java.util.Map.of());
        m.updateState(yTrue, yPred);
        TestData.assertRelative(m.result(), r.getDouble(0), 1e-12, "binary_crossentropy");
        TestData.assertRelative(bce.newLoss(java.util.Map.of()).value(yTrue, yPred, sw), r.getDouble(1), 1e-12,
                "binary_crossentropy loss");
        MeanMetricWrapper logits = bce.newMetric(java.util.Map.of("from_logits", true));
        logits.updateState(yTrue, NdArray.of(z, data.rows, 1));
        TestData.assertRelative(logits.result(), r.getDouble(2), 1e-12, "binary_crossentropy from logits");
        MeanMetricWrapper accuracy = dev.xent.catalog.Catalog.get("binary_accuracy").newMetric(java.util.Map.of());
        accuracy.updateState(yTrue, yPred, sw);
        TestData.assertRelative(accuracy.result(), r.getDouble(3), 1e-12, "binary_accuracy");
        MeanMetricWrapper focal = dev.xent.catalog.Catalog.get("binary_focal_crossentropy")
                .newMetric(java.util.Map.of());
        focal.updateState(yTrue, yPred);
        TestData.assertRelative(focal.result(), r.getDouble(4), 1e-12, "binary_focal_crossentropy");
        // The typed aggregator (numbers made one-element arrays before the bean) and the Dataset scan agree.
        Dataset<Row> d = spark.sql("SELECT *" + rows);
        Row typed = d.select(XentFunctions.typedColumn(d, bce, false, XentOptions.defaults(), "y", "p", null, null))
                .first().getStruct(0);
        TestData.assertRelative(m.result(), typed.getDouble(typed.fieldIndex("result")), 1e-12, "typed aggregator");
        TestData.assertRelative(m.result(), XentFunctions.aggregate(d, "BinaryCrossentropy", false,
                XentOptions.defaults(), "y", "p", null, null).getResult(), 1e-12, "Dataset scan");
        // Per row: the loss of a (1, 1) batch, a double.
        List<Row> values = spark.sql("SELECT xent_binary_crossentropy_values(y, p)" + rows + " ORDER BY id")
                .collectAsList();
        NdArray perRow = bce.newLoss(java.util.Map.of("reduction", "none")).call(yTrue, yPred);
        assertEquals(perRow.getDouble(0), values.get(0).getDouble(0), 1e-15);
        assertEquals(perRow.getDouble(7), values.get(7).getDouble(0), 1e-15);
    }

    @Test
    void aRowWithAnotherNumberOfClassesFailsNamingTheRow() {
        String message = rootMessage(assertThrows(Exception.class, () -> one("SELECT"
                + " xent_sparse_categorical_crossentropy(label, p) FROM (SELECT /*+ COALESCE(1) */ * FROM VALUES"
                + " (1, array(0.2F, 0.8F)), (0, array(0.1F, 0.2F, 0.7F)) AS t(label, p))")));
        assertTrue(message.matches("sparse_categorical_crossentropy in partition \\d+: row 1 has a prediction of 3"
                + " classes but earlier rows have 2; every row must have the same number of classes \\(label=0.0,"
                + " prediction=\\[0.1, 0.2, 0.7\\]\\)"), message);
        message = rootMessage(assertThrows(Exception.class, () -> one("SELECT"
                + " xent_categorical_crossentropy_loss(t, p, NULL, s) FROM (SELECT /*+ COALESCE(1) */ * FROM VALUES"
                + " (array(0, 1, 1, 0), array(0.2F, 0.8F, 0.5F, 0.5F), array(2, 2)),"
                + " (array(0, 0, 1, 0, 1, 0), array(0.2F, 0.1F, 0.7F, 0.3F, 0.3F, 0.4F), array(2, 3))"
                + " AS t(t, p, s))")));
        assertTrue(message.matches("categorical_crossentropy loss in partition \\d+: row 1 has shape \\[2, 3\\],"
                + " with 3 classes, but earlier rows have 2; .*"), message);
        // Rows of other partitions meet when the buffers are merged: the Dataset scan and the SQL aggregate.
        Dataset<Row> two = spark.createDataFrame(org.apache.spark.api.java.JavaSparkContext.fromSparkContext(
                spark.sparkContext()).parallelize(List.of(org.apache.spark.sql.RowFactory.create(1, new float[] {0.2f,
                    0.8f}), org.apache.spark.sql.RowFactory.create(0, new float[] {0.1f, 0.2f, 0.7f})), 2),
                new org.apache.spark.sql.types.StructType().add("label", "int").add("p", "array<float>"));
        assertEquals(2, two.javaRDD().getNumPartitions());
        for (org.junit.jupiter.api.function.Executable run : List.<org.junit.jupiter.api.function.Executable>of(
                () -> XentFunctions.aggregate(two, "sparse_categorical_crossentropy", false, XentOptions.defaults(),
                        "label", "p", null, null),
                () -> two.select(XentFunctions.column(two, "sparse_categorical_crossentropy", false,
                        XentOptions.defaults(), "label", "p", null, null)).first())) {
            message = rootMessage(assertThrows(Exception.class, run));
            assertTrue(message.matches("sparse_categorical_crossentropy.*: rows of [23] and of [23] classes meet when"
                    + " partitions are merged; every row must have the same number of classes"), message);
        }
    }

    @Test
    void emptyInputGivesZero() {
        Row r = one("SELECT xent_sparse_categorical_crossentropy(label, pf),"
                + " xent_categorical_crossentropy_loss(onehot, pf, w),"
                + " xent_sparse_categorical_crossentropy_summary(label, pf) FROM random_rows WHERE id < 0");
        assertEquals(0.0, r.getDouble(0));
        assertEquals(0.0, r.getDouble(1));
        Row s = r.getStruct(2);
        assertEquals(0.0, s.getDouble(s.fieldIndex("count")));
        assertEquals(0L, s.getLong(s.fieldIndex("rows")));
        XentSummary scan = XentFunctions.aggregate(spark.table("random_rows").where("id < 0"),
                Catalog.SPARSE_CATEGORICAL_CROSSENTROPY, false, XentOptions.defaults(), "label", "pf", "w", null);
        assertEquals(0.0, scan.getResult());
        assertEquals(0L, scan.getRows());
    }

    @Test
    void aNullRowFailsNamingTheRow() {
        Exception e = assertThrows(Exception.class, () -> one("SELECT xent_sparse_categorical_crossentropy(label, p)"
                + " FROM VALUES (1, array(0.2F, 0.8F)), (CAST(NULL AS INT), array(0.5F, 0.5F)) AS t(label, p)"));
        String message = rootMessage(e);
        assertTrue(message.matches("sparse_categorical_crossentropy in partition \\d+: row \\d+ has a null label "
                + "\\(label=null, prediction=\\[0.5, 0.5\\]\\); filter nulls out or set skipNulls"), message);
    }

    @Test
    void nullRowsAreSkippedAndCountedWhenAsked() {
        String rows = " FROM VALUES (1, array(0.2F, 0.8F), 1D), (CAST(NULL AS INT), array(0.5F, 0.5F), 1D),"
                + " (0, CAST(NULL AS ARRAY<FLOAT>), 1D), (0, array(0.9F, 0.1F), NULL),"
                + " (0, array(0.9F, NULL), 1D) AS t(label, p, w)";
        Row s = one("SELECT xent_skip_sparse_categorical_crossentropy_summary(label, p, w)" + rows).getStruct(0);
        assertEquals(5L, s.getLong(s.fieldIndex("rows")));
        assertEquals(4L, s.getLong(s.fieldIndex("skipped")));
        assertEquals(-Math.log(0.8f), s.getDouble(s.fieldIndex("result")), 1e-7);
        List<Row> values = spark.sql("SELECT xent_skip_sparse_categorical_crossentropy_values(label, p)" + rows)
                .collectAsList();
        assertNull(values.get(1).get(0));
        assertNull(values.get(2).get(0));
    }

    @Test
    void segmentationRowsWithAShapeMatchTheCoreOnTheWholeTensor() {
        // 6 rows of 2x2 maps with 3 classes, labels flattened per row.
        java.util.Random r = new java.util.Random(5);
        int n = 6;
        int[] labels = new int[n * 4];
        float[] probs = new float[n * 12];
        StringBuilder sql = new StringBuilder(" FROM VALUES ");
        for (int i = 0; i < n; i++) {
            StringBuilder l = new StringBuilder("array(");
            StringBuilder p = new StringBuilder("array(");
            for (int k = 0; k < 4; k++) {
                labels[i * 4 + k] = r.nextInt(3);
                l.append(k == 0 ? "" : ", ").append(labels[i * 4 + k]);
                for (int c = 0; c < 3; c++) {
                    probs[i * 12 + k * 3 + c] = 0.05f + r.nextInt(20) / 20f;
                    p.append(k + c == 0 ? "" : ", ").append(probs[i * 12 + k * 3 + c]).append("F");
                }
            }
            sql.append(i == 0 ? "" : ", ").append("(").append(l).append("), ").append(p).append("), ")
                    .append(i + 1).append("D)");
        }
        sql.append(" AS t(label, p, w)");
        Row row = one("SELECT xent_sparse_categorical_crossentropy(label, p, NULL, array(2, 2, 3)),"
                + " xent_sparse_categorical_crossentropy(label, p, w, array(2, 2, 3)),"
                + " xent_sparse_categorical_crossentropy_loss(label, p, w, array(2, 2, 3))" + sql);
        MeanMetricWrapper m = XentOptions.defaults().metric(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY);
        m.updateState(NdArray.of(labels, n, 2, 2), NdArray.of(probs, n, 2, 2, 3));
        TestData.assertRelative(m.result(), row.getDouble(0), 1e-12, "segmentation metric");
        double[] w = {1, 2, 3, 4, 5, 6};
        MeanMetricWrapper mw = XentOptions.defaults().metric(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY);
        mw.updateState(NdArray.of(labels, n, 2, 2), NdArray.of(probs, n, 2, 2, 3), NdArray.of(w));
        TestData.assertRelative(mw.result(), row.getDouble(1), 1e-12, "weighted segmentation metric");
        double loss = XentOptions.defaults().loss(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY)
                .value(NdArray.of(labels, n, 2, 2), NdArray.of(probs, n, 2, 2, 3), NdArray.of(w, n, 1, 1));
        TestData.assertRelative(loss, row.getDouble(2), 1e-12, "weighted segmentation loss");
        List<Row> values = spark.sql("SELECT xent_sparse_categorical_crossentropy_values(label, p, NULL,"
                + " array(2, 2, 3))" + sql).collectAsList();
        assertEquals(4, values.get(0).getList(0).size());
    }

    @Test
    void aShapeThatDoesNotMatchThePredictionNamesTheRow() {
        Exception e = assertThrows(Exception.class, () -> one("SELECT xent_sparse_categorical_crossentropy(l, p, NULL,"
                + " array(2, 2)) FROM VALUES (array(0), array(0.2F, 0.8F, 0.5F)) AS t(l, p)"));
        assertTrue(rootMessage(e).contains("row 0 has shape [2, 2] (4 elements) but its prediction has 3 elements"),
                rootMessage(e));
    }

    @Test
    void aLabelOutOfRangeNamesItsRowInThePartition() {
        Exception e = assertThrows(Exception.class, () -> one("SELECT xent_sparse_categorical_crossentropy(label, p)"
                + " FROM VALUES (1, array(0.2F, 0.8F)), (7, array(0.5F, 0.5F)) AS t(label, p)"));
        assertTrue(rootMessage(e).matches(".*in partition \\d+: yTrue label 7 at index \\d+ is out of range \\[0, 2\\)"),
                rootMessage(e));
    }

    /** The message of the first {@link IllegalArgumentException} in the cause chain (Spark wraps task errors). */
    static String rootMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException) {
                return t.getMessage();
            }
        }
        return String.valueOf(e.getMessage());
    }
}
