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
 * Categorical cross-entropy per row (the {@code CategoricalCrossentropy} metric's kernel call) over {@code megabytes}
 * of float32 predictions and as many of targets, for each implementation (as {@link KernelBench}). Targets are
 * {@code onehot} (what a one-hot encoded label file holds) or {@code soft} (every entry non-zero, e.g. distillation).
 * One operation reads both arrays once, so {@code GB/s = ops/s * rows * classes * 8 / 1e9}
 * ({@code tools/bench/jmh_gbps.py} counts both).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar xent-bench/target/benchmarks.jar CategoricalBench
 * -rf json -rff categorical.json}. Setup checks the implementation against the scalar reference first.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class CategoricalBench {

    @Param({"2", "10", "100", "1000", "32000"})
    public int classes;

    /** {@code probabilities} (Keras's order: normalise, then clip) or {@code logits}. */
    @Param({"probabilities", "logits"})
    public String input;

    @Param({"onehot", "soft"})
    public String targets;

    @Param({"scalar", "vector", "parallel", "twin"})
    public String impl;

    /** Size of the predictions (the targets are as large). */
    @Param({"128"})
    public int megabytes;

    CrossEntropyKernel kernel;
    NdArray pred;
    NdArray target;
    RowLayout layout;
    double[] out;
    int rows;
    ProbabilityMode mode;

    @Setup(Level.Trial)
    public void setUp() {
        int elements = megabytes << 18;
        rows = Math.max(1, elements / classes);
        layout = new RowLayout(rows, classes, 1);
        mode = input.equals("logits") ? ProbabilityMode.LOGITS : ProbabilityMode.NORMALIZE_THEN_CLIP;
        pred = NdArray.of(KernelBench.Data.predictions(rows, classes, mode == ProbabilityMode.LOGITS, 42), rows,
                classes);
        target = NdArray.of(targets(rows, classes, targets.equals("onehot"), 43), rows, classes);
        out = new double[rows];
        kernel = KernelBench.Data.kernel(impl);
        checkAgainstReference();
        System.out.printf("%n# %s: %d rows x %d classes, %d bytes of predictions and targets per op%n",
                kernel.name(), rows, classes, 8L * rows * classes);
    }

    static float[] targets(int rows, int classes, boolean oneHot, long seed) {
        float[] t = new float[Math.multiplyExact(rows, classes)];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int r = 0; r < rows; r++) {
            if (oneHot) {
                t[r * classes + rnd.nextInt(classes)] = 1f;
            } else {
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    double v = rnd.nextDouble() + 1e-3;
                    t[r * classes + c] = (float) v;
                    sum += v;
                }
                for (int c = 0; c < classes; c++) {
                    t[r * classes + c] = (float) (t[r * classes + c] / sum);
                }
            }
        }
        return t;
    }

    private void checkAgainstReference() {
        int n = (int) Math.min(rows, Math.max(64, (1L << 21) / classes));
        double[] want = new double[n];
        double[] got = new double[n];
        Kernels.create("scalar", 1).categorical(pred, target, layout, 1, 0, mode, Precision.FLOAT32, want, 0, 0, n);
        kernel.categorical(pred, target, layout, 1, 0, mode, Precision.FLOAT32, got, 0, 0, n);
        for (int i = 0; i < n; i++) {
            double tol = 2 * Math.ulp((float) want[i]) + 1e-7; // the fast paths' contract (KernelAgreementTest)
            if (!(Math.abs(got[i] - want[i]) <= tol)) {
                throw new IllegalStateException(kernel.name() + " row " + i + ": " + got[i] + ", reference "
                        + want[i]);
            }
        }
    }

    @Benchmark
    public double[] categorical() {
        kernel.categorical(pred, target, layout, 1, 0, mode, Precision.FLOAT32, out, 0, 0, rows);
        return out;
    }
}
