package dev.xent.metrics;

import dev.xent.internal.Checks;
import dev.xent.internal.ConfigReader;
import dev.xent.internal.CrossEntropyOps;
import dev.xent.internal.ElementValues;
import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The streaming mean of the categorical cross-entropy between one-hot (or soft) targets and predictions, after
 * {@code keras.metrics.CategoricalCrossentropy} (Keras 3.15, TensorFlow backend).
 *
 * <pre>{@code
 * var m = CategoricalCrossentropy.builder().build();
 * m.updateState(NdArray.of(new float[] {0, 1, 0, 0, 0, 1}, 2, 3),
 *               NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3));
 * m.result();   // 1.1769392
 * }</pre>
 *
 * <p><b>Semantics.</b> Per element as {@link dev.xent.losses.Losses#categoricalCrossentropy}: probabilities are
 * divided by their row sum, then clipped to {@code [1e-7, 1 - 1e-7]} in float32; logits go through a stable
 * log-softmax. Targets are smoothed as {@code t * (1 - labelSmoothing) + labelSmoothing / n}, with
 * {@code n} the size of the last axis as in Keras 3.15, even when {@code axis != -1} (a Keras bug, fixed after 3.15:
 * {@link Builder#smoothOverClassAxis(boolean)} gives the fixed behaviour). Samples are averaged as in {@link SparseCategoricalCrossentropy}. An all-zero probability row
 * gives NaN (0/0), as in Keras; NaN propagates to the result until reset.
 *
 * <p>Not thread-safe; give each thread its own and {@link #merge} them.
 */
public final class CategoricalCrossentropy extends MeanMetricWrapper {

    public static final String DEFAULT_NAME = "categorical_crossentropy";

    private final boolean fromLogits;
    /** As given: Keras's metric default is the int 0, and configs keep the type. */
    private final Number labelSmoothing;
    private final int axis;
    private final boolean smoothOverClassAxis;

    private CategoricalCrossentropy(Builder b) {
        super(b.name, b.dtype);
        Checks.checkLabelSmoothing(b.labelSmoothing.doubleValue());
        this.fromLogits = b.fromLogits;
        this.labelSmoothing = b.labelSmoothing;
        this.axis = b.axis;
        this.smoothOverClassAxis = b.smoothOverClassAxis;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder().name(name()).dtype(dtype()).fromLogits(fromLogits).axis(axis)
                .smoothOverClassAxis(smoothOverClassAxis);
        b.labelSmoothing = labelSmoothing;
        return b;
    }

    /**
     * Keras's {@code from_config}: keys {@code name, dtype, from_logits, label_smoothing, axis}, each optional.
     *
     * @throws IllegalArgumentException on an unknown key, a value of the wrong type, or label smoothing outside [0, 1]
     */
    public static CategoricalCrossentropy fromConfig(Map<String, ?> config) {
        ConfigReader r = new ConfigReader(config, "CategoricalCrossentropy",
                "name", "dtype", "from_logits", "label_smoothing", "axis");
        Builder b = builder().name(r.string("name", DEFAULT_NAME)).dtype(r.dtype("dtype", DType.FLOAT32))
                .fromLogits(r.bool("from_logits", false)).axis(r.integer("axis", -1));
        b.labelSmoothing = r.number("label_smoothing", 0);
        return b.build();
    }

    /** {@code name, dtype, from_logits, label_smoothing, axis}, as Keras 3.15 writes them. */
    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        c.put("dtype", dtype().kerasName());
        c.put("from_logits", fromLogits);
        c.put("label_smoothing", labelSmoothing);
        c.put("axis", axis);
        return c;
    }

    /** Convenience for the common case of rows of targets and predictions (copied once). */
    public void updateState(float[][] targets, float[][] predictions) {
        updateState(NdArray.of(targets), NdArray.of(predictions));
    }

    public boolean fromLogits() {
        return fromLogits;
    }

    public double labelSmoothing() {
        return labelSmoothing.doubleValue();
    }

    public int axis() {
        return axis;
    }

    @Override
    Object options() {
        return java.util.List.of(getConfig(), smoothOverClassAxis);
    }

    @Override
    ElementValues values(NdArray yTrue, NdArray yPred) {
        return CrossEntropyOps.categorical(yTrue, yPred, fromLogits, labelSmoothing.doubleValue(), axis,
                smoothOverClassAxis,
                CrossEntropyOps.precisionOf(yPred), false);
    }

    /** Options, with Keras's defaults. */
    public static final class Builder {
        private String name = DEFAULT_NAME;
        private DType dtype = DType.FLOAT32;
        private boolean fromLogits;
        private Number labelSmoothing = 0;
        private int axis = -1;
        private boolean smoothOverClassAxis;

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

        /** Whether predictions are logits (default false: probabilities). */
        public Builder fromLogits(boolean fromLogits) {
            this.fromLogits = fromLogits;
            return this;
        }

        /** Label smoothing in [0, 1] (default 0). */
        public Builder labelSmoothing(double labelSmoothing) {
            this.labelSmoothing = labelSmoothing;
            return this;
        }

        /** The class axis (default -1). */
        public Builder axis(int axis) {
            this.axis = axis;
            return this;
        }

        /**
         * Smooth labels over the size of the class axis, as Keras after 3.15 does, instead of Keras 3.15's last
         * axis (default false). The two differ only when {@code axis} is not the last axis. Not part of Keras's
         * config.
         */
        public Builder smoothOverClassAxis(boolean smoothOverClassAxis) {
            this.smoothOverClassAxis = smoothOverClassAxis;
            return this;
        }

        public CategoricalCrossentropy build() {
            return new CategoricalCrossentropy(this);
        }
    }
}
