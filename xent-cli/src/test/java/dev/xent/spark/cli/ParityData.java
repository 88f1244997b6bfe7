package dev.xent.spark.cli;

import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Writes the same random predictions as {@code y_true.npy} (int32), {@code y_pred.npy} (float32, rows x classes),
 * {@code sample_weight.npy} (float32) and {@code predictions.parquet} (label int, probs array&lt;float&gt;, weight
 * float), for {@code bin/check-cli-parity}: {@code xent metric|loss} on the .npy files against
 * {@code xent spark metric|loss} on the Parquet file. Usage: {@code ParityData DIR ROWS CLASSES SEED}.
 */
public final class ParityData {

    private ParityData() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int rows = Integer.parseInt(args[1]);
        int classes = Integer.parseInt(args[2]);
        Random r = new Random(Long.parseLong(args[3]));
        Files.createDirectories(dir);
        int[] labels = new int[rows];
        float[] probs = new float[rows * classes];
        float[] weights = new float[rows];
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            labels[i] = r.nextInt(classes);
            weights[i] = r.nextFloat() * 2;
            Float[] p = new Float[classes];
            for (int c = 0; c < classes; c++) {
                probs[i * classes + c] = r.nextFloat();
                p[c] = probs[i * classes + c];
            }
            out.add(RowFactory.create(labels[i], p, weights[i]));
        }
        NpyWriter.write(dir.resolve("y_true.npy"), NdArray.of(labels));
        NpyWriter.write(dir.resolve("y_pred.npy"), NdArray.of(probs, rows, classes));
        NpyWriter.write(dir.resolve("sample_weight.npy"), NdArray.of(weights));
        SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        StructType schema = new StructType().add("label", DataTypes.IntegerType)
                .add("probs", DataTypes.createArrayType(DataTypes.FloatType)).add("weight", DataTypes.FloatType);
        spark.createDataFrame(out, schema).repartition(4).write().mode("overwrite")
                .parquet(dir.resolve("predictions.parquet").toString());
        spark.stop();
    }
}
