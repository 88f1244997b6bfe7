package dev.xent.metrics;

import java.nio.ByteBuffer;

/**
 * The state of a weighted streaming mean: {@code total} (sum of weighted values) and {@code count} (sum of weights,
 * or number of samples), each a compensated double sum so that a result does not drift with the number of
 * updates, and does not depend on batch size or merge order beyond double rounding. Keras keeps both in float32,
 * where {@code count} stops growing at 2^24 unit updates; here it is exact to 2^53.
 *
 * <p>Immutable and thread-safe. {@link #plus} is associative and commutative up to double rounding of the
 * compensation terms.
 *
 * <pre>{@code
 * MeanState a = MeanState.of(2.3538785, 2);   // two samples
 * MeanState b = MeanState.of(1.0, 1);
 * a.plus(b).result();                         // 1.1179595
 * }</pre>
 */
public final class MeanState {

    /** The state of a metric with no updates: result 0. */
    public static final MeanState ZERO = new MeanState(0, 0, 0, 0);

    /** Magic number at the start of an encoded state ("XENT"). */
    static final int MAGIC = 0x58454E54;
    static final byte VERSION = 1;
    /** Size of {@link #toBytes()}: magic, version, four doubles. */
    public static final int ENCODED_SIZE = 4 + 1 + 4 * 8;

    private final double total;
    private final double totalCompensation;
    private final double count;
    private final double countCompensation;

    private MeanState(double total, double totalCompensation, double count, double countCompensation) {
        this.total = total;
        this.totalCompensation = totalCompensation;
        this.count = count;
        this.countCompensation = countCompensation;
    }

    /** A state with the given {@code total} and {@code count}. */
    public static MeanState of(double total, double count) {
        return new MeanState(total, 0, count, 0);
    }

    /** The weighted sum of values. */
    public double total() {
        return sum(total, totalCompensation);
    }

    /** The sum of weights (the number of samples when unweighted). */
    public double count() {
        return sum(count, countCompensation);
    }

    /**
     * A running sum plus its compensation; a non-finite sum (an infinity, or NaN) is the answer as it stands, which
     * also reads states encoded before the infinite compensation of an overflow was dropped.
     */
    private static double sum(double sum, double compensation) {
        return Double.isFinite(sum) ? sum + compensation : sum;
    }

    /**
     * {@code total / count}, or 0 when {@code count == 0} (Keras's {@code divide_no_nan}). NaN in any update makes
     * the result NaN until reset; infinities give infinities or NaN as IEEE arithmetic does.
     */
    public double result() {
        double c = count();
        return c == 0 ? 0.0 : total() / c;
    }

    /** This state plus an update of {@code deltaTotal} and {@code deltaCount}. */
    public MeanState plus(double deltaTotal, double deltaCount) {
        double[] t = twoSum(total, totalCompensation, deltaTotal);
        double[] c = twoSum(count, countCompensation, deltaCount);
        return new MeanState(t[0], t[1], c[0], c[1]);
    }

    /** The state "as if the other's updates had been made here too". */
    public MeanState plus(MeanState other) {
        double[] t = twoSum(total, totalCompensation + other.totalCompensation, other.total);
        double[] c = twoSum(count, countCompensation + other.countCompensation, other.count);
        return new MeanState(t[0], t[1], c[0], c[1]);
    }

    private static double[] twoSum(double sum, double compensation, double x) {
        double t = sum + x;
        double err = Math.abs(sum) >= Math.abs(x) ? (sum - t) + x : (x - t) + sum;
        if (!Double.isFinite(t)) {
            // An infinite or NaN sum says it all: the error of an overflow is infinite and that of an infinite
            // addend NaN, and either would turn +inf into NaN. Compensations stay finite.
            err = 0;
        }
        return new double[] {t, compensation + err};
    }

    /** A versioned binary encoding: magic {@code XENT}, version 1, then the four doubles. */
    public byte[] toBytes() {
        return ByteBuffer.allocate(ENCODED_SIZE).putInt(MAGIC).put(VERSION).putDouble(total)
                .putDouble(totalCompensation).putDouble(count).putDouble(countCompensation).array();
    }

    /** Reads {@link #toBytes()} output of any released version. */
    public static MeanState fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length < 5) {
            throw new IllegalArgumentException("encoded MeanState (" + (bytes == null ? "null" : bytes.length + " bytes")
                    + ") must be " + ENCODED_SIZE + " bytes starting with the magic XENT");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int magic = b.getInt();
        byte version = b.get();
        if (magic != MAGIC) {
            throw new IllegalArgumentException(String.format("encoded MeanState magic (0x%08X) must be 0x%08X",
                    magic, MAGIC));
        }
        if (version != VERSION || bytes.length != ENCODED_SIZE) {
            throw new IllegalArgumentException("encoded MeanState version " + version + " with " + bytes.length
                    + " bytes is not readable; version 1 has " + ENCODED_SIZE + " bytes");
        }
        return new MeanState(b.getDouble(), b.getDouble(), b.getDouble(), b.getDouble());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeanState && ((MeanState) o).total() == total() && ((MeanState) o).count() == count();
    }

    @Override
    public int hashCode() {
        return Double.hashCode(total()) * 31 + Double.hashCode(count());
    }

    @Override
    public String toString() {
        return "MeanState{total=" + total() + ", count=" + count() + "}";
    }
}
