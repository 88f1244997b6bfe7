package dev.xent.spark;

import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * {@link XentFunctions#aggregate} on a classic session, without an aggregate operator: each partition's internal
 * rows go through a {@link RowReader} into one buffer, and the encoded buffers are merged on the driver in partition
 * order.
 */
final class RowScan implements FlatMapFunction<Iterator<InternalRow>, byte[]>, Serializable {

    private static final long serialVersionUID = 1L;

    private final RowReader reader;

    private RowScan(RowReader reader) {
        this.reader = reader;
    }

    /** The merged buffer over {@code data}'s {@code inputs}, the columns laid out as {@link RowReader#inputs}. */
    static XentBuffer run(Dataset<?> data, RowReader reader, List<Column> inputs) {
        Dataset<Row> selected = data.select(inputs.toArray(new Column[0]));
        List<byte[]> parts = ((org.apache.spark.sql.classic.Dataset<Row>) selected).queryExecution().toRdd()
                .toJavaRDD().mapPartitions(new RowScan(reader)).collect();
        XentBuffer total = reader.agg.zero();
        for (byte[] part : parts) {
            XentBuffer b = new XentBuffer();
            b.setBytes(part);
            reader.agg.merge(total, b);
        }
        return total;
    }

    @Override
    public Iterator<byte[]> call(Iterator<InternalRow> rows) {
        XentBuffer b = reader.agg.zero();
        while (rows.hasNext()) {
            reader.add(b, rows.next());
        }
        return Collections.singletonList(b.getBytes()).iterator();
    }
}
