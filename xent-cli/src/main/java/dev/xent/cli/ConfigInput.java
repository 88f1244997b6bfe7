package dev.xent.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.catalog.Argument;
import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code --config} argument: inline JSON or {@code @FILE}, holding what
 * {@code keras.saving.serialize_keras_object(obj)} writes ({@code module}, {@code class_name}, {@code config},
 * {@code registered_name}) or a bare {@code get_config()} dict. A function serialized by name
 * ({@code {"module": "builtins", "class_name": "function", "config": "binary_crossentropy"}}, or tf.keras 2's bare
 * string {@code "binary_crossentropy"}) means that function's metric or loss with Keras's defaults; a
 * {@code MeanMetricWrapper} or {@code LossFunctionWrapper} names its function in {@code config.fn}. Names are looked
 * up in the {@link Catalog}. Public for {@code xent spark} (module xent-spark_2.13), which takes the same {@code NAME}
 * and {@code --config} and must read them the same way (see {@link KerasOptions}).
 */
public final class ConfigInput {

    /** No {@code --config}. */
    public static final ConfigInput NONE = new ConfigInput("--config", null, null, false, new LinkedHashMap<>());

    /** Keras's classes that wrap a function named by their config's {@code fn}. */
    static final List<String> WRAPPERS = List.of("MeanMetricWrapper", "LossFunctionWrapper");

    /** Where the config came from, for messages: {@code --config} or the file name. */
    public final String source;
    /**
     * {@code class_name} of a serialized object (the function's name for a function serialized by name), or null
     * for a bare config.
     */
    public final String className;
    /** {@code module} of a serialized object, or null. */
    public final String module;
    /** Whether it is a function serialized by name ({@link #className} is then the function's name). */
    public final boolean function;
    /** The {@code get_config()} keys, in order, as JSON values (Integer/Long/Double/Boolean/String/null/Map/List). */
    public final Map<String, Object> config;

    private ConfigInput(String source, String className, String module, boolean function,
                        Map<String, Object> config) {
        this.source = source;
        this.className = className;
        this.module = module;
        this.function = function;
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
            if (source.isEmpty()) {
                throw new DataException(EMPTY_FILE);
            }
            text = read(source);
        } else {
            if (arg.isBlank()) {
                throw new DataException(EMPTY_TEXT);
            }
            long bytes = utf8Length(arg);
            if (bytes > MAX_BYTES) {
                throw new DataException("--config: the inline config has " + bytes + " bytes (as UTF-8), more than"
                        + " the " + MAX_BYTES + " bytes (4 MiB) a config may have");
            }
            if (arg.charAt(0) == '\uFEFF') {
                text = arg.substring(1);
            }
        }
        ObjectMapper mapper = new ObjectMapper();
        JsonNode root;
        try (JsonParser parser = mapper.createParser(text)) {
            root = mapper.readTree(parser);
            if (root != null) {
                checkNothingAfter(source, text, (int) parser.currentLocation().getCharOffset());
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new DataException(source + ": invalid JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) { // reading a String: never
            throw new DataException(source + ": cannot parse the config: " + Errors.describe(e), e);
        }
        if (root != null && root.isTextual()) {
            // tf.keras 2 writes a function given to compile() by name as the bare name.
            return new ConfigInput(source, root.asText(), null, true, new LinkedHashMap<>());
        }
        if (root == null || !root.isObject()) {
            throw new DataException(source + ": the config (" + abbreviate(text) + ") must be a JSON object: the output"
                    + " of keras.saving.serialize_keras_object or a get_config() dict");
        }
        JsonNode className = root.get("class_name");
        if (className == null) {
            return new ConfigInput(source, null, null, false, toMap(mapper, root));
        }
        if (!className.isTextual()) {
            throw new DataException(source + ": class_name (" + className + ") must be a string");
        }
        JsonNode module = root.get("module");
        if (module != null && !module.isNull() && !module.isTextual()) {
            throw new DataException(source + ": module (" + module + ") must be a string");
        }
        String moduleName = module == null || module.isNull() ? null : module.asText();
        JsonNode config = root.get("config");
        if ("function".equals(className.asText()) && config != null && config.isTextual()) {
            // A function given to compile() by name serializes as {"class_name": "function", "config": "NAME"}.
            return new ConfigInput(source, config.asText(), moduleName, true, new LinkedHashMap<>());
        }
        Map<String, Object> map;
        if (config == null || config.isNull()) {
            map = new LinkedHashMap<>();
        } else if (config.isObject()) {
            map = toMap(mapper, config);
        } else {
            throw new DataException(source + ": config (" + abbreviate(config.toString()) + ") must be a JSON object");
        }
        return new ConfigInput(source, className.asText(), moduleName, false, map);
    }

    /** The most bytes a {@code --config} may have, inline or in a file; no more is read (4 MiB). */
    public static final int MAX_BYTES = 4 << 20;

    /** The message for {@code --config @} (also given as a usage error before anything runs). */
    static final String EMPTY_FILE = "--config @: the path after @ is empty; give --config @FILE or the JSON itself";

    /** The message for {@code --config ''} (or blank). */
    static final String EMPTY_TEXT = "--config: the config is empty; give the JSON of a config or @FILE";

    /**
     * The text of the config file {@code source}: at most {@link #MAX_BYTES} bytes read (a device such as
     * {@code /dev/zero} is never read further), decoded as strict UTF-8 (a UTF-8 byte-order mark is skipped); a file
     * in another encoding is refused with the offset of the first byte that is not UTF-8.
     */
    private static String read(String source) {
        Path path;
        try {
            path = Path.of(source);
        } catch (InvalidPathException e) {
            throw new DataException(source + ": not a valid path for --config @FILE (" + e.getReason() + ")", e);
        }
        if (Files.isDirectory(path)) {
            throw new DataException(source + ": is a directory, not a --config file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new DataException(source + ": no such file (--config @FILE)", e);
        } catch (IOException | RuntimeException e) {
            throw new DataException(source + ": cannot read the --config file: " + Errors.describe(e), e);
        }
        if (bytes.length > MAX_BYTES) {
            throw new DataException(source + ": the --config file has more than " + MAX_BYTES + " bytes (4 MiB), the"
                    + " most a config may have; reading stopped there");
        }
        return decode(source, bytes);
    }

    /** {@code bytes} as strict UTF-8, with the offset of the first byte that is not, or of a NUL (UTF-16?). */
    static String decode(String source, byte[] bytes) {
        int start = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            start = 3; // a UTF-8 byte-order mark, as Windows editors write: skipped
        } else if (bytes.length >= 2 && ((bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xff) == 0xff
                || (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xfe)) {
            throw new DataException(source + ": the --config file is not UTF-8: it starts with the UTF-16 byte-order"
                    + " mark 0x" + String.format("%02x%02x", bytes[0] & 0xff, bytes[1] & 0xff) + " (at byte offset 0);"
                    + " save it as UTF-8");
        }
        for (int i = start; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new DataException(source + ": the --config file is not UTF-8 text: it has a NUL byte at byte"
                        + " offset " + i + " (UTF-16 or UTF-32 without a byte-order mark?); save it as UTF-8");
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        if (r.isError()) {
            int at = in.position();
            StringBuilder hex = new StringBuilder();
            for (int i = at; i < Math.min(bytes.length, at + Math.max(1, r.length())); i++) {
                hex.append(hex.length() == 0 ? "0x" : " 0x").append(String.format("%02x", bytes[i] & 0xff));
            }
            throw new DataException(source + ": the --config file is not UTF-8: byte " + hex + " at byte offset " + at
                    + " is not valid UTF-8 (Latin-1 or another encoding?); save it as UTF-8");
        }
        return out.flip().toString();
    }

    /**
     * Refuses anything but JSON whitespace after the config's value, which ends before {@code end} (Jackson alone
     * would stop reading there: {@code {"from_logits": true} {"from_logits": false}} would mean the first object).
     */
    private static void checkNothingAfter(String source, String text, int end) {
        int i = Math.max(0, Math.min(end, text.length()));
        while (i < text.length() && " \t\r\n".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        if (i == text.length()) {
            return;
        }
        int line = 1;
        int column = 1;
        for (int j = 0; j < i; j++) {
            char c = text.charAt(j);
            if (c == '\n' || (c == '\r' && (j + 1 == text.length() || text.charAt(j + 1) != '\n'))) {
                line++;
                column = 1;
            } else if (c != '\r') {
                column++;
            }
        }
        throw new DataException(source + ": unexpected content after the JSON value at line " + line + ", column "
                + column + " (" + abbreviate(text.substring(i)) + "): a config is one JSON value");
    }

    /** The length of {@code s} in UTF-8, counted without encoding it. */
    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    /**
     * The function {@code name} (NAME on the command line, or null) and this config's {@code class_name} designate,
     * for a loss command or a metric command, looked up in the {@link Catalog}: a class or function name, a function
     * serialized by name, or a {@code MeanMetricWrapper} / {@code LossFunctionWrapper} of a function ({@code fn}).
     *
     * @param usage makes the exception for bad usage (a bad or missing NAME); bad config data is a
     *     {@link DataException}
     */
    public KerasFunction resolve(String name, boolean loss, Function<String, RuntimeException> usage) {
        KerasFunction byName = null;
        if (name != null) {
            byName = Catalog.find(name);
            if (byName == null || !names(loss).contains(name)) {
                throw usage.apply("NAME (" + name + ") must be one of " + Catalog.names(loss) + otherKind(byName, loss));
            }
        }
        KerasFunction byConfig = className == null ? null : byConfig(loss);
        if (byName == null && byConfig == null) {
            throw usage.apply("NAME is required unless --config has a class_name");
        }
        if (byName != null && byConfig != null && byName != byConfig) {
            throw usage.apply("NAME (" + name + ") does not match the class_name (" + className + ") of --config");
        }
        return byName != null ? byName : byConfig;
    }

    private KerasFunction byConfig(boolean loss) {
        String named = className;
        if (isWrapper()) {
            boolean wrapsLoss = className.equals("LossFunctionWrapper");
            if (wrapsLoss != loss) {
                throw new DataException(source + ": class_name " + className + " is a " + (loss ? "metric" : "loss")
                        + "; use 'xent " + (loss ? "metric" : "loss") + "' for it");
            }
            Object fn = config.get("fn");
            Object n = fn instanceof Map ? ((Map<?, ?>) fn).get("config") : fn;
            if (!(n instanceof String)) {
                throw new DataException(source + ": " + className + " config 'fn' (" + fn + ") must name a function"
                        + " (one of " + Catalog.names(loss) + ")");
            }
            named = (String) n;
        } else if (module != null && !function) {
            boolean metricModule = module.contains("metrics");
            boolean lossModule = module.contains("losses");
            if (loss ? metricModule : lossModule) {
                throw new DataException(source + ": module " + module + " holds a " + (loss ? "metric" : "loss")
                        + "; use 'xent " + (loss ? "metric" : "loss") + "' for it");
            }
        }
        KerasFunction f = Catalog.find(named);
        boolean known = f != null && (function || isWrapper() ? f.name().equals(named)
                : names(loss).contains(named));
        if (!known || (loss && !f.hasLoss())) {
            String what = function ? "function" : isWrapper() ? className + " config 'fn'"
                    : "class_name";
            throw new DataException(source + ": " + what + " (" + named + ") must be one of "
                    + Catalog.names(loss) + otherKind(f, loss));
        }
        return f;
    }

    /** Whether it is a serialized {@code MeanMetricWrapper} or {@code LossFunctionWrapper}. */
    private boolean isWrapper() {
        return className != null && WRAPPERS.contains(className);
    }

    /** A hint when {@code f} exists but not as the kind asked for. */
    private static String otherKind(KerasFunction f, boolean loss) {
        if (f == null) {
            return "";
        }
        return loss && !f.hasLoss() ? " (Keras has no loss of " + f.name() + ", only a metric: use 'xent metric')"
                : !loss ? " (for the metric of " + f.name() + ", name it " + f.name() + ")" : "";
    }

    private static List<String> names(boolean loss) {
        return List.of(Catalog.names(loss).split(", "));
    }

    /**
     * The {@code get_config()} keys to build {@code f}'s metric or loss from: this config without what only named
     * the function ({@code fn} of a wrapper, when the metric is a class of its own, which takes no {@code fn}).
     *
     * @throws DataException when the config holds one of xent's options, which are never config keys
     */
    public Map<String, Object> configFor(KerasFunction f, boolean loss) {
        Map<String, Object> c = new LinkedHashMap<>(config);
        if (!loss && f.hasMetricClass() && isWrapper()) {
            c.remove("fn");
        }
        for (String key : c.keySet()) {
            Argument a = f.argument(key);
            if (a != null && a.isExtension()) {
                throw new DataException(source + ": config key '" + key + "' is an option of xent, not of Keras:"
                        + " give it on the command line (" + a.optionName() + "), never in a config");
            }
        }
        return c;
    }

    /**
     * {@code factory} of {@code base} (the config, from {@code source}), then of {@code overridden} (the config with
     * the options over it): a bad config is bad data ({@link DataException}), a bad option value is bad usage
     * ({@code usage}).
     */
    static <T> T build(String source, Map<String, Object> base, Map<String, Object> overridden,
                       Function<Map<String, ?>, T> factory, Function<String, RuntimeException> usage) {
        if (!base.isEmpty()) {
            try {
                factory.apply(base);
            } catch (IllegalArgumentException e) {
                throw new DataException(source + ": " + Errors.describe(e), e);
            }
        }
        try {
            return factory.apply(overridden);
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
