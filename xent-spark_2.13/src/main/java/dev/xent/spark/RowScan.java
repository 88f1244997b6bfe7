package dev.xent.spark;

import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The aggregator's work over a {@link Dataset}'s columns without the {@code Aggregator} machinery: each partition
 * reads Spark's internal rows and copies predictions straight from Spark's memory into the batch (no bean, no
 * {@code Vector} object, no input projection), then one encoded {@link XentBuffer} per partition is merged on the
 * driver in partition order. Same rows, same batches, same core calls and same null and error rules as
 * {@link XentAggregator#reduce}; used by {@link XentFunctions#aggregate} on classic sessions.
 */
final class RowScan implements FlatMapFunction<Iterator<InternalRow>, byte[]>, Serializable {

    private static final long serialVersionUID = 1L;
    private static final int FLOATS = 0;
    private static final int DOUBLES = 1;
    private static final int VECTOR = 2;

    private final XentAggregator<?> agg;
    private final int prediction;
    private final boolean labelArray;
    private final boolean hasWeight;
    private final boolean hasShape;

    private RowScan(XentAggregator<?> agg, int prediction, boolean labelArray, boolean hasWeight, boolean hasShape) {
        this.agg = agg;
        this.prediction = prediction;
        this.labelArray = labelArray;
        this.hasWeight = hasWeight;
        this.hasShape = hasShape;
    }

    /** The merged buffer over {@code data}, whose column types {@link dev.xent.spark.internal.Binding} accepted. */
    static XentBuffer run(Dataset<?> data, XentAggregator<?> agg, String labelCol, DataType labelType,
                          String predictionCol, DataType predictionType, String weightCol, String shapeCol) {
        boolean labels = labelType instanceof ArrayType;
        int kind = predictionType.equals(SQLDataTypes.VectorType()) ? VECTOR
                : ((ArrayType) predictionType).elementType().equals(DataTypes.FloatType) ? FLOATS : DOUBLES;
        List<Column> cols = new java.util.ArrayList<>();
        cols.add(data.col(labelCol).cast(labels ? DataTypes.createArrayType(DataTypes.DoubleType)
                : DataTypes.DoubleType));
        Column p = data.col(predictionCol);
        cols.add(kind == DOUBLES ? p.cast(DataTypes.createArrayType(DataTypes.DoubleType)) : p);
        if (weightCol != null) {
            cols.add(data.col(weightCol).cast(DataTypes.DoubleType));
        }
        if (shapeCol != null) {
            cols.add(data.col(shapeCol).cast(DataTypes.createArrayType(DataTypes.IntegerType)));
        }
        Dataset<Row> selected = data.select(cols.toArray(new Column[0]));
        RowScan scan = new RowScan(agg, kind, labels, weightCol != null, shapeCol != null);
        List<byte[]> parts = ((org.apache.spark.sql.classic.Dataset<Row>) selected).queryExecution().toRdd()
                .toJavaRDD().mapPartitions(scan).collect();
        XentBuffer total = agg.zero();
        for (byte[] part : parts) {
            XentBuffer b = new XentBuffer();
            b.setBytes(part);
            total.plus(b);
        }
        return total;
    }

    @Override
    public Iterator<byte[]> call(Iterator<InternalRow> rows) {
        XentBuffer b = agg.zero();
        int weightIndex = 2;
        int shapeIndex = hasWeight ? 3 : 2;
        while (rows.hasNext()) {
            InternalRow r = rows.next();
            long row = b.rows++;
            ArrayData pred = r.isNullAt(1) ? null : prediction(r);
            Double label = null;
            double[] labelValues = null;
            if (!r.isNullAt(0)) {
                if (labelArray) {
                    ArrayData a = r.getArray(0);
                    labelValues = RowBatch.hasNullElement(a) ? null : a.toDoubleArray();
                } else {
                    label = r.getDouble(0);
                }
            }
            Double weight = hasWeight && !r.isNullAt(weightIndex) ? r.getDouble(weightIndex) : null;
            int[] shape = null;
            if (hasShape && !r.isNullAt(shapeIndex)) {
                ArrayData s = r.getArray(shapeIndex);
                shape = RowBatch.hasNullElement(s) ? null : s.toIntArray();
            }
            String missing = pred == null ? "prediction"
                    : RowBatch.hasNullElement(pred) ? "prediction element"
                    : label == null && labelValues == null ? (labelArray && !r.isNullAt(0) ? "label element" : "label")
                    : hasWeight && weight == null ? "weight"
                    : hasShape && shape == null ? "shape"
                    : null;
            if (missing != null) {
                if (agg.options.skipNulls()) {
                    b.skipped++;
                    continue;
                }
                throw agg.rowError("row " + row + " has a null " + missing + " (" + describe(r, pred)
                        + "); filter nulls out or set skipNulls", null);
            }
            ArrayData p = pred;
            RowBatch batch = agg.batchFor(b, row, prediction == FLOATS, pred.numElements(), shape, labelValues,
                    () -> describe(r, p));
            if (batch.add(row, pred, label, labelValues, weight)) {
                batch.flushInto(b);
            }
        }
        return Collections.singletonList(b.getBytes()).iterator();
    }

    /** The prediction's values; a sparse vector is expanded. */
    private ArrayData prediction(InternalRow r) {
        if (prediction != VECTOR) {
            return r.getArray(1);
        }
        InternalRow v = r.getStruct(1, 4);
        if (v.getByte(0) == 1) {
            return v.getArray(3);
        }
        double[] dense = new double[v.getInt(1)];
        int[] indices = v.getArray(2).toIntArray();
        double[] values = v.getArray(3).toDoubleArray();
        for (int i = 0; i < indices.length; i++) {
            dense[indices[i]] = values[i];
        }
        return new GenericArrayData(dense);
    }

    private String describe(InternalRow r, ArrayData pred) {
        StringBuilder sb = new StringBuilder("label=");
        if (r.isNullAt(0)) {
            sb.append("null");
        } else if (labelArray) {
            sb.append(XentInput.abbreviate(r.getArray(0).toString()));
        } else {
            sb.append(r.getDouble(0));
        }
        sb.append(", prediction=");
        if (pred == null) {
            sb.append("null");
        } else {
            StringBuilder p = new StringBuilder("[");
            for (int i = 0; i < pred.numElements(); i++) {
                p.append(i == 0 ? "" : ", ").append(pred.isNullAt(i) ? "null"
                        : prediction == FLOATS ? Float.toString(pred.getFloat(i)) : Double.toString(pred.getDouble(i)));
                if (p.length() > 100) {
                    break;
                }
            }
            sb.append(XentInput.abbreviate(p.append("]").toString()));
        }
        return sb.toString();
    }
}
