package dev.xent.metrics;

import dev.xent.internal.AccuracyOps;
import dev.xent.internal.ConfigReader;
import dev.xent.internal.ElementValues;
import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
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

    public static final String DEFAULT_NAME = "categorical_accuracy";

    private CategoricalAccuracy(Builder b) {
        super(b.name, b.dtype);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().name(name()).dtype(dtype());
    }

    /**
     * Keras's {@code from_config}: keys {@code name, dtype}, each optional.
     *
     * @throws IllegalArgumentException on an unknown key or a value of the wrong type
     */
    public static CategoricalAccuracy fromConfig(Map<String, ?> config) {
        ConfigReader r = new ConfigReader(config, "CategoricalAccuracy", "name", "dtype");
        return builder().name(r.string("name", DEFAULT_NAME)).dtype(r.dtype("dtype", DType.FLOAT32)).build();
    }

    @Override
    ElementValues values(NdArray yTrue, NdArray yPred) {
        return AccuracyOps.categorical(yTrue, yPred);
    }

    /** Options, with Keras's defaults. */
    public static final class Builder {
        private String name = DEFAULT_NAME;
        private DType dtype = DType.FLOAT32;

        private Builder() {}

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The state's dtype: float32 (default) or float64. */
        public Builder dtype(DType dtype) {
            this.dtype = dtype;
            return this;
        }

        public CategoricalAccuracy build() {
            return new CategoricalAccuracy(this);
        }
    }
}
