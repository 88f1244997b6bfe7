package dev.xent.spark;

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
 * SQL functions for the cross-entropies, with options fixed at registration, and the same computation over a
 * {@link Dataset}'s columns. {@link #register(SparkSession, XentOptions)} adds, for {@code NAME} in
 * {@code sparse_categorical_crossentropy} and {@code categorical_crossentropy}:
 * <ul>
 *   <li>{@code xent_NAME(label, prediction[, weight[, shape]])}: the metric (a double);</li>
 *   <li>{@code xent_NAME_loss(...)}: the loss with the registered reduction (a double);</li>
 *   <li>{@code xent_NAME_summary(...)}, {@code xent_NAME_loss_summary(...)}: a struct
 *       {@code <count, result, rows, skipped, total>} (see {@link XentSummary});</li>
 *   <li>{@code xent_NAME_values(...)}: per row, the loss with {@code reduction = none}: a double, or for rows with
 *       a {@code shape} an {@code array<double>} of the row's values without the class axis.</li>
 * </ul>
 * A prediction is an {@code array<float>} (computed in float32), an {@code array<double>} or an ML {@code Vector}
 * (float64), the row's class probabilities or logits; with {@code shape} (such as {@code array(4, 4, 3)}) it is a
 * flattened row-major map, and a sparse label is then the flattened map of class indices. Sparse labels are int,
 * bigint or double holding whole numbers; categorical labels are numeric arrays. A {@code NULL} weight or shape
 * argument means none.
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
     * (for example {@code xent_logits_} with {@code fromLogits}). Options that do not apply to one cross-entropy
     * make that cross-entropy's functions fail when called, naming the option.
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
        for (Crossentropy kind : Crossentropy.values()) {
            String base = prefix + kind.kerasName();
            registerAggregate(registry, base, kind, false, false, options);
            registerAggregate(registry, base + "_summary", kind, false, true, options);
            registerAggregate(registry, base + "_loss", kind, true, false, options);
            registerAggregate(registry, base + "_loss_summary", kind, true, true, options);
            registerValues(registry, base + "_values", kind, options);
        }
    }

    /** The names {@link #register(SparkSession, XentOptions, String)} registers. */
    public static List<String> functionNames(String prefix) {
        List<String> names = new ArrayList<>();
        for (Crossentropy kind : Crossentropy.values()) {
            String base = prefix + kind.kerasName();
            names.add(base);
            names.add(base + "_summary");
            names.add(base + "_loss");
            names.add(base + "_loss_summary");
            names.add(base + "_values");
        }
        return names;
    }

    private static void registerAggregate(FunctionRegistry registry, String name, Crossentropy kind, boolean isLoss,
                                          boolean summary, XentOptions options) {
        registry.createOrReplaceTempFunction(name, children -> {
            List<Expression> args = CollectionConverters.asJava(children);
            DataType[] types = typesOf(args);
            RowReader reader = reader(kind, isLoss, summary, options, name, types);
            return XentAggregate.of(reader, args, name, summary);
        }, "scala_udf");
    }

    /** The reader for arguments of these types; throws when a type cannot be used or an option does not apply. */
    private static RowReader reader(Crossentropy kind, boolean isLoss, boolean summary, XentOptions options,
                                    String function, DataType[] types) {
        Binding b = Binding.of(kind, function, types);
        XentAggregator<?> agg = summary ? XentAggregator.summary(kind, isLoss, options, b.weighted)
                : isLoss ? XentAggregator.loss(kind, options, b.weighted)
                : XentAggregator.metric(kind, options, b.weighted);
        return new RowReader(agg, b, types);
    }

    private static void registerValues(FunctionRegistry registry, String name, Crossentropy kind,
                                       XentOptions options) {
        registry.createOrReplaceTempFunction(name, children -> {
            List<Expression> args = new ArrayList<>(CollectionConverters.asJava(children));
            Binding b = Binding.of(kind, name, typesOf(args));
            while (args.size() < 4) {
                args.add(Literal.create(null, DataTypes.NullType));
            }
            RowValues f = new RowValues(kind, options, name, b.float32, b.weighted, b.shaped);
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
     * @param weightCol a numeric column, or null for none
     * @param shapeCol an integer-array column, or null for rows of shape {@code (classes,)}
     * @throws IllegalArgumentException for a missing column, an unusable type, or an option that does not apply
     */
    public static XentSummary aggregate(Dataset<?> data, Crossentropy kind, boolean isLoss, XentOptions options,
                                        String labelCol, String predictionCol, String weightCol, String shapeCol) {
        if (data instanceof org.apache.spark.sql.classic.Dataset) {
            List<String> names = argumentNames(labelCol, predictionCol, weightCol, shapeCol);
            DataType[] types = argumentTypes(data, names);
            RowReader reader = reader(kind, isLoss, true, options, functionName(kind, isLoss), types);
            List<Column> inputs = new ArrayList<>();
            for (Expression e : reader.inputs(columnExpressions(data, names))) {
                inputs.add(ExpressionUtils$.MODULE$.column(e));
            }
            return XentAggregator.summarize(RowScan.run(data, reader, inputs));
        }
        Row r = data.select(column(data, kind, isLoss, options, labelCol, predictionCol, weightCol, shapeCol))
                .first().getStruct(0);
        XentSummary s = new XentSummary();
        s.setCount(r.getDouble(r.fieldIndex("count")));
        s.setResult(r.getDouble(r.fieldIndex("result")));
        s.setRows(r.getLong(r.fieldIndex("rows")));
        s.setSkipped(r.getLong(r.fieldIndex("skipped")));
        s.setTotal(r.getDouble(r.fieldIndex("total")));
        return s;
    }

    private static String functionName(Crossentropy kind, boolean isLoss) {
        return isLoss ? kind.kerasName() + " loss" : kind.kerasName();
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
     * @throws IllegalArgumentException for a missing column, an unusable type, or an option that does not apply
     */
    public static Column column(Dataset<?> data, Crossentropy kind, boolean isLoss, XentOptions options,
                                String labelCol, String predictionCol, String weightCol, String shapeCol) {
        if (!(data instanceof org.apache.spark.sql.classic.Dataset)) {
            return typedColumn(data, kind, isLoss, options, labelCol, predictionCol, weightCol, shapeCol);
        }
        List<String> names = argumentNames(labelCol, predictionCol, weightCol, shapeCol);
        String function = functionName(kind, isLoss);
        RowReader reader = reader(kind, isLoss, true, options, function, argumentTypes(data, names));
        return ExpressionUtils$.MODULE$.column(XentAggregate.of(reader, columnExpressions(data, names),
                kind.kerasName() + (isLoss ? "_loss" : ""), true));
    }

    /** As {@link #column}, always through the typed {@link XentAggregator} and {@code functions.udaf}. */
    static Column typedColumn(Dataset<?> data, Crossentropy kind, boolean isLoss, XentOptions options,
                              String labelCol, String predictionCol, String weightCol, String shapeCol) {
        List<String> names = argumentNames(labelCol, predictionCol, weightCol, shapeCol);
        DataType[] types = argumentTypes(data, names);
        Binding b = Binding.of(kind, functionName(kind, isLoss), types);
        XentAggregator<XentSummary> agg = XentAggregator.summary(kind, isLoss, options, b.weighted);
        Column[] cols = new Column[b.argumentOf.length];
        for (int i = 0; i < cols.length; i++) {
            if (b.argumentOf[i] < 0) {
                cols[i] = functions.lit(null).cast(Binding.fieldType(i));
            } else {
                Column arg = nullIfNullElement(data.col(names.get(b.argumentOf[i])), types[b.argumentOf[i]]);
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
