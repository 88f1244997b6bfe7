package dev.xent.spark.internal;

import dev.xent.catalog.KerasFunction;
import dev.xent.spark.XentInput;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * How the arguments {@code (label, prediction[, weight[, shape]])} of a SQL call or a column selection are read,
 * decided from the arguments' types and the function's targets, and which fields of {@link XentInput} they fill:
 * {@code array<float>} predictions go to {@code floatPrediction} (computed in float32), {@code array<double>} (and
 * other numeric arrays) to {@code doublePrediction}, ML vectors to {@code vectorPrediction}; a numeric label to
 * {@code label}, a numeric array label to {@code labels}; a {@code NULL} weight or shape means none. A number as the
 * prediction, or as the target of a function whose targets have the prediction's shape, is a one-element array (a
 * Keras batch of shape {@code (rows, 1)}, such as one probability per row for {@code binary_crossentropy}):
 * {@link #scalarPrediction}, {@link #scalarLabel}, and {@link #types} says the types once wrapped. Unused fields get
 * typed null literals.
 */
public final class Binding {

    /** The bean's fields, in the order of its encoder's schema. */
    public static final StructType INPUT_SCHEMA = XentInput.encoder().schema();

    /** For each field of {@link #INPUT_SCHEMA}: the index of the argument that fills it, or -1 for null. */
    public final int[] argumentOf;
    /**
     * For each field: the type its argument is cast to first, or null. Arrays of other numeric types are cast to
     * the field's element type explicitly (Spark's implicit casts do not convert array elements).
     */
    public final DataType[] castTo;
    public final boolean weighted;
    public final boolean shaped;
    /** Whether the prediction is computed in float32 ({@code array<float>}, or a float). */
    public final boolean float32;
    /** Whether the prediction is a number, read as a one-element array. */
    public final boolean scalarPrediction;
    /** Whether the label is a number read as a one-element array of targets (functions with same-shape targets). */
    public final boolean scalarLabel;
    /** The arguments' types, with a scalar prediction or label as the one-element array it is read as. */
    public final DataType[] types;

    private Binding(int[] argumentOf, DataType[] castTo, boolean weighted, boolean shaped, boolean float32,
                    boolean scalarPrediction, boolean scalarLabel, DataType[] types) {
        this.argumentOf = argumentOf;
        this.castTo = castTo;
        this.weighted = weighted;
        this.shaped = shaped;
        this.float32 = float32;
        this.scalarPrediction = scalarPrediction;
        this.scalarLabel = scalarLabel;
        this.types = types;
    }

    /** The type of field {@code i} of the bean, for a typed null literal. */
    public static DataType fieldType(int i) {
        return INPUT_SCHEMA.fields()[i].dataType();
    }

    /**
     * Binds arguments of the given types for {@code target}.
     *
     * @param name the SQL function's or the aggregation's name, for messages
     * @throws IllegalArgumentException for a wrong number of arguments or a type that cannot be used
     */
    public static Binding of(KerasFunction target, String name, DataType[] given) {
        if (given.length < 2 || given.length > 4) {
            throw new IllegalArgumentException(name + " takes (label, prediction[, weight[, shape]]); got "
                    + given.length + " arguments");
        }
        boolean labels = target.targets() == KerasFunction.Targets.LABELS;
        DataType[] types = given.clone();
        boolean scalarPrediction = types[1] instanceof NumericType;
        if (scalarPrediction) {
            types[1] = DataTypes.createArrayType(types[1], false);
        }
        boolean scalarLabel = !labels && types[0] instanceof NumericType;
        if (scalarLabel) {
            types[0] = DataTypes.createArrayType(types[0], false);
        }
        int[] argumentOf = new int[INPUT_SCHEMA.size()];
        java.util.Arrays.fill(argumentOf, -1);
        DataType label = types[0];
        DataType prediction = types[1];
        String predictionField;
        boolean float32 = false;
        if (prediction.equals(SQLDataTypes.VectorType())) {
            predictionField = "vectorPrediction";
        } else if (prediction instanceof ArrayType
                && ((ArrayType) prediction).elementType().equals(DataTypes.FloatType)) {
            predictionField = "floatPrediction";
            float32 = true;
        } else if (prediction instanceof ArrayType && ((ArrayType) prediction).elementType() instanceof NumericType) {
            predictionField = "doublePrediction";
        } else {
            throw new IllegalArgumentException(name + ": prediction (" + given[1].simpleString()
                    + ") must be array<float>, array<double>, an ML vector or a number");
        }
        set(argumentOf, predictionField, 1);
        if (label instanceof ArrayType && ((ArrayType) label).elementType() instanceof NumericType) {
            set(argumentOf, "labels", 0);
        } else if (label instanceof NumericType && labels) {
            set(argumentOf, "label", 0);
        } else {
            throw new IllegalArgumentException(name + ": label (" + given[0].simpleString() + ") must be "
                    + (labels ? "a number (int, bigint, double) or, for maps, a numeric array"
                        : "a numeric array of targets, one per prediction element, or a number for a one-element"
                            + " prediction"));
        }
        boolean weighted = false;
        if (types.length >= 3 && !(types[2] instanceof NullType)) {
            if (!(types[2] instanceof NumericType)) {
                throw new IllegalArgumentException(name + ": weight (" + types[2].simpleString()
                        + ") must be a number or NULL");
            }
            set(argumentOf, "weight", 2);
            weighted = true;
        }
        boolean shaped = false;
        if (types.length == 4 && !(types[3] instanceof NullType)) {
            if (!(types[3] instanceof ArrayType && ((ArrayType) types[3]).elementType() instanceof NumericType)) {
                throw new IllegalArgumentException(name + ": shape (" + types[3].simpleString()
                        + ") must be an integer array such as array(4, 4, 3), or NULL");
            }
            set(argumentOf, "shape", 3);
            shaped = true;
        }
        DataType[] castTo = new DataType[argumentOf.length];
        for (int i = 0; i < castTo.length; i++) {
            DataType field = fieldType(i);
            if (argumentOf[i] >= 0 && field instanceof ArrayType) {
                DataType element = ((ArrayType) field).elementType();
                DataType arg = types[argumentOf[i]];
                if (!((ArrayType) arg).elementType().equals(element)) {
                    // Nullable elements: a null element then fails in the decoder, with Spark's own message.
                    castTo[i] = DataTypes.createArrayType(element, true);
                }
            }
        }
        return new Binding(argumentOf, castTo, weighted, shaped, float32, scalarPrediction, scalarLabel, types);
    }

    private static void set(int[] argumentOf, String field, int argument) {
        StructField[] fields = INPUT_SCHEMA.fields();
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].name().equals(field)) {
                argumentOf[i] = argument;
                return;
            }
        }
        throw new AssertionError("XentInput has no field " + field);
    }
}
