package dev.xent.saving;

import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.losses.Loss;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.metrics.Metric;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras's serialized form of metrics and losses, as plain maps (JSON text is for the caller's JSON library):
 * {@code {"module": "keras.metrics", "class_name": ..., "config": get_config(), "registered_name": null}}, what
 * {@code keras.saving.serialize_keras_object} writes. Every function of the {@link Catalog} is known here.
 *
 * <pre>{@code
 * Map<String, Object> s = Serialization.serializeKerasObject(BinaryCrossentropy.builder().build());
 * MeanMetricWrapper m = Serialization.deserializeMetric(s);
 * m.updateState(yTrue, yPred);
 * }</pre>
 *
 * <p>Read as Keras 3 and tf.keras 2 write them: an object with {@code module} {@code keras.metrics} /
 * {@code keras.losses} (or their {@code keras.src...} and {@code tf.keras} forms) or with no {@code module} (tf.keras
 * 2's legacy form: a config with {@code reduction} is a loss, else a metric); a function serialized by name
 * ({@code {"module": "builtins", "class_name": "function", "config": "binary_crossentropy", ...}}), which Keras wraps
 * with the function's defaults and its name; a {@code MeanMetricWrapper} of a function ({@code config.fn}); and
 * tf.keras 2's {@code "reduction": "auto"} (read as {@code sum_over_batch_size}).
 */
public final class Serialization {

    private static final String METRICS = "keras.metrics";
    private static final String LOSSES = "keras.losses";

    private Serialization() {}

    /** Keras's {@code serialize_keras_object} of a metric or loss of this library. */
    public static Map<String, Object> serializeKerasObject(Object metricOrLoss) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (metricOrLoss instanceof MeanMetricWrapper && ((MeanMetricWrapper) metricOrLoss).function() != null) {
            MeanMetricWrapper m = (MeanMetricWrapper) metricOrLoss;
            out.put("module", METRICS);
            out.put("class_name", m.function().metricClassName());
            out.put("config", m.getConfig());
        } else if (metricOrLoss instanceof Metric) {
            out.put("module", METRICS);
            out.put("class_name", metricOrLoss.getClass().getSimpleName());
            out.put("config", ((Metric) metricOrLoss).getConfig());
        } else if (metricOrLoss instanceof Loss) {
            Loss l = (Loss) metricOrLoss;
            out.put("module", LOSSES);
            out.put("class_name", l.function().lossClassName());
            out.put("config", l.getConfig());
        } else {
            throw new IllegalArgumentException("metricOrLoss (" + metricOrLoss + ") must be a dev.xent Metric or Loss");
        }
        out.put("registered_name", null);
        return out;
    }

    /**
     * Keras's {@code deserialize_keras_object} for the metrics and losses here: a {@link MeanMetricWrapper} or a
     * {@link Loss}, as {@code module} (or, without one, the config) says. Prefer {@link #deserializeMetric} or
     * {@link #deserializeLoss}, which return a type that can be used without a cast.
     *
     * @throws IllegalArgumentException for an unknown module or name, or a bad config
     */
    public static Object deserializeKerasObject(Map<String, ?> serialized) {
        String function = functionName(serialized);
        if (function != null) {
            return loss(function, Map.of(), function);
        }
        return isLoss(serialized) ? deserializeLoss(serialized) : deserializeMetric(serialized);
    }

    /**
     * A metric from its serialized form: a metric object, a {@code MeanMetricWrapper} of a function, or a function
     * serialized by name (the metric of that function with its defaults, named by it, as {@code compile} makes it).
     *
     * @throws IllegalArgumentException when it is a loss, or for an unknown name or a bad config
     */
    public static MeanMetricWrapper deserializeMetric(Map<String, ?> serialized) {
        String function = functionName(serialized);
        if (function != null) {
            return metricFromConfig(function, Map.of("name", function));
        }
        if (isLoss(serialized)) {
            throw new IllegalArgumentException("serialized object (" + className(serialized) + " from module "
                    + serialized.get("module") + ") is a loss, not a metric");
        }
        String className = className(serialized);
        Map<String, ?> config = config(serialized);
        if (className.equals("MeanMetricWrapper")) {
            Object fn = config.get("fn");
            Object named = fn instanceof Map ? ((Map<?, ?>) fn).get("config") : fn;
            if (!(named instanceof String)) {
                throw new IllegalArgumentException("MeanMetricWrapper config 'fn' (" + fn + ") must name a function");
            }
            return metricFromConfig((String) named, config);
        }
        return metricFromConfig(className, config);
    }

    /**
     * A loss from its serialized form: a loss object, or a function serialized by name (the loss of that function
     * with its defaults, reduction {@code sum_over_batch_size} and the function's name, as Keras's
     * {@code LossFunctionWrapper}).
     *
     * @throws IllegalArgumentException when it is a metric, or for an unknown name or a bad config
     */
    public static Loss deserializeLoss(Map<String, ?> serialized) {
        String function = functionName(serialized);
        if (function != null) {
            return loss(function, Map.of(), function);
        }
        if (!isLoss(serialized)) {
            throw new IllegalArgumentException("serialized object (" + className(serialized) + " from module "
                    + serialized.get("module") + ") is a metric, not a loss");
        }
        return lossFromConfig(className(serialized), config(serialized));
    }

    /**
     * A metric from a name and a config: {@code name} is a class name ({@code BinaryCrossentropy}) or Keras's
     * function name ({@code binary_crossentropy}); {@code config} is a {@code get_config()} map, possibly empty. A
     * function without a Keras metric class (the focal losses) gives a {@link MeanMetricWrapper} of it.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists them) or a bad config
     */
    public static MeanMetricWrapper metricFromConfig(String name, Map<String, ?> config) {
        KerasFunction f = Catalog.find(name);
        if (f == null) {
            throw new IllegalArgumentException("metric name (" + name + ") must be one of " + Catalog.names(false));
        }
        return f.newMetric(kerasKeysOnly(f, config));
    }

    /**
     * A loss from a class name or function name and a {@code get_config()} map.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists them) or a bad config
     */
    public static Loss lossFromConfig(String name, Map<String, ?> config) {
        return loss(name, config, null);
    }

    private static Loss loss(String name, Map<String, ?> config, String wrapperName) {
        KerasFunction f = Catalog.find(name);
        if (f == null || !f.hasLoss()) {
            throw new IllegalArgumentException("loss name (" + name + ") must be one of " + Catalog.names(true));
        }
        if (wrapperName != null) {
            return f.newLoss(Map.of("name", wrapperName));
        }
        return f.newLoss(kerasKeysOnly(f, config));
    }

    /**
     * {@code config}, refused when it holds one of xent's extensions: {@link KerasFunction#newMetric} takes them, but
     * a Keras config never has them.
     */
    private static Map<String, ?> kerasKeysOnly(KerasFunction f, Map<String, ?> config) {
        for (String key : config.keySet()) {
            if (f.argument(key) != null && f.argument(key).isExtension()) {
                throw new IllegalArgumentException("config key '" + key + "' is an option of xent, not of Keras: a"
                        + " builder option, never a config key");
            }
        }
        return config;
    }

    /** The function a {@code {"class_name": "function", "config": NAME}} object names, else null. */
    private static String functionName(Map<String, ?> serialized) {
        if ("function".equals(serialized.get("class_name")) && serialized.get("config") instanceof String) {
            return (String) serialized.get("config");
        }
        return null;
    }

    private static boolean isLoss(Map<String, ?> serialized) {
        Object module = serialized.get("module");
        if (module == null) {
            return config(serialized).containsKey("reduction");
        }
        if (!(module instanceof String)) {
            throw new IllegalArgumentException("serialized object's module (" + module + ") must be a string");
        }
        String m = (String) module;
        boolean keras = m.startsWith("keras") || m.startsWith("tf_keras") || m.startsWith("tensorflow");
        if (keras && m.contains("losses")) {
            return true;
        }
        if (keras && m.contains("metrics")) {
            return false;
        }
        throw new IllegalArgumentException("serialized object's module (" + module
                + ") must be keras.metrics or keras.losses");
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
