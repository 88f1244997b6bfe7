package dev.xent.keras;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.losses.Loss;
import dev.xent.metrics.CompiledMetrics;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.saving.Serialization;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code compile_config} of a {@code .keras} archive, resolved into a {@link CompiledMetrics} the way Keras 3.15's
 * {@code compile()} resolves it ({@code trainers/compile_utils.py}). Every function of the {@link Catalog} is known,
 * in every form Keras writes it:
 *
 * <ul>
 *   <li><b>loss</b>: a string {@code keras.losses.get} accepts (a function name such as {@code "kl_divergence"},
 *       which Keras wraps in a {@code LossFunctionWrapper} with the function's defaults and that name; a class name
 *       such as {@code "KLDivergence"}; an alias such as {@code "kld"} or {@code "bce"}); {@code "crossentropy"} or
 *       {@code "ce"} (any case), binary, sparse or categorical by the label and prediction shapes; a serialized loss
 *       object; a serialized function.</li>
 *   <li><b>metrics</b> and <b>weighted_metrics</b> (flattened, as Keras flattens them for one output): a string
 *       {@code keras.metrics.get} accepts (a metric class name, its snake_case name, {@code "bce"}), named by the
 *       string; {@code "accuracy"}/{@code "acc"} (any case), {@code BinaryAccuracy} when {@code y_pred.shape[-1] == 1},
 *       else {@code SparseCategoricalAccuracy} when {@code y_true} has a lower rank than {@code y_pred} or its last
 *       dimension is 1, else {@code CategoricalAccuracy}; a serialized metric object (or {@code MeanMetricWrapper})
 *       with its own name; a serialized function, named by the function. Keras has no metric class for the focal
 *       losses, so they are metrics only as functions; {@code "binary_focal_crossentropy"} and {@code "kld"} as metric
 *       strings are refused, as Keras refuses them.</li>
 *   <li><b>loss_weights</b>: a number (or a one-element list) multiplying the loss.</li>
 * </ul>
 *
 * <p>Entries xent does not compute (AUC, mean squared error, custom objects, a loss object used as a metric) are
 * <em>unsupported</em>: {@link #toCompiledMetrics} refuses them all in one {@link IllegalArgumentException} that names
 * each one, e.g. {@code compile_config.metrics[1] ("auc")}; {@link #resolve} computes the rest and lists them.
 * Entries Keras itself refuses, bad configs and multi-output structures are errors either way.
 *
 * <p>Immutable and thread-safe; each call returns a fresh container.
 */
public final class CompileConfig {

    private final String source;
    private final JsonNode config;

    /**
     * @throws IllegalArgumentException when {@code config} is not a JSON object (Keras's {@code compile(**config)}
     *     refuses anything else)
     */
    CompileConfig(String source, JsonNode config) {
        if (!config.isObject()) {
            throw new IllegalArgumentException(source + ": compile_config (" + shown(config) + ") must be a JSON"
                    + " object of compile() arguments, as Keras's compile(**compile_config) needs; it is "
                    + (config.isArray() ? "a list" : config.isTextual() ? "a string" : "a " + config.getNodeType()
                    .toString().toLowerCase(Locale.ROOT)));
        }
        this.source = source;
        this.config = config;
    }

    /** Reads a {@code compile_config} given as JSON text (as in {@code config.json}), for tests and tools. */
    public static CompileConfig parse(String json) {
        try {
            return new CompileConfig("compile_config", KerasModelFile.JSON.readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("compile_config is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The raw {@code compile_config} JSON. */
    public JsonNode json() {
        return config.deepCopy();
    }

    /**
     * The loss and metrics for labels and predictions of these shapes (Keras uses the shapes of the first batch to
     * resolve {@code "accuracy"} and {@code "crossentropy"}; the batch size does not matter).
     *
     * @throws IllegalArgumentException naming every entry that is not supported, or the first that is bad
     */
    public CompiledMetrics toCompiledMetrics(int[] yTrueShape, int[] yPredShape) {
        Resolution r = resolve(yTrueShape, yPredShape);
        if (!r.skipped().isEmpty()) {
            throw new IllegalArgumentException(r.unsupportedMessage());
        }
        return r.compiledMetrics();
    }

    /**
     * The loss and metrics xent computes for labels and predictions of these shapes, and the entries it does not.
     *
     * @throws IllegalArgumentException for an entry Keras refuses, a bad config, a multi-output structure, or a
     *     config without a loss (Keras on TensorFlow raises "No loss to compute")
     */
    public Resolution resolve(int[] yTrueShape, int[] yPredShape) {
        List<Skipped> skipped = new ArrayList<>();
        CompiledMetrics.Builder b = CompiledMetrics.builder();
        boolean lossSkipped = false;
        JsonNode loss = config.get("loss");
        boolean hasLoss = loss != null && !loss.isNull();
        if (hasLoss) {
            Object l = resolveLoss(loss, yTrueShape, yPredShape);
            if (l instanceof Skipped) {
                skipped.add((Skipped) l);
                lossSkipped = true;
            } else {
                b.loss((Loss) l);
            }
        }
        b.lossWeight(lossWeight());
        List<Entry> plain = flatten("metrics");
        List<Entry> weighted = flatten("weighted_metrics");
        if (!hasLoss && plain.isEmpty() && weighted.isEmpty()) {
            throw new IllegalArgumentException(source + ": compile_config has no loss and no metrics, so there is"
                    + " nothing to evaluate (Keras's evaluate raises \"No loss to compute. Provide a `loss` argument"
                    + " in `compile()`.\")");
        }
        List<Skipped> skippedMetrics = new ArrayList<>();
        for (List<Entry> entries : List.of(plain, weighted)) {
            boolean w = entries == weighted;
            for (Entry e : entries) {
                Object m = resolveMetric(e, yTrueShape, yPredShape);
                if (m instanceof Skipped) {
                    skippedMetrics.add((Skipped) m);
                    if (w) {
                        b.skippedWeightedMetric(((Skipped) m).key);
                    } else {
                        b.skippedMetric(((Skipped) m).key);
                    }
                } else if (w) {
                    b.weightedMetric((MeanMetricWrapper) m);
                } else {
                    b.metric((MeanMetricWrapper) m);
                }
            }
        }
        if (!hasLoss) {
            // Keras 3.15's Trainer.compute_loss raises unless the backend is JAX, which reports a loss of 0; the
            // golden numbers are TensorFlow's. After the metrics: a bad metric entry is reported first.
            throw new IllegalArgumentException(source + ": compile_config has metrics but no loss (\"loss\": "
                    + (loss == null ? "absent" : "null") + "), which Keras on TensorFlow cannot evaluate (its evaluate"
                    + " raises \"No loss to compute. Provide a `loss` argument in `compile()`.\")");
        }
        CompiledMetrics cm = b.build();
        // The metrics' keys as evaluate() reports them: the name, or the _1 / weighted_ form Keras gives a repeat.
        List<String> keys = cm.skippedKeys();
        for (int i = 0; i < skippedMetrics.size(); i++) {
            Skipped s = skippedMetrics.get(i);
            skipped.add(new Skipped(s.entry, s.identifier, keys.get(i), s.reason, s.string));
        }
        return new Resolution(source, cm, skipped, lossSkipped);
    }

    /** The single-output {@code loss_weights}: 1 when absent or null. */
    public double lossWeight() {
        JsonNode w = config.get("loss_weights");
        if (w == null || w.isNull()) {
            return 1.0;
        }
        if (w.isArray() && w.size() == 1 && w.get(0).isNumber()) {
            return w.get(0).asDouble();
        }
        if (w.isNumber()) {
            return w.asDouble();
        }
        throw new IllegalArgumentException(where("loss_weights", w) + " must be a number for a single-output model");
    }

    // ---- the result ------------------------------------------------------------------------------------------

    /** A config resolved for given shapes: what xent computes, and the entries it skips. Immutable. */
    public static final class Resolution {
        private final String source;
        private final CompiledMetrics compiledMetrics;
        private final List<Skipped> skipped;
        private final boolean lossSkipped;

        Resolution(String source, CompiledMetrics compiledMetrics, List<Skipped> skipped, boolean lossSkipped) {
            this.source = source;
            this.compiledMetrics = compiledMetrics;
            this.skipped = Collections.unmodifiableList(new ArrayList<>(skipped));
            this.lossSkipped = lossSkipped;
        }

        /** The loss and metrics xent computes (a skipped loss is absent, a skipped metric only holds its name). */
        public CompiledMetrics compiledMetrics() {
            return compiledMetrics;
        }

        /** The entries xent does not compute, the loss first, then in compile order; empty when it computes all. */
        public List<Skipped> skipped() {
            return skipped;
        }

        /**
         * {@code compiledMetrics().result()}, without {@code "loss"} when the loss is skipped: every entry has the
         * value Keras's {@code evaluate} reports under that key.
         */
        public Map<String, Double> result() {
            Map<String, Double> r = new LinkedHashMap<>(compiledMetrics.result());
            if (lossSkipped) {
                r.remove("loss");
            }
            return r;
        }

        /**
         * One line naming every skipped entry and what xent computes instead, or null when nothing is skipped.
         */
        public String unsupportedMessage() {
            if (skipped.isEmpty()) {
                return null;
            }
            StringBuilder sb = new StringBuilder(source).append(": ");
            sb.append(skipped.size() == 1 ? "compile_config has an entry xent does not compute: "
                    : "compile_config has " + skipped.size() + " entries xent does not compute: ");
            for (int i = 0; i < skipped.size(); i++) {
                sb.append(i == 0 ? "" : "; ").append(skipped.get(i).toString());
            }
            return sb.append(". ").append(supported()).toString();
        }
    }

    /**
     * An entry of the config xent does not compute: where it is ({@code compile_config.metrics[1]}), the identifier
     * as Keras wrote it (a string, a class name or a function name), the key Keras's {@code evaluate} reports it under,
     * and why xent skips it.
     */
    public static final class Skipped {
        private final String entry;
        private final String identifier;
        private final String key;
        private final String reason;
        private final boolean string;

        Skipped(String entry, String identifier, String key, String reason, boolean string) {
            this.string = string;
            this.entry = entry;
            this.identifier = identifier;
            this.key = key;
            this.reason = reason;
        }

        /** Where the entry is, such as {@code compile_config.weighted_metrics[0]} or {@code compile_config.loss}. */
        public String entry() {
            return entry;
        }

        /** The string, the serialized object's class name, or the serialized function's name. */
        public String identifier() {
            return identifier;
        }

        /** The key Keras's {@code evaluate(return_dict=True)} reports the entry under ({@code "loss"} for the loss). */
        public String key() {
            return key;
        }

        /** Why xent does not compute it, such as {@code AUC is not a function xent computes}. */
        public String reason() {
            return reason;
        }

        /** {@code compile_config.metrics[1] ("auc"): not a metric xent computes}: a string identifier is quoted. */
        @Override
        public String toString() {
            return entry + " (" + (string ? "\"" + identifier + "\"" : identifier) + "): " + reason;
        }
    }

    // ---- losses ---------------------------------------------------------------------------------------------

    /** A {@link Loss} or a {@link Skipped}. */
    private Object resolveLoss(JsonNode given, int[] yTrueShape, int[] yPredShape) {
        JsonNode loss = given.isArray() && given.size() == 1 ? given.get(0) : given;
        if (loss.isArray() || (loss.isObject() && !loss.has("class_name"))) {
            throw new IllegalArgumentException(where("loss", loss) + ": a loss per output is not supported; only"
                    + " single-output models with one loss are");
        }
        String path = "compile_config.loss";
        String what = where("loss", loss);
        if (loss.isTextual()) {
            String s = loss.asText();
            String lower = s.toLowerCase(Locale.ROOT);
            if (lower.equals("crossentropy") || lower.equals("ce")) {
                return Catalog.get(crossentropy(yTrueShape, yPredShape)).newLoss(Map.of("name", s));
            }
            KerasFunction f = Catalog.findKerasLoss(s);
            if (f != null) {
                // A class name is the class with its defaults; anything else Keras's LossFunctionWrapper(fn, name=s).
                return build(what, () -> f.newLoss(s.equals(f.lossClassName()) ? Map.of() : Map.of("name", s)));
            }
            if (Catalog.find(s) != null || Catalog.findKerasMetric(s) != null || isAccuracy(lower)) {
                throw new IllegalArgumentException(what + ": Keras cannot use it as a loss (keras.losses.get raises"
                        + " \"Could not interpret loss identifier: " + s + "\")");
            }
            return new Skipped(path, s, "loss", "not a loss xent computes", true);
        }
        if (!loss.isObject()) {
            throw new IllegalArgumentException(what + " must be a string or a serialized Keras object");
        }
        String custom = custom(loss);
        if (custom != null) {
            return new Skipped(path, identifier(loss), "loss", custom, false);
        }
        String function = function(loss);
        if (function != null) {
            KerasFunction f = Catalog.find(function);
            if (f == null || !f.name().equals(function) || !f.hasLoss()) {
                return new Skipped(path, function, "loss", f != null && f.name().equals(function)
                        ? "xent has no loss for " + function + " (Keras has no loss class for it)"
                        : "not a function xent computes", false);
            }
            return build(what, () -> Serialization.deserializeLoss(map(loss)));
        }
        String className = loss.get("class_name").asText();
        if (!isModule(loss, "losses")) {
            return new Skipped(path, className, "loss", "a " + className + " object from module '"
                    + loss.path("module").asText() + "' is not a Keras loss xent computes", false);
        }
        KerasFunction f = Catalog.find(className);
        if (f == null || !className.equals(f.lossClassName())) {
            return new Skipped(path, className, "loss", "not a loss xent computes", false);
        }
        return build(what, () -> Serialization.deserializeLoss(map(loss)));
    }

    // ---- metrics --------------------------------------------------------------------------------------------

    /** One metric entry and where it was in the config. */
    private static final class Entry {
        final JsonNode node;
        final String path;

        Entry(JsonNode node, String path) {
            this.node = node;
            this.path = path;
        }
    }

    /**
     * Keras's {@code tree.flatten} of the metrics of a single output: lists in order, dicts by sorted key. Keras
     * refuses anything else than a list or a dict ({@code "Expected `metrics` argument to be a list, tuple, or
     * dict"}).
     */
    private List<Entry> flatten(String argument) {
        JsonNode metrics = config.get(argument);
        List<Entry> out = new ArrayList<>();
        if (metrics == null || metrics.isNull() || (metrics.isTextual() && metrics.asText().isEmpty())) {
            return out;
        }
        if (!metrics.isArray() && !(metrics.isObject() && !metrics.has("class_name"))) {
            throw new IllegalArgumentException(where(argument, metrics) + " must be a list (or a dict by output), as"
                    + " Keras's compile() requires (\"Expected `" + argument + "` argument to be a list, tuple, or"
                    + " dict\")");
        }
        flattenInto(metrics, argument, out);
        return out;
    }

    private void flattenInto(JsonNode n, String path, List<Entry> out) {
        if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                flattenInto(n.get(i), path + "[" + i + "]", out);
            }
        } else if (n.isObject() && !n.has("class_name")) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                sorted.put(f.getKey(), f.getValue());
            }
            sorted.forEach((k, v) -> flattenInto(v, path + "[\"" + k + "\"]", out));
        } else if (!n.isNull()) {
            out.add(new Entry(n, path));
        }
    }

    /** A {@link MeanMetricWrapper}, or a {@link Skipped} whose key is the metric's name (made unique later). */
    private Object resolveMetric(Entry e, int[] yTrueShape, int[] yPredShape) {
        String what = where(e.path, e.node);
        String path = "compile_config." + e.path;
        JsonNode n = e.node;
        if (n.isTextual()) {
            String s = n.asText();
            String lower = s.toLowerCase(Locale.ROOT);
            if (isAccuracy(lower)) {
                return Catalog.get(accuracy(yTrueShape, yPredShape)).newMetric(Map.of("name", s));
            }
            KerasFunction f = Catalog.findKerasMetric(s);
            if (f != null) {
                return build(what, () -> f.newMetric(Map.of("name", s)));
            }
            if (Catalog.find(s) != null || Catalog.findKerasLoss(s) != null || lower.equals("crossentropy")
                    || lower.equals("ce")) {
                throw new IllegalArgumentException(what + ": Keras cannot use it as a metric (keras.metrics.get raises"
                        + " \"Could not interpret metric identifier: " + s + "\")" + functionHint(s));
            }
            return new Skipped(path, s, s, "not a metric xent computes", true);
        }
        if (!n.isObject() || !n.has("class_name")) {
            throw new IllegalArgumentException(what + " must be a string or a serialized Keras object");
        }
        String custom = custom(n);
        if (custom != null) {
            return new Skipped(path, identifier(n), name(n), custom, false);
        }
        String function = function(n);
        if (function != null) {
            KerasFunction f = Catalog.find(function);
            if (f == null || !f.name().equals(function)) {
                return new Skipped(path, function, function, "not a function xent computes", false);
            }
            return build(what, () -> Serialization.deserializeMetric(map(n)));
        }
        String className = n.get("class_name").asText();
        if (isModule(n, "losses")) {
            // Keras wraps a loss object in a MeanMetricWrapper: one reduced value per batch, averaged over batches.
            return new Skipped(path, className, name(n), "a loss object used as a metric (Keras averages its"
                    + " per-batch values) is not computed by xent", false);
        }
        if (!isModule(n, "metrics")) {
            return new Skipped(path, className, name(n), "a " + className + " object from module '"
                    + n.path("module").asText() + "' is not a Keras metric xent computes", false);
        }
        if (className.equals("MeanMetricWrapper")) {
            JsonNode fn = n.path("config").path("fn");
            String named = fn.isTextual() ? fn.asText() : fn.path("config").asText(null);
            KerasFunction f = named == null ? null : Catalog.find(named);
            if (f == null || !f.name().equals(named) || (fn.isObject() && custom(fn) != null)) {
                return new Skipped(path, className + "(" + named + ")", name(n),
                        "a MeanMetricWrapper of a function xent does not compute", false);
            }
            return build(what, () -> Serialization.deserializeMetric(map(n)));
        }
        KerasFunction f = Catalog.find(className);
        if (f == null || !f.hasMetricClass() || !className.equals(f.metricClassName())) {
            return new Skipped(path, className, name(n), "not a metric xent computes", false);
        }
        return build(what, () -> Serialization.deserializeMetric(map(n)));
    }

    /** For a focal loss given as a metric string: Keras takes it only as a function. */
    private static String functionHint(String s) {
        KerasFunction f = Catalog.find(s);
        if (f != null && !f.hasMetricClass()) {
            return "; Keras has no metric class for it: compile(metrics=[keras.losses." + f.name() + "]) passes the"
                    + " function";
        }
        return "";
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static boolean isAccuracy(String lower) {
        return lower.equals("accuracy") || lower.equals("acc");
    }

    /** Keras's {@code is_binary_or_sparse_categorical(y_true, y_pred)}: 0 binary, 1 sparse, 2 categorical. */
    static int kind(int[] yTrueShape, int[] yPredShape) {
        int predLast = yPredShape.length == 0 ? -1 : yPredShape[yPredShape.length - 1];
        int trueLast = yTrueShape.length == 0 ? -1 : yTrueShape[yTrueShape.length - 1];
        if (predLast == 1) {
            return 0;
        }
        if (yTrueShape.length < yPredShape.length || (trueLast == 1 && predLast > 1)) {
            return 1;
        }
        return 2;
    }

    /** The function {@code "crossentropy"}/{@code "ce"} stands for ({@code compile_utils.get_loss}). */
    private static String crossentropy(int[] yTrueShape, int[] yPredShape) {
        int k = kind(yTrueShape, yPredShape);
        return (k == 0 ? Catalog.BINARY_CROSSENTROPY : k == 1 ? Catalog.SPARSE_CATEGORICAL_CROSSENTROPY
                : Catalog.CATEGORICAL_CROSSENTROPY).name();
    }

    /** The function {@code "accuracy"}/{@code "acc"} stands for ({@code compile_utils.get_metric}). */
    private static String accuracy(int[] yTrueShape, int[] yPredShape) {
        int k = kind(yTrueShape, yPredShape);
        return (k == 0 ? Catalog.BINARY_ACCURACY : k == 1 ? Catalog.SPARSE_CATEGORICAL_ACCURACY
                : Catalog.CATEGORICAL_ACCURACY).name();
    }

    /** The name of a serialized function ({@code class_name: "function"}), else null. */
    private static String function(JsonNode n) {
        if ("function".equals(n.path("class_name").asText(null)) && n.path("config").isTextual()) {
            return n.get("config").asText();
        }
        return null;
    }

    /**
     * Why a serialized object or function is a custom one (registered with {@code register_keras_serializable}, or
     * from a module outside Keras), else null.
     */
    private static String custom(JsonNode n) {
        String module = n.path("module").isTextual() ? n.get("module").asText() : null;
        JsonNode registered = n.get("registered_name");
        String reg = registered == null || registered.isNull() ? null : registered.asText();
        String function = function(n);
        if (function != null) {
            if (function.contains(">") || (reg != null && reg.contains(">"))) {
                return "a custom function (registered as " + (function.contains(">") ? function : reg) + ")";
            }
            if (module != null && !module.equals("builtins") && !isKerasModule(module)) {
                return "a function from module '" + module + "'";
            }
            return null;
        }
        if (reg != null && !reg.equals(n.path("class_name").asText())) {
            return "a custom object (registered as " + reg + ")";
        }
        if (n.has("module") && module == null) {
            return "a custom object (no module)";
        }
        return null;
    }

    private static boolean isKerasModule(String module) {
        return module.equals("keras") || module.startsWith("keras.") || module.startsWith("tf_keras")
                || module.startsWith("tensorflow");
    }

    /** Whether a serialized object is from Keras's {@code kind} module ({@code "losses"} or {@code "metrics"}). */
    private static boolean isModule(JsonNode n, String kind) {
        if (!n.has("module")) {
            // tf.keras 2's legacy form has no module: a config with a reduction is a loss.
            return n.path("config").has("reduction") == kind.equals("losses");
        }
        String module = n.path("module").asText("");
        return isKerasModule(module) && module.contains(kind);
    }

    /** The identifier as shown: the serialized function's name, or the object's class name. */
    private static String identifier(JsonNode n) {
        String function = function(n);
        return function != null ? function : n.path("class_name").asText();
    }

    /** The name Keras gives a metric built from a serialized object or function ({@code get_object_name}). */
    private static String name(JsonNode n) {
        String function = function(n);
        if (function != null) {
            int gt = function.lastIndexOf('>');
            return gt < 0 ? function : function.substring(gt + 1);
        }
        JsonNode name = n.path("config").path("name");
        return name.isTextual() ? name.asText() : n.path("class_name").asText();
    }

    /** What xent computes, for messages: every name read from the catalogue. */
    static String supported() {
        List<String> losses = new ArrayList<>();
        List<String> metrics = new ArrayList<>(List.of("accuracy", "acc"));
        List<String> functionsOnly = new ArrayList<>();
        for (KerasFunction f : Catalog.all()) {
            if (f.hasLoss()) {
                losses.add(f.name());
            }
            (f.hasMetricClass() ? metrics : functionsOnly).add(f.name());
        }
        return "xent computes the losses " + String.join(", ", losses) + " and the metrics " + String.join(", ", metrics)
                + " (by these names, class names, serialized objects or functions)"
                + (functionsOnly.isEmpty() ? "" : ", and as metrics the functions " + String.join(", ", functionsOnly));
    }

    private <T> T build(String what, java.util.function.Supplier<T> factory) {
        try {
            return factory.get();
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }

    private String where(String path, JsonNode n) {
        return source + ": compile_config." + path + " (" + shown(n) + ")";
    }

    private static String shown(JsonNode n) {
        String shown = n.isTextual() ? "\"" + n.asText() + "\""
                : n.isObject() && n.has("class_name") ? identifier(n) : n.toString();
        if (shown.length() > 80) {
            shown = shown.substring(0, 77) + "...";
        }
        return shown;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(JsonNode n) {
        return KerasModelFile.JSON.convertValue(n, Map.class);
    }
}
