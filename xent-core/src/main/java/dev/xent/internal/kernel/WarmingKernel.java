package dev.xent.internal.kernel;

import dev.xent.ndarray.NdArray;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The vector kernel, warmed up on the real rows instead of keeping callers waiting. Until C2 has compiled it,
 * Vector API code runs boxed, tens of times slower than plain Java; on a small machine a short process (the command
 * line on a file of a few GB) would spend longer warming it up than SIMD saves. So while a kind of call (sparse or
 * categorical, in one probability mode) is cold, float32 calls are cut into slices of rows: one thread at a time
 * takes a slice through the vector kernel (its warm-up, on real data, never wasted), as long as that has cost no more
 * time than the slices computed meanwhile by the vector kernel's scalar twin ({@link LaneTwin}, compiled within
 * milliseconds). Once vector slices of a kind run at least as fast as the best twin slice, a few times in a row, that
 * kind goes to the vector kernel alone.
 *
 * <p>Timing decides only which of the two computes a row, never a value: the twin and the vector kernel agree bit
 * for bit. Other calls (float64, other dtypes) go to the vector kernel directly. Thread-safe; meant to sit under
 * {@link ParallelKernel}, so that each thread's share of a call is sliced here. Disabled with
 * {@code -Dxent.warmup=false}.
 */
final class WarmingKernel implements CrossEntropyKernel {

    /** While cold, rows are taken in slices of about this many elements (a few ms of cold vector code). */
    static final int SLICE_ELEMENTS = 1 << 14;
    /** Consecutive vector slices at least as fast as the best twin slice that make a kind of call warm. */
    static final int WARM_AFTER = 3;

    private final CrossEntropyKernel vector;
    private final CrossEntropyKernel twin;
    /** Held by the one thread running a cold vector slice. */
    private final AtomicBoolean warming = new AtomicBoolean();
    private final AtomicLong vectorNanos = new AtomicLong();
    private final AtomicLong twinNanos = new AtomicLong();
    /** Bit {@link #kind}{@code (mode, categorical)} set: that kind of call is warm. */
    private volatile int warmKinds;
    /**
     * Best twin time per element seen, in ns, per shape ({@link #shapeKey}): rates differ by an order of magnitude
     * between modes and class counts, so a vector slice is only compared with twin slices of its own shape.
     */
    private final ConcurrentHashMap<Long, Double> bestTwin = new ConcurrentHashMap<>();
    /** Consecutive fast vector slices per kind; touched only by the thread holding {@link #warming}. */
    private final int[] streak = new int[2 * ProbabilityMode.values().length];

    WarmingKernel(CrossEntropyKernel vector, CrossEntropyKernel twin) {
        this.vector = vector;
        this.twin = twin;
    }

    long vectorNanos() {
        return vectorNanos.get();
    }

    long twinNanos() {
        return twinNanos.get();
    }

    /** Sparse and categorical calls run different code, so each warms up on its own. */
    private static int kind(ProbabilityMode mode, boolean categorical) {
        return mode.ordinal() + (categorical ? ProbabilityMode.values().length : 0);
    }

    /** Whether that kind of call goes to the vector kernel alone. */
    private boolean isWarm(int kind) {
        return (warmKinds & (1 << kind)) != 0;
    }

    @Override
    public String name() {
        return vector.name();
    }

    @Override
    public boolean vectorized() {
        return vector.vectorized();
    }

    /** Rows {@code [from, to)} of one call, computed by the given kernel into the output at {@code outOffset}. */
    private interface Rows {
        void compute(CrossEntropyKernel kernel, int outOffset, int from, int to);
    }

    @Override
    public void sparse(NdArray pred, RowLayout layout, int[] labels, ProbabilityMode mode, Precision precision,
                       double[] out, int outOffset, int from, int to) {
        if (isWarm(kind(mode, false)) || !LaneTwin.serves(pred, precision)) {
            vector.sparse(pred, layout, labels, mode, precision, out, outOffset, from, to);
            return;
        }
        slice(kind(mode, false), layout, outOffset, from, to,
                (k, o, f, t) -> k.sparse(pred, layout, labels, mode, precision, out, o, f, t));
    }

    @Override
    public void categorical(NdArray pred, NdArray target, RowLayout layout, double keep, double add,
                            ProbabilityMode mode, Precision precision, double[] out, int outOffset, int from,
                            int to) {
        if (isWarm(kind(mode, true)) || !LaneTwin.serves(pred, precision) || !LaneTwin.serves(target, precision)) {
            vector.categorical(pred, target, layout, keep, add, mode, precision, out, outOffset, from, to);
            return;
        }
        slice(kind(mode, true), layout, outOffset, from, to,
                (k, o, f, t) -> k.categorical(pred, target, layout, keep, add, mode, precision, out, o, f, t));
    }

    /** The cold path: slices of rows, each through the vector kernel (one thread at a time) or the twin. */
    private void slice(int kind, RowLayout layout, int outOffset, int from, int to, Rows rows) {
        int elementsPerRow = Math.max(1, layout.classes);
        int slice = Math.max(1, SLICE_ELEMENTS / elementsPerRow);
        long shape = shapeKey(kind, layout);
        for (int r = from; r < to; ) {
            int o = outOffset + (r - from);
            if (isWarm(kind)) {
                rows.compute(vector, o, r, to);
                return;
            }
            int n = Math.min(slice, to - r);
            boolean warmUp = vectorNanos.get() <= twinNanos.get() && warming.compareAndSet(false, true);
            long t0 = System.nanoTime();
            if (warmUp) {
                try {
                    rows.compute(vector, o, r, r + n);
                    long dt = System.nanoTime() - t0;
                    vectorNanos.addAndGet(dt);
                    judge(kind, shape, (double) dt / ((long) n * elementsPerRow));
                } finally {
                    warming.set(false);
                }
            } else {
                rows.compute(twin, o, r, r + n);
                long dt = System.nanoTime() - t0;
                twinNanos.addAndGet(dt);
                bestTwin.merge(shape, (double) dt / ((long) n * elementsPerRow), Math::min);
            }
            r += n;
        }
    }

    /** The kind of call, the class count and whether rows are strided (channels first), in one key. */
    private static long shapeKey(int kind, RowLayout layout) {
        return ((long) layout.classes << 5) | (layout.inner > 1 ? 16 : 0) | kind;
    }

    /**
     * After a vector slice: its kind is warm once vector slices have been at least as fast as the best twin slice
     * of the same shape {@link #WARM_AFTER} times in a row.
     */
    private void judge(int kind, long shape, double perElement) {
        Double best = bestTwin.get(shape);
        streak[kind] = best != null && perElement <= best ? streak[kind] + 1 : 0;
        if (streak[kind] >= WARM_AFTER) {
            synchronized (this) {
                warmKinds |= 1 << kind;
            }
        }
    }
}
