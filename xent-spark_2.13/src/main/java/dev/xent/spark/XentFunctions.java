package dev.xent.spark;

import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.spark.internal.Binding;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.ScalaUDF;
import org.apache.spark.sql.classic.ExpressionUtils$;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * SQL functions for every function of the {@link Catalog}, with options fixed at registration, and the same
 * computation over a {@link Dataset}'s columns. {@link #register(SparkSession, XentOptions)} adds, for each
 * catalogue function {@code NAME} (such as {@code sparse_categorical_crossentropy}, {@code binary_crossentropy},
 * {@code top_k_categorical_accuracy}):
 * <ul>
 *   <li>{@code xent_NAME(label, prediction[, weight[, shape]])}: the metric (a double);</li>
 *   <li>{@code xent_NAME_summary(...)}: the metric as a struct {@code <count, result, rows, skipped, total>}
 *       (see {@link XentSummary});</li>
 * </ul>
 * and for the functions that have a loss in Keras (all but the accuracies):
 * <ul>
 *   <li>{@code xent_NAME_loss(...)}: the loss with the registered reduction (a double);</li>
 *   <li>{@code xent_NAME_loss_summary(...)}: the loss as the same struct;</li>
 *   <li>{@code xent_NAME_values(...)}: per row, the loss with {@code reduction = none}: a double, or for rows with
 *       a {@code shape} an {@code array<double>} of the row's values without the class axis.</li>
 * </ul>
 * A row is a sample. Its prediction is an {@code array<float>} (computed in float32), an {@code array<double>} or an
 * ML {@code Vector} (float64): the sample's class axis (probabilities, logits or scores), which every function
 * reduces; with {@code shape} (such as {@code array(4, 4, 3)}) it is a flattened row-major map, class axis included.
 * A number as the prediction is a class axis of one element (a Keras batch of shape {@code (rows, 1)}: one
 * probability per row for {@code binary_crossentropy}). Labels follow the function's
 * {@link KerasFunction#targets() targets}: integer labels (int, bigint or double holding whole numbers; for maps the
 * flattened array of class indices) for the sparse functions; for the others a numeric array of targets of the
 * prediction's shape, or a number when the prediction has one element. Every row must have the first row's number
 * of classes. A {@code NULL} weight or shape argument means none.
 *
 * <pre>{@code
 * XentFunctions.register(spark, XentOptions.defaults());
 * spark.sql("SELECT xent_sparse_categorical_crossentropy(label, prediction) FROM VALUES "
 *     + "(1, array(0.05F, 0.95F, 0F)), (2, array(0.1F, 0.8F, 0.1F)) AS t(label, prediction)");   // 1.1769392
 * }</pre>
 *
 * <p>The SQL functions choose how to read their arguments from the argument types when a query is analysed, and run
 * as a Catalyst aggregate that reads Spark's internal rows ({@code XentAggregate}); this needs Spark's function
 * registry and expression classes of a classic (not Connect) session, internal APIs (see docs/spark.md). The
 * {@link Dataset} methods use them on classic sessions and fall back to the public {@link XentAggregator} through
 * {@code functions.udaf} otherwise. Thread-safe: registration replaces the session's functions of the same names.
 */
public final class XentFunctions {

    /** The default prefix of the SQL function names. */
    public static final String PREFIX = "xent_";

    private XentFunctions() {}

    /** Registers the functions with the prefix {@value #PREFIX}; see the class description. */
    public static void register(SparkSession spark, XentOptions options) {
        register(spark, options, PREFIX);
    }

    /**
     * Registers the functions as {@code prefix + NAME...}, so that several option sets can live in one session
     * (for example {@code xent_logits_} with {@code fromLogits}). Options that do not apply to a function (such as
     * {@code gamma} for {@code categorical_crossentropy}) make that function's SQL functions fail when called,
     * naming the option.
     *
     * @throws IllegalArgumentException when the session is not a classic session
     */
    public static void register(SparkSession spark, XentOptions options, String prefix) {
        if (!(spark instanceof org.apache.spark.sql.classic.SparkSession)) {
            throw new IllegalArgumentException("spark (" + spark.getClass().getName() + ") must be a classic "
                    + "SparkSession: SQL registration needs its function registry; use XentFunctions.aggregate");
        }
        FunctionRegistry registry = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState()
                .functionRegistry();
        for (KerasFunction f : Catalog.all()) {
            String base = prefix + f.name();
            registerAggregate(registry, base, f, false, false, options);
            registerAggregate(registry, base + "_summary", f, false, true, options);
            if (f.hasLoss()) {
                registerAggregate(registry, base + "_loss", f, true, false, options);
                registerAggregate(registry, base + "_loss_summary", f, true, true, options);
                registerValues(registry, base + "_values", f, options);
            }
        }
    }

    /** The names {@link #register(SparkSession, XentOptions, String)} registers, in the catalogue's order. */
    public static List<String> functionNames(String prefix) {
        List<String> names = new ArrayList<>();
        for (KerasFunction f : Catalog.all()) {
            String base = prefix + f.name();
            names.add(base);
            names.add(base + "_summary");
            if (f.hasLoss()) {
                names.add(base + "_loss");
                names.add(base + "_loss_summary");
                names.add(base + "_values");
            }
        }
        return names;
    }

    private static void registerAggregate(FunctionRegistry registry, String name, KerasFunction function,
                                          boolean isLoss, boolean summary, XentOptions options) {
        registry.createOrReplaceTempFunction(name, children -> {
            List<Expression> args = CollectionConverters.asJava(children);
            RowReader reader = reader(function, isLoss, summary, options, name, typesOf(args));
            return XentAggregate.of(reader, args, name, summary);
        }, "scala_udf");
    }

    /** The reader for arguments of these types; throws when a type cannot be used or an option does not apply. */
    private static RowReader reader(KerasFunction function, boolean isLoss, boolean summary, XentOptions options,
                                    String name, DataType[] types) {
        Binding b = Binding.of(function, name, types);
        XentAggregator<?> agg = summary ? XentAggregator.summary(function, isLoss, options, b.weighted)
                : isLoss ? XentAggregator.loss(function, options, b.weighted)
                : XentAggregator.metric(function, options, b.weighted);
        return new RowReader(agg, b);
    }

    private static void registerValues(FunctionRegistry registry, String name, KerasFunction function,
                                       XentOptions options) {
        registry.createOrReplaceTempFunction(name, children -> {
            List<Expression> args = new ArrayList<>(CollectionConverters.asJava(children));
            Binding b = Binding.of(function, name, typesOf(args));
            if (b.scalarLabel) {
                args.set(0, RowReader.asArray(args.get(0)));
            }
            if (b.scalarPrediction) {
                args.set(1, RowReader.asArray(args.get(1)));
            }
            while (args.size() < 4) {
                args.add(Literal.create(null, DataTypes.NullType));
            }
            RowValues f = new RowValues(function, options, name, b.float32, b.weighted, b.shaped);
            DataType type = b.shaped ? DataTypes.createArrayType(DataTypes.DoubleType, false) : DataTypes.DoubleType;
            return new ScalaUDF(f, type, CollectionConverters.asScala(args).toList(),
                    CollectionConverters.asScala(List.<Option<
                            org.apache.spark.sql.catalyst.encoders.ExpressionEncoder<?>>>of()).toList(),
                    Option.empty(), Option.apply(name), true, true);
        }, "scala_udf");
    }

    private static DataType[] typesOf(List<Expression> args) {
        DataType[] types = new DataType[args.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = args.get(i).dataType();
        }
        return types;
    }

    /**
     * The metric or reduced loss over a {@link Dataset}'s columns, with its state and row counts; no registration.
     * On a classic session each partition's internal rows are read into one buffer and the buffers are merged on
     * the driver in partition order (no aggregate operator); otherwise the {@link XentAggregator} runs through
     * {@code functions.udaf}. Both give the same state.
     *
     * @param function any catalogue function
     * @param isLoss the loss (with {@link XentOptions#reduction()}) rather than the metric
     * @param weightCol a numeric column, or null for none
     * @param shapeCol an integer-array column, or null for rows of shape {@code (classes,)}
     * @throws IllegalArgumentException for a missing column, an unusable type, an option that does not apply, or a
     *     loss of a function without one
     */
    public static XentSummary aggregate(Dataset<?> data, KerasFunction function, boolean isLoss, XentOptions options,
                                        String labelCol, String predictionCol, String weightCol, String shapeCol) {
        if (data instanceof org.apache.spark.sql.classic.Dataset) {
            List<String> names = argumentNames(labelCol, predictionCol, weightCol, shapeCol);
            DataType[] types = argumentTypes(data, names);
            RowReader reader = reader(function, isLoss, true, options, functionName(function, isLoss), types);
            List<Column> inputs = new ArrayList<>();
            for (Expression e : reader.inputs(columnExpressions(data, names))) {
                inputs.add(ExpressionUtils$.MODULE$.column(e));
            }
            return XentAggregator.summarize(RowScan.run(data, reader, inputs));
        }
        Row r = data.select(column(data, function, isLoss, options, labelCol, predictionCol, weightCol, shapeCol))
                .first().getStruct(0);
        XentSummary s = new XentSummary();
        s.setCount(r.getDouble(r.fieldIndex("count")));
        s.setResult(r.getDouble(r.fieldIndex("result")));
        s.setRows(r.getLong(r.fieldIndex("rows")));
        s.setSkipped(r.getLong(r.fieldIndex("skipped")));
        s.setTotal(r.getDouble(r.fieldIndex("total")));
        return s;
    }

    /**
     * As {@link #aggregate(Dataset, KerasFunction, boolean, XentOptions, String, String, String, String)} for the
     * catalogue function {@code name} names (a function or class name, such as {@code binary_crossentropy} or
     * {@code BinaryCrossentropy}).
     *
     * @throws IllegalArgumentException for a name no catalogue function has, listing the names
     */
    public static XentSummary aggregate(Dataset<?> data, String name, boolean isLoss, XentOptions options,
                                        String labelCol, String predictionCol, String weightCol, String shapeCol) {
        return aggregate(data, Catalog.get(name), isLoss, options, labelCol, predictionCol, weightCol, shapeCol);
    }

    private static String functionName(KerasFunction function, boolean isLoss) {
        return isLoss ? function.name() + " loss" : function.name();
    }

    /** The columns {@code names} (null for an absent argument) as expressions to build a column from. */
    private static List<Expression> columnExpressions(Dataset<?> data, List<String> names) {
        List<Expression> args = new ArrayList<>();
        for (String n : names) {
            args.add(n == null ? Literal.create(null, DataTypes.NullType) : ExpressionUtils$.MODULE$.expression(
                    data.col(n)));
        }
        return args;
    }

    private static DataType[] argumentTypes(Dataset<?> data, List<String> names) {
        DataType[] types = new DataType[names.size()];
        for (int i = 0; i < types.length; i++) {
            String n = names.get(i);
            types[i] = n == null ? DataTypes.NullType : fieldOf(data, n).dataType();
        }
        return types;
    }

    private static List<String> argumentNames(String labelCol, String predictionCol, String weightCol,
                                              String shapeCol) {
        List<String> names = new ArrayList<>(java.util.Arrays.asList(labelCol, predictionCol));
        if (weightCol != null || shapeCol != null) {
            names.add(weightCol);
        }
        if (shapeCol != null) {
            names.add(shapeCol);
        }
        return names;
    }

    /**
     * The metric or reduced loss over {@code data}'s columns as an aggregate column: a struct as {@link XentSummary}.
     * On a classic session it is the SQL functions' aggregate, which reads Spark's internal rows; otherwise the
     * {@link XentAggregator} through {@code functions.udaf}.
     *
     * @throws IllegalArgumentException for a missing column, an unusable type, an option that does not apply, or a
     *     loss of a function without one
     */
    public static Column column(Dataset<?> data, KerasFunction function, boolean isLoss, XentOptions options,
                                String labelCol, String predictionCol, String weightCol, String shapeCol) {
        if (!(data instanceof org.apache.spark.sql.classic.Dataset)) {
            return typedColumn(data, function, isLoss, options, labelCol, predictionCol, weightCol, shapeCol);
        }
        List<String> names = argumentNames(labelCol, predictionCol, weightCol, shapeCol);
        RowReader reader = reader(function, isLoss, true, options, functionName(function, isLoss),
                argumentTypes(data, names));
        return ExpressionUtils$.MODULE$.column(XentAggregate.of(reader, columnExpressions(data, names),
                function.name() + (isLoss ? "_loss" : ""), true));
    }

    /** As {@link #column(Dataset, KerasFunction, boolean, XentOptions, String, String, String, String)} by name. */
    public static Column column(Dataset<?> data, String name, boolean isLoss, XentOptions options,
                                String labelCol, String predictionCol, String weightCol, String shapeCol) {
        return column(data, Catalog.get(name), isLoss, options, labelCol, predictionCol, weightCol, shapeCol);
    }

    /** As {@link #column}, always through the typed {@link XentAggregator} and {@code functions.udaf}. */
    static Column typedColumn(Dataset<?> data, KerasFunction function, boolean isLoss, XentOptions options,
                              String labelCol, String predictionCol, String weightCol, String shapeCol) {
        List<String> names = argumentNames(labelCol, predictionCol, weightCol, shapeCol);
        DataType[] types = argumentTypes(data, names);
        Binding b = Binding.of(function, functionName(function, isLoss), types);
        XentAggregator<XentSummary> agg = XentAggregator.summary(function, isLoss, options, b.weighted);
        Column[] cols = new Column[b.argumentOf.length];
        for (int i = 0; i < cols.length; i++) {
            int a = b.argumentOf[i];
            if (a < 0) {
                cols[i] = functions.lit(null).cast(Binding.fieldType(i));
            } else {
                Column arg = data.col(names.get(a));
                if ((a == 0 && b.scalarLabel) || (a == 1 && b.scalarPrediction)) {
                    arg = functions.when(arg.isNull(), functions.lit(null).cast(b.types[a]))
                            .otherwise(functions.array(arg));
                }
                arg = nullIfNullElement(arg, b.types[a]);
                cols[i] = b.castTo[i] == null ? arg : arg.cast(b.castTo[i]);
            }
        }
        return functions.udaf(agg, XentInput.encoder()).apply(cols);
    }

    /*
     * The typed aggregator decodes arrays into primitive arrays, where a null element would read as 0. An array
     * argument that may hold nulls is therefore made NULL when it does (then the row is a null row: an error or
     * skipped): size(array_intersect(a, array(NULL))) > 0 holds exactly when a has a null element, with no lambda.
     */

    private static Column nullIfNullElement(Column arg, DataType type) {
        if (!(type instanceof ArrayType) || !((ArrayType) type).containsNull()) {
            return arg;
        }
        DataType element = ((ArrayType) type).elementType();
        Column hasNull = functions.size(functions.array_intersect(arg, functions.array(
                functions.lit(null).cast(element)))).gt(0);
        return functions.when(hasNull, functions.lit(null).cast(type)).otherwise(arg);
    }

    private static StructField fieldOf(Dataset<?> data, String name) {
        for (StructField f : data.schema().fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("column (" + name + ") must be one of the data's columns "
                + java.util.Arrays.toString(data.columns()));
    }
}
