package dev.xent.bench;

import dev.xent.internal.kernel.CrossEntropyKernel;
import dev.xent.internal.kernel.Kernels;
import dev.xent.internal.kernel.Precision;
import dev.xent.internal.kernel.ProbabilityMode;
import dev.xent.internal.kernel.RowLayout;
import dev.xent.ndarray.NdArray;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sparse cross-entropy per row (the metric's kernel call) over {@code megabytes} of float32 predictions, far more
 * than the caches hold, for each implementation: {@code scalar} (the reference), {@code vector} (SIMD, one thread)
 * and {@code parallel} (SIMD on every available processor). One operation reads all predictions once, so
 * {@code GB/s = ops/s * rows * classes * 4 / 1e9} ({@code tools/bench/jmh_gbps.py} prints that table).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar xent-bench/target/benchmarks.jar KernelBench
 * -rf json -rff kernels.json}. Before measuring, setup checks the implementation against the scalar reference on
 * the first rows (a wrong fast kernel fails the run instead of winning it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class KernelBench {

    @Param({"2", "10", "100", "1000", "32000", "128256"})
    public int classes;

    /** {@code probabilities} (TF's sparse order, the metric default) or {@code logits}. */
    @Param({"probabilities", "logits"})
    public String input;

    /** {@code twin}: the vector kernel's scalar twin, which runs while the vector code is not compiled yet. */
    @Param({"scalar", "vector", "parallel", "twin"})
    public String impl;

    /** Size of the predictions. */
    @Param({"256"})
    public int megabytes;

    /**
     * {@code uniform}: entries uniform in [0, 1) (probabilities) or [-4, 4) (logits); {@code confident}: a trained
     * model's rows, the softmax of Gaussian logits with standard deviation 8 (probabilities: about two thirds of the
     * entries below the clip bound 1e-7, at random places) or those logits.
     */
    @Param({"uniform"})
    public String data;

    CrossEntropyKernel kernel;
    NdArray pred;
    RowLayout layout;
    int[] labels;
    double[] out;
    int rows;
    ProbabilityMode mode;

    @Setup(Level.Trial)
    public void setUp() {
        int elements = megabytes << 18;
        rows = Math.max(1, elements / classes);
        layout = new RowLayout(rows, classes, 1);
        mode = input.equals("logits") ? ProbabilityMode.LOGITS : ProbabilityMode.CLIP_THEN_NORMALIZE;
        float[] values = this.data.equals("confident")
                ? Data.confident(rows, classes, mode == ProbabilityMode.LOGITS, 42)
                : Data.predictions(rows, classes, mode == ProbabilityMode.LOGITS, 42);
        pred = NdArray.of(values, rows, classes);
        labels = Data.labels(rows, classes, 43);
        out = new double[rows];
        kernel = Data.kernel(impl);
        Data.checkAgainstReference(kernel, pred, layout, labels, mode, rows);
        System.out.printf("%n# %s: %d rows x %d classes, %d prediction bytes per op%n", kernel.name(), rows,
                classes, 4L * rows * classes);
    }

    @Benchmark
    public double[] sparse() {
        kernel.sparse(pred, layout, labels, mode, Precision.FLOAT32, out, 0, 0, rows);
        return out;
    }

    /** Shared data generation and the setup check. */
    static final class Data {
        private Data() {}

        /** The kernel an {@code impl} parameter names; {@code parallel} is the vector kernel on every processor. */
        static CrossEntropyKernel kernel(String impl) {
            int threads = impl.equals("parallel") ? Runtime.getRuntime().availableProcessors() : 1;
            CrossEntropyKernel kernel = Kernels.create(impl.equals("parallel") ? "vector" : impl, threads);
            if (!impl.equals("scalar") && kernel.name().startsWith("scalar")) {
                throw new IllegalStateException("the SIMD kernel is not available; run with --add-modules "
                        + "jdk.incubator.vector");
            }
            return kernel;
        }

        static float[] predictions(int rows, int classes, boolean logits, long seed) {
            float[] data = new float[Math.multiplyExact(rows, classes)];
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int i = 0; i < data.length; i++) {
                data[i] = logits ? (float) (rnd.nextDouble() * 8 - 4) : (float) rnd.nextDouble();
            }
            return data;
        }

        /** Rows of Gaussian logits with standard deviation 8, or their softmax (see {@link KernelBench#data}). */
        static float[] confident(int rows, int classes, boolean logits, long seed) {
            float[] data = new float[Math.multiplyExact(rows, classes)];
            SplittableRandom rnd = new SplittableRandom(seed);
            double[] row = new double[classes];
            for (int r = 0; r < rows; r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    row[c] = (float) (nextGaussian(rnd) * 8);
                    max = Math.max(max, row[c]);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += Math.exp(row[c] - max);
                }
                for (int c = 0; c < classes; c++) {
                    data[r * classes + c] = (float) (logits ? row[c] : Math.exp(row[c] - max) / sum);
                }
            }
            return data;
        }

        /** A standard normal deviate (Box-Muller; {@code SplittableRandom} has none on Java 17). */
        private static double nextGaussian(SplittableRandom rnd) {
            return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
        }

        static int[] labels(int rows, int classes, long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int[] labels = new int[rows];
            for (int i = 0; i < rows; i++) {
                labels[i] = rnd.nextInt(classes);
            }
            return labels;
        }

        static void checkAgainstReference(CrossEntropyKernel kernel, NdArray pred, RowLayout layout, int[] labels,
                                          ProbabilityMode mode, int rows) {
            int n = (int) Math.min(rows, Math.max(64, (1L << 21) / layout.classes));
            double[] want = new double[n];
            double[] got = new double[n];
            Kernels.create("scalar", 1).sparse(pred, layout, labels, mode, Precision.FLOAT32, want, 0, 0, n);
            kernel.sparse(pred, layout, labels, mode, Precision.FLOAT32, got, 0, 0, n);
            for (int i = 0; i < n; i++) {
                double tol = 2 * Math.ulp((float) want[i]) + 1e-7;
                if (!(Math.abs(got[i] - want[i]) <= tol)) {
                    throw new IllegalStateException(kernel.name() + " row " + i + ": " + got[i] + ", reference "
                            + want[i]);
                }
            }
        }
    }
}
