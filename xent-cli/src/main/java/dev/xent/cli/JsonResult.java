package dev.xent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON object the command line prints: {@code class_name}, {@code config}, {@code result} and, for
 * metrics, {@code total} and {@code count}. NaN and infinities are written as the strings {@code "NaN"},
 * {@code "Infinity"} and {@code "-Infinity"} (JSON has no such numbers).
 */
public final class JsonResult {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonResult() {}

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
        try {
            return MAPPER.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
