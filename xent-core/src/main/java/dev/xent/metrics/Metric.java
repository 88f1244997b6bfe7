package dev.xent.metrics;

import dev.xent.ndarray.DType;
import java.util.Map;

/**
 * Base of all metrics, after {@code keras.metrics.Metric}: a name, a dtype, accumulated state, and
 * {@link #result()}, {@link #resetState()}, {@link #getConfig()}. Subclasses add {@code updateState}.
 *
 * <p>Metrics are not thread-safe: confine one instance to a thread, or give each thread its own and
 * {@code merge} them.
 */
public abstract class Metric {

    private final String name;
    private final DType dtype;

    protected Metric(String name, DType dtype) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("name (" + (name == null ? "null" : "\"\"") + ") must be a non-empty string");
        }
        if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
            throw new IllegalArgumentException("dtype (" + dtype.kerasName() + ") must be float32 or float64");
        }
        this.name = name;
        this.dtype = dtype;
    }

    public final String name() {
        return name;
    }

    public final DType dtype() {
        return dtype;
    }

    /** The metric's value for all updates since the last reset. */
    public abstract double result();

    /** Forgets all updates. */
    public abstract void resetState();

    /** Keras's {@code get_config()}: Keras's keys, in Keras's order, with Keras's value types. */
    public abstract Map<String, Object> getConfig();

    @Override
    public String toString() {
        return getClass().getSimpleName() + getConfig();
    }
}
