package dev.xent.internal.kernel;

import dev.xent.ndarray.NdArray;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Warms the SIMD kernel up on a small synthetic input in a background daemon thread, so C2 compiles it before large
 * inputs arrive. Until then Vector API code runs in its boxed, interpreted form (tens of times slower, allocating
 * every vector), and on a small machine the compiler competes for cores with the threads running it: a short
 * process (the command line) would spend more time there than SIMD saves.
 *
 * <p>{@link WarmKernel} makes only large calls wait for the warm-up, bounded by {@link #MAX_WAIT_MILLIS}; results
 * never depend on it (the same kernel runs either way). Disabled with {@code -Dxent.warmup=false}.
 */
final class WarmUp implements Runnable {

    /** Calls reading at least this many elements wait for the warm-up. */
    static final long WAIT_ABOVE_ELEMENTS = 1L << 20;
    static final long MAX_WAIT_MILLIS = 1500;

    private final CrossEntropyKernel kernel;
    private final CountDownLatch done = new CountDownLatch(1);

    private WarmUp(CrossEntropyKernel kernel) {
        this.kernel = kernel;
    }

    static WarmUp start(CrossEntropyKernel kernel) {
        WarmUp w = new WarmUp(kernel);
        Thread t = new Thread(w, "xent-kernel-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return w;
    }

    void await() {
        try {
            done.await(MAX_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        try {
            int rows = 64;
            int classes = 100;
            float[] probs = new float[rows * classes];
            float[] logits = new float[rows * classes];
            int[] labels = new int[rows];
            SplittableRandom rnd = new SplittableRandom(1);
            // Like real data, so the compiled code has every branch it will need (no deoptimisation later):
            // softmax rows with entries below the clip bound and one near 1, wide logits.
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    double x = rnd.nextGaussian() * (r % 4 == 0 ? 12 : 3);
                    logits[r * classes + c] = (float) x;
                    sum += probs[r * classes + c] = (float) Math.exp(Math.min(x, 80));
                }
                for (int c = 0; c < classes; c++) {
                    probs[r * classes + c] = (float) (probs[r * classes + c] / sum);
                }
            }
            probs[7] = 1f;
            probs[8] = 0f;
            for (int r = 0; r < rows; r++) {
                labels[r] = rnd.nextInt(classes);
            }
            NdArray p = NdArray.of(probs, rows, classes);
            NdArray l = NdArray.of(logits, rows, classes);
            RowLayout layout = new RowLayout(rows, classes, 1);
            double[] out = new double[rows];
            // Until a round's time settles near the best seen (compiled code), at most ~2 s.
            long best = Long.MAX_VALUE;
            long deadline = System.nanoTime() + 2_000_000_000L;
            int settled = 0;
            for (int round = 0; settled < 20 && System.nanoTime() < deadline; round++) {
                long t0 = System.nanoTime();
                for (int k = 0; k < 8; k++) {
                    kernel.sparse(p, layout, labels, ProbabilityMode.CLIP_THEN_NORMALIZE, Precision.FLOAT32, out, 0,
                            0, rows);
                    kernel.sparse(l, layout, labels, ProbabilityMode.LOGITS, Precision.FLOAT32, out, 0, 0, rows);
                    kernel.sparse(p, layout, labels, ProbabilityMode.NORMALIZE_THEN_CLIP, Precision.FLOAT32, out, 0,
                            0, rows);
                }
                long dt = System.nanoTime() - t0;
                settled = round > 200 && dt <= best * 5 / 4 ? settled + 1 : 0;
                best = Math.min(best, dt);
            }
        } catch (RuntimeException | Error e) {
            // A failed warm-up only costs speed.
        } finally {
            done.countDown();
        }
    }

    /** Lets large calls wait (bounded) for the warm-up, then forwards everything. */
    static final class WarmKernel implements CrossEntropyKernel {
        private final CrossEntropyKernel delegate;
        private final WarmUp warmUp;
        private volatile boolean warm;

        WarmKernel(CrossEntropyKernel delegate, WarmUp warmUp) {
            this.delegate = delegate;
            this.warmUp = warmUp;
        }

        CrossEntropyKernel delegate() {
            return delegate;
        }

        private void maybeWait(long elements) {
            if (!warm && elements >= WAIT_ABOVE_ELEMENTS) {
                warmUp.await();
                warm = true;
            }
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public void sparse(NdArray pred, RowLayout layout, int[] labels, ProbabilityMode mode, Precision precision,
                           double[] out, int outOffset, int from, int to) {
            maybeWait((long) (to - from) * layout.classes);
            delegate.sparse(pred, layout, labels, mode, precision, out, outOffset, from, to);
        }

        @Override
        public void categorical(NdArray pred, NdArray target, RowLayout layout, double keep, double add,
                                ProbabilityMode mode, Precision precision, double[] out, int outOffset, int from,
                                int to) {
            maybeWait((long) (to - from) * layout.classes);
            delegate.categorical(pred, target, layout, keep, add, mode, precision, out, outOffset, from, to);
        }
    }
}
