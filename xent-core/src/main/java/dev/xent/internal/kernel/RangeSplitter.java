package dev.xent.internal.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits a range of outputs {@code [from, to)} into chunks run on a small dedicated {@link ForkJoinPool} (daemon
 * threads, created on first use, so callers' common-pool work does not compete with it), once a call reads at least
 * {@code minElements} input elements. Each chunk writes its own disjoint part of the output; the kernels' contract
 * (an output depends only on its own data) makes the result bit-identical for any thread count. The parallel
 * decorators ({@link ParallelKernel}, {@link ParallelElementwise}) share it. Thread-safe.
 */
final class RangeSplitter {

    /** Below this many elements per call, the call runs on the caller's thread. */
    static final int DEFAULT_MIN_ELEMENTS = 1 << 18;
    /** Each task reads at least this many elements (chunks are also at least one output). */
    static final int MIN_CHUNK_ELEMENTS = 1 << 16;
    /** Chunks per thread, for balance when threads are shared or outputs differ in cost. */
    static final int CHUNKS_PER_THREAD = 4;

    private final int threads;
    private final long minElements;
    private volatile ForkJoinPool pool;

    RangeSplitter(int threads, long minElements) {
        this.threads = threads;
        this.minElements = minElements;
    }

    int threads() {
        return threads;
    }

    private ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (this) {
                p = pool;
                if (p == null) {
                    // Numbered here: a worker's pool index is not assigned yet when the factory names it (every
                    // worker was "xent-kernel-0").
                    AtomicInteger created = new AtomicInteger();
                    p = new ForkJoinPool(threads, fjp -> {
                        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(fjp);
                        t.setName("xent-kernel-" + created.getAndIncrement());
                        t.setDaemon(true);
                        return t;
                    }, null, false);
                    pool = p;
                }
            }
        }
        return p;
    }

    /** The number of chunks for {@code outputs} outputs reading {@code perOutput} elements each (1: no split). */
    int chunks(int outputs, long perOutput) {
        long elements = outputs * Math.max(1, perOutput);
        if (threads <= 1 || outputs < 2 || elements < minElements) {
            return 1;
        }
        long byWork = Math.max(1, elements / Math.min(MIN_CHUNK_ELEMENTS, Math.max(1, minElements)));
        return (int) Math.min(Math.min(outputs, byWork), (long) threads * CHUNKS_PER_THREAD);
    }

    /** Outputs {@code [from, to)} of one chunk, written from {@code outOffset}. */
    interface Chunk {
        void run(int outOffset, int from, int to);
    }

    /** Runs {@code body} over {@code [from, to)} in {@link #chunks} pieces (on the caller's thread for one). */
    void split(int outOffset, int from, int to, long perOutput, Chunk body) {
        int chunks = chunks(to - from, perOutput);
        if (chunks <= 1) {
            body.run(outOffset, from, to);
            return;
        }
        int outputs = to - from;
        pool().invoke(new RecursiveAction() {
            @Override
            protected void compute() {
                ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks];
                for (int k = 0; k < chunks; k++) {
                    int a = from + (int) ((long) outputs * k / chunks);
                    int b = from + (int) ((long) outputs * (k + 1) / chunks);
                    tasks[k] = ForkJoinTask.adapt(() -> body.run(outOffset + (a - from), a, b));
                }
                invokeAll(tasks);
            }
        });
    }
}
