package dev.xent.spark;

import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.aggregate.ImperativeAggregate;
import org.apache.spark.sql.catalyst.expressions.aggregate.TypedImperativeAggregate;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Catalyst aggregate behind the SQL functions and {@link XentFunctions#column} on classic sessions: an
 * {@link XentAggregator}'s {@code zero}, {@code merge} and {@code finish} over its {@link XentBuffer}, with rows read by
 * a {@link RowReader} straight from the input row. {@code functions.udaf} would run the same aggregator through
 * Spark's {@code ScalaAggregator}, which copies each row into a new one and decodes it into an {@link XentInput}
 * bean and a {@code Vector} object first; those copies cost more than the cross-entropy itself (docs/spark.md,
 * Benchmark). Spark's {@code TypedImperativeAggregate} is an internal API, as is the function registry the SQL
 * functions already need.
 *
 * <p>The buffer is shipped as {@link XentBuffer#getBytes()}, the same versioned encoding as the typed aggregator's.
 * Spark gives each task its own copy of the expression; {@link #update} reuses a per-copy row and is not thread-safe.
 */
final class XentAggregate extends TypedImperativeAggregate<XentBuffer> implements java.io.Serializable {

    private static final long serialVersionUID = 1L;
    /** The struct of {@link XentSummary}, as its bean encoder writes it (the typed aggregator's output type). */
    static final StructType SUMMARY_TYPE = Encoders.bean(XentSummary.class).schema();

    private final Seq<Expression> children;
    private final RowReader reader;
    private final String name;
    private final boolean summary;
    private final int mutableAggBufferOffset;
    private final int inputAggBufferOffset;
    /** The reader of input rows, or of {@link #row}: set by the first {@link #update}. */
    private transient RowReader rowReader;
    private transient Expression[] inputs;
    /** The evaluated inputs of the current row (reused), or null when the inputs are read in place. */
    private transient Object[] values;
    private transient GenericInternalRow row;

    XentAggregate(Seq<Expression> children, RowReader reader, String name, boolean summary,
                  int mutableAggBufferOffset, int inputAggBufferOffset) {
        this.children = children;
        this.reader = reader;
        this.name = name;
        this.summary = summary;
        this.mutableAggBufferOffset = mutableAggBufferOffset;
        this.inputAggBufferOffset = inputAggBufferOffset;
    }

    /** The aggregate over {@code args}, the arguments {@code (label, prediction[, weight[, shape]])}. */
    static XentAggregate of(RowReader reader, List<Expression> args, String name, boolean summary) {
        return new XentAggregate(CollectionConverters.asScala(reader.inputs(args)).toList(), reader, name, summary,
                0, 0);
    }

    @Override
    public Seq<Expression> children() {
        return children;
    }

    @Override
    public boolean nullable() {
        return true;
    }

    @Override
    public DataType dataType() {
        return summary ? SUMMARY_TYPE : DataTypes.DoubleType;
    }

    @Override
    public String prettyName() {
        return name;
    }

    @Override
    public XentBuffer createAggregationBuffer() {
        return reader.agg.zero();
    }

    @Override
    public XentBuffer update(XentBuffer buffer, InternalRow input) {
        if (rowReader == null) {
            prepare();
        }
        if (values == null) {
            rowReader.add(buffer, input);
            return buffer;
        }
        for (int i = 0; i < inputs.length; i++) {
            values[i] = inputs[i].eval(input);
        }
        rowReader.add(buffer, row);
        return buffer;
    }

    /**
     * Inputs that are columns of the input row (the usual case once Spark has bound them) are read in place;
     * otherwise they are evaluated into a reused row first.
     */
    private void prepare() {
        inputs = CollectionConverters.asJava(children).toArray(new Expression[0]);
        int[] ordinals = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (!(inputs[i] instanceof BoundReference)) {
                values = new Object[inputs.length];
                row = new GenericInternalRow(values);
                rowReader = reader;
                return;
            }
            ordinals[i] = ((BoundReference) inputs[i]).ordinal();
        }
        rowReader = reader.at(ordinals);
    }

    @Override
    public XentBuffer merge(XentBuffer buffer, XentBuffer input) {
        return reader.agg.merge(buffer, input);
    }

    @Override
    public Object eval(XentBuffer buffer) {
        XentSummary s = XentAggregator.summarize(buffer);
        if (!summary) {
            return s.getResult();
        }
        StructField[] fields = SUMMARY_TYPE.fields();
        Object[] out = new Object[fields.length];
        for (int i = 0; i < fields.length; i++) {
            switch (fields[i].name()) {
                case "count": out[i] = s.getCount(); break;
                case "result": out[i] = s.getResult(); break;
                case "rows": out[i] = s.getRows(); break;
                case "skipped": out[i] = s.getSkipped(); break;
                case "total": out[i] = s.getTotal(); break;
                default: throw new AssertionError("XentSummary has no property " + fields[i].name());
            }
        }
        return new GenericInternalRow(out);
    }

    @Override
    public byte[] serialize(XentBuffer buffer) {
        return buffer.getBytes();
    }

    @Override
    public XentBuffer deserialize(byte[] bytes) {
        XentBuffer b = new XentBuffer();
        b.setBytes(bytes);
        return b;
    }

    @Override
    public int mutableAggBufferOffset() {
        return mutableAggBufferOffset;
    }

    @Override
    public int inputAggBufferOffset() {
        return inputAggBufferOffset;
    }

    @Override
    public ImperativeAggregate withNewMutableAggBufferOffset(int offset) {
        return new XentAggregate(children, reader, name, summary, offset, inputAggBufferOffset);
    }

    @Override
    public ImperativeAggregate withNewInputAggBufferOffset(int offset) {
        return new XentAggregate(children, reader, name, summary, mutableAggBufferOffset, offset);
    }

    @Override
    public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
        return new XentAggregate(newChildren.toList(), reader, name, summary, mutableAggBufferOffset,
                inputAggBufferOffset);
    }

    /** Plans show {@code name(children)}, as for Spark's own aggregates. */
    @Override
    @SuppressWarnings("unchecked")
    public scala.collection.Iterator<Object> stringArgs() {
        return (scala.collection.Iterator<Object>) (scala.collection.Iterator<?>) children.iterator();
    }

    // Catalyst treats expressions as case classes: the product is the constructor's arguments, equality is by value.

    @Override
    public int productArity() {
        return 6;
    }

    @Override
    public Object productElement(int n) {
        switch (n) {
            case 0: return children;
            case 1: return reader;
            case 2: return name;
            case 3: return summary;
            case 4: return mutableAggBufferOffset;
            case 5: return inputAggBufferOffset;
            default: throw new IndexOutOfBoundsException("element " + n + " of " + productArity());
        }
    }

    @Override
    public boolean canEqual(Object other) {
        return other instanceof XentAggregate;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof XentAggregate)) {
            return false;
        }
        XentAggregate o = (XentAggregate) other;
        return children.equals(o.children) && reader == o.reader && name.equals(o.name) && summary == o.summary
                && mutableAggBufferOffset == o.mutableAggBufferOffset
                && inputAggBufferOffset == o.inputAggBufferOffset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(children, System.identityHashCode(reader), name, summary, mutableAggBufferOffset,
                inputAggBufferOffset);
    }
}
