package dev.xent.keras;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xent.losses.Loss;
import dev.xent.metrics.CategoricalAccuracy;
import dev.xent.metrics.CategoricalCrossentropy;
import dev.xent.metrics.CompiledMetrics;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.metrics.Metric;
import dev.xent.metrics.SparseCategoricalAccuracy;
import dev.xent.metrics.SparseCategoricalCrossentropy;
import dev.xent.metrics.SparseTopKCategoricalAccuracy;
import dev.xent.metrics.TopKCategoricalAccuracy;
import dev.xent.saving.Serialization;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The {@code compile_config} of a {@code .keras} archive, resolved into a {@link CompiledMetrics} the way Keras 3.15's
 * {@code compile()} resolves it ({@code trainers/compile_utils.py}):
 *
 * <ul>
 *   <li><b>loss</b>: a serialized loss object ({@code {"module": "keras.losses", "class_name": ..., "config": ...}});
 *       a function name such as {@code "sparse_categorical_crossentropy"} (or a serialized function), which Keras
 *       wraps in a {@code LossFunctionWrapper} with the function's default arguments, reduction
 *       {@code sum_over_batch_size} and that name; a class name such as {@code "CategoricalCrossentropy"} (the class
 *       with its defaults); or {@code "crossentropy"}/{@code "ce"}, chosen by the label and prediction shapes.</li>
 *   <li><b>metrics</b> and <b>weighted_metrics</b> (flattened, as Keras flattens them for one output): serialized
 *       metric objects keep their names; a string or serialized function becomes the metric with default arguments
 *       named by the string; {@code "accuracy"}/{@code "acc"} is {@code BinaryAccuracy} when
 *       {@code y_pred.shape[-1] == 1}, else {@code SparseCategoricalAccuracy} when {@code y_true} has a lower rank
 *       than {@code y_pred} or its last dimension is 1, else {@code CategoricalAccuracy}.</li>
 *   <li><b>loss_weights</b>: a number (or a one-element list) multiplying the loss.</li>
 * </ul>
 *
 * Anything else (binary losses and metrics, custom objects, multi-output structures) is refused with an
 * {@link IllegalArgumentException} naming the entry, e.g. {@code compile_config.metrics[2] ("binary_accuracy")}.
 *
 * <p>Immutable and thread-safe; {@link #toCompiledMetrics} returns a fresh container each time.
 */
public final class CompileConfig {

    private final String source;
    private final JsonNode config;

    CompileConfig(String source, JsonNode config) {
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
     * @throws IllegalArgumentException naming the entry that is not supported
     */
    public CompiledMetrics toCompiledMetrics(int[] yTrueShape, int[] yPredShape) {
        CompiledMetrics.Builder b = CompiledMetrics.builder();
        JsonNode loss = config.get("loss");
        if (loss != null && !loss.isNull()) {
            b.loss(resolveLoss(loss, yTrueShape, yPredShape));
        }
        b.lossWeight(lossWeight());
        for (Entry e : flatten(config.get("metrics"), "metrics")) {
            b.metric(resolveMetric(e, yTrueShape, yPredShape));
        }
        for (Entry e : flatten(config.get("weighted_metrics"), "weighted_metrics")) {
            b.weightedMetric(resolveMetric(e, yTrueShape, yPredShape));
        }
        return b.build();
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

    // ---- losses ---------------------------------------------------------------------------------------------

    private Loss resolveLoss(JsonNode loss, int[] yTrueShape, int[] yPredShape) {
        if (loss.isArray() && loss.size() == 1) {
            loss = loss.get(0);
        }
        if (loss.isArray() || (loss.isObject() && !loss.has("class_name"))) {
            throw new IllegalArgumentException(where("loss", loss) + ": a loss per output is not supported; only"
                    + " single-output models with one loss are");
        }
        String what = where("loss", loss);
        String identifier = functionName(loss);
        if (identifier != null) {
            String lower = identifier.toLowerCase(java.util.Locale.ROOT);
            if (lower.equals("crossentropy") || lower.equals("ce")) {
                int kind = kind(yTrueShape, yPredShape);
                if (kind == BINARY) {
                    throw unsupported(what, "binary_crossentropy (chosen because y_pred's last dimension is 1)");
                }
                return lossFunction(kind == SPARSE ? "sparse_categorical_crossentropy" : "categorical_crossentropy",
                        identifier);
            }
            if (identifier.equals("sparse_categorical_crossentropy") || identifier.equals("categorical_crossentropy")) {
                return lossFunction(identifier, identifier);
            }
            if (identifier.equals("SparseCategoricalCrossentropy") || identifier.equals("CategoricalCrossentropy")) {
                return Serialization.lossFromConfig(identifier, Map.of());
            }
            throw unsupported(what, identifier);
        }
        checkModule(loss, what, "losses");
        try {
            return (Loss) Serialization.deserializeKerasObject(map(loss));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }

    /** Keras's {@code LossFunctionWrapper(fn, name=identifier)}: the function's defaults, sum_over_batch_size. */
    private static Loss lossFunction(String function, String name) {
        return function.equals("sparse_categorical_crossentropy")
                ? dev.xent.losses.SparseCategoricalCrossentropy.builder().name(name).build()
                : dev.xent.losses.CategoricalCrossentropy.builder().name(name).build();
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

    /** Keras's {@code tree.flatten} of the metrics of a single output: lists in order, dicts by sorted key. */
    private List<Entry> flatten(JsonNode metrics, String argument) {
        List<Entry> out = new ArrayList<>();
        if (metrics != null && !metrics.isNull()) {
            flattenInto(metrics, argument, out);
        }
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

    private static final Map<String, Function<String, MeanMetricWrapper>> METRIC_FUNCTIONS = Map.of(
            "sparse_categorical_accuracy", name -> SparseCategoricalAccuracy.builder().name(name).build(),
            "categorical_accuracy", name -> CategoricalAccuracy.builder().name(name).build(),
            "sparse_top_k_categorical_accuracy", name -> SparseTopKCategoricalAccuracy.builder().name(name).build(),
            "top_k_categorical_accuracy", name -> TopKCategoricalAccuracy.builder().name(name).build(),
            "sparse_categorical_crossentropy", name -> SparseCategoricalCrossentropy.builder().name(name).build(),
            "categorical_crossentropy", name -> CategoricalCrossentropy.builder().name(name).build());

    private static final Map<String, String> METRIC_CLASSES = Map.of(
            "SparseCategoricalAccuracy", "sparse_categorical_accuracy",
            "CategoricalAccuracy", "categorical_accuracy",
            "SparseTopKCategoricalAccuracy", "sparse_top_k_categorical_accuracy",
            "TopKCategoricalAccuracy", "top_k_categorical_accuracy",
            "SparseCategoricalCrossentropy", "sparse_categorical_crossentropy",
            "CategoricalCrossentropy", "categorical_crossentropy");

    private MeanMetricWrapper resolveMetric(Entry e, int[] yTrueShape, int[] yPredShape) {
        String what = where(e.path, e.node);
        String identifier = functionName(e.node);
        if (identifier != null) {
            // A string or a serialized function: Keras names the metric by the string (or the function's name).
            String lower = identifier.toLowerCase(java.util.Locale.ROOT);
            if (e.node.isTextual() && (lower.equals("accuracy") || lower.equals("acc"))) {
                int kind = kind(yTrueShape, yPredShape);
                if (kind == BINARY) {
                    throw unsupported(what, "BinaryAccuracy (chosen because y_pred's last dimension is 1)");
                }
                return kind == SPARSE ? SparseCategoricalAccuracy.builder().name(identifier).build()
                        : CategoricalAccuracy.builder().name(identifier).build();
            }
            Function<String, MeanMetricWrapper> f = METRIC_FUNCTIONS.get(identifier);
            if (f == null && METRIC_CLASSES.containsKey(identifier)) {
                f = METRIC_FUNCTIONS.get(METRIC_CLASSES.get(identifier));
            }
            if (f == null) {
                throw unsupported(what, identifier);
            }
            return f.apply(identifier);
        }
        checkModule(e.node, what, "metrics");
        Metric m;
        try {
            m = (Metric) Serialization.deserializeKerasObject(map(e.node));
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(what + ": " + ex.getMessage(), ex);
        }
        if (!(m instanceof MeanMetricWrapper)) {
            throw unsupported(what, m.getClass().getSimpleName());
        }
        return (MeanMetricWrapper) m;
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static final int BINARY = 0;
    private static final int SPARSE = 1;
    private static final int CATEGORICAL = 2;

    /** Keras's {@code is_binary_or_sparse_categorical(y_true, y_pred)}. */
    static int kind(int[] yTrueShape, int[] yPredShape) {
        int predLast = yPredShape.length == 0 ? -1 : yPredShape[yPredShape.length - 1];
        int trueLast = yTrueShape.length == 0 ? -1 : yTrueShape[yTrueShape.length - 1];
        if (predLast == 1) {
            return BINARY;
        }
        if (yTrueShape.length < yPredShape.length || (trueLast == 1 && predLast > 1)) {
            return SPARSE;
        }
        return CATEGORICAL;
    }

    /** A string identifier, or the name of a serialized function ({@code class_name: "function"}); else null. */
    private static String functionName(JsonNode n) {
        if (n.isTextual()) {
            return n.asText();
        }
        if (n.isObject() && "function".equals(n.path("class_name").asText(null)) && n.path("config").isTextual()) {
            return n.get("config").asText();
        }
        return null;
    }

    private static void checkModule(JsonNode n, String what, String kind) {
        if (!n.isObject() || !n.has("class_name")) {
            throw new IllegalArgumentException(what + " must be a string or a serialized Keras object");
        }
        String module = n.path("module").asText("");
        JsonNode registered = n.get("registered_name");
        if (!module.startsWith("keras") || !module.contains(kind)
                || (registered != null && !registered.isNull() && !registered.asText().equals(n.get("class_name").asText()))) {
            throw unsupported(what, n.get("class_name").asText() + " from module '" + module + "'"
                    + (registered != null && !registered.isNull() ? " (registered as " + registered.asText() + ")" : ""));
        }
    }

    private static IllegalArgumentException unsupported(String what, String name) {
        return new IllegalArgumentException(what + ": " + name + " is not supported; xent supports the losses"
                + " sparse_categorical_crossentropy and categorical_crossentropy, and the metrics accuracy/acc"
                + " (categorical), sparse_categorical_accuracy, categorical_accuracy, sparse_top_k_categorical_accuracy,"
                + " top_k_categorical_accuracy, sparse_categorical_crossentropy and categorical_crossentropy"
                + " (as strings or Keras objects)");
    }

    private String where(String path, JsonNode n) {
        String shown = n.isTextual() ? "\"" + n.asText() + "\""
                : n.isObject() && n.has("class_name") ? n.get("class_name").asText() : n.toString();
        if (shown.length() > 80) {
            shown = shown.substring(0, 77) + "...";
        }
        return source + ": compile_config." + path + " (" + shown + ")";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(JsonNode n) {
        return KerasModelFile.JSON.convertValue(n, Map.class);
    }
}
