package dev.xent.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A Keras 3 {@code .keras} archive (what {@code model.save("m.keras")} writes): a zip holding {@code config.json}
 * (the model and its {@code compile_config}), {@code metadata.json} and the weights, of which only the two JSON
 * files are read.
 *
 * <pre>{@code
 * KerasModelFile model = KerasModelFile.open(Path.of("model.keras"));
 * CompiledMetrics cm = model.compileConfig().toCompiledMetrics(yTrue.shape(), yPred.shape());
 * cm.evaluate(yTrue, yPred, null, 32);   // {loss=..., accuracy=...}, as model.evaluate reports
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class KerasModelFile {

    static final ObjectMapper JSON = new ObjectMapper();
    /** config.json is a few kilobytes for small models; refuse anything absurd before parsing it. */
    private static final long MAX_JSON_BYTES = 64L << 20;

    private final String name;
    private final JsonNode config;
    private final JsonNode metadata;

    private KerasModelFile(String name, JsonNode config, JsonNode metadata) {
        this.name = name;
        this.config = config;
        this.metadata = metadata;
    }

    /**
     * Reads {@code config.json} and {@code metadata.json} from the archive.
     *
     * @throws NoSuchFileException when the file does not exist
     * @throws IOException when it is not a zip or has no {@code config.json}, or that is not JSON; the message
     *     names the file
     */
    public static KerasModelFile open(Path path) throws IOException {
        String name = path.toString();
        if (!Files.exists(path)) {
            throw new NoSuchFileException(name, null, "no such file");
        }
        try (ZipFile zip = new ZipFile(path.toFile())) {
            JsonNode config = readJson(zip, "config.json", name);
            if (config == null) {
                throw new IOException(name + ": not a Keras 3 .keras archive: it has no config.json (models saved as"
                        + " HDF5 .h5 or as a SavedModel directory are not supported)");
            }
            if (config.isMissingNode()) {
                throw new IOException(name + ": config.json in the archive is empty; it must hold the model's config"
                        + " as a JSON object (is the archive damaged?)");
            }
            if (!config.isObject()) {
                throw new IOException(name + ": config.json in the archive is a JSON "
                        + config.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                        + ", not the JSON object of a model's config");
            }
            JsonNode metadata = readJson(zip, "metadata.json", name);
            return new KerasModelFile(name, config, metadata == null || !metadata.isObject() ? null : metadata);
        } catch (ZipException e) {
            throw new IOException(name + ": not a .keras archive (not a zip file: " + e.getMessage() + ")", e);
        }
    }

    private static JsonNode readJson(ZipFile zip, String entry, String name) throws IOException {
        ZipEntry e = zip.getEntry(entry);
        if (e == null) {
            return null;
        }
        if (e.getSize() > MAX_JSON_BYTES) {
            throw new IOException(name + ": " + entry + " is " + e.getSize() + " bytes; at most " + MAX_JSON_BYTES
                    + " are read");
        }
        try (InputStream in = new Capped(zip.getInputStream(e), name + ": " + entry, e.getSize())) {
            JsonNode node = JSON.readTree(in);
            return node == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IOException(name + ": " + entry + " is not valid JSON: " + ex.getOriginalMessage(), ex);
        }
    }

    /**
     * An entry's bytes as inflated, at most {@link #MAX_JSON_BYTES}: the size in the zip header is only a claim (an
     * entry declaring 1000 bytes may inflate to gigabytes), so the bytes actually read are counted.
     */
    private static final class Capped extends java.io.FilterInputStream {
        private final String what;
        private final long declared;
        private long count;

        Capped(InputStream in, String what, long declared) {
            super(in);
            this.what = what;
            this.declared = declared;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, (int) Math.min(len, MAX_JSON_BYTES + 1 - count));
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, MAX_JSON_BYTES + 1 - count));
            counted(skipped);
            return skipped;
        }

        private void counted(long n) throws IOException {
            count += n;
            if (count > MAX_JSON_BYTES) {
                throw new IOException(what + " inflates to more than " + MAX_JSON_BYTES + " bytes"
                        + (declared >= 0 ? " (its zip header says " + declared + ")" : "") + "; at most "
                        + MAX_JSON_BYTES + " are read");
            }
        }
    }

    /** The path as given to {@link #open}. */
    public String name() {
        return name;
    }

    /** The {@code keras_version} of {@code metadata.json}, or null when absent. */
    public String kerasVersion() {
        JsonNode v = metadata == null ? null : metadata.get("keras_version");
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The model's {@code class_name} ({@code Functional}, {@code Sequential}, ...). */
    public String modelClassName() {
        JsonNode c = config.get("class_name");
        return c == null ? null : c.asText();
    }

    /**
     * The number of model outputs: 1 for a {@code Sequential} model, else the length of {@code output_layers}
     * (a single {@code [name, 0, 0]} triple counts as one).
     */
    public int outputCount() {
        JsonNode inner = config.get("config");
        JsonNode outputs = inner == null ? null : inner.get("output_layers");
        if (outputs == null || !outputs.isArray()) {
            return 1;
        }
        if (outputs.size() > 0 && !outputs.get(0).isArray()) {
            return 1; // ["dense", 0, 0]
        }
        return outputs.size();
    }

    /**
     * The {@code compile_config}.
     *
     * @throws IllegalArgumentException when the model was saved without {@code compile()}, or has several outputs
     */
    public CompileConfig compileConfig() {
        JsonNode cc = config.get("compile_config");
        if (cc == null || cc.isNull() || (cc.isObject() && cc.size() == 0)) {
            throw new IllegalArgumentException(name + ": the model was saved without compile(); its config.json has"
                    + " no compile_config");
        }
        int outputs = outputCount();
        if (outputs != 1) {
            throw new IllegalArgumentException(name + ": the model has " + outputs
                    + " outputs; only single-output models are supported");
        }
        return new CompileConfig(name, cc);
    }
}
