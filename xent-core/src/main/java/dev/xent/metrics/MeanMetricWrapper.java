package dev.xent.metrics;

import dev.xent.catalog.Arguments;
import dev.xent.catalog.KerasFunction;
import dev.xent.internal.Computation;
import dev.xent.internal.Computations;
import dev.xent.internal.CrossEntropyOps;
import dev.xent.internal.ElementValues;
import dev.xent.internal.Reductions;
import dev.xent.internal.kernel.Precision;
import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A streaming weighted mean of a per-sample function, after {@code keras.metrics.MeanMetricWrapper}: each
 * {@code updateState(yTrue, yPred, sampleWeight)} computes {@code fn(yTrue, yPred)} and adds it as
 * {@link Mean#updateState(NdArray, NdArray)} does. Inputs are passed to the function as given (a metric does not
 * cast them or fix their ranks, unlike a loss).
 *
 * <pre>{@code
 * MeanMetricWrapper mae = new MeanMetricWrapper(
 *     (yTrue, yPred) -> absoluteErrors(yTrue, yPred), "mae", DType.FLOAT32);
 * mae.updateState(yTrue, yPred);
 * double value = mae.result();
 * }</pre>
 *
 * <p>The metrics of the {@link dev.xent.catalog.Catalog} are wrappers of their Keras function too:
 * {@link #builder(KerasFunction)} makes one for any catalogue function, which is what Keras's
 * {@code compile(metrics=["binary_focal_crossentropy"])} computes for a function without a metric class.
 *
 * <p>Not thread-safe; give each thread its own and {@link #merge} them.
 */
public class MeanMetricWrapper extends AbstractMean {

    private final MetricFunction fn;
    /** The catalogue function and its arguments; null for a wrapper of a user's {@link MetricFunction}. */
    private final KerasFunction function;
    private final Arguments arguments;
    private final Computation computation;

    /** Wraps {@code fn}, whose values are averaged per sample and then over samples. */
    public MeanMetricWrapper(MetricFunction fn, String name, DType dtype) {
        super(name, dtype);
        if (fn == null) {
            throw new NullPointerException("fn must not be null");
        }
        this.fn = fn;
        this.function = null;
        this.arguments = null;
        this.computation = null;
    }

    /** A metric of a catalogue function, with the builder's checked arguments. */
    MeanMetricWrapper(MetricBuilder<?, ?> b) {
        super(b.name, b.dtype);
        this.fn = null;
        this.function = b.function;
        this.arguments = b.arguments;
        this.computation = Computations.of(function);
    }

    /**
     * A builder for the streaming mean of catalogue function {@code function} (any of them; the classes such as
     * {@link BinaryCrossentropy} are the same with typed setters).
     *
     * <pre>{@code
     * MeanMetricWrapper focal = MeanMetricWrapper.builder(Catalog.get("binary_focal_crossentropy"))
     *     .set("gamma", 3.0).build();
     * }</pre>
     */
    public static Builder builder(KerasFunction function) {
        return new Builder(function);
    }

    /**
     * A builder holding this metric's options (the metric classes return their own builder).
     *
     * @throws UnsupportedOperationException for a wrapper of a user's {@link MetricFunction}
     */
    public MetricBuilder<?, ? extends MeanMetricWrapper> toBuilder() {
        if (function == null) {
            throw new UnsupportedOperationException("a MeanMetricWrapper of a user's function has no builder");
        }
        return builder(function).from(this);
    }

    /** The catalogue function this metric averages, or null for a wrapper of a user's function. */
    public final KerasFunction function() {
        return function;
    }

    /** The function's arguments (Keras's and xent's extensions), or null for a wrapper of a user's function. */
    public final Arguments arguments() {
        return arguments;
    }

    /** The per-element values (and mask) of one update. */
    ElementValues values(NdArray yTrue, NdArray yPred) {
        if (computation != null) {
            return computation.values(yTrue, yPred, arguments, CrossEntropyOps.precisionOf(yPred), false);
        }
        NdArray v = fn.apply(yTrue, yPred);
        double[] d = new double[v.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = v.getDouble(i);
        }
        return new ElementValues(d, v.shape(), null, d.length, CrossEntropyOps.precisionOf(v));
    }

    /** Whether a mask also applies when no weight is given (only for the ignored-count option). */
    boolean maskWithoutWeight() {
        return computation != null && computation.maskWithoutWeight(arguments);
    }

    /** Adds one batch, unweighted. */
    public final void updateState(NdArray yTrue, NdArray yPred) {
        updateState(yTrue, yPred, null);
    }

    /**
     * Adds one batch: {@code total += sum over samples of mean(fn(yTrue, yPred) * weight)},
     * {@code count += sum of per-sample weights} (the batch size when unweighted).
     *
     * @param sampleWeight null, a scalar, per sample {@code (B,)} / {@code (B, 1)}, or per element
     * @throws IllegalArgumentException on bad input (shapes, labels, weights); the state is then unchanged
     */
    public final void updateState(NdArray yTrue, NdArray yPred, NdArray sampleWeight) {
        add(delta(yTrue, yPred, sampleWeight));
    }

    /** Keras's {@code __call__}: {@code updateState} then {@link #result()} (the cumulative value). */
    public final double call(NdArray yTrue, NdArray yPred, NdArray sampleWeight) {
        updateState(yTrue, yPred, sampleWeight);
        return result();
    }

    /** Stateless update (Keras's {@code stateless_update_state}): returns the new state; this metric is unchanged. */
    public final MeanState statelessUpdateState(MeanState state, NdArray yTrue, NdArray yPred,
                                                NdArray sampleWeight) {
        if (state == null) {
            throw new NullPointerException("state must not be null");
        }
        Reductions.MeanDelta d = delta(yTrue, yPred, sampleWeight);
        return state.plus(d.total, d.count);
    }

    /** Keras's {@code stateless_result}. */
    public final double statelessResult(MeanState state) {
        return state.result();
    }

    /** Keras's {@code stateless_reset_state}. */
    public final MeanState statelessResetState() {
        return MeanState.ZERO;
    }

    private Reductions.MeanDelta delta(NdArray yTrue, NdArray yPred, NdArray sampleWeight) {
        ElementValues v = values(yTrue, yPred);
        Precision metricPrecision = CrossEntropyOps.precisionOf(dtype());
        return Reductions.reduceMetric(v, sampleWeight, metricPrecision, maskWithoutWeight());
    }

    /** Adds the other's state here, as if its updates had been made here; refuses itself and other configs. */
    public final void merge(MeanMetricWrapper other) {
        mergeFrom(other);
    }

    @Override
    Object options() {
        return arguments == null ? getConfig() : java.util.List.of(getConfig(), arguments);
    }

    /**
     * Keras's {@code get_config()}: {@code name}, {@code dtype}, then the class's keys as Keras writes them (for a
     * wrapper of a catalogue function without a class: {@code fn} and the arguments that differ from the defaults).
     */
    @Override
    public Map<String, Object> getConfig() {
        if (function != null) {
            return function.metricConfig(name(), dtype(), arguments);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", name());
        config.put("dtype", dtype().kerasName());
        return config;
    }

    /** A builder of {@link MeanMetricWrapper} for any catalogue function, setting arguments by Keras's names. */
    public static final class Builder extends MetricBuilder<Builder, MeanMetricWrapper> {
        private Builder(KerasFunction function) {
            super(function, MeanMetricWrapper::new);
        }

        /** {@code config}'s keys (Keras's {@code get_config()}) over these options. */
        @Override
        public Builder config(Map<String, ?> config) {
            return super.config(config);
        }
    }
}
