package dev.xent.metrics;

import dev.xent.catalog.Catalog;
import java.util.Map;

/**
 * How often the arg-max of one-hot (or soft) targets equals the arg-max of the predictions, after
 * {@code keras.metrics.CategoricalAccuracy} (Keras 3.15, TensorFlow backend).
 *
 * <pre>{@code
 * var m = CategoricalAccuracy.builder().build();
 * m.updateState(NdArray.of(new float[] {0, 0, 1, 0, 1, 0}, 2, 3),
 *               NdArray.of(new float[] {0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0f}, 2, 3));
 * m.result();   // 0.5
 * }</pre>
 *
 * <p><b>Semantics.</b> Per sample, 1 when {@code argmax(yTrue, -1) == argmax(yPred, -1)}, else 0; averaged like
 * every {@link MeanMetricWrapper}. Ties go to the first index, in the targets as in the predictions. Logits work as
 * well as probabilities. {@code yTrue} must have {@code yPred}'s shape ({@link IllegalArgumentException} otherwise;
 * Keras compares whatever the two arg-maxes broadcast to).
 *
 * <p><b>NaN and infinities.</b> A NaN score is never the arg-max (a row of NaN gives index 0); {@code +Infinity}
 * wins like any larger value; {@code -0.0} loses to {@code +0.0}, as in Keras.
 *
 * <p>Not thread-safe; give each thread its own and {@link #merge} them.
 */
public final class CategoricalAccuracy extends MeanMetricWrapper {

    public static final String DEFAULT_NAME = Catalog.CATEGORICAL_ACCURACY.name();

    private CategoricalAccuracy(Builder b) {
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
    public static CategoricalAccuracy fromConfig(Map<String, ?> config) {
        return builder().config(config).build();
    }

    /** Options, with Keras's defaults. */
    public static final class Builder extends MetricBuilder<Builder, CategoricalAccuracy> {

        private Builder() {
            super(Catalog.CATEGORICAL_ACCURACY, CategoricalAccuracy::new);
        }
    }
}
