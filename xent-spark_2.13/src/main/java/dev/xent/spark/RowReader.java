package dev.xent.spark;

import dev.xent.spark.internal.Binding;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.CreateArray;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Reads rows straight from Spark's internal rows into an {@link XentAggregator}'s buffer: no input bean, no
 * {@code Vector} object, no copy of the row; a prediction is copied once, from Spark's memory into the batch. A row
 * holds the used arguments of {@code (label, prediction[, weight[, shape]])} ({@link #inputs}); numbers are read with
 * the row's own getter for their type (decimals are cast to double first), an {@code array<float>} prediction
 * computes in float32, other numeric arrays and ML vectors in float64; a number as the prediction (or as the target
 * of a same-shape function) is made a one-element array. Same batches, same core calls, same null and
 * error rules as {@link XentAggregator#reduce}; used by {@link XentAggregate} (the SQL functions and
 * {@link XentFunctions#column}) and {@link RowScan} ({@link XentFunctions#aggregate}).
 *
 * <p>Immutable and serializable; {@link #add} touches only the buffer it is given.
 */
final class RowReader implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int FLOATS = 0;
    private static final int DOUBLES = 1;
    private static final int VECTOR = 2;

    final XentAggregator<?> agg;
    private final int prediction;
    /** How a number (the label, the weight) or a label array's elements are read: the row's own getter, no cast. */
    private final NumberKind labelKind;
    private final NumberKind weightKind;
    private final boolean labelArray;
    /** Whether the prediction's type allows null elements (a vector's values never hold any), so they are looked for. */
    private final boolean predictionNulls;
    private final boolean hasWeight;
    private final boolean hasShape;
    private final boolean scalarLabel;
    private final boolean scalarPrediction;
    /** Where the label, prediction, weight and shape are in the rows {@link #add} reads ({@code -1}: absent). */
    private final int labelAt;
    private final int predictionAt;
    private final int weightAt;
    private final int shapeAt;

    /**
     * A reader for arguments as {@link Binding} accepted them ({@code types[2]}, the weight, and {@code types[3]}, the
     * shape, may be absent or {@code NullType}), reading rows laid out as {@link #inputs}.
     */
    RowReader(XentAggregator<?> agg, Binding binding) {
        DataType[] types = binding.types;
        this.agg = agg;
        this.scalarLabel = binding.scalarLabel;
        this.scalarPrediction = binding.scalarPrediction;
        this.prediction = types[1].equals(SQLDataTypes.VectorType()) ? VECTOR : binding.float32 ? FLOATS : DOUBLES;
        this.labelArray = types[0] instanceof ArrayType;
        this.predictionNulls = types[1] instanceof ArrayType && ((ArrayType) types[1]).containsNull();
        this.labelKind = NumberKind.of(labelArray ? ((ArrayType) types[0]).elementType() : types[0]);
        this.hasWeight = binding.weighted;
        this.weightKind = hasWeight ? NumberKind.of(types[2]) : NumberKind.DOUBLE;
        this.hasShape = binding.shaped;
        this.labelAt = 0;
        this.predictionAt = 1;
        this.weightAt = hasWeight ? 2 : -1;
        this.shapeAt = hasShape ? (hasWeight ? 3 : 2) : -1;
    }

    private RowReader(RowReader r, int[] at) {
        this.agg = r.agg;
        this.prediction = r.prediction;
        this.labelKind = r.labelKind;
        this.weightKind = r.weightKind;
        this.labelArray = r.labelArray;
        this.predictionNulls = r.predictionNulls;
        this.hasWeight = r.hasWeight;
        this.hasShape = r.hasShape;
        this.scalarLabel = r.scalarLabel;
        this.scalarPrediction = r.scalarPrediction;
        this.labelAt = at[0];
        this.predictionAt = at[1];
        this.weightAt = hasWeight ? at[2] : -1;
        this.shapeAt = hasShape ? at[hasWeight ? 3 : 2] : -1;
    }

    /** This reader for rows holding its {@link #inputs} at positions {@code at} (in the order of the inputs). */
    RowReader at(int[] at) {
        return new RowReader(this, at);
    }

    /**
     * The row this reader reads, from the arguments {@code (label, prediction[, weight[, shape]])}: the used ones,
     * cast only where {@link #add} cannot read the type itself (decimal numbers, arrays of unusual element types),
     * numbers read as one-element arrays made arrays.
     */
    List<Expression> inputs(List<Expression> args) {
        List<Expression> in = new ArrayList<>();
        Expression label = scalarLabel ? asArray(args.get(0)) : args.get(0);
        in.add(labelKind != NumberKind.CAST ? label
                : new Cast(label, labelArray ? DataTypes.createArrayType(DataTypes.DoubleType)
                        : DataTypes.DoubleType, Option.empty()));
        Expression prediction = scalarPrediction ? asArray(args.get(1)) : args.get(1);
        in.add(this.prediction == DOUBLES ? cast(prediction, DataTypes.createArrayType(DataTypes.DoubleType))
                : prediction);
        if (hasWeight) {
            in.add(weightKind != NumberKind.CAST ? args.get(2)
                    : new Cast(args.get(2), DataTypes.DoubleType, Option.empty()));
        }
        if (hasShape) {
            in.add(cast(args.get(3), DataTypes.createArrayType(DataTypes.IntegerType)));
        }
        return in;
    }

    /** {@code array(e)}, or NULL when {@code e} is: a null number stays a null row, not a null element. */
    static Expression asArray(Expression e) {
        CreateArray array = new CreateArray(CollectionConverters.asScala(List.of(e)).toList(), false);
        return new If(new IsNull(e), Literal.create(null, array.dataType()), array);
    }

    private static Expression cast(Expression e, DataType to) {
        return e.resolved() && e.dataType().sameType(to) ? e : new Cast(e, to, Option.empty());
    }

    /** Reads one row (laid out as {@link #inputs}) into {@code b}: gathered, skipped, or an error naming it. */
    void add(XentBuffer b, InternalRow r) {
        long row = b.rows++;
        ArrayData pred = r.isNullAt(predictionAt) ? null : prediction(r);
        double label = 0;
        boolean hasLabel = false;
        double[] labelValues = null;
        if (!r.isNullAt(labelAt)) {
            if (labelArray) {
                ArrayData a = r.getArray(labelAt);
                labelValues = RowBatch.hasNullElement(a) ? null : labelKind.toDoubles(a);
            } else {
                label = labelKind.read(r, labelAt);
                hasLabel = true;
            }
        }
        boolean hasWeightValue = hasWeight && !r.isNullAt(weightAt);
        double weight = hasWeightValue ? weightKind.read(r, weightAt) : 0;
        int[] shape = null;
        if (hasShape && !r.isNullAt(shapeAt)) {
            ArrayData s = r.getArray(shapeAt);
            shape = RowBatch.hasNullElement(s) ? null : s.toIntArray();
        }
        String missing = pred == null ? "prediction"
                : predictionNulls && RowBatch.hasNullElement(pred) ? "prediction element"
                : !hasLabel && labelValues == null ? (labelArray && !r.isNullAt(labelAt) ? "label element" : "label")
                : hasWeight && !hasWeightValue ? "weight"
                : hasShape && shape == null ? "shape"
                : null;
        if (missing != null) {
            if (agg.options.skipNulls()) {
                b.skipped++;
                return;
            }
            throw agg.rowError("row " + row + " has a null " + missing + " (" + describe(r, pred)
                    + "); filter nulls out or set skipNulls", null);
        }
        RowBatch batch = agg.batchFor(b, row, prediction == FLOATS, pred.numElements(), shape, labelValues,
                () -> describe(r, pred));
        if (batch.add(row, pred, label, labelValues, weight)) {
            batch.flushInto(b);
        }
    }

    /** The numeric types read without a cast, and {@code CAST} for the others (cast to double first). */
    enum NumberKind {
        DOUBLE, FLOAT, LONG, INT, SHORT, BYTE, CAST;

        static NumberKind of(DataType t) {
            return t.equals(DataTypes.DoubleType) ? DOUBLE : t.equals(DataTypes.FloatType) ? FLOAT
                    : t.equals(DataTypes.LongType) ? LONG : t.equals(DataTypes.IntegerType) ? INT
                    : t.equals(DataTypes.ShortType) ? SHORT : t.equals(DataTypes.ByteType) ? BYTE : CAST;
        }

        /** Element {@code i} of a row or an array of this kind (a {@code CAST} column is double by then). */
        double read(SpecializedGetters g, int i) {
            switch (this) {
                case FLOAT: return g.getFloat(i);
                case LONG: return g.getLong(i);
                case INT: return g.getInt(i);
                case SHORT: return g.getShort(i);
                case BYTE: return g.getByte(i);
                default: return g.getDouble(i);
            }
        }

        double[] toDoubles(ArrayData a) {
            if (this == DOUBLE || this == CAST) {
                return a.toDoubleArray();
            }
            double[] d = new double[a.numElements()];
            for (int i = 0; i < d.length; i++) {
                d[i] = read(a, i);
            }
            return d;
        }
    }

    /** The prediction's values; a sparse vector is expanded. */
    private ArrayData prediction(InternalRow r) {
        if (prediction != VECTOR) {
            return r.getArray(predictionAt);
        }
        InternalRow v = r.getStruct(predictionAt, 4);
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
        String label = r.isNullAt(labelAt) ? "null"
                : labelArray ? text(r.getArray(labelAt), (a, i) -> Double.toString(labelKind.read(a, i)))
                : Double.toString(labelKind.read(r, labelAt));
        return "label=" + label + ", prediction=" + (pred == null ? "null" : text(pred,
                (a, i) -> prediction == FLOATS ? Float.toString(a.getFloat(i)) : Double.toString(a.getDouble(i))));
    }

    /** An array's first elements as text, nulls included: {@code [0.1, null, ...]}. */
    private static String text(ArrayData a, java.util.function.BiFunction<ArrayData, Integer, String> element) {
        StringBuilder p = new StringBuilder("[");
        for (int i = 0; i < a.numElements() && p.length() <= 100; i++) {
            p.append(i == 0 ? "" : ", ").append(a.isNullAt(i) ? "null" : element.apply(a, i));
        }
        return XentInput.abbreviate(p.append("]").toString());
    }
}
