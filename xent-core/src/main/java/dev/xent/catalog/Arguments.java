package dev.xent.catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The values of a Keras function's arguments (extensions included), each checked against its {@link Argument}:
 * what a metric or loss object was built with. Values keep their JSON type (the int {@code 0} is not the float
 * {@code 0.0}), so that a config is written back as Keras wrote it.
 *
 * <p>Immutable and thread-safe.
 */
public final class Arguments {

    private final Map<String, Object> values;
    /** The keys given explicitly (not defaulted), in the order given: a MeanMetricWrapper's config writes these. */
    private final List<String> given;

    Arguments(Map<String, Object> values, List<String> given) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.given = List.copyOf(given);
    }

    /** Every argument's value, in the function's order. */
    public Map<String, Object> asMap() {
        return values;
    }

    /** The keys that were given explicitly rather than defaulted, in the order they were given. */
    public List<String> givenKeys() {
        return given;
    }

    /** The value of {@code key} (null for an optional integer that is null). */
    public Object get(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("no argument '" + key + "'; the arguments are " + values.keySet());
        }
        return values.get(key);
    }

    public boolean bool(String key) {
        return (Boolean) get(key);
    }

    public int integer(String key) {
        return (Integer) get(key);
    }

    public Integer optionalInteger(String key) {
        return (Integer) get(key);
    }

    public double number(String key) {
        return ((Number) get(key)).doubleValue();
    }

    /** A number or a list of numbers, as an array (one element for a number). */
    public double[] numbers(String key) {
        Object v = get(key);
        if (v instanceof Number) {
            return new double[] {((Number) v).doubleValue()};
        }
        List<?> list = (List<?>) v;
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).doubleValue();
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Arguments && values.equals(((Arguments) o).values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
