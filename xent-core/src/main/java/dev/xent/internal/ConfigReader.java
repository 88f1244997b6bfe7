package dev.xent.internal;

import dev.xent.ndarray.DType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads a Keras {@code get_config()} map as {@code from_config} would pass it to the constructor: only the
 * class's own keys, each with a value of the right JSON type; anything else is refused with a message naming the
 * key, the value and the rule.
 */
public final class ConfigReader {

    private final Map<String, ?> config;
    private final String className;

    public ConfigReader(Map<String, ?> config, String className, String... allowedKeys) {
        Checks.checkNotNull(config, "config");
        this.config = config;
        this.className = className;
        List<String> allowed = Arrays.asList(allowedKeys);
        for (String key : config.keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("config key '" + key + "' is not an argument of " + className
                        + "; its keys are " + allowed);
            }
        }
    }

    public boolean has(String key) {
        return config.containsKey(key);
    }

    public String string(String key, String defaultValue) {
        Object v = config.get(key);
        if (v == null) {
            return config.containsKey(key) ? null : defaultValue;
        }
        if (!(v instanceof String)) {
            throw bad(key, v, "must be a string");
        }
        return (String) v;
    }

    public boolean bool(String key, boolean defaultValue) {
        Object v = config.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof Boolean)) {
            throw bad(key, v, "must be true or false");
        }
        return (Boolean) v;
    }

    public int integer(String key, int defaultValue) {
        Integer v = nullableInteger(key);
        return v == null ? defaultValue : v;
    }

    public Integer nullableInteger(String key) {
        Object v = config.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Number) {
            double d = ((Number) v).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
                return (int) d;
            }
        }
        throw bad(key, v, "must be an integer or null");
    }

    /** A number, kept as given (Keras distinguishes the int 0 from the float 0.0 in configs). */
    public Number number(String key, Number defaultValue) {
        Object v = config.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof Number)) {
            throw bad(key, v, "must be a number");
        }
        return (Number) v;
    }

    /** A dtype: a string such as {@code "float32"}, or a serialized {@code DTypePolicy}. */
    public DType dtype(String key, DType defaultValue) {
        Object v = config.get(key);
        if (v == null) {
            return defaultValue;
        }
        Object name = v;
        if (v instanceof Map) {
            Object inner = ((Map<?, ?>) v).get("config");
            name = inner instanceof Map ? ((Map<?, ?>) inner).get("name") : null;
        }
        if (!(name instanceof String)) {
            throw bad(key, v, "must be a dtype name such as \"float32\" or a DTypePolicy");
        }
        String s = (String) name;
        if (!s.equals("float32") && !s.equals("float64")) {
            throw bad(key, v, "must be \"float32\" or \"float64\" (float16, bfloat16 and mixed policies are not supported)");
        }
        return DType.fromKerasName(s);
    }

    private IllegalArgumentException bad(String key, Object value, String rule) {
        String shown = value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
        return new IllegalArgumentException(className + " config '" + key + "' (" + shown + ") " + rule);
    }

    /**
     * A config's {@code fn} (a {@code MeanMetricWrapper}'s or {@code LossFunctionWrapper}'s function, as Keras
     * serializes it: a name, or {@code {"class_name": "function", "config": NAME, ...}}) must name {@code function}.
     */
    public static void checkFn(Object fn, dev.xent.catalog.KerasFunction function, String owner) {
        Object named = fn;
        if (fn instanceof Map) {
            named = ((Map<?, ?>) fn).get("config");
        }
        if (!(named instanceof String) || !function.isNamed((String) named)) {
            String shown = fn instanceof String ? "\"" + fn + "\"" : String.valueOf(fn);
            throw new IllegalArgumentException(owner + " config 'fn' (" + shown + ") must name " + function.name());
        }
    }
}
