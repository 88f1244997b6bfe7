package dev.xent.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.losses.Loss;
import dev.xent.losses.Reduction;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.NdArray;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The aggregators give the single-machine answer (the core on all rows in one call) within 1e-12 relative for any
 * partitioning (1, 2, 7 and 64 partitions, most of the 64 empty), any row order and any batch size.
 */
class AggregatorTest {

    private static final KerasFunction SCCE = Catalog.SPARSE_CATEGORICAL_CROSSENTROPY;
    private static final KerasFunction CCE = Catalog.CATEGORICAL_CROSSENTROPY;

    private static SparkSession spark;
    private static TestData data;
    private static Dataset<Row> frame;

    @BeforeAll
    static void data() {
        spark = SparkTestSession.get();
        data = new TestData(20260511L, 1500, 7);
        frame = data.frame(spark).cache();
        frame.count();
    }

    /** Layouts of the same rows: 1, 2, 7 partitions; 64 hash partitions on a 7-valued key (57+ empty); shuffled. */
    static Stream<Arguments> partitionings() {
        return Stream.of(Arguments.of("1 partition", 1), Arguments.of("2 partitions", 2),
                Arguments.of("7 partitions", 7), Arguments.of("64 partitions, most empty", 64),
                Arguments.of("shuffled into 3", -3));
    }

    private static Dataset<Row> layout(int partitions) {
        if (partitions == 1) {
            return frame.coalesce(1);
        }
        if (partitions == 64) {
            return frame.repartition(64, col("label"));
        }
        if (partitions < 0) {
            return frame.orderBy(rand(7)).repartition(-partitions);
        }
        return frame.repartition(partitions);
    }

    private static final Reduction[] REDUCTIONS = {Reduction.SUM_OVER_BATCH_SIZE, Reduction.SUM,
        Reduction.MEAN_WITH_SAMPLE_WEIGHT};

    /** Metrics (sparse, categorical from logits; unweighted, weighted) and losses, all in one job per layout. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("partitionings")
    void metricsAndLossesEqualTheCoreForAnyPartitioning(String name, int partitions) {
        Dataset<Row> d = layout(partitions);
        XentOptions logits = XentOptions.builder().fromLogits(true).build();
        List<Column> columns = new ArrayList<>();
        List<double[]> expected = new ArrayList<>();
        List<String> what = new ArrayList<>();
        for (boolean weighted : new boolean[] {false, true}) {
            NdArray sw = weighted ? NdArray.of(data.weights) : null;
            String w = weighted ? "w" : null;
            MeanMetricWrapper sparse = XentOptions.defaults().metric(SCCE);
            sparse.updateState(NdArray.of(data.labels), NdArray.of(data.probabilities, data.rows, data.classes), sw);
            columns.add(XentFunctions.column(d, SCCE, false, XentOptions.defaults(),
                    "label", "pf", w, null));
            expected.add(new double[] {sparse.result(), sparse.total(), sparse.count()});
            what.add("sparse weighted=" + weighted);

            MeanMetricWrapper cat = logits.metric(CCE);
            cat.updateState(NdArray.of(data.onehot, data.rows, data.classes),
                    NdArray.of(data.logits, data.rows, data.classes), sw);
            columns.add(XentFunctions.column(d, CCE, false, logits, "onehot", "logits", w, null));
            expected.add(new double[] {cat.result(), cat.total(), cat.count()});
            what.add("categorical logits weighted=" + weighted);
        }
        for (Reduction reduction : REDUCTIONS) {
            XentOptions options = XentOptions.builder().reduction(reduction).ignoreClass(3).build();
            Loss loss = options.loss(SCCE);
            double value = loss.value(NdArray.of(data.labels),
                    NdArray.of(data.probabilities64, data.rows, data.classes), NdArray.of(data.weights));
            columns.add(XentFunctions.column(d, SCCE, true, options, "label_l", "pv", "w",
                    null));
            expected.add(new double[] {value});
            what.add("loss " + reduction.kerasName());
            // The typed Aggregator through functions.udaf (what a Connect session runs): the same state.
            columns.add(XentFunctions.typedColumn(d, SCCE, true, options, "label_l", "pv",
                    "w", null));
            expected.add(new double[] {value});
            what.add("typed aggregator loss " + reduction.kerasName());
        }
        Row r = d.select(columns.toArray(new Column[0])).first();
        for (int i = 0; i < columns.size(); i++) {
            Row s = r.getStruct(i);
            double[] e = expected.get(i);
            TestData.assertRelative(e[0], s.getDouble(s.fieldIndex("result")), 1e-12, name + " " + what.get(i));
            if (e.length == 3) {
                TestData.assertRelative(e[1], s.getDouble(s.fieldIndex("total")), 1e-12, name + " total " + what.get(i));
                TestData.assertRelative(e[2], s.getDouble(s.fieldIndex("count")), 1e-12, name + " count " + what.get(i));
            }
            assertEquals(data.rows, s.getLong(s.fieldIndex("rows")));
        }
    }

    @Test
    void theBatchSizeDoesNotChangeTheResult() {
        MeanMetricWrapper m = XentOptions.defaults().metric(SCCE);
        m.updateState(NdArray.of(data.labels), NdArray.of(data.probabilities, data.rows, data.classes),
                NdArray.of(data.weights));
        for (int batchRows : new int[] {1, 3, 100, 4099}) {
            XentOptions options = XentOptions.builder().batchRows(batchRows).build();
            XentSummary s = XentFunctions.aggregate(layout(2), SCCE, false, options,
                    "label", "pf", "w", null);
            assertState(m.result(), m.total(), m.count(), s, "batchRows=" + batchRows);
        }
    }

    @Test
    void theDatasetScanTheSqlAggregateAndTheTypedAggregatorAgreeOnSparseVectorsMapsAndNullElements() {
        StructType schema = new StructType().add("label", DataTypes.IntegerType)
                .add("v", org.apache.spark.ml.linalg.SQLDataTypes.VectorType())
                .add("map_label", DataTypes.createArrayType(DataTypes.IntegerType))
                .add("map_pred", DataTypes.createArrayType(DataTypes.FloatType)).add("w", DataTypes.DoubleType);
        Dataset<Row> d = spark.createDataFrame(List.of(
                RowFactory.create(1, Vectors.dense(0.2, 0.8), new Integer[] {0, 1}, new Float[] {0.1f, 0.9f, 0.6f, 0.4f},
                        2.0),
                RowFactory.create(0, Vectors.sparse(2, new int[] {1}, new double[] {1.0}), new Integer[] {1, 1},
                        new Float[] {0.3f, 0.7f, 0.5f, 0.5f}, 1.0),
                RowFactory.create(1, Vectors.dense(0.5, 0.5), new Integer[] {0, 0}, new Float[] {0.2f, null, 0.5f, 0.5f},
                        1.0)), schema).withColumn("shape", functions.expr("array(2, 2)"));
        XentOptions skip = XentOptions.builder().skipNulls(true).build();
        for (String[] cols : new String[][] {{"label", "v", "w", null}, {"map_label", "map_pred", "w", "shape"}}) {
            XentSummary scan = XentFunctions.aggregate(d, SCCE, false, skip, cols[0],
                    cols[1], cols[2], cols[3]);
            Row both = d.select(XentFunctions.column(d, SCCE, false, skip, cols[0],
                    cols[1], cols[2], cols[3]), XentFunctions.typedColumn(d, SCCE, false,
                    skip, cols[0], cols[1], cols[2], cols[3])).first();
            for (int i = 0; i < 2; i++) {
                Row agg = both.getStruct(i);
                String what = (i == 0 ? "SQL aggregate " : "typed aggregator ") + cols[1];
                assertEquals(agg.getDouble(agg.fieldIndex("total")), scan.getTotal(), what);
                assertEquals(agg.getDouble(agg.fieldIndex("count")), scan.getCount(), what);
                assertEquals(agg.getLong(agg.fieldIndex("skipped")), scan.getSkipped(), what);
                assertEquals(3L, agg.getLong(agg.fieldIndex("rows")), what);
            }
        }
        assertEquals(1, XentFunctions.aggregate(d, SCCE, false, skip, "map_label",
                "map_pred", null, "shape").getSkipped());
    }

    @Test
    void theTypedApiOverABeanDataset() {
        List<XentInput> rows = new ArrayList<>();
        rows.add(XentInput.sparse(1, new float[] {0.05f, 0.95f, 0f}).withWeight(0.3));
        rows.add(XentInput.sparse(2, new float[] {0.1f, 0.8f, 0.1f}).withWeight(0.7));
        Dataset<XentInput> ds = spark.createDataset(rows, XentInput.encoder());
        double metric = ds.select(XentAggregator.metric(SCCE, XentOptions.defaults(), true)
                .toColumn()).first();
        assertEquals(1.6271976, metric, 1e-7);
        double loss = ds.select(XentAggregator.loss(SCCE, XentOptions.defaults(), true)
                .toColumn()).first();
        assertEquals(0.8135988, loss, 1e-7);
    }

    @Test
    void mergeIsTheCoresPlusAndTheBufferSurvivesEncoding() {
        XentAggregator<Double> agg = XentAggregator.metric(SCCE, XentOptions.defaults(),
                false);
        XentBuffer a = agg.reduce(agg.zero(), XentInput.sparse(1, new float[] {0.05f, 0.95f, 0f}));
        XentBuffer b = agg.reduce(agg.zero(), XentInput.sparse(2, new float[] {0.1f, 0.8f, 0.1f}));
        XentBuffer decoded = new XentBuffer();
        decoded.setBytes(b.getBytes());
        assertEquals(1.1769392, agg.finish(agg.merge(a, decoded)), 1e-7);
        assertEquals(2, a.rows);
    }

    private static void assertState(double result, double total, double count, XentSummary s, String what) {
        TestData.assertRelative(result, s.getResult(), 1e-12, what + " result");
        TestData.assertRelative(total, s.getTotal(), 1e-12, what + " total");
        TestData.assertRelative(count, s.getCount(), 1e-12, what + " count");
    }
}
