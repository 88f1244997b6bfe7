package dev.xent.spark.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
 * float), for {@code bin/check-cli-parity}: {@code xent metric} on the .npy files against {@code xent spark metric}
 * on the Parquet file. Usage: {@code ParityData DIR ROWS CLASSES SEED}.
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
        ByteBuffer t = npy("<i4", new int[] {rows}, 4L * rows);
        t.asIntBuffer().put(labels);
        write(dir.resolve("y_true.npy"), t);
        ByteBuffer p = npy("<f4", new int[] {rows, classes}, 4L * rows * classes);
        p.asFloatBuffer().put(probs);
        write(dir.resolve("y_pred.npy"), p);
        ByteBuffer w = npy("<f4", new int[] {rows}, 4L * rows);
        w.asFloatBuffer().put(weights);
        write(dir.resolve("sample_weight.npy"), w);
        SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        StructType schema = new StructType().add("label", DataTypes.IntegerType)
                .add("probs", DataTypes.createArrayType(DataTypes.FloatType)).add("weight", DataTypes.FloatType);
        spark.createDataFrame(out, schema).repartition(4).write().mode("overwrite")
                .parquet(dir.resolve("predictions.parquet").toString());
        spark.stop();
    }

    /** A buffer holding an .npy version 1.0 header; its position is at the data. */
    private static ByteBuffer npy(String descr, int[] shape, long dataBytes) {
        StringBuilder s = new StringBuilder("(");
        for (int d : shape) {
            s.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? s.toString().replace(", ", ",") + ")" : s.substring(0, s.length() - 2) + ")";
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate((int) (10 + header.length() + dataBytes)).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        return b.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void write(Path path, ByteBuffer data) throws IOException {
        ByteBuffer whole = ByteBuffer.wrap(data.array());
        Files.write(path, whole.array());
    }
}
