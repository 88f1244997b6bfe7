package dev.xent.cli;

import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The training run behind {@code ./xent}'s class-data-sharing archive: {@code ./xent} runs this class once per build
 * and JDK with {@code -XX:ArchiveClassesAtExit}, and every later run maps the classes it loaded.
 *
 * <p>The archive holds what this run loaded and linked, so it runs the commands a user runs on data large enough to
 * take every kernel path: the SIMD kernels and their scalar twins, split across threads, for probabilities and logits,
 * sparse and categorical, last-axis and channels-first, with and without sample weights. A run on a tiny file would
 * leave the Vector API's classes, lambdas and method-handle forms out of the archive; every run of a large file would
 * then spin about a hundred of those classes with the JDK's bytecode generator, and the JIT would spend a fifth of a
 * second compiling that generator.
 *
 * <p>Not part of the command line: it writes its inputs to a temporary directory, deletes them, prints nothing and
 * exits 0 (or 1 if a command failed, so the launcher keeps no archive of a broken run).
 */
final class CdsTraining {

    /** Rows of the last-axis inputs: above the kernels' parallel threshold (2^18 elements) at 100 classes. */
    static final int ROWS = 4096;
    static final int CLASSES = 100;
    /** Prefix of the temporary directory of the inputs. */
    static final String TEMP_PREFIX = "xent-cds-";

    private CdsTraining() {}

    public static void main(String[] args) throws IOException {
        System.exit(train());
    }

    /** Runs the commands in a temporary directory, which it deletes; 0 if all succeeded, else 1. */
    static int train() throws IOException {
        Path dir = Files.createTempDirectory(TEMP_PREFIX);
        try {
            return run(dir).isEmpty() ? 0 : 1;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Writes the inputs to {@code dir}, runs the commands, returns those that failed (with their error). */
    static List<String> run(Path dir) throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        String labels = write(dir, "labels.npy", NdArray.of(labels(random, ROWS, CLASSES), ROWS));
        String probs = write(dir, "probs.npy", NdArray.of(probabilities(random, ROWS, CLASSES), ROWS, CLASSES));
        String logits = write(dir, "logits.npy", NdArray.of(logits(random, ROWS * CLASSES), ROWS, CLASSES));
        String oneHot = write(dir, "one_hot.npy", NdArray.of(oneHot(random, ROWS, CLASSES), ROWS, CLASSES));
        // NumPy's one-hot targets are often float64 (np.eye): cast to the predictions' float32, as Keras does.
        String oneHot64 = write(dir, "one_hot64.npy", NdArray.of(toDouble(oneHot(random, ROWS, CLASSES)), ROWS,
                CLASSES));
        String weights = write(dir, "weights.npy", NdArray.of(weights(random, ROWS), ROWS));
        // Few classes (rows transposed into lanes) and channels-first (classes strided).
        int fewRows = ROWS * 8;
        String fewLabels = write(dir, "few_labels.npy", NdArray.of(labels(random, fewRows, 3), fewRows));
        String fewProbs = write(dir, "few_probs.npy", NdArray.of(probabilities(random, fewRows, 3), fewRows, 3));
        int batch = 4;
        int pixels = 64 * 64;
        String maskLabels = write(dir, "mask_labels.npy", NdArray.of(labels(random, batch * pixels, 5), batch, 64,
                64));
        String maskLogits = write(dir, "mask_logits.npy", NdArray.of(logits(random, batch * 5 * pixels), batch, 5,
                64, 64));

        List<String[]> commands = new ArrayList<>();
        for (String kind : new String[] {"metric", "loss"}) {
            commands.add(args(kind, "sparse_categorical_crossentropy", labels, probs));
            commands.add(args(kind, "sparse_categorical_crossentropy", labels, logits, "--from-logits",
                    "--sample-weight", weights));
            commands.add(args(kind, "categorical_crossentropy", oneHot, probs));
            commands.add(args(kind, "categorical_crossentropy", oneHot, logits, "--from-logits",
                    "--label-smoothing", "0.1"));
        }
        commands.add(args("metric", "categorical_crossentropy", oneHot64, probs));
        commands.add(args("metric", "sparse_categorical_crossentropy", fewLabels, fewProbs));
        commands.add(args("metric", "sparse_categorical_crossentropy", maskLabels, maskLogits, "--from-logits",
                "--axis", "1"));
        // Every other function of the catalogue once, on few rows (its classes, not its kernels), if computed here.
        NdArray smallLabels = NdArray.of(labels(random, 64, 3), 64);
        NdArray smallOneHot = NdArray.of(oneHot(random, 64, 3), 64, 3);
        NdArray smallProbs = NdArray.of(probabilities(random, 64, 3), 64, 3);
        String smallLabelsFile = write(dir, "small_labels.npy", smallLabels);
        String smallOneHotFile = write(dir, "small_one_hot.npy", smallOneHot);
        String smallProbsFile = write(dir, "small_probs.npy", smallProbs);
        for (KerasFunction f : Catalog.all()) {
            boolean labelTargets = f.targets() == KerasFunction.Targets.LABELS;
            if (!computed(f, labelTargets ? smallLabels : smallOneHot, smallProbs)) {
                continue;
            }
            String targets = labelTargets ? smallLabelsFile : smallOneHotFile;
            commands.add(args("metric", f.name(), targets, smallProbsFile));
            if (f.hasLoss()) {
                commands.add(args("loss", f.name(), targets, smallProbsFile));
            }
        }

        PrintWriter quiet = new PrintWriter(OutputStream.nullOutputStream());
        List<String> failed = new ArrayList<>();
        // These inputs are far smaller than a one-shot run needs before it takes SIMD (Kernels.forOneShot): ask for
        // SIMD, so that the archive holds that path; then one command as a small run makes it, on the twin alone.
        String kernels = System.getProperty("xent.kernels");
        System.setProperty("xent.kernels", "vector");
        try {
            for (String[] command : commands) {
                execute(command, quiet, failed);
            }
        } finally {
            if (kernels == null) {
                System.clearProperty("xent.kernels");
            } else {
                System.setProperty("xent.kernels", kernels);
            }
        }
        execute(args("metric", "sparse_categorical_crossentropy", labels, probs), quiet, failed);
        return failed;
    }

    /** Whether xent-core computes {@code f} (a function whose computation is pending is left out). */
    private static boolean computed(KerasFunction f, NdArray yTrue, NdArray yPred) {
        try {
            f.newMetric(java.util.Map.of()).updateState(yTrue, yPred);
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    private static void execute(String[] command, PrintWriter quiet, List<String> failed) {
        StringWriter err = new StringWriter();
        int code = XentCommand.newCommandLine(quiet, new PrintWriter(err, true)).execute(command);
        if (code != 0) {
            failed.add(String.join(" ", command) + " -> exit " + code + ": " + err.toString().trim());
        }
    }

    private static String[] args(String kind, String name, String yTrue, String yPred, String... more) {
        String[] base = {kind, name, "--y-true", yTrue, "--y-pred", yPred};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    private static String write(Path dir, String name, NdArray array) throws IOException {
        Path path = dir.resolve(name);
        NpyWriter.write(path, array);
        return path.toString();
    }

    private static int[] labels(SplittableRandom random, int n, int classes) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(classes);
        }
        return labels;
    }

    private static float[] probabilities(SplittableRandom random, int rows, int classes) {
        float[] p = new float[rows * classes];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += p[r * classes + c] = (float) random.nextDouble();
            }
            for (int c = 0; c < classes; c++) {
                p[r * classes + c] /= (float) sum;
            }
        }
        return p;
    }

    private static float[] logits(SplittableRandom random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (random.nextDouble() * 8 - 4);
        }
        return x;
    }

    private static float[] oneHot(SplittableRandom random, int rows, int classes) {
        float[] t = new float[rows * classes];
        for (int r = 0; r < rows; r++) {
            t[r * classes + random.nextInt(classes)] = 1f;
        }
        return t;
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    private static float[] weights(SplittableRandom random, int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) random.nextDouble();
        }
        return w;
    }
}
