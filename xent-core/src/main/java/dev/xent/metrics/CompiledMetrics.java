package dev.xent.metrics;

import dev.xent.internal.Checks;
import dev.xent.losses.Loss;
import dev.xent.ndarray.NdArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loss and metrics updated together, batch by batch, reporting what Keras's {@code model.evaluate} reports for
 * a model compiled with {@code compile(loss=..., metrics=[...], weighted_metrics=[...], loss_weights=...)}. The name
 * follows Keras's {@code CompileMetrics}/{@code CompileLoss} pair, which this class plays together with the model's
 * loss tracker.
 *
 * <pre>{@code
 * CompiledMetrics cm = CompiledMetrics.builder()
 *     .loss(SparseCategoricalCrossentropy.builder().build())          // dev.xent.losses
 *     .metric(SparseCategoricalAccuracy.builder().name("accuracy").build())
 *     .build();
 * cm.updateState(NdArray.of(new int[] {1, 2}),
 *                NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3), null);
 * cm.result();   // {loss=1.1769392, accuracy=0.5}
 * }</pre>
 *
 * <p><b>Semantics</b> (Keras 3.15 {@code trainers/compile_utils.py} and the TensorFlow trainer's {@code test_step}):
 * <ul>
 *   <li>{@code "loss"} is a {@link Mean} of the batch losses, each weighted by its batch size, so the result is
 *       the sample-weighted mean over batches; a batch's loss is {@code loss(yTrue, yPred, sampleWeight)} times the
 *       loss weight.</li>
 *   <li>{@code metrics} are updated <em>without</em> the sample weight; {@code weightedMetrics} with it.</li>
 *   <li>{@link #result()} is ordered as Keras's {@code get_metrics_result()}: {@code loss}, then the metrics, then
 *       the weighted metrics, by {@link Metric#name()}. A repeated name gets {@code _1}, {@code _2}, ...; a weighted
 *       metric whose name is taken is reported as {@code weighted_<name>} (then {@code weighted_<name>_1}, ...).
 *       {@code model.evaluate(return_dict=True)} returns the same entries sorted by name. A skipped metric
 *       ({@link Builder#skippedMetric}) takes part in this naming but has no entry.</li>
 * </ul>
 * NaN in a batch makes the affected entries NaN until {@link #resetState()}.
 *
 * <p>Not thread-safe: confine an instance to one thread.
 */
public final class CompiledMetrics {

    private final Loss loss;
    private final double lossWeight;
    private final List<MeanMetricWrapper> metrics;
    private final List<MeanMetricWrapper> weightedMetrics;
    /** Every metric's place in compile order, plain then weighted, with a null metric where one is skipped. */
    private final List<Slot> slots;
    private final Mean lossTracker = new Mean("loss", dev.xent.ndarray.DType.FLOAT32);

    private CompiledMetrics(Builder b) {
        this.loss = b.loss;
        this.lossWeight = b.lossWeight;
        List<Slot> ordered = new ArrayList<>();
        List<MeanMetricWrapper> plain = new ArrayList<>();
        List<MeanMetricWrapper> weighted = new ArrayList<>();
        for (boolean w : new boolean[] {false, true}) {
            for (Slot s : b.slots) {
                if (s.weighted == w) {
                    ordered.add(s);
                    if (s.metric != null) {
                        (w ? weighted : plain).add(s.metric);
                    }
                }
            }
        }
        this.slots = List.copyOf(ordered);
        this.metrics = Collections.unmodifiableList(plain);
        this.weightedMetrics = Collections.unmodifiableList(weighted);
    }

    /** One entry of {@code metrics} or {@code weighted_metrics}: a metric, or only the name of a skipped one. */
    private static final class Slot {
        final String name;
        final MeanMetricWrapper metric;
        final boolean weighted;

        Slot(String name, MeanMetricWrapper metric, boolean weighted) {
            this.name = name;
            this.metric = metric;
            this.weighted = weighted;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The loss, or null when only metrics are tracked ({@code loss} then stays 0, as in Keras). */
    public Loss loss() {
        return loss;
    }

    public double lossWeight() {
        return lossWeight;
    }

    /** The metrics updated without sample weights (Keras's {@code metrics}). */
    public List<MeanMetricWrapper> metrics() {
        return metrics;
    }

    /** The metrics updated with sample weights (Keras's {@code weighted_metrics}). */
    public List<MeanMetricWrapper> weightedMetrics() {
        return weightedMetrics;
    }

    /**
     * Adds one batch, as one {@code test_step} does: the loss (weighted by {@code sampleWeight}) into the loss
     * tracker with the batch size as its weight, {@code metrics} without the weight, {@code weightedMetrics} with it.
     * Inputs are checked by the loss and each metric before any state changes.
     *
     * @param sampleWeight null, or weights as the loss and metrics accept them (usually per sample, {@code (B,)})
     * @throws IllegalArgumentException on bad input; no state changes then
     */
    public void updateState(NdArray yTrue, NdArray yPred, NdArray sampleWeight) {
        Checks.checkNotNull(yTrue, "yTrue");
        Checks.checkNotNull(yPred, "yPred");
        int batch = yPred.rank() == 0 ? 1 : yPred.dim(0);
        // Compute every delta first, so a bad input leaves all state as it was.
        MeanState lossState = lossTracker.state();
        if (loss != null) {
            NdArray batchLoss = loss.call(yTrue, yPred, sampleWeight);
            if (lossWeight != 1.0) {
                batchLoss = scale(batchLoss, lossWeight);
            }
            lossState = lossTracker.statelessUpdateState(lossState, batchLoss, NdArray.scalar((float) batch));
        } else {
            lossState = lossTracker.statelessUpdateState(lossState, NdArray.scalar(0f), NdArray.scalar((float) batch));
        }
        List<MeanState> plain = new ArrayList<>(metrics.size());
        for (MeanMetricWrapper m : metrics) {
            plain.add(m.statelessUpdateState(m.state(), yTrue, yPred, null));
        }
        List<MeanState> weighted = new ArrayList<>(weightedMetrics.size());
        for (MeanMetricWrapper m : weightedMetrics) {
            weighted.add(m.statelessUpdateState(m.state(), yTrue, yPred, sampleWeight));
        }
        lossTracker.setState(lossState);
        for (int i = 0; i < metrics.size(); i++) {
            metrics.get(i).setState(plain.get(i));
        }
        for (int i = 0; i < weightedMetrics.size(); i++) {
            weightedMetrics.get(i).setState(weighted.get(i));
        }
    }

    private static NdArray scale(NdArray a, double w) {
        if (a.dtype() == dev.xent.ndarray.DType.FLOAT64) {
            double[] d = a.toDoubleArray();
            for (int i = 0; i < d.length; i++) {
                d[i] *= w;
            }
            return NdArray.of(d, 0, a.shape());
        }
        float[] f = a.toFloatArray();
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (f[i] * (float) w);
        }
        return NdArray.of(f, 0, a.shape());
    }

    /**
     * What {@code model.evaluate(x, y, sample_weight=..., batch_size=batchSize, return_dict=True)} returns for a
     * model whose outputs are {@code yPred}: resets, then updates batch by batch along the first axis (the last
     * batch may be smaller), and returns {@link #result()}.
     *
     * @param batchSize rows per batch, at least 1 (Keras's default is 32)
     * @throws IllegalArgumentException on bad input or when the first dimensions differ
     */
    public Map<String, Double> evaluate(NdArray yTrue, NdArray yPred, NdArray sampleWeight, int batchSize) {
        Checks.checkNotNull(yTrue, "yTrue");
        Checks.checkNotNull(yPred, "yPred");
        Checks.checkArgument(batchSize >= 1, "batchSize (%d) must be >= 1", batchSize);
        Checks.checkArgument(yTrue.rank() >= 1 && yPred.rank() >= 1 && yTrue.dim(0) == yPred.dim(0),
                "yTrue shape %s and yPred shape %s must have the same first dimension (the samples)",
                Checks.shape(yTrue.shape()), Checks.shape(yPred.shape()));
        Checks.checkArgument(sampleWeight == null || (sampleWeight.rank() >= 1 && sampleWeight.dim(0) == yPred.dim(0)),
                "sampleWeight shape %s must have one weight per sample (%d)",
                sampleWeight == null ? "" : Checks.shape(sampleWeight.shape()), yPred.dim(0));
        resetState();
        int n = yPred.dim(0);
        for (int from = 0; from < n; from += batchSize) {
            int count = Math.min(batchSize, n - from);
            updateState(yTrue.slice(from, count), yPred.slice(from, count),
                    sampleWeight == null ? null : sampleWeight.slice(from, count));
        }
        return result();
    }

    /**
     * {@code loss} and each metric's result, in Keras's order and with Keras's names (see the class notes). Entries
     * are 0 before any update.
     */
    public Map<String, Double> result() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("loss", lossTracker.result());
        List<String> keys = keys();
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i).metric != null) {
                out.put(keys.get(i), slots.get(i).metric.result());
            }
        }
        return out;
    }

    /**
     * The keys the skipped metrics ({@link Builder#skippedMetric}) would have in {@link #result()}, in compile order:
     * the entries Keras's {@code evaluate} reports that this container does not.
     */
    public List<String> skippedKeys() {
        List<String> out = new ArrayList<>();
        List<String> keys = keys();
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i).metric == null) {
                out.add(keys.get(i));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Each slot's key, as Keras's {@code CompileMetrics.result()} names them (see the class notes). */
    private List<String> keys() {
        List<String> keys = new ArrayList<>(slots.size());
        Map<String, Integer> counters = new HashMap<>();
        for (Slot s : slots) {
            String name = s.name;
            if (!counters.containsKey(name)) {
                counters.put(name, 1);
            } else if (!s.weighted) {
                int index = counters.get(name);
                counters.put(name, index + 1);
                name = name + "_" + index;
            } else {
                name = "weighted_" + name;
                if (!counters.containsKey(name)) {
                    counters.put(name, 1);
                } else {
                    int index = counters.get(name);
                    counters.put(name, index + 1);
                    name = name + "_" + index;
                }
            }
            keys.add(name);
        }
        return keys;
    }

    /** Forgets all updates of the loss tracker and every metric. */
    public void resetState() {
        lossTracker.resetState();
        metrics.forEach(Metric::resetState);
        weightedMetrics.forEach(Metric::resetState);
    }

    @Override
    public String toString() {
        return "CompiledMetrics{loss=" + loss + ", lossWeight=" + lossWeight + ", metrics=" + metrics
                + ", weightedMetrics=" + weightedMetrics + "}";
    }

    /** The compile arguments. */
    public static final class Builder {
        private Loss loss;
        private double lossWeight = 1.0;
        private final List<Slot> slots = new ArrayList<>();

        private Builder() {}

        /** The loss (Keras's {@code loss}); null for none. */
        public Builder loss(Loss loss) {
            this.loss = loss;
            return this;
        }

        /** Keras's scalar {@code loss_weights} for a single output (default 1). */
        public Builder lossWeight(double lossWeight) {
            Checks.checkArgument(Double.isFinite(lossWeight), "lossWeight (%s) must be finite", lossWeight);
            this.lossWeight = lossWeight;
            return this;
        }

        /** Adds a metric updated without sample weights (Keras's {@code metrics}). */
        public Builder metric(MeanMetricWrapper metric) {
            Checks.checkNotNull(metric, "metric");
            slots.add(new Slot(metric.name(), metric, false));
            return this;
        }

        /** Adds a metric updated with sample weights (Keras's {@code weighted_metrics}). */
        public Builder weightedMetric(MeanMetricWrapper metric) {
            Checks.checkNotNull(metric, "metric");
            slots.add(new Slot(metric.name(), metric, true));
            return this;
        }

        /**
         * Adds the place of a metric of {@code metrics} that is not computed (one this library lacks): it has no
         * entry in {@link #result()} but takes its name, so that later metrics of the same name get the
         * {@code _1}, {@code weighted_} keys Keras gives them; {@link #skippedKeys()} lists its key.
         */
        public Builder skippedMetric(String name) {
            slots.add(new Slot(Checks.checkNotNull(name, "name"), null, false));
            return this;
        }

        /** {@link #skippedMetric} for an entry of {@code weighted_metrics}. */
        public Builder skippedWeightedMetric(String name) {
            slots.add(new Slot(Checks.checkNotNull(name, "name"), null, true));
            return this;
        }

        /**
         * @throws IllegalArgumentException when the same metric instance is added twice (its state would be
         *     updated twice per batch)
         */
        public CompiledMetrics build() {
            List<MeanMetricWrapper> all = new ArrayList<>();
            for (Slot s : slots) {
                if (s.metric != null) {
                    all.add(s.metric);
                }
            }
            for (int i = 0; i < all.size(); i++) {
                for (int j = i + 1; j < all.size(); j++) {
                    if (all.get(i) == all.get(j)) {
                        throw new IllegalArgumentException("metric " + all.get(i)
                                + " is added twice; give each entry its own instance");
                    }
                }
            }
            return new CompiledMetrics(this);
        }
    }
}
