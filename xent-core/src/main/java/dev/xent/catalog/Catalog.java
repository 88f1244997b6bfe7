package dev.xent.catalog;

import dev.xent.catalog.Argument.Type;
import dev.xent.catalog.KerasFunction.Targets;
import dev.xent.internal.AccuracyOps;
import dev.xent.internal.Computation;
import dev.xent.internal.Computations;
import dev.xent.internal.CrossEntropyOps;
import dev.xent.internal.ElementValues;
import dev.xent.internal.Gradients;
import dev.xent.internal.ProbabilisticGradients;
import dev.xent.internal.ProbabilisticOps;
import dev.xent.internal.kernel.Precision;
import dev.xent.losses.Loss;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.NdArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every Keras function xent computes, each described once ({@link KerasFunction}), as Keras keeps one table of its
 * losses and one of its metrics. The metric and loss classes, configs, {@link dev.xent.saving.Serialization}, the
 * command line, Spark and {@code evaluate} all look functions up here.
 *
 * <pre>{@code
 * Catalog.get("BinaryCrossentropy").name();            // "binary_crossentropy"
 * Catalog.get("kl_divergence").newLoss(Map.of());      // a KLDivergence loss with Keras's defaults
 * }</pre>
 *
 * <p>Adding a Keras function means one entry below (its names, arguments, config forms and computation), its
 * kernel, and a metric and loss class of a few lines each.
 */
public final class Catalog {

    private Catalog() {}

    // ---- arguments shared by several functions ---------------------------------------------------------------

    private static final Argument FROM_LOGITS = new Argument("from_logits", Type.BOOLEAN, false, false,
            "Predictions are logits rather than probabilities.", null);
    private static final Argument LABEL_SMOOTHING = new Argument("label_smoothing", Type.NUMBER, 0.0, false,
            "Label smoothing in [0, 1].",
            v -> ((Number) v).doubleValue() >= 0 && ((Number) v).doubleValue() <= 1 ? null : "must be in [0, 1]");
    private static final Argument AXIS = new Argument("axis", Type.INTEGER, -1, false,
            "The class axis of y_pred (the axis the function reduces over).", null);
    private static final Argument GAMMA = new Argument("gamma", Type.NUMBER, 2.0, false,
            "The focusing parameter, >= 0.",
            v -> ((Number) v).doubleValue() >= 0 ? null : "must be >= 0");
    private static final Argument K = new Argument("k", Type.INTEGER, 5, false,
            "How many of the best classes count as a hit.", null);
    private static final Argument SMOOTH_OVER_CLASS_AXIS = new Argument("smooth_over_class_axis", Type.BOOLEAN, false,
            true, "With label smoothing and an axis other than -1, smooth over the class axis's size (the fix after"
            + " Keras 3.15) instead of the last axis's.", null);

    // ---- the functions ---------------------------------------------------------------------------------------

    private static final List<KerasFunction> ALL = new ArrayList<>();

    public static final KerasFunction SPARSE_CATEGORICAL_CROSSENTROPY = define(
            new Spec("sparse_categorical_crossentropy", Targets.LABELS)
                    .arguments(FROM_LOGITS,
                            new Argument("ignore_class", Type.OPTIONAL_INTEGER, null, false,
                                    "A label value (such as 255 or -1) whose entries are ignored.", null),
                            AXIS,
                            new Argument("normalize_before_clip", Type.BOOLEAN, false, true,
                                    "With probabilities, divide by the row sum then clip (Keras on JAX, NumPy and"
                                            + " PyTorch) instead of TensorFlow's clip, log, renormalise.", null),
                            new Argument("exclude_ignored_from_count", Type.BOOLEAN, false, true,
                                    "Leave ignored entries out of the metric's count even without a sample weight"
                                            + " (tf.keras 2, PyTorch's ignore_index).", null))
                    .metric(new FormSpec("SparseCategoricalCrossentropy", "from_logits", "ignore_class", "axis")
                            .extensions("normalize_before_clip", "exclude_ignored_from_count"))
                    // Keras 3.15's loss config has no axis: written only when it is not -1, so it is not lost.
                    .loss(new FormSpec("SparseCategoricalCrossentropy", "from_logits", "ignore_class", "axis")
                            .omittedWhen("axis", -1).extensions("normalize_before_clip"))
                    .factories(dev.xent.metrics.SparseCategoricalCrossentropy::fromConfig,
                            dev.xent.losses.SparseCategoricalCrossentropy::fromConfig),
            new Computation() {
                @Override
                public ElementValues values(NdArray t, NdArray p, Arguments a, Precision precision, boolean loss) {
                    return CrossEntropyOps.sparse(t, p, a.bool("from_logits"), a.optionalInteger("ignore_class"),
                            a.integer("axis"), a.bool("normalize_before_clip"), precision, loss);
                }

                @Override
                public double[] gradient(NdArray t, NdArray p, Arguments a, ElementValues v, NdArray w, String r) {
                    return Gradients.sparse(t, p, a.bool("from_logits"), a.optionalInteger("ignore_class"),
                            a.integer("axis"), a.bool("normalize_before_clip"), v, w, r);
                }

                @Override
                public boolean hasGradient() {
                    return true;
                }

                @Override
                public boolean maskWithoutWeight(Arguments a) {
                    return a.bool("exclude_ignored_from_count");
                }
            });

    public static final KerasFunction CATEGORICAL_CROSSENTROPY = define(
            new Spec("categorical_crossentropy", Targets.SAME_SHAPE)
                    .arguments(FROM_LOGITS, LABEL_SMOOTHING, AXIS, SMOOTH_OVER_CLASS_AXIS)
                    // Keras's metric default label_smoothing is the int 0; the loss's the float 0.0.
                    .metric(new FormSpec("CategoricalCrossentropy", "from_logits", "label_smoothing", "axis")
                            .defaultValue("label_smoothing", 0).extensions("smooth_over_class_axis"))
                    .loss(new FormSpec("CategoricalCrossentropy", "from_logits", "label_smoothing", "axis")
                            .extensions("smooth_over_class_axis"))
                    .factories(dev.xent.metrics.CategoricalCrossentropy::fromConfig,
                            dev.xent.losses.CategoricalCrossentropy::fromConfig),
            Computation.of((t, p, a, precision, loss) -> CrossEntropyOps.categorical(t, p, a.bool("from_logits"),
                    a.number("label_smoothing"), a.integer("axis"), a.bool("smooth_over_class_axis"), precision, loss),
                    (t, p, a, v, w, r) -> Gradients.categorical(t, p, a.bool("from_logits"),
                            a.number("label_smoothing"), a.integer("axis"), a.bool("smooth_over_class_axis"), v, w,
                            r)));

    public static final KerasFunction BINARY_CROSSENTROPY = define(
            new Spec("binary_crossentropy", Targets.SAME_SHAPE)
                    .aliases(List.of("bce", "BCE"), List.of("bce", "BCE"))
                    .arguments(FROM_LOGITS, LABEL_SMOOTHING, AXIS)
                    // Keras's metric has no axis (it averages over the last axis) and writes label_smoothing as given.
                    .metric(new FormSpec("BinaryCrossentropy", "from_logits", "label_smoothing")
                            .defaultValue("label_smoothing", 0))
                    .loss(new FormSpec("BinaryCrossentropy", "from_logits", "label_smoothing", "axis"))
                    .factories(dev.xent.metrics.BinaryCrossentropy::fromConfig,
                            dev.xent.losses.BinaryCrossentropy::fromConfig),
            Computation.of((t, p, a, precision, loss) -> ProbabilisticOps.binaryCrossentropy(t, p,
                    a.bool("from_logits"), a.number("label_smoothing"), a.integer("axis"), precision, loss),
                    (t, p, a, v, w, r) -> ProbabilisticGradients.binaryCrossentropy(t, p, a.bool("from_logits"),
                            a.number("label_smoothing"), a.integer("axis"), v, w, r)));

    public static final KerasFunction BINARY_FOCAL_CROSSENTROPY = define(
            new Spec("binary_focal_crossentropy", Targets.SAME_SHAPE)
                    .arguments(new Argument("apply_class_balancing", Type.BOOLEAN, false, false,
                                    "Weigh positives by alpha and negatives by 1 - alpha.", null),
                            new Argument("alpha", Type.NUMBER, 0.25, false,
                                    "The class-balancing weight of positives.", null),
                            GAMMA, FROM_LOGITS, LABEL_SMOOTHING, AXIS)
                    // Keras has no metric class: a MeanMetricWrapper writes the arguments given to it.
                    .metric(FormSpec.wrapper("apply_class_balancing", "alpha", "gamma", "from_logits",
                            "label_smoothing", "axis"))
                    .loss(new FormSpec("BinaryFocalCrossentropy", "from_logits", "label_smoothing", "axis",
                            "apply_class_balancing", "alpha", "gamma"))
                    .factories(null, dev.xent.losses.BinaryFocalCrossentropy::fromConfig),
            Computation.of((t, p, a, precision, loss) -> ProbabilisticOps.binaryFocalCrossentropy(t, p,
                    a.bool("apply_class_balancing"), a.number("alpha"), a.number("gamma"), a.bool("from_logits"),
                    a.number("label_smoothing"), a.integer("axis"), precision, loss),
                    (t, p, a, v, w, r) -> ProbabilisticGradients.binaryFocalCrossentropy(t, p,
                            a.bool("apply_class_balancing"), a.number("alpha"), a.number("gamma"),
                            a.bool("from_logits"), a.number("label_smoothing"), a.integer("axis"), v, w, r)));

    public static final KerasFunction CATEGORICAL_FOCAL_CROSSENTROPY = define(
            new Spec("categorical_focal_crossentropy", Targets.SAME_SHAPE)
                    .arguments(new Argument("alpha", Type.NUMBER_OR_LIST, 0.25, false,
                                    "The weight of each class: one number, or one per class of the last axis.", null),
                            GAMMA, FROM_LOGITS, LABEL_SMOOTHING, AXIS, SMOOTH_OVER_CLASS_AXIS)
                    .metric(FormSpec.wrapper("alpha", "gamma", "from_logits", "label_smoothing", "axis")
                            .extensions("smooth_over_class_axis"))
                    .loss(new FormSpec("CategoricalFocalCrossentropy", "from_logits", "label_smoothing", "axis",
                            "alpha", "gamma").extensions("smooth_over_class_axis"))
                    .factories(null, dev.xent.losses.CategoricalFocalCrossentropy::fromConfig),
            Computation.of((t, p, a, precision, loss) -> ProbabilisticOps.categoricalFocalCrossentropy(t, p,
                    a.numbers("alpha"), a.number("gamma"), a.bool("from_logits"), a.number("label_smoothing"),
                    a.integer("axis"), a.bool("smooth_over_class_axis"), precision, loss),
                    (t, p, a, v, w, r) -> ProbabilisticGradients.categoricalFocalCrossentropy(t, p,
                            a.numbers("alpha"), a.number("gamma"), a.bool("from_logits"),
                            a.number("label_smoothing"), a.integer("axis"), a.bool("smooth_over_class_axis"), v, w,
                            r)));

    public static final KerasFunction KL_DIVERGENCE = define(
            new Spec("kl_divergence", Targets.SAME_SHAPE)
                    // keras.losses has "kld"/"KLD"; keras.metrics does not ("Could not interpret metric identifier").
                    .aliases(List.of(), List.of("kld", "KLD"))
                    .metric(new FormSpec("KLDivergence"))
                    .loss(new FormSpec("KLDivergence"))
                    .factories(dev.xent.metrics.KLDivergence::fromConfig, dev.xent.losses.KLDivergence::fromConfig),
            Computation.of((t, p, a, precision, loss) -> ProbabilisticOps.klDivergence(t, p, precision, loss),
                    (t, p, a, v, w, r) -> ProbabilisticGradients.klDivergence(t, p, v, w, r)));

    public static final KerasFunction POISSON = define(
            new Spec("poisson", Targets.SAME_SHAPE)
                    .metric(new FormSpec("Poisson"))
                    .loss(new FormSpec("Poisson"))
                    .factories(dev.xent.metrics.Poisson::fromConfig, dev.xent.losses.Poisson::fromConfig),
            Computation.of((t, p, a, precision, loss) -> ProbabilisticOps.poisson(t, p, precision, loss),
                    (t, p, a, v, w, r) -> ProbabilisticGradients.poisson(t, p, v, w, r)));

    public static final KerasFunction BINARY_ACCURACY = define(
            new Spec("binary_accuracy", Targets.SAME_SHAPE).higherIsBetter().elementwise()
                    .arguments(new Argument("threshold", Type.NUMBER, 0.5, false,
                            "A prediction above it is the positive class (compared in float32, as Keras casts it).",
                            null))
                    .metric(new FormSpec("BinaryAccuracy", "threshold"))
                    .factories(dev.xent.metrics.BinaryAccuracy::fromConfig, null),
            (t, p, a, precision, loss) -> AccuracyOps.binaryAccuracy(t, p, a.number("threshold")));

    public static final KerasFunction CATEGORICAL_ACCURACY = define(
            new Spec("categorical_accuracy", Targets.SAME_SHAPE).higherIsBetter()
                    .metric(new FormSpec("CategoricalAccuracy"))
                    .factories(dev.xent.metrics.CategoricalAccuracy::fromConfig, null),
            (t, p, a, precision, loss) -> AccuracyOps.categorical(t, p));

    public static final KerasFunction SPARSE_CATEGORICAL_ACCURACY = define(
            new Spec("sparse_categorical_accuracy", Targets.LABELS).higherIsBetter()
                    .metric(new FormSpec("SparseCategoricalAccuracy"))
                    .factories(dev.xent.metrics.SparseCategoricalAccuracy::fromConfig, null),
            (t, p, a, precision, loss) -> AccuracyOps.sparseCategorical(t, p));

    public static final KerasFunction TOP_K_CATEGORICAL_ACCURACY = define(
            new Spec("top_k_categorical_accuracy", Targets.SAME_SHAPE).higherIsBetter()
                    .arguments(K)
                    .metric(new FormSpec("TopKCategoricalAccuracy", "k"))
                    .factories(dev.xent.metrics.TopKCategoricalAccuracy::fromConfig, null),
            (t, p, a, precision, loss) -> AccuracyOps.topK(t, p, a.integer("k")));

    public static final KerasFunction SPARSE_TOP_K_CATEGORICAL_ACCURACY = define(
            new Spec("sparse_top_k_categorical_accuracy", Targets.LABELS).higherIsBetter()
                    .arguments(K, new Argument("from_sorted_ids", Type.BOOLEAN, false, false,
                            "y_pred holds the ids of the best classes, best first, instead of scores.", null))
                    // Keras writes from_sorted_ids only when it is true.
                    .metric(new FormSpec("SparseTopKCategoricalAccuracy", "k", "from_sorted_ids")
                            .omittedWhen("from_sorted_ids", false))
                    .factories(dev.xent.metrics.SparseTopKCategoricalAccuracy::fromConfig, null),
            (t, p, a, precision, loss) -> AccuracyOps.sparseTopK(t, p, a.integer("k"), a.bool("from_sorted_ids")));

    // ---- look-up ---------------------------------------------------------------------------------------------

    /** Every function, in this catalogue's order (cross-entropies, the rest of the probabilistic family, accuracies). */
    public static List<KerasFunction> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The function {@code name} names (a function name or a metric or loss class name), or null. */
    public static KerasFunction find(String name) {
        for (KerasFunction f : ALL) {
            if (f.isNamed(name)) {
                return f;
            }
        }
        return null;
    }

    /**
     * The function {@code name} names.
     *
     * @throws IllegalArgumentException for a name no function has, listing the names
     */
    public static KerasFunction get(String name) {
        KerasFunction f = find(name);
        if (f == null) {
            throw new IllegalArgumentException("name (" + Argument.show(name) + ") must be one of " + names(false));
        }
        return f;
    }

    /**
     * The function whose metric Keras 3's {@code keras.metrics.get(identifier)} returns for a string (see
     * {@link KerasFunction#kerasMetricIdentifiers()}), or null: {@code "binary_accuracy"}, {@code "BinaryAccuracy"}
     * and {@code "bce"} resolve; {@code "binary_focal_crossentropy"} and {@code "kld"} do not, as in Keras.
     * {@code "accuracy"} and {@code "acc"} are {@code compile()}'s, chosen by shape, and not resolved here.
     */
    public static KerasFunction findKerasMetric(String identifier) {
        for (KerasFunction f : ALL) {
            if (f.kerasMetricIdentifiers().contains(identifier)) {
                return f;
            }
        }
        return null;
    }

    /**
     * The function whose loss Keras 3's {@code keras.losses.get(identifier)} returns for a string (see
     * {@link KerasFunction#kerasLossIdentifiers()}), or null: {@code "kl_divergence"}, {@code "KLDivergence"} and
     * {@code "kld"} resolve; {@code "binary_accuracy"} does not. {@code "crossentropy"} and {@code "ce"} are
     * {@code compile()}'s, chosen by shape, and not resolved here.
     */
    public static KerasFunction findKerasLoss(String identifier) {
        for (KerasFunction f : ALL) {
            if (f.kerasLossIdentifiers().contains(identifier)) {
                return f;
            }
        }
        return null;
    }

    /**
     * Every name, function names first then class names, for messages: of the functions that have a loss class when
     * {@code lossesOnly}.
     */
    public static String names(boolean lossesOnly) {
        List<String> out = new ArrayList<>();
        for (KerasFunction f : ALL) {
            if (!lossesOnly || f.hasLoss()) {
                out.add(f.name());
            }
        }
        for (KerasFunction f : ALL) {
            if (lossesOnly ? f.hasLoss() : f.hasMetricClass()) {
                out.add(lossesOnly ? f.lossClassName() : f.metricClassName());
            }
        }
        return String.join(", ", out);
    }

    // ---- the description's builder ---------------------------------------------------------------------------

    private static KerasFunction define(Spec s, Computation computation) {
        KerasFunction f = new KerasFunction(s.name, s.arguments, s.metric.build(), s.loss == null ? null : s.loss.build(),
                s.targets, s.higherIsBetter, s.reducesAxis, s.metricFactory, s.lossFactory, s.metricAliases, s.lossAliases);
        Computations.register(f, computation);
        ALL.add(f);
        return f;
    }

    private static final class Spec {
        final String name;
        final Targets targets;
        List<Argument> arguments = List.of();
        boolean higherIsBetter;
        boolean reducesAxis = true;
        FormSpec metric;
        FormSpec loss;
        Function<Map<String, ?>, MeanMetricWrapper> metricFactory;
        Function<Map<String, ?>, Loss> lossFactory;
        List<String> metricAliases = List.of();
        List<String> lossAliases = List.of();

        Spec(String name, Targets targets) {
            this.name = name;
            this.targets = targets;
        }

        Spec arguments(Argument... args) {
            this.arguments = List.of(args);
            return this;
        }

        /** Keras's extra {@code ALL_OBJECTS_DICT} keys for the function in {@code keras.metrics} and {@code keras.losses}. */
        Spec aliases(List<String> metric, List<String> loss) {
            this.metricAliases = metric;
            this.lossAliases = loss;
            return this;
        }

        Spec higherIsBetter() {
            this.higherIsBetter = true;
            return this;
        }

        /** Values per element of the inputs' shape: the function reduces no axis. */
        Spec elementwise() {
            this.reducesAxis = false;
            return this;
        }

        Spec metric(FormSpec form) {
            this.metric = form;
            return this;
        }

        Spec loss(FormSpec form) {
            this.loss = form;
            return this;
        }

        /** Each class's {@code fromConfig}; a null metric factory means a {@code MeanMetricWrapper} of the function. */
        Spec factories(Function<Map<String, ?>, ? extends MeanMetricWrapper> metricFactory,
                       Function<Map<String, ?>, ? extends Loss> lossFactory) {
            String fn = name;
            this.metricFactory = metricFactory != null ? metricFactory::apply
                    : config -> MeanMetricWrapper.builder(get(fn)).config(config).build();
            this.lossFactory = lossFactory == null ? null : lossFactory::apply;
            return this;
        }
    }

    private static final class FormSpec {
        final String className;
        final List<String> keys;
        final Map<String, Object> defaults = new java.util.LinkedHashMap<>();
        final Map<String, Object> omittedWhen = new java.util.LinkedHashMap<>();
        final List<String> extensions = new ArrayList<>();
        boolean wrapper;

        FormSpec(String className, String... keys) {
            this.className = className;
            this.keys = List.of(keys);
        }

        /** A {@code MeanMetricWrapper}'s form: it writes only the arguments given to it (here: not the defaults). */
        static FormSpec wrapper(String... keys) {
            FormSpec f = new FormSpec("MeanMetricWrapper", keys);
            f.wrapper = true;
            return f;
        }

        FormSpec defaultValue(String key, Object value) {
            defaults.put(key, value);
            return this;
        }

        FormSpec omittedWhen(String key, Object value) {
            omittedWhen.put(key, value);
            return this;
        }

        FormSpec extensions(String... keys) {
            extensions.addAll(List.of(keys));
            return this;
        }

        KerasFunction.Form build() {
            return new KerasFunction.Form(className, keys, defaults, omittedWhen, extensions, wrapper);
        }
    }
}
