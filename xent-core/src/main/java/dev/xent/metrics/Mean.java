package dev.xent.metrics;

import dev.xent.internal.CrossEntropyOps;
import dev.xent.internal.ElementValues;
import dev.xent.internal.Reductions;
import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weighted mean of the values given, after {@code keras.metrics.Mean}: values with more than one axis are
 * first averaged per sample (over all axes but the first); weights follow Keras's rules.
 *
 * <pre>{@code
 * Mean m = new Mean("mean", DType.FLOAT32);
 * m.updateState(NdArray.of(new float[] {1, 3, 5, 7}));
 * m.result();   // 4.0
 * m.updateState(NdArray.of(new float[] {1, 3, 5, 7}), NdArray.of(new float[] {1, 1, 0, 0}));
 * }</pre>
 *
 * <p>Not thread-safe; give each thread its own and {@link #merge} them.
 */
public class Mean extends AbstractMean {

    public Mean() {
        this("mean", DType.FLOAT32);
    }

    public Mean(String name, DType dtype) {
        super(name, dtype);
    }

    /** Adds each sample's value (the mean over its trailing axes); NaN propagates to the result. */
    public final void updateState(NdArray values) {
        updateState(values, null);
    }

    /**
     * Adds the values with weights: {@code total += sum(mean_per_sample(values * weight))} and
     * {@code count += sum(weight per sample)}. Weights broadcast as in Keras (a scalar, per sample {@code (B,)} or
     * {@code (B, 1)}, or per element). Negative weights are allowed, as in Keras.
     *
     * @param sampleWeight null for unweighted
     * @throws IllegalArgumentException when the weight does not broadcast to the values
     */
    public final void updateState(NdArray values, NdArray sampleWeight) {
        add(delta(values, sampleWeight));
    }

    /** Stateless update: the state after adding {@code values} to {@code state}; this metric is unchanged. */
    public final MeanState statelessUpdateState(MeanState state, NdArray values, NdArray sampleWeight) {
        Reductions.MeanDelta d = delta(values, sampleWeight);
        return state.plus(d.total, d.count);
    }

    private Reductions.MeanDelta delta(NdArray values, NdArray sampleWeight) {
        if (values == null) {
            throw new NullPointerException("values must not be null");
        }
        var precision = CrossEntropyOps.precisionOf(dtype());
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = precision.round(values.getDouble(i));
        }
        ElementValues ev = new ElementValues(v, values.shape(), null, v.length, precision);
        return Reductions.reduceMetric(ev, sampleWeight, precision, false);
    }

    /** Adds the other's state here, as if its updates had been made here; refuses itself. */
    public final void merge(Mean other) {
        mergeFrom(other);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", name());
        config.put("dtype", dtype().kerasName());
        return config;
    }
}
