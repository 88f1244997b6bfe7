package dev.xent.metrics;

import dev.xent.catalog.Catalog;
import java.util.Map;

/**
 * How often integer labels equal the arg-max of the predictions, after
 * {@code keras.metrics.SparseCategoricalAccuracy} (Keras 3.15, TensorFlow backend).
 *
 * <pre>{@code
 * var m = SparseCategoricalAccuracy.builder().build();
 * m.updateState(NdArray.of(new int[] {2, 1}),
 *               NdArray.of(new float[] {0.1f, 0.6f, 0.3f, 0.05f, 0.95f, 0f}, 2, 3));
 * m.result();   // 0.5
 * m.resetState();
 * m.updateState(NdArray.of(new int[] {2, 1}),
 *               NdArray.of(new float[] {0.1f, 0.6f, 0.3f, 0.05f, 0.95f, 0f}, 2, 3),
 *               NdArray.of(new float[] {0.7f, 0.3f}));
 * m.result();   // 0.3
 * }</pre>
 *
 * <p><b>Semantics.</b> Per sample, 1 when {@code yTrue == argmax(yPred, -1)}, else 0; averaged like every
 * {@link MeanMetricWrapper}. {@code yTrue} has {@code yPred}'s shape without the last axis, optionally with a trailing
 * 1. Ties go to the first index. Labels are compared as Keras compares them (cast to the prediction dtype), so a
 * fractional, negative or out-of-range label is a miss, not an error.
 *
 * <p><b>NaN and infinities.</b> A NaN score is never the arg-max (TensorFlow's kernel skips it; a row of NaN gives
 * index 0); {@code +Infinity} wins like any larger value; {@code -0.0} loses to {@code +0.0}, as in Keras. The
 * result itself is never NaN unless a sample weight is.
 *
 * <p>Not thread-safe; give each thread its own and {@link #merge} them.
 */
public final class SparseCategoricalAccuracy extends MeanMetricWrapper {

    public static final String DEFAULT_NAME = Catalog.SPARSE_CATEGORICAL_ACCURACY.name();

    private SparseCategoricalAccuracy(Builder b) {
        super(b);
    }

    /** A builder with Keras's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this metric's options. */
    public Builder toBuilder() {
        return new Builder().from(this);
    }

    /**
     * Keras's {@code from_config}: the keys of {@code get_config()}, each optional.
     *
     * @throws IllegalArgumentException on an unknown key, a value of the wrong type, or one that breaks its rule
     */
    public static SparseCategoricalAccuracy fromConfig(Map<String, ?> config) {
        return builder().config(config).build();
    }

    /** Options, with Keras's defaults. */
    public static final class Builder extends MetricBuilder<Builder, SparseCategoricalAccuracy> {

        private Builder() {
            super(Catalog.SPARSE_CATEGORICAL_ACCURACY, SparseCategoricalAccuracy::new);
        }
    }
}
