package dev.xent.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code --config} argument: inline JSON or {@code @FILE}, holding what
 * {@code keras.saving.serialize_keras_object(obj)} writes ({@code module}, {@code class_name}, {@code config},
 * {@code registered_name}) or a bare {@code get_config()} dict. A loss function serialized by name
 * ({@code {"class_name": "function", "config": "sparse_categorical_crossentropy"}}) means that class with Keras's
 * defaults. Public for {@code xent spark} (module xent-spark_2.13), which takes the same {@code NAME} and
 * {@code --config} and must read them the same way.
 */
public final class ConfigInput {

    /** No {@code --config}. */
    public static final ConfigInput NONE = new ConfigInput("--config", null, null, new LinkedHashMap<>());

    /** Where the config came from, for messages: {@code --config} or the file name. */
    public final String source;
    /** {@code class_name} of a serialized object, or null for a bare config. */
    public final String className;
    /** {@code module} of a serialized object, or null. */
    public final String module;
    /** The {@code get_config()} keys, in order, as JSON values (Integer/Long/Double/Boolean/String/null/Map). */
    public final Map<String, Object> config;

    private ConfigInput(String source, String className, String module, Map<String, Object> config) {
        this.source = source;
        this.className = className;
        this.module = module;
        this.config = config;
    }

    /**
     * Parses {@code arg}.
     *
     * @throws DataException if the file cannot be read, the JSON is malformed, or it is not a config object
     */
    public static ConfigInput parse(String arg) {
        String source = "--config";
        String text = arg;
        if (arg.startsWith("@")) {
            source = arg.substring(1);
            try {
                text = Files.readString(Path.of(source), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new DataException(source + ": no such file (--config @FILE)", e);
            } catch (IOException | RuntimeException e) {
                throw new DataException(source + ": cannot read the --config file: " + Errors.describe(e), e);
            }
        }
        ObjectMapper mapper = new ObjectMapper();
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new DataException(source + ": invalid JSON" + where + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new DataException(source + ": the config (" + abbreviate(text) + ") must be a JSON object: the output"
                    + " of keras.saving.serialize_keras_object or a get_config() dict");
        }
        JsonNode className = root.get("class_name");
        if (className == null) {
            return new ConfigInput(source, null, null, toMap(mapper, root));
        }
        if (!className.isTextual()) {
            throw new DataException(source + ": class_name (" + className + ") must be a string");
        }
        JsonNode module = root.get("module");
        if (module != null && !module.isNull() && !module.isTextual()) {
            throw new DataException(source + ": module (" + module + ") must be a string");
        }
        JsonNode config = root.get("config");
        if ("function".equals(className.asText()) && config != null && config.isTextual()) {
            // A loss given to compile() by name serializes as {"class_name": "function", "config": "NAME"}.
            return new ConfigInput(source, config.asText(), module == null || module.isNull() ? null
                    : module.asText(), new LinkedHashMap<>());
        }
        Map<String, Object> map;
        if (config == null || config.isNull()) {
            map = new LinkedHashMap<>();
        } else if (config.isObject()) {
            map = toMap(mapper, config);
        } else {
            throw new DataException(source + ": config (" + abbreviate(config.toString()) + ") must be a JSON object");
        }
        return new ConfigInput(source, className.asText(), module == null || module.isNull() ? null : module.asText(),
                map);
    }

    /**
     * The class {@code name} (NAME on the command line, or null) and this config's {@code class_name} designate, for
     * a loss command or a metric command.
     *
     * @param usage makes the exception for bad usage (a bad or missing NAME); bad config data is a
     *     {@link DataException}
     */
    public KerasClass resolveClass(String name, boolean loss, Function<String, RuntimeException> usage) {
        KerasClass byName = name == null ? null : KerasClass.byName(name);
        if (name != null && byName == null) {
            throw usage.apply("NAME (" + name + ") must be one of " + KerasClass.choices());
        }
        KerasClass byConfig = null;
        if (className != null) {
            byConfig = KerasClass.byName(className);
            if (byConfig == null) {
                throw new DataException(source + ": class_name (" + className + ") must be one of "
                        + KerasClass.choices());
            }
        }
        if (module != null) {
            boolean metricModule = module.contains("metrics");
            boolean lossModule = module.contains("losses");
            if (loss ? metricModule : lossModule) {
                throw new DataException(source + ": module " + module + " holds a " + (loss ? "metric" : "loss")
                        + "; use 'xent " + (loss ? "metric" : "loss") + "' for it");
            }
        }
        if (byName == null && byConfig == null) {
            throw usage.apply("NAME is required unless --config has a class_name");
        }
        if (byName != null && byConfig != null && byName != byConfig) {
            throw usage.apply("NAME (" + name + ") does not match the class_name (" + className + ") of --config");
        }
        return byName != null ? byName : byConfig;
    }

    /**
     * {@code fromConfig} of this config, then of {@code overridden} (this config with the options over it): a bad
     * config is bad data ({@link DataException}), a bad option value is bad usage ({@code usage}).
     */
    public <T> T build(Map<String, Object> overridden, Function<Map<String, ?>, T> fromConfig,
                       Function<String, RuntimeException> usage) {
        if (!config.isEmpty()) {
            try {
                fromConfig.apply(config);
            } catch (IllegalArgumentException e) {
                throw new DataException(source + ": " + Errors.describe(e), e);
            }
        }
        try {
            return fromConfig.apply(overridden);
        } catch (IllegalArgumentException e) {
            throw usage.apply(Errors.describe(e));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> toMap(ObjectMapper mapper, JsonNode node) {
        return mapper.convertValue(node, LinkedHashMap.class);
    }

    private static String abbreviate(String s) {
        String t = s.strip().replaceAll("\\s+", " ");
        return t.length() <= 60 ? t : t.substring(0, 57) + "...";
    }
}
