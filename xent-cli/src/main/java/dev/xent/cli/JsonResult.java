package dev.xent.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.xent.internal.Printable;
import dev.xent.losses.Loss;
import dev.xent.metrics.MeanMetricWrapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON object the command line prints: {@code class_name}, {@code config}, {@code result} and, for
 * metrics, {@code total} and {@code count}. NaN and infinities are written as the strings {@code "NaN"},
 * {@code "Infinity"} and {@code "-Infinity"} (JSON has no such numbers).
 *
 * <p>Written with Jackson's streaming generator rather than an {@code ObjectMapper}: the output is the same, and a
 * run does not load and initialise the data-binding layer (about a tenth of a second of start-up) to print one line.
 */
public final class JsonResult {

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * Jackson escapes the C0 controls; these escapes add DEL, the C1 controls, the line separators and the
     * bidirectional controls ({@link Printable}), so that a name from the inputs never acts on a terminal: still
     * the same JSON string for any reader.
     */
    private static final CharacterEscapes ESCAPES = new CharacterEscapes() {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = ascii();

        private int[] ascii() {
            int[] a = standardAsciiEscapesForJSON();
            a[0x7f] = ESCAPE_CUSTOM;
            return a;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch <= 0xffff && Printable.isEscaped((char) ch) ? new SerializedString(Printable.escape(
                    String.valueOf((char) ch))) : null;
        }
    };

    private JsonResult() {}

    /**
     * A metric's output: {@code class_name} is what {@code keras.saving.serialize_keras_object} names it (Keras's
     * class, or {@code MeanMetricWrapper} for a function Keras has no metric class for), {@code config} its
     * {@code get_config()}.
     */
    public static String metric(MeanMetricWrapper metric, double result, double total, double count) {
        return metric(metric.function().metricClassName(), metric.getConfig(), result, total, count);
    }

    /** A loss's output ({@code result} null for reduction none): Keras's class name and {@code get_config()}. */
    public static String loss(Loss loss, Double result) {
        return loss(loss.function().lossClassName(), loss.getConfig(), result);
    }

    /** A metric's output. */
    public static String metric(String className, Map<String, Object> config, double result, double total, double count) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("class_name", className);
        out.put("config", config);
        out.put("result", number(result));
        out.put("total", number(total));
        out.put("count", number(count));
        return write(out);
    }

    /** A loss's output; {@code result} is null for reduction none (the values went to a file). */
    public static String loss(String className, Map<String, Object> config, Double result) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("class_name", className);
        out.put("config", config);
        out.put("result", result == null ? null : number(result));
        return write(out);
    }

    /** {@code x}, or its name as a string when JSON has no number for it. */
    static Object number(double x) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "Infinity" : "-Infinity";
        }
        return x;
    }

    private static String write(Map<String, Object> out) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(text)) {
            g.setCharacterEscapes(ESCAPES);
            value(g, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** The JSON values a config holds: maps, lists, strings, numbers, booleans and null. */
    private static void value(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                value(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Iterable) {
            g.writeStartArray();
            for (Object item : (Iterable<?>) v) {
                value(g, item);
            }
            g.writeEndArray();
        } else if (v instanceof String) {
            g.writeString((String) v);
        } else if (v instanceof Boolean) {
            g.writeBoolean((Boolean) v);
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).intValue());
        } else if (v instanceof Long) {
            g.writeNumber((Long) v);
        } else if (v instanceof Float) {
            g.writeNumber((Float) v);
        } else if (v instanceof Double) {
            g.writeNumber((Double) v);
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON: " + v);
        }
    }
}
