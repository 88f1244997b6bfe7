package dev.xent.internal.kernel;

import dev.xent.ndarray.NdArray;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits the rows of one call across threads once the call reads at least {@code minElements} prediction
 * elements. Each task writes its own disjoint range of {@code out}, and a row's value never depends on the split (a
 * {@link CrossEntropyKernel} contract), so the output is bit-identical for any thread count; reductions over it
 * happen afterwards, in index order, on the caller's side.
 *
 * <p>The pool is a small dedicated {@link ForkJoinPool} of daemon threads, created on first use, so callers'
 * common-pool work does not compete with it. Thread-safe.
 */
final class ParallelKernel implements CrossEntropyKernel {

    /** Below this many elements per call, the call runs on the caller's thread. */
    static final int DEFAULT_MIN_ELEMENTS = 1 << 18;
    /** Each task reads at least this many elements (chunks are also at least one row). */
    static final int MIN_CHUNK_ELEMENTS = 1 << 16;
    /** Chunks per thread, for balance when threads are shared or rows differ in cost. */
    static final int CHUNKS_PER_THREAD = 4;

    private final CrossEntropyKernel delegate;
    private final int threads;
    private final long minElements;
    private volatile ForkJoinPool pool;

    ParallelKernel(CrossEntropyKernel delegate, int threads, long minElements) {
        this.delegate = delegate;
        this.threads = threads;
        this.minElements = minElements;
    }

    int threads() {
        return threads;
    }

    @Override
    public String name() {
        return delegate.name() + " x " + threads + " threads";
    }

    @Override
    public boolean vectorized() {
        return delegate.vectorized();
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

    /** The number of chunks for {@code rows} rows of {@code rowElements} elements each (1: no split). */
    private int chunks(int rows, long rowElements) {
        long elements = rows * Math.max(1, rowElements);
        if (threads <= 1 || rows < 2 || elements < minElements) {
            return 1;
        }
        long byWork = Math.max(1, elements / Math.min(MIN_CHUNK_ELEMENTS, Math.max(1, minElements)));
        return (int) Math.min(Math.min(rows, byWork), (long) threads * CHUNKS_PER_THREAD);
    }

    private interface Chunk {
        void run(int outOffset, int from, int to);
    }

    private void split(int outOffset, int from, int to, int chunks, Chunk body) {
        if (chunks <= 1) {
            body.run(outOffset, from, to);
            return;
        }
        int rows = to - from;
        pool().invoke(new RecursiveAction() {
            @Override
            protected void compute() {
                ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks];
                for (int k = 0; k < chunks; k++) {
                    int a = from + (int) ((long) rows * k / chunks);
                    int b = from + (int) ((long) rows * (k + 1) / chunks);
                    tasks[k] = ForkJoinTask.adapt(() -> body.run(outOffset + (a - from), a, b));
                }
                invokeAll(tasks);
            }
        });
    }

    @Override
    public void sparse(NdArray pred, RowLayout layout, int[] labels, ProbabilityMode mode, Precision precision,
                       double[] out, int outOffset, int from, int to) {
        split(outOffset, from, to, chunks(to - from, layout.classes),
                (o, a, b) -> delegate.sparse(pred, layout, labels, mode, precision, out, o, a, b));
    }

    @Override
    public void categorical(NdArray pred, NdArray target, RowLayout layout, double keep, double add,
                            ProbabilityMode mode, Precision precision, double[] out, int outOffset, int from,
                            int to) {
        split(outOffset, from, to, chunks(to - from, 2L * layout.classes),
                (o, a, b) -> delegate.categorical(pred, target, layout, keep, add, mode, precision, out, o, a, b));
    }
}
