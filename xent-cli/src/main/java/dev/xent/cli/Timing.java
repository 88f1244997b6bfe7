package dev.xent.cli;

import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-phase timers of a streamed run, printed as one line on stderr at the end when {@code -Dxent.timing=true}
 * (off by default: then nothing is measured and no management class is loaded). Phases: JVM start to the command
 * ({@code start}), the reader thread's time mapping and converting chunks ({@code read}), the main thread's time
 * waiting for a chunk ({@code wait}) and computing ({@code compute}, the first chunk also on its own), then the JIT's
 * and the garbage collectors' totals. Used to find where a large run's time goes (docs/benchmarks.md).
 */
final class Timing {

    static final boolean ON = Boolean.getBoolean("xent.timing");

    final AtomicLong read = new AtomicLong();
    long wait;
    long compute;
    long first = -1;
    int chunks;
    private final long begin = System.nanoTime();
    private final long startMillis;

    Timing() {
        startMillis = ManagementFactory.getRuntimeMXBean().getUptime();
    }

    void chunk(long waitNanos, long computeNanos) {
        wait += waitNanos;
        compute += computeNanos;
        if (first < 0) {
            first = computeNanos;
        }
        chunks++;
    }

    void print(PrintWriter err) {
        long jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        long gc = 0;
        long gcs = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, b.getCollectionTime());
            gcs += Math.max(0, b.getCollectionCount());
        }
        err.println(String.format(Locale.ROOT, "xent timing: start %d ms, loop %.0f ms over %d chunks: read %.0f ms"
                        + " (reader thread), wait %.0f ms, compute %.0f ms (first chunk %.0f ms); JIT %d ms of"
                        + " compiler threads; GC %d ms in %d collections; uptime %d ms", startMillis,
                (System.nanoTime() - begin) / 1e6, chunks, read.get() / 1e6, wait / 1e6, compute / 1e6, first / 1e6,
                jit, gc, gcs, ManagementFactory.getRuntimeMXBean().getUptime()));
        err.flush();
    }
}
