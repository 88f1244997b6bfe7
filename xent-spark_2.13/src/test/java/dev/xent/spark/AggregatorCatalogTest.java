package dev.xent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.losses.Loss;
import dev.xent.losses.Reduction;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.NdArray;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every catalogue function, through the SQL functions, the typed aggregator and the Dataset scan, equals the core's
 * {@code newMetric(...)} / {@code newLoss(...)} on all rows in one call, within 1e-12 relative, on 1, 3 and 7
 * partitions: unweighted float32 and weighted float64 metrics, logits where the function takes them, weighted losses
 * with two reductions. One job per layout holds every SQL and typed column.
 */
class AggregatorCatalogTest {

    private static final int ROWS = 700;
    private static final int CLASSES = 7;
    private static final long SEED = 20260601L;

    private static SparkSession spark;
    private static Dataset<Row> frame;
    private static int[] labels;
    private static float[] targets;
    private static float[] probabilities;
    private static double[] probabilities64;
    private static float[] logits;
    private static double[] weights;

    @BeforeAll
    static void data() {
        spark = SparkTestSession.get();
        Random r = new Random(SEED);
        labels = new int[ROWS];
        targets = new float[ROWS * CLASSES];
        probabilities = new float[ROWS * CLASSES];
        probabilities64 = new double[ROWS * CLASSES];
        logits = new float[ROWS * CLASSES];
        weights = new double[ROWS];
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            labels[i] = r.nextInt(CLASSES);
            weights[i] = r.nextDouble() * 2;
            double ps = 0;
            double ts = 0;
            double[] p = new double[CLASSES];
            double[] t = new double[CLASSES];
            for (int c = 0; c < CLASSES; c++) {
                p[c] = r.nextDouble() + 1e-3;
                ps += p[c];
                // Soft targets with a peak at the label: valid for every same-shape function (binary, categorical,
                // KL divergence, Poisson, accuracies).
                t[c] = c == labels[i] ? 2 + r.nextDouble() : r.nextDouble() * 0.5;
                ts += t[c];
                logits[i * CLASSES + c] = (float) (r.nextGaussian() * 3);
            }
            Float[] pf = new Float[CLASSES];
            Double[] pd = new Double[CLASSES];
            Float[] tf = new Float[CLASSES];
            Float[] lg = new Float[CLASSES];
            for (int c = 0; c < CLASSES; c++) {
                int k = i * CLASSES + c;
                probabilities64[k] = p[c] / ps;
                probabilities[k] = (float) probabilities64[k];
                targets[k] = (float) (t[c] / ts);
                pf[c] = probabilities[k];
                pd[c] = probabilities64[k];
                tf[c] = targets[k];
                lg[c] = logits[k];
            }
            rows.add(RowFactory.create((long) i, labels[i], tf, pf, pd, lg, weights[i]));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType).add("label", DataTypes.IntegerType)
                .add("target", DataTypes.createArrayType(DataTypes.FloatType))
                .add("pf", DataTypes.createArrayType(DataTypes.FloatType))
                .add("pd", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("logits", DataTypes.createArrayType(DataTypes.FloatType)).add("w", DataTypes.DoubleType);
        frame = spark.createDataFrame(rows, schema).cache();
        frame.count();
        XentFunctions.register(spark, XentOptions.defaults(), "xcat_");
        XentFunctions.register(spark, LOGITS, "xcat_logits_");
    }

    private static final XentOptions LOGITS = XentOptions.builder().fromLogits(true).reduction(Reduction.SUM).build();

    /** One aggregation: what it runs in Spark and what the core says on all rows at once. */
    private record Case(String what, Column column, double[] expected) {}

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 3, 7})
    void everyFunctionEqualsTheCoreOnAnyPartitioning(int partitions) {
        Dataset<Row> d = partitions == 1 ? frame.coalesce(1) : frame.repartition(partitions);
        List<Case> cases = new ArrayList<>();
        for (KerasFunction f : Catalog.all()) {
            boolean sparse = f.targets() == KerasFunction.Targets.LABELS;
            String label = sparse ? "label" : "target";
            String n = f.name();
            boolean logitsMetric = f.metric().configKeys().contains("from_logits");
            cases.add(new Case(n + " metric float32", sql("xcat_" + n + "_summary(" + label + ", pf)"),
                    metric(f, Map.of(), yTrue(f, true), pred32(probabilities), null)));
            cases.add(new Case(n + " metric weighted float64", sql("xcat_" + n + "_summary(" + label + ", pd, w)"),
                    metric(f, Map.of(), yTrue(f, false), pred64(probabilities64), weights)));
            cases.add(new Case(n + " typed aggregator metric", XentFunctions.typedColumn(d, f, false,
                    XentOptions.defaults(), label, "pf", "w", null),
                    metric(f, Map.of(), yTrue(f, true), pred32(probabilities), weights)));
            if (logitsMetric) {
                cases.add(new Case(n + " metric from logits", sql("xcat_logits_" + n + "_summary(" + label
                        + ", logits, w)"), metric(f, Map.of("from_logits", true), yTrue(f, true), pred32(logits),
                        weights)));
            }
            if (f.hasLoss()) {
                cases.add(new Case(n + " loss weighted", sql("xcat_" + n + "_loss_summary(" + label + ", pf, w)"),
                        loss(f, Map.of(), yTrue(f, true), pred32(probabilities), weights)));
                Map<String, Object> config = new HashMap<>(Map.of("reduction", "sum"));
                if (f.loss().configKeys().contains("from_logits")) {
                    config.put("from_logits", true);
                    cases.add(new Case(n + " loss from logits, sum", sql("xcat_logits_" + n + "_loss_summary(" + label
                            + ", logits, w)"), loss(f, config, yTrue(f, true), pred32(logits), weights)));
                }
            }
        }
        Row r = d.select(cases.stream().map(Case::column).toArray(Column[]::new)).first();
        for (int i = 0; i < cases.size(); i++) {
            Row s = r.getStruct(i);
            Case c = cases.get(i);
            String what = partitions + " partitions, " + c.what() + " (seed " + SEED + ")";
            TestData.assertRelative(c.expected()[0], s.getDouble(s.fieldIndex("result")), 1e-12, what + " result");
            TestData.assertRelative(c.expected()[1], s.getDouble(s.fieldIndex("total")), 1e-12, what + " total");
            if (c.expected().length == 3) {
                TestData.assertRelative(c.expected()[2], s.getDouble(s.fieldIndex("count")), 1e-12, what + " count");
            }
            assertEquals(ROWS, s.getLong(s.fieldIndex("rows")), what);
        }
        if (partitions == 7) {
            // The Dataset scan (what the evaluator and the command line run), by name.
            for (KerasFunction f : Catalog.all()) {
                boolean sparse = f.targets() == KerasFunction.Targets.LABELS;
                XentSummary s = XentFunctions.aggregate(d, f.name(), false, XentOptions.defaults(),
                        sparse ? "label" : "target", "pd", "w", null);
                double[] e = metric(f, Map.of(), yTrue(f, false), pred64(probabilities64), weights);
                TestData.assertRelative(e[0], s.getResult(), 1e-12, "scan " + f.name());
                TestData.assertRelative(e[2], s.getCount(), 1e-12, "scan count " + f.name());
            }
        }
    }

    /** A registered SQL function's call, as a column of the selection. */
    private static Column sql(String expression) {
        return functions.expr(expression);
    }

    private static NdArray yTrue(KerasFunction f, boolean float32) {
        if (f.targets() == KerasFunction.Targets.LABELS) {
            return NdArray.of(labels);
        }
        if (float32) {
            return NdArray.of(targets, ROWS, CLASSES);
        }
        double[] t = new double[targets.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = targets[i];
        }
        return NdArray.of(t, ROWS, CLASSES);
    }

    private static NdArray pred32(float[] p) {
        return NdArray.of(p, ROWS, CLASSES);
    }

    private static NdArray pred64(double[] p) {
        return NdArray.of(p, ROWS, CLASSES);
    }

    /** Result, total and count of the core metric on all rows in one call. */
    private static double[] metric(KerasFunction f, Map<String, ?> config, NdArray yTrue, NdArray yPred,
                                   double[] w) {
        MeanMetricWrapper m = f.newMetric(config);
        m.updateState(yTrue, yPred, w == null ? null : NdArray.of(w));
        return new double[] {m.result(), m.total(), m.count()};
    }

    /** Result, weighted sum and divisor (not for {@code sum}, which does not use it) of the core loss in one call. */
    private static double[] loss(KerasFunction f, Map<String, ?> config, NdArray yTrue, NdArray yPred, double[] w) {
        Loss l = f.newLoss(config);
        NdArray sw = w == null ? null : NdArray.of(w);
        dev.xent.losses.LossState s = l.partial(yTrue, yPred, sw);
        assertEquals(l.value(yTrue, yPred, sw), s.result(), 1e-12 * Math.abs(s.result()));
        return s.reduction() == Reduction.SUM ? new double[] {s.result(), s.sum()}
                : new double[] {s.result(), s.sum(), s.divisor()};
    }
}
