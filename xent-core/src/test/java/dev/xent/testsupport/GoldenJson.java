package dev.xent.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.ndarray.NdArray;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the golden JSON of {@code tools/golden/generate_models.py}: {@code ARR = {dtype, shape, data}}. */
public final class GoldenJson {

    public static final ObjectMapper JSON = new ObjectMapper();

    private GoldenJson() {}

    public static JsonNode resource(Class<?> anchor, String path) {
        try (InputStream in = anchor.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path
                        + "; regenerate with tools/golden/generate_models.py");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static double number(JsonNode n) {
        if (n.isTextual()) {
            switch (n.asText()) {
                case "NaN": return Double.NaN;
                case "Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                default: throw new IllegalArgumentException("not a number: " + n);
            }
        }
        return n.asDouble();
    }

    public static NdArray array(JsonNode a) {
        if (a == null || a.isNull()) {
            return null;
        }
        JsonNode shapeNode = a.get("shape");
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asInt();
        }
        JsonNode data = a.get("data");
        int n = data.size();
        switch (a.get("dtype").asText()) {
            case "float32": {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) number(data.get(i));
                }
                return NdArray.of(f, 0, shape);
            }
            case "float64": {
                double[] d = new double[n];
                for (int i = 0; i < n; i++) {
                    d[i] = number(data.get(i));
                }
                return NdArray.of(d, 0, shape);
            }
            case "int32": {
                int[] d = new int[n];
                for (int i = 0; i < n; i++) {
                    d[i] = data.get(i).asInt();
                }
                return NdArray.of(d, 0, shape);
            }
            case "int64": {
                long[] d = new long[n];
                for (int i = 0; i < n; i++) {
                    d[i] = data.get(i).asLong();
                }
                return NdArray.of(d, 0, shape);
            }
            default:
                throw new IllegalArgumentException("dtype " + a.get("dtype"));
        }
    }

    /** A JSON object as the plain map a {@code fromConfig} takes (numbers keep int vs double). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(JsonNode n) {
        return JSON.convertValue(n, LinkedHashMap.class);
    }

    public static List<JsonNode> list(JsonNode n) {
        List<JsonNode> out = new ArrayList<>();
        n.forEach(out::add);
        return out;
    }
}
