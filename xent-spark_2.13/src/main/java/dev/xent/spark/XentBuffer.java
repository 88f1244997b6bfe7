package dev.xent.spark;

import dev.xent.losses.LossState;
import dev.xent.losses.Reduction;
import dev.xent.metrics.MeanState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The aggregation buffer of an {@link XentAggregator}: the core's state ({@link MeanState} for a metric,
 * {@link LossState} for a loss), the rows read and skipped, the rows' number of classes, and rows not yet handed to
 * the core.
 *
 * <p>Spark keeps the buffer as this object while it reads a partition and encodes it only to ship it, through the
 * single bean property {@link #getBytes() bytes}: reading it first hands any gathered rows to the core. The encoding
 * starts with the magic {@code XSPK} and a version, then the row counts, the number of classes (version 2; 0 before
 * the first row), then the core's own encoding ({@link MeanState#toBytes()}) or, for a loss, the reduction's Keras
 * name and its two sums. Version 1 (without the number of classes) stays readable.
 *
 * <p>Not thread-safe: Spark confines a buffer to one task.
 */
public final class XentBuffer {

    static final int MAGIC = 0x5853504B;
    static final byte VERSION = 2;
    /** The first version: no number of classes. */
    static final byte VERSION_1 = 1;
    private static final byte METRIC = 0;
    private static final byte LOSS = 1;

    MeanState meanState;
    LossState lossState;
    long rows;
    long skipped;
    /** The size of the class axis of the rows seen; 0 before the first row (or when decoded from version 1). */
    int classes;
    /** Rows gathered for the next core call; null after decoding or before the first row. */
    transient RowBatch pending;

    /** For Spark's bean encoder; an aggregator's {@code zero()} gives a usable buffer. */
    public XentBuffer() {}

    static XentBuffer forMetric() {
        XentBuffer b = new XentBuffer();
        b.meanState = MeanState.ZERO;
        return b;
    }

    static XentBuffer forLoss(Reduction reduction) {
        XentBuffer b = new XentBuffer();
        b.lossState = LossState.zero(reduction);
        return b;
    }

    /** Hands gathered rows to the core. */
    void flush() {
        if (pending != null) {
            pending.flushInto(this);
        }
    }

    /** The other's rows and state added here; the other is flushed and left unchanged otherwise. */
    void plus(XentBuffer other) {
        flush();
        other.flush();
        if (meanState != null) {
            meanState = meanState.plus(other.meanState);
        } else {
            lossState = lossState.plus(other.lossState);
        }
        rows += other.rows;
        skipped += other.skipped;
        classes = classes != 0 ? classes : other.classes;
    }

    double result() {
        return meanState != null ? meanState.result() : lossState.result();
    }

    /** The encoded state, after handing gathered rows to the core (the only side effect). */
    public byte[] getBytes() {
        flush();
        byte[] core = meanState != null ? meanState.toBytes()
                : lossState.reduction().kerasName().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + 1 + 8 + 8 + 4
                + (meanState != null ? core.length : 1 + core.length + 16));
        b.putInt(MAGIC).put(VERSION).put(meanState != null ? METRIC : LOSS).putLong(rows).putLong(skipped)
                .putInt(classes);
        if (meanState != null) {
            b.put(core);
        } else {
            b.put((byte) core.length).put(core).putDouble(lossState.sum()).putDouble(lossState.divisor());
        }
        return b.array();
    }

    /** Replaces this buffer's state with an encoded one; gathered rows are dropped. */
    public void setBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length < 22 || b.getInt() != MAGIC) {
            throw new IllegalArgumentException("encoded XentBuffer (" + bytes.length
                    + " bytes) must start with the magic XSPK");
        }
        byte version = b.get();
        if (version != VERSION && version != VERSION_1) {
            throw new IllegalArgumentException("encoded XentBuffer version " + version + " is not readable; "
                    + "this build reads versions " + VERSION_1 + " and " + VERSION);
        }
        byte kind = b.get();
        rows = b.getLong();
        skipped = b.getLong();
        classes = version == VERSION_1 ? 0 : b.getInt();
        pending = null;
        if (kind == METRIC) {
            byte[] core = new byte[b.remaining()];
            b.get(core);
            meanState = MeanState.fromBytes(core);
            lossState = null;
        } else {
            byte[] name = new byte[b.get()];
            b.get(name);
            Reduction reduction = Reduction.fromKerasName(new String(name, StandardCharsets.US_ASCII));
            lossState = LossState.of(reduction, b.getDouble(), b.getDouble());
            meanState = null;
        }
    }

    @Override
    public String toString() {
        return "XentBuffer{" + (meanState != null ? meanState : lossState) + ", rows=" + rows + ", skipped="
                + skipped + ", classes=" + classes + "}";
    }
}
