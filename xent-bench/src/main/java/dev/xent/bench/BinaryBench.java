package dev.xent.bench;

import dev.xent.internal.kernel.ElementwiseKernel;
import dev.xent.internal.kernel.Kernels;
import dev.xent.internal.kernel.Precision;
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
 * Keras's {@code binary_crossentropy} per sample (the element-wise kernel, mean over the last axis) over 1e8 float32
 * predictions and as many float32 targets (800 MB), for each implementation: {@code scalar} (the reference),
 * {@code vector} (SIMD, one thread) and {@code parallel} (SIMD on every available processor). One operation reads
 * both arrays once, so {@code GB/s = ops/s * 8e8 / 1e9}; compare with {@link MemoryCeilingBench} at
 * {@code -p megabytes=800}.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar xent-bench/target/benchmarks.jar BinaryBench -f 1 -wi 2
 * -i 3}. {@code targets}: {@code hard} (0/1 labels: one log per element) or {@code soft} (uniform in [0, 1]: two).
 * Setup checks the implementation against the scalar reference on the first rows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class BinaryBench {

    /** {@code rows x columns}, 1e8 elements each; the mean runs over the columns. */
    @Param({"1000000x100", "10000000x10"})
    public String shape;

    @Param({"probabilities", "logits"})
    public String input;

    @Param({"hard", "soft"})
    public String targets;

    @Param({"vector", "parallel", "scalar"})
    public String impl;

    ElementwiseKernel kernel;
    NdArray pred;
    NdArray target;
    RowLayout layout;
    double[] out;
    int rows;
    boolean logits;

    @Setup(Level.Trial)
    public void setUp() {
        String[] rc = shape.split("x");
        rows = Integer.parseInt(rc[0]);
        int columns = Integer.parseInt(rc[1]);
        logits = input.equals("logits");
        float[] p = KernelBench.Data.predictions(rows, columns, logits, 42);
        float[] t = new float[p.length];
        SplittableRandom rnd = new SplittableRandom(43);
        boolean hard = targets.equals("hard");
        for (int i = 0; i < t.length; i++) {
            t[i] = hard ? rnd.nextInt(2) : (float) rnd.nextDouble();
        }
        pred = NdArray.of(p, rows, columns);
        target = NdArray.of(t, rows, columns);
        layout = new RowLayout(rows, columns, 1);
        out = new double[rows];
        int threads = impl.equals("parallel") ? Runtime.getRuntime().availableProcessors() : 1;
        kernel = Kernels.createElementwise(impl.equals("parallel") ? "vector" : impl, threads);
        if (!impl.equals("scalar") && kernel.name().startsWith("scalar")) {
            throw new IllegalStateException("the SIMD kernel is not available; run with --add-modules "
                    + "jdk.incubator.vector");
        }
        checkAgainstReference(Math.min(rows, 1 << 16));
        System.out.printf("%n# %s: %d rows x %d columns, %d bytes read per op%n", kernel.name(), rows, columns,
                8L * rows * columns);
    }

    private void checkAgainstReference(int n) {
        double[] want = new double[n];
        double[] got = new double[n];
        Kernels.createElementwise("scalar", 1).binaryCrossentropy(target, pred, layout, 1, 0, logits,
                Precision.FLOAT32, want, 0, 0, n);
        kernel.binaryCrossentropy(target, pred, layout, 1, 0, logits, Precision.FLOAT32, got, 0, 0, n);
        for (int i = 0; i < n; i++) {
            double tol = 4 * Math.ulp((float) want[i]) + 1e-7;
            if (!(Math.abs(got[i] - want[i]) <= tol)) {
                throw new IllegalStateException(kernel.name() + " row " + i + ": " + got[i] + ", reference "
                        + want[i]);
            }
        }
    }

    @Benchmark
    public double[] binaryCrossentropy() {
        kernel.binaryCrossentropy(target, pred, layout, 1, 0, logits, Precision.FLOAT32, out, 0, 0, rows);
        return out;
    }
}
