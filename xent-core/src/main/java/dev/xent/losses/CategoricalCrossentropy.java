package dev.xent.losses;

import dev.xent.internal.Checks;
import dev.xent.internal.ConfigReader;
import dev.xent.internal.CrossEntropyOps;
import dev.xent.internal.ElementValues;
import dev.xent.internal.Gradients;
import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The categorical cross-entropy loss between one-hot (or soft) targets and predictions, after
 * {@code keras.losses.CategoricalCrossentropy} (Keras 3.15, TensorFlow backend).
 *
 * <pre>{@code
 * var loss = CategoricalCrossentropy.builder().build();
 * loss.value(NdArray.of(new float[] {0, 1, 0, 0, 0, 1}, 2, 3),
 *            NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3));   // 1.1769392
 * }</pre>
 *
 * <p><b>Semantics.</b> Per element as {@link Losses#categoricalCrossentropy}, in the loss dtype; weights and
 * reductions follow {@link Loss}. Label smoothing divides by the last axis's size as Keras 3.15 does, even when
 * {@code axis != -1} (a Keras bug, fixed after 3.15: {@link Builder#smoothOverClassAxis(boolean)} gives the fix).
 *
 * <p>Immutable and thread-safe.
 */
public final class CategoricalCrossentropy extends Loss {

    public static final String DEFAULT_NAME = "categorical_crossentropy";

    private final boolean fromLogits;
    private final Number labelSmoothing;
    private final int axis;
    private final boolean smoothOverClassAxis;

    private CategoricalCrossentropy(Builder b) {
        super(b.name, b.reduction, b.dtype);
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
        b.reduction = reductionConfigValue();
        return b;
    }

    /** Keras's {@code from_config}: keys {@code name, reduction, from_logits, label_smoothing, axis} (and {@code dtype}). */
    public static CategoricalCrossentropy fromConfig(Map<String, ?> config) {
        ConfigReader r = new ConfigReader(config, "CategoricalCrossentropy",
                "name", "reduction", "from_logits", "label_smoothing", "axis", "dtype");
        Builder b = builder().name(r.string("name", DEFAULT_NAME)).fromLogits(r.bool("from_logits", false))
                .axis(r.integer("axis", -1)).dtype(r.dtype("dtype", DType.FLOAT32));
        b.labelSmoothing = r.number("label_smoothing", 0.0);
        b.reduction = r.string("reduction", Reduction.SUM_OVER_BATCH_SIZE.kerasName());
        return b.build();
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        c.put("reduction", reductionConfigValue());
        c.put("from_logits", fromLogits);
        c.put("label_smoothing", labelSmoothing);
        c.put("axis", axis);
        return c;
    }

    /** Convenience: the reduced loss of rows of targets against rows of predictions. */
    public double value(float[][] targets, float[][] predictions) {
        return value(NdArray.of(targets), NdArray.of(predictions));
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
    ElementValues values(NdArray yTrue, NdArray yPred) {
        return CrossEntropyOps.categorical(yTrue, yPred, fromLogits, labelSmoothing.doubleValue(), axis,
                smoothOverClassAxis, precision(),
                true);
    }

    @Override
    double[] gradientOf(NdArray yTrue, NdArray yPred, ElementValues values, NdArray sampleWeight,
                        String reduction) {
        return Gradients.categorical(yTrue, yPred, fromLogits, labelSmoothing.doubleValue(), axis,
                smoothOverClassAxis, values, sampleWeight, reduction);
    }

    /** Options, with Keras's defaults. */
    public static final class Builder {
        private String name = DEFAULT_NAME;
        private String reduction = Reduction.SUM_OVER_BATCH_SIZE.kerasName();
        private DType dtype = DType.FLOAT32;
        private boolean fromLogits;
        private Number labelSmoothing = 0.0;
        private int axis = -1;
        private boolean smoothOverClassAxis;

        private Builder() {}

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder reduction(Reduction reduction) {
            this.reduction = reduction.kerasName();
            return this;
        }

        public Builder dtype(DType dtype) {
            this.dtype = dtype;
            return this;
        }

        public Builder fromLogits(boolean fromLogits) {
            this.fromLogits = fromLogits;
            return this;
        }

        /** Label smoothing in [0, 1] (default 0.0). */
        public Builder labelSmoothing(double labelSmoothing) {
            this.labelSmoothing = labelSmoothing;
            return this;
        }

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
