package dev.xent.spark;

import java.io.Serializable;

/**
 * What an aggregation saw: the {@code result}, the state it came from ({@code total} and {@code count} for a metric;
 * the weighted {@code sum} and the reduction's divisor for a loss), the number of {@code rows} read and how many were
 * {@code skipped} for nulls (with {@link XentOptions#skipNulls()}). A Java bean: in SQL it is a struct.
 *
 * <p>Mutable bean; not thread-safe.
 */
public final class XentSummary implements Serializable {

    private static final long serialVersionUID = 1L;

    private double result;
    private double total;
    private double count;
    private long rows;
    private long skipped;

    public XentSummary() {}

    XentSummary(double result, double total, double count, long rows, long skipped) {
        this.result = result;
        this.total = total;
        this.count = count;
        this.rows = rows;
        this.skipped = skipped;
    }

    /** The metric or loss value; 0 when nothing was counted. */
    public double getResult() {
        return result;
    }

    public void setResult(double result) {
        this.result = result;
    }

    /** A metric's {@code total}, or a loss's weighted sum. */
    public double getTotal() {
        return total;
    }

    public void setTotal(double total) {
        this.total = total;
    }

    /** A metric's {@code count}, or what a loss's reduction divides by. */
    public double getCount() {
        return count;
    }

    public void setCount(double count) {
        this.count = count;
    }

    /** Rows read, skipped ones included. */
    public long getRows() {
        return rows;
    }

    public void setRows(long rows) {
        this.rows = rows;
    }

    /** Rows skipped because of a null label, prediction, weight or shape. */
    public long getSkipped() {
        return skipped;
    }

    public void setSkipped(long skipped) {
        this.skipped = skipped;
    }

    @Override
    public String toString() {
        return "XentSummary{result=" + result + ", total=" + total + ", count=" + count + ", rows=" + rows
                + ", skipped=" + skipped + "}";
    }
}
