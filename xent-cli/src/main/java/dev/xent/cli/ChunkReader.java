package dev.xent.cli;

import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyArrayFile;
import dev.xent.npy.NpyFormatException;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads the inputs chunk by chunk on one background thread, at most two chunks ahead, so that reading the next
 * chunk overlaps computing the current one and memory stays bounded by a few chunks whatever the file size.
 * C-order float32/float64/int32/int64 inputs in native byte order come from xent-npy as read-only views of the
 * mapped file (no copy, no heap) and go to xent-core as they are; they stay valid while referenced, and the files
 * are closed only after the last chunk is computed. Integer and bool predictions are converted to float32 here.
 *
 * <p>Used by one consumer thread; {@link #close()} stops the reader. A mapped input truncated while it is read
 * faults where its view is read: here (integer predictions converted) it becomes the file's one-line error; in the
 * computation it reaches {@link XentCommand}'s top-level handler, which names the file too.
 */
final class ChunkReader implements AutoCloseable {

    /** Rows {@code [start, start + rows)} of every input (or the whole inputs, when not chunked). */
    static final class Chunk {
        final long start;
        final int rows;
        final NdArray yTrue;
        final NdArray yPred;
        /** Null without a sample weight. */
        final NdArray weight;

        Chunk(long start, int rows, NdArray yTrue, NdArray yPred, NdArray weight) {
            this.start = start;
            this.rows = rows;
            this.yTrue = yTrue;
            this.yPred = yPred;
            this.weight = weight;
        }
    }

    private static final Object END = new Object();

    /** A failure of the reader, handed to the consumer. */
    private static final class Failure {
        final Throwable cause;

        Failure(Throwable cause) {
            this.cause = cause;
        }
    }

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(2);
    private final Thread thread;
    private volatile boolean closed;
    private boolean done;

    /** Null unless -Dxent.timing=true. */
    private final Timing timing;

    ChunkReader(Inputs in, Plan plan) {
        this(in, plan, null);
    }

    ChunkReader(Inputs in, Plan plan, Timing timing) {
        this.timing = timing;
        this.thread = new Thread(() -> run(in, plan), "xent-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(Inputs in, Plan plan) {
        // what is being read, for the message of an OutOfMemoryError
        NpyArrayFile reading = null;
        long from = 0;
        long rows = 0;
        try {
            if (!plan.chunked) {
                NdArray w = null;
                if (in.weight != null) {
                    reading = in.weight;
                    rows = reading.rows();
                    w = in.weight.readAll(Plan.WHOLE_LIMIT);
                }
                reading = in.yPred;
                rows = reading.rows();
                NdArray p = floats(in.yPred, in.yPred.readAll(Plan.WHOLE_LIMIT));
                reading = in.yTrue;
                rows = reading.rows();
                NdArray t = in.yTrue.readAll(Plan.WHOLE_LIMIT);
                put(new Chunk(0, 0, t, p, w));
            } else {
                NdArray constant = null;
                if (plan.weightMode == Plan.WeightMode.CONSTANT) {
                    reading = in.weight;
                    rows = reading.rows();
                    constant = in.weight.readAll(Plan.WHOLE_LIMIT);
                }
                long start = 0;
                do {
                    long t0 = timing == null ? 0 : System.nanoTime();
                    int n = (int) Math.min(plan.batchRows, plan.rows - start);
                    from = start;
                    rows = n;
                    reading = in.yTrue;
                    NdArray t = in.yTrue.readRows(start, n);
                    reading = in.yPred;
                    NdArray p = floats(in.yPred, in.yPred.readRows(start, n));
                    reading = in.weight;
                    NdArray w = plan.weightMode == Plan.WeightMode.SLICE ? in.weight.readRows(start, n) : constant;
                    if (timing != null) {
                        timing.read.addAndGet(System.nanoTime() - t0);
                    }
                    put(new Chunk(start, n, t, p, w));
                    start += n;
                } while (start < plan.rows && !closed);
            }
            put(END);
        } catch (InterruptedException e) {
            // closed by the consumer
        } catch (Throwable t) {
            Throwable failure = t;
            if (reading != null && (t instanceof OutOfMemoryError || t.getCause() instanceof OutOfMemoryError)) {
                failure = new DataException(reading.name() + ": rows [" + from + ", " + (from + rows) + "): "
                        + XentCommand.outOfMemory(), t);
            }
            try {
                put(new Failure(failure));
            } catch (InterruptedException e) {
                // closed by the consumer
            }
        }
    }

    private void put(Object item) throws InterruptedException {
        if (!closed) {
            queue.put(item);
        }
    }

    /** Integer and bool predictions as float32 (Keras computes with floating-point predictions). */
    static NdArray floats(NdArray a) {
        return a.dtype().isFloating() ? a : NdArray.of(a.toFloatArray(), 0, a.shape());
    }

    /**
     * {@link #floats(NdArray)} of rows of {@code file}, which may be a mapped view: if the file was truncated since it
     * was mapped, reading it faults (an InternalError), reported as the one-line error of a copying read.
     */
    static NdArray floats(NpyArrayFile file, NdArray a) throws NpyFormatException {
        try {
            return floats(a);
        } catch (InternalError e) {
            NpyFormatException x = file.mappedReadFailure(e);
            if (x == null) {
                throw e;
            }
            throw x;
        }
    }

    /**
     * The next chunk, or null after the last one.
     *
     * @throws IOException as thrown by the reader (unchecked exceptions and errors are rethrown as they are)
     */
    Chunk next() throws IOException {
        if (done) {
            return null;
        }
        Object item;
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the input", e);
        }
        if (item == END) {
            done = true;
            return null;
        }
        if (item instanceof Failure) {
            done = true;
            Throwable t = ((Failure) item).cause;
            if (t instanceof IOException) {
                throw (IOException) t;
            }
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            if (t instanceof Error) {
                throw (Error) t;
            }
            throw new IOException(t);
        }
        return (Chunk) item;
    }

    /** Stops the reader (if it is still reading) and drops the chunks read ahead. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        queue.clear();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
