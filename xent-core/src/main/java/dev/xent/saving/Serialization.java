package dev.xent.saving;

import dev.xent.losses.Loss;
import dev.xent.metrics.Metric;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Keras's serialized form of metrics and losses, as plain maps (JSON text is for the caller's JSON library):
 * {@code {"module": "keras.metrics", "class_name": ..., "config": get_config(), "registered_name": null}}, what
 * {@code keras.saving.serialize_keras_object} writes.
 *
 * <pre>{@code
 * Map<String, Object> s = Serialization.serializeKerasObject(SparseCategoricalCrossentropy.builder().build());
 * Metric m = (Metric) Serialization.deserializeKerasObject(s);
 * }</pre>
 */
public final class Serialization {

    private static final String METRICS = "keras.metrics";
    private static final String LOSSES = "keras.losses";

    private Serialization() {}

    /** Keras's {@code serialize_keras_object} of a metric or loss of this library. */
    public static Map<String, Object> serializeKerasObject(Object metricOrLoss) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (metricOrLoss instanceof Metric) {
            out.put("module", METRICS);
            out.put("class_name", metricOrLoss.getClass().getSimpleName());
            out.put("config", ((Metric) metricOrLoss).getConfig());
        } else if (metricOrLoss instanceof Loss) {
            out.put("module", LOSSES);
            out.put("class_name", metricOrLoss.getClass().getSimpleName());
            out.put("config", ((Loss) metricOrLoss).getConfig());
        } else {
            throw new IllegalArgumentException("metricOrLoss (" + metricOrLoss + ") must be a dev.xent Metric or Loss");
        }
        out.put("registered_name", null);
        return out;
    }

    /**
     * Keras's {@code deserialize_keras_object} for the classes here: {@code module} says metric or loss
     * ({@code keras.metrics}, {@code keras.losses}, or their {@code keras.src...} forms).
     *
     * @throws IllegalArgumentException for an unknown module or class, or a bad config
     */
    public static Object deserializeKerasObject(Map<String, ?> serialized) {
        Object module = serialized.get("module");
        if (module instanceof String && ((String) module).startsWith("keras") && ((String) module).contains("metrics")) {
            return metricFromConfig(className(serialized), config(serialized));
        }
        if (module instanceof String && ((String) module).startsWith("keras") && ((String) module).contains("losses")) {
            return lossFromConfig(className(serialized), config(serialized));
        }
        throw new IllegalArgumentException("serialized object's module (" + module
                + ") must be keras.metrics or keras.losses");
    }

    /**
     * A metric from a name and a config: {@code name} is a class name ({@code SparseCategoricalCrossentropy}) or
     * Keras's snake_case name ({@code sparse_categorical_crossentropy}); {@code config} is a {@code get_config()}
     * map, possibly empty.
     */
    public static Metric metricFromConfig(String name, Map<String, ?> config) {
        Function<Map<String, ?>, Metric> accuracy = ACCURACY_METRICS.get(name);
        if (accuracy != null) {
            return accuracy.apply(config);
        }
        if (!isCrossentropyName(name)) {
            throw new IllegalArgumentException("metric name (" + name + ") must be one of " + String.join(", ",
                    ACCURACY_METRICS.keySet()) + ", SparseCategoricalCrossentropy, sparse_categorical_crossentropy, "
                    + "CategoricalCrossentropy, categorical_crossentropy");
        }
        return resolve(name, "metric", dev.xent.metrics.SparseCategoricalCrossentropy::fromConfig,
                dev.xent.metrics.CategoricalCrossentropy::fromConfig).apply(config);
    }

    /** The accuracy metrics by class name and snake_case name. */
    private static final Map<String, Function<Map<String, ?>, Metric>> ACCURACY_METRICS = new LinkedHashMap<>();

    static {
        ACCURACY_METRICS.put("SparseCategoricalAccuracy", dev.xent.metrics.SparseCategoricalAccuracy::fromConfig);
        ACCURACY_METRICS.put("sparse_categorical_accuracy", dev.xent.metrics.SparseCategoricalAccuracy::fromConfig);
        ACCURACY_METRICS.put("CategoricalAccuracy", dev.xent.metrics.CategoricalAccuracy::fromConfig);
        ACCURACY_METRICS.put("categorical_accuracy", dev.xent.metrics.CategoricalAccuracy::fromConfig);
        ACCURACY_METRICS.put("SparseTopKCategoricalAccuracy",
                dev.xent.metrics.SparseTopKCategoricalAccuracy::fromConfig);
        ACCURACY_METRICS.put("sparse_top_k_categorical_accuracy",
                dev.xent.metrics.SparseTopKCategoricalAccuracy::fromConfig);
        ACCURACY_METRICS.put("TopKCategoricalAccuracy", dev.xent.metrics.TopKCategoricalAccuracy::fromConfig);
        ACCURACY_METRICS.put("top_k_categorical_accuracy", dev.xent.metrics.TopKCategoricalAccuracy::fromConfig);
    }

    private static boolean isCrossentropyName(String name) {
        return "SparseCategoricalCrossentropy".equals(name) || "sparse_categorical_crossentropy".equals(name)
                || "CategoricalCrossentropy".equals(name) || "categorical_crossentropy".equals(name);
    }

    /** A loss from a class name or snake_case name and a {@code get_config()} map. */
    public static Loss lossFromConfig(String name, Map<String, ?> config) {
        return resolve(name, "loss", dev.xent.losses.SparseCategoricalCrossentropy::fromConfig,
                dev.xent.losses.CategoricalCrossentropy::fromConfig).apply(config);
    }

    private static <T> Function<Map<String, ?>, T> resolve(String name, String kind,
                                                           Function<Map<String, ?>, T> sparse,
                                                           Function<Map<String, ?>, T> categorical) {
        if ("SparseCategoricalCrossentropy".equals(name) || "sparse_categorical_crossentropy".equals(name)) {
            return sparse;
        }
        if ("CategoricalCrossentropy".equals(name) || "categorical_crossentropy".equals(name)) {
            return categorical;
        }
        throw new IllegalArgumentException(kind + " name (" + name + ") must be one of SparseCategoricalCrossentropy, "
                + "sparse_categorical_crossentropy, CategoricalCrossentropy, categorical_crossentropy");
    }

    private static String className(Map<String, ?> serialized) {
        Object c = serialized.get("class_name");
        if (!(c instanceof String)) {
            throw new IllegalArgumentException("serialized object's class_name (" + c + ") must be a string");
        }
        return (String) c;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> config(Map<String, ?> serialized) {
        Object c = serialized.get("config");
        if (c == null) {
            return Map.of();
        }
        if (!(c instanceof Map)) {
            throw new IllegalArgumentException("serialized object's config (" + c + ") must be a JSON object");
        }
        return (Map<String, ?>) c;
    }
}
