package dev.xent.spark.cli;

import java.util.Map;

/**
 * The JSON object {@code xent metric} prints, written by hand (the command runs on Spark's classpath, whose Jackson
 * version is Spark's): keys in order, doubles as {@link Double#toString}, NaN and infinities as the strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 */
final class Json {

    private Json() {}

    static String metric(String className, Map<String, Object> config, double result, double total, double count) {
        StringBuilder sb = new StringBuilder("{\"class_name\":");
        string(sb, className);
        sb.append(",\"config\":{");
        boolean first = true;
        for (Map.Entry<String, Object> e : config.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            string(sb, e.getKey());
            sb.append(':');
            value(sb, e.getValue());
        }
        sb.append("},\"result\":");
        value(sb, result);
        sb.append(",\"total\":");
        value(sb, total);
        sb.append(",\"count\":");
        value(sb, count);
        return sb.append('}').toString();
    }

    static void value(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) {
                string(sb, "NaN");
            } else if (Double.isInfinite(d)) {
                string(sb, d > 0 ? "Infinity" : "-Infinity");
            } else {
                sb.append(v instanceof Float ? Float.toString((Float) v) : Double.toString(d));
            }
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else {
            string(sb, v.toString());
        }
    }

    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
