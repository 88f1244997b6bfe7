package dev.xent.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Seeded random rows in every supported column type, kept as flat arrays too for the core's single-machine answer:
 * {@code label} int, {@code label_l} bigint, {@code label_d} double, {@code onehot} array&lt;float&gt;,
 * {@code pf} array&lt;float&gt; probabilities, {@code pd} array&lt;double&gt;, {@code pv} vector, {@code logits}
 * array&lt;float&gt;, {@code w} double weight, {@code id} bigint.
 */
final class TestData {

    final int rows;
    final int classes;
    final int[] labels;
    final float[] probabilities;
    final double[] probabilities64;
    final float[] logits;
    final float[] onehot;
    final double[] weights;
    final long seed;

    TestData(long seed, int rows, int classes) {
        this.seed = seed;
        this.rows = rows;
        this.classes = classes;
        Random r = new Random(seed);
        labels = new int[rows];
        probabilities = new float[rows * classes];
        probabilities64 = new double[rows * classes];
        logits = new float[rows * classes];
        onehot = new float[rows * classes];
        weights = new double[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = r.nextInt(classes);
            onehot[i * classes + labels[i]] = 1;
            weights[i] = r.nextDouble() * 2;
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                double p = r.nextDouble() + 1e-3;
                probabilities64[i * classes + c] = p;
                sum += p;
                logits[i * classes + c] = (float) (r.nextGaussian() * 3);
            }
            for (int c = 0; c < classes; c++) {
                probabilities64[i * classes + c] /= sum;
                probabilities[i * classes + c] = (float) probabilities64[i * classes + c];
            }
        }
    }

    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("label", DataTypes.IntegerType)
            .add("label_l", DataTypes.LongType)
            .add("label_d", DataTypes.DoubleType)
            .add("onehot", DataTypes.createArrayType(DataTypes.FloatType))
            .add("pf", DataTypes.createArrayType(DataTypes.FloatType))
            .add("pd", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("pv", SQLDataTypes.VectorType())
            .add("logits", DataTypes.createArrayType(DataTypes.FloatType))
            .add("w", DataTypes.DoubleType);

    Dataset<Row> frame(SparkSession spark) {
        List<Row> out = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            Float[] pf = new Float[classes];
            Double[] pd = new Double[classes];
            Float[] lg = new Float[classes];
            Float[] oh = new Float[classes];
            double[] pv = new double[classes];
            for (int c = 0; c < classes; c++) {
                pf[c] = probabilities[i * classes + c];
                pd[c] = probabilities64[i * classes + c];
                pv[c] = probabilities64[i * classes + c];
                lg[c] = logits[i * classes + c];
                oh[c] = onehot[i * classes + c];
            }
            out.add(RowFactory.create((long) i, labels[i], (long) labels[i], (double) labels[i], oh, pf, pd,
                    Vectors.dense(pv), lg, weights[i]));
        }
        return spark.createDataFrame(out, SCHEMA);
    }

    /** {@code |actual - expected| <= tolerance * |expected|}, with a message naming the seed. */
    static void assertRelative(double expected, double actual, double tolerance, String what) {
        double err = Math.abs(actual - expected);
        if (!(err <= tolerance * Math.abs(expected)) && !(expected == 0 && actual == 0)) {
            throw new AssertionError(what + ": expected " + expected + " but got " + actual + " (relative error "
                    + err / Math.abs(expected) + " > " + tolerance + ")");
        }
    }
}
