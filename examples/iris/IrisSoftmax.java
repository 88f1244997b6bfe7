import dev.xent.losses.LossAndGradient;
import dev.xent.losses.SparseCategoricalCrossentropy;
import dev.xent.metrics.CompiledMetrics;
import dev.xent.metrics.SparseCategoricalAccuracy;
import dev.xent.ndarray.NdArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A softmax classifier (one dense layer, 4 features to 3 classes) trained on Fisher's Iris with plain mini-batch SGD,
 * using xent's loss and gradient, and printing Keras-style epoch logs with the compiled metrics: the equivalent of
 *
 * <pre>
 * model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
 * model.compile(optimizer=keras.optimizers.SGD(0.1),
 *               loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
 *               metrics=["accuracy", keras.metrics.SparseCategoricalCrossentropy(from_logits=True)])
 * model.fit(x_train, y_train, batch_size=16, epochs=40, validation_data=(x_val, y_val))
 * </pre>
 *
 * Run from the repository root (see examples/iris/README.md):
 * <pre>
 * mvn -q -pl xent-core -am package -DskipTests
 * java -cp xent-core/target/xent-core-0.1.0-SNAPSHOT.jar examples/iris/IrisSoftmax.java [examples/iris/iris.csv]
 * </pre>
 */
public final class IrisSoftmax {

    static final String[] SPECIES = {"Iris-setosa", "Iris-versicolor", "Iris-virginica"};
    static final int FEATURES = 4;
    static final int CLASSES = 3;

    public static void main(String[] args) throws IOException {
        Path csv = Path.of(args.length > 0 ? args[0] : "examples/iris/iris.csv");
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (String line : Files.readAllLines(csv)) {
            if (line.isBlank() || line.startsWith("sepal_length")) {
                continue;
            }
            String[] f = line.split(",");
            float[] x = new float[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                x[j] = Float.parseFloat(f[j]);
            }
            rows.add(x);
            labels.add(List.of(SPECIES).indexOf(f[FEATURES]));
        }
        int n = rows.size();

        // Shuffle once with a fixed seed; 120 samples to train, 30 to validate; standardise with the training stats.
        Random rnd = new Random(42);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int nTrain = 120;
        float[] mean = new float[FEATURES];
        float[] std = new float[FEATURES];
        for (int i = 0; i < nTrain; i++) {
            for (int j = 0; j < FEATURES; j++) {
                mean[j] += rows.get(order[i])[j] / nTrain;
            }
        }
        for (int i = 0; i < nTrain; i++) {
            for (int j = 0; j < FEATURES; j++) {
                float d = rows.get(order[i])[j] - mean[j];
                std[j] += d * d / nTrain;
            }
        }
        for (int j = 0; j < FEATURES; j++) {
            std[j] = (float) Math.sqrt(std[j]);
        }
        float[] x = new float[n * FEATURES];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < FEATURES; j++) {
                x[i * FEATURES + j] = (rows.get(order[i])[j] - mean[j]) / std[j];
            }
            y[i] = labels.get(order[i]);
        }

        // The model: logits = x W + b, weights from a seeded Glorot-uniform draw, biases 0.
        float[] w = new float[FEATURES * CLASSES];
        float[] b = new float[CLASSES];
        double limit = Math.sqrt(6.0 / (FEATURES + CLASSES));
        for (int k = 0; k < w.length; k++) {
            w[k] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
        }

        var loss = SparseCategoricalCrossentropy.builder().fromLogits(true).build();
        CompiledMetrics train = compiled(loss);
        CompiledMetrics val = compiled(loss);
        int epochs = 40;
        int batchSize = 16;
        float lr = 0.1f;
        int steps = (nTrain + batchSize - 1) / batchSize;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            System.out.println("Epoch " + epoch + "/" + epochs);
            train.resetState();
            for (int from = 0; from < nTrain; from += batchSize) {
                int count = Math.min(batchSize, nTrain - from);
                NdArray yb = NdArray.of(y, from, new int[] {count});
                float[] xb = new float[count * FEATURES];
                System.arraycopy(x, from * FEATURES, xb, 0, xb.length);
                NdArray logits = forward(xb, count, w, b);
                // metrics see the predictions before the step, as Keras's train_step computes them
                train.updateState(yb, logits, null);
                LossAndGradient lg = loss.lossAndGradient(yb, logits, null);
                float[] g = lg.gradient().toFloatArray(); // d(mean loss)/d(logits), (count, 3)
                // backpropagate through the dense layer and take one SGD step
                for (int c = 0; c < CLASSES; c++) {
                    float gb = 0;
                    for (int i = 0; i < count; i++) {
                        gb += g[i * CLASSES + c];
                    }
                    b[c] -= lr * gb;
                    for (int j = 0; j < FEATURES; j++) {
                        float gw = 0;
                        for (int i = 0; i < count; i++) {
                            gw += xb[i * FEATURES + j] * g[i * CLASSES + c];
                        }
                        w[j * CLASSES + c] -= lr * gw;
                    }
                }
            }
            float[] xv = new float[(n - nTrain) * FEATURES];
            System.arraycopy(x, nTrain * FEATURES, xv, 0, xv.length);
            Map<String, Double> valLogs = val.evaluate(NdArray.of(y, nTrain, new int[] {n - nTrain}),
                    forward(xv, n - nTrain, w, b), null, 32);
            Map<String, Double> logs = new TreeMap<>(train.result());
            valLogs.forEach((k, v) -> logs.put("val_" + k, v));
            StringBuilder line = new StringBuilder(steps + "/" + steps);
            logs.forEach((k, v) -> line.append(String.format(Locale.ROOT, " - %s: %.4f", k, v)));
            System.out.println(line);
        }
    }

    static CompiledMetrics compiled(SparseCategoricalCrossentropy loss) {
        return CompiledMetrics.builder()
                .loss(loss)
                .metric(SparseCategoricalAccuracy.builder().name("accuracy").build())
                .metric(dev.xent.metrics.SparseCategoricalCrossentropy.builder().fromLogits(true).build())
                .build();
    }

    /** {@code x W + b} for {@code rows} samples. */
    static NdArray forward(float[] x, int rows, float[] w, float[] b) {
        float[] logits = new float[rows * CLASSES];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < CLASSES; c++) {
                float s = b[c];
                for (int j = 0; j < FEATURES; j++) {
                    s += x[i * FEATURES + j] * w[j * CLASSES + c];
                }
                logits[i * CLASSES + c] = s;
            }
        }
        return NdArray.of(logits, rows, CLASSES);
    }
}
