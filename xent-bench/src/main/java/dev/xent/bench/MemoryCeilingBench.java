package dev.xent.bench;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's memory-read ceiling for the kernels: a SIMD sum (four independent accumulators, nothing else) over
 * the same {@code megabytes} of floats as {@link KernelBench}, on 1 thread and on {@code threads} threads.
 * {@code GB/s = ops/s * megabytes * 2^20 / 1e9}.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar xent-bench/target/benchmarks.jar MemoryCeilingBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class MemoryCeilingBench {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    @Param({"256"})
    public int megabytes;

    @Param({"1", "2"})
    public int threads;

    float[] data;
    ForkJoinPool pool;

    @Setup(Level.Trial)
    public void setUp() {
        data = KernelBench.Data.predictions(megabytes << 18, 1, false, 42);
        pool = new ForkJoinPool(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdown();
    }

    static double sum(float[] a, int from, int to) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int l = F.length();
        int i = from;
        for (; i + 4 * l <= to; i += 4 * l) {
            s0 = s0.add(FloatVector.fromArray(F, a, i));
            s1 = s1.add(FloatVector.fromArray(F, a, i + l));
            s2 = s2.add(FloatVector.fromArray(F, a, i + 2 * l));
            s3 = s3.add(FloatVector.fromArray(F, a, i + 3 * l));
        }
        double total = s0.add(s1).add(s2.add(s3)).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        for (; i < to; i++) {
            total += a[i];
        }
        return total;
    }

    @Benchmark
    public double read() throws Exception {
        if (threads == 1) {
            return sum(data, 0, data.length);
        }
        int chunks = threads * 4;
        int n = data.length;
        return pool.submit(() -> IntStream.range(0, chunks).parallel()
                .mapToDouble(k -> sum(data, (int) ((long) n * k / chunks), (int) ((long) n * (k + 1) / chunks)))
                .sum()).get();
    }
}
