package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xent evaluate} alone ({@link KerasEvaluateCommand#newCommandLine}): output against Keras's {@code evaluate}
 * (the numbers real Keras wrote into xent-keras's fixtures), exit codes and messages on {@code out}/{@code err}.
 */
class KerasEvaluateCommandTest {

    /** xent-keras's fixtures: the models, their data, and what Keras's {@code evaluate} returned for them. */
    static final Path MODELS = KerasIntegrationTest.MODELS;
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNode GOLDEN = read(MODELS.resolve("evaluate.json"));

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static final class Run {
        final int code;
        final String out;
        final String err;

        Run(int code, String out, String err) {
            this.code = code;
            this.out = out;
            this.err = err;
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = KerasEvaluateCommand.newCommandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static String data(String name) {
        return MODELS.resolve("data").resolve(name).toString();
    }

    static String model(String name) {
        return MODELS.resolve(name).toString();
    }

    static void assertMatches(JsonNode expected, String out) throws Exception {
        assertMatches(expected, out, List.of());
    }

    /** Every key of Keras's result but {@code skippedKeys}, within 2e-5; no other key than {@code "skipped"}. */
    static void assertMatches(JsonNode expected, String out, List<String> skippedKeys) throws Exception {
        JsonNode actual = JSON.readTree(out);
        if (actual.has("skipped")) {
            List<String> keys = new ArrayList<>();
            actual.get("skipped").forEach(n -> keys.add(n.get("key").asText()));
            assertEquals(skippedKeys, keys, out);
        }
        assertEquals(expected.size() - skippedKeys.size() + (actual.has("skipped") ? 1 : 0), actual.size(), out);
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (skippedKeys.contains(e.getKey())) {
                assertTrue(!actual.has(e.getKey()), e.getKey() + " is skipped: " + out);
                continue;
            }
            double want = e.getValue().asDouble();
            double got = actual.get(e.getKey()).asDouble();
            assertEquals(want, got, 2e-5 * Math.abs(want) + 1e-7, e.getKey());
        }
    }

    static JsonNode expected(String file, String run) {
        for (JsonNode m : GOLDEN.get("models")) {
            if (m.get("file").asText().equals(file)) {
                return m.get("results").get(run);
            }
        }
        throw new IllegalArgumentException(file);
    }

    @Test
    void defaultBatchSizeUnweighted() throws Exception {
        Run r = run("--model", model("sparse_objects_weighted.keras"), "--y-true", data("sparse.y_true.npy"),
                "--y-pred", data("sparse.y_pred.npy"));
        assertEquals(0, r.code, r.err);
        assertEquals("", r.err);
        assertMatches(expected("sparse_objects_weighted.keras", "32"), r.out);
        assertTrue(r.out.startsWith("{\"acc\":"), "keys sorted as evaluate(return_dict=True): " + r.out);
    }

    @Test
    void weightedWithBatchSize() throws Exception {
        Run r = run("--model", model("categorical_string_accuracy.keras"), "--y-true", data("onehot.y_true.npy"),
                "--y-pred", data("onehot.y_pred.npy"), "--sample-weight", data("onehot.sample_weight.npy"),
                "--batch-size", "7");
        assertEquals(0, r.code, r.err);
        assertMatches(expected("categorical_string_accuracy.keras", "7.weighted"), r.out);
    }

    @Test
    void usageErrorsExitTwo() {
        Run r = run("--model", model("sparse_string_accuracy.keras"), "--y-true", data("sparse.y_true.npy"));
        assertEquals(2, r.code);
        assertTrue(r.err.startsWith("xent: error: Missing required option: '--y-pred=FILE'"), r.err);
        r = run("--model", model("sparse_string_accuracy.keras"), "--y-true", data("sparse.y_true.npy"),
                "--y-pred", data("sparse.y_pred.npy"), "--batch-size", "0");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("--batch-size (0) must be >= 1"), r.err);
    }

    @Test
    void dataErrorsExitOneWithOneLine() {
        Run r = run("--model", model("error_mse_metric.keras"), "--y-true", data("sparse.y_true.npy"),
                "--y-pred", data("sparse.y_pred.npy"));
        assertEquals(1, r.code);
        assertEquals("", r.out);
        assertEquals(1, r.err.strip().split("\n").length, r.err);
        assertTrue(r.err.startsWith("xent: error: ") && r.err.contains("compile_config.metrics[1] (\"mse\")"), r.err);
        r = run("--model", model("sparse_string_accuracy.keras"), "--y-true", data("onehot.y_true.npy"),
                "--y-pred", data("sparse.y_pred.npy"));
        assertEquals(1, r.code);
        assertTrue(r.err.contains("onehot.y_true.npy"), "names the file: " + r.err);
        r = run("--model", "/no/such.keras", "--y-true", data("sparse.y_true.npy"), "--y-pred", data("sparse.y_pred.npy"));
        assertEquals(1, r.code);
        assertTrue(r.err.contains("/no/such.keras"), r.err);
    }

    // ---- models with entries xent does not compute -------------------------------------------------------------

    @Test
    void unsupportedEntriesExitOneNamingEveryOne() {
        Run r = run("--model", model("unsupported_metrics.keras"), "--y-true", data("binary_weighted.y_true.npy"),
                "--y-pred", data("binary_weighted.y_pred.npy"));
        assertEquals(1, r.code);
        assertEquals("", r.out);
        assertEquals(1, r.err.strip().split("\n").length, r.err);
        assertTrue(r.err.startsWith("xent: error: " + model("unsupported_metrics.keras") + ": compile_config has 5"
                + " entries xent does not compute: compile_config.metrics[1] (AUC): not a metric xent computes;"
                + " compile_config.metrics[2] (\"auc\"): not a metric xent computes; compile_config.metrics[4]"
                + " (mean_prediction): not a function xent computes; compile_config.weighted_metrics[0] (Precision):"
                + " not a metric xent computes; compile_config.weighted_metrics[1] (\"mse\"): not a metric xent"
                + " computes. xent computes the losses "), r.err);
        assertTrue(r.err.strip().endsWith(" (--skip-unsupported computes the others and lists these)"), r.err);
    }

    @Test
    void skipUnsupportedListsWhatItSkips() throws Exception {
        // error_mse_metric.keras: loss "sparse_categorical_crossentropy", metrics ["accuracy", "mse"]; the loss and
        // accuracy are those of sparse_string_accuracy.keras, which Keras evaluated.
        Run r = run("--model", model("error_mse_metric.keras"), "--y-true", data("sparse.y_true.npy"),
                "--y-pred", data("sparse.y_pred.npy"), "--skip-unsupported");
        assertEquals(0, r.code, r.err);
        assertEquals("", r.err);
        assertTrue(r.out.strip().endsWith(",\"skipped\":[{\"entry\":\"compile_config.metrics[1]\","
                + "\"identifier\":\"mse\",\"key\":\"mse\",\"reason\":\"not a metric xent computes\"}]}"), r.out);
        com.fasterxml.jackson.databind.node.ObjectNode keras =
                expected("sparse_string_accuracy.keras", "32").deepCopy();
        keras.put("mse", 0.0);
        assertMatches(keras, r.out, List.of("mse"));
        // Nothing to skip: the list is there, empty.
        r = run("--model", model("sparse_string_accuracy.keras"), "--y-true", data("sparse.y_true.npy"),
                "--y-pred", data("sparse.y_pred.npy"), "--skip-unsupported");
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.strip().endsWith(",\"skipped\":[]}"), r.out);
        assertMatches(expected("sparse_string_accuracy.keras", "32"), r.out);
    }

    /** Keras's evaluate of the same models, AUC and all: every value xent prints is Keras's, under Keras's key. */
    @Test
    void skipUnsupportedAgainstKeras() throws Exception {
        Run r = run("--model", model("unsupported_metrics.keras"), "--y-true", data("binary_weighted.y_true.npy"),
                "--y-pred", data("binary_weighted.y_pred.npy"), "--sample-weight",
                data("binary_weighted.sample_weight.npy"), "--batch-size", "7", "--skip-unsupported");
        assertEquals(0, r.code, r.err);
        // The BinaryAccuracy named "auc" is auc_2 in Keras, after AUC() and "auc".
        assertMatches(expected("unsupported_metrics.keras", "7.weighted"), r.out,
                List.of("auc", "auc_1", "mean_prediction", "precision", "mse"));
        r = run("--model", model("unsupported_loss.keras"), "--y-true", data("binary_weighted.y_true.npy"),
                "--y-pred", data("binary_weighted.y_pred.npy"), "--skip-unsupported");
        assertEquals(0, r.code, r.err);
        assertMatches(expected("unsupported_loss.keras", "32"), r.out, List.of("loss"));
        assertTrue(r.out.contains("\"skipped\":[{\"entry\":\"compile_config.loss\",\"identifier\":\"mse\","
                + "\"key\":\"loss\",\"reason\":\"not a loss xent computes\"}]"), r.out);
    }

    @Test
    void helpDescribesSkipUnsupported() {
        Run r = run("--help");
        assertEquals(0, r.code);
        assertTrue(r.out.contains("--skip-unsupported"), r.out);
        assertTrue(r.out.contains("\"skipped\""), r.out);
    }

    // ---- compile configs Keras refuses ---------------------------------------------------------------------------

    @TempDir
    Path tmp;

    /** A .keras archive holding only a config.json with this compile_config. */
    Path archive(String compileConfig) throws IOException {
        Path p = Files.createTempFile(tmp, "model", ".keras");
        try (OutputStream os = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry("config.json"));
            zip.write(("{\"class_name\": \"Sequential\", \"config\": {}, \"compile_config\": " + compileConfig + "}")
                    .getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return p;
    }

    Run evaluateSparse(Path model, String... more) {
        List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--y-true", data("sparse.y_true.npy"),
                "--y-pred", data("sparse.y_pred.npy")));
        args.addAll(List.of(more));
        return run(args.toArray(new String[0]));
    }

    @Test
    void compileConfigsKerasRefusesExitOne() throws Exception {
        for (String[] c : new String[][] {
                {"\"sparse_categorical_crossentropy\"", "compile_config (\"sparse_categorical_crossentropy\") must be a"
                        + " JSON object of compile() arguments"},
                {"[\"accuracy\"]", "it is a list"},
                {"{\"loss\": null, \"metrics\": null}", "compile_config has no loss and no metrics"},
                {"{\"loss\": \"sparse_categorical_crossentropy\", \"metrics\": \"accuracy\"}",
                        "compile_config.metrics (\"accuracy\") must be a list"},
                {"{\"loss\": \"kld\", \"metrics\": [\"kld\"]}", "Could not interpret metric identifier: kld"}}) {
            for (String skip : new String[] {null, "--skip-unsupported"}) {
                Run r = skip == null ? evaluateSparse(archive(c[0])) : evaluateSparse(archive(c[0]), skip);
                assertEquals(1, r.code, c[0] + ": " + r.out);
                assertEquals("", r.out);
                assertEquals(1, r.err.strip().split("\n").length, r.err);
                assertTrue(r.err.startsWith("xent: error: ") && r.err.contains(c[1]), c[0] + ": " + r.err);
            }
        }
        Run r = run("--model", model("error_no_loss.keras"), "--y-true", data("binary.y_true.npy"),
                "--y-pred", data("binary.y_pred.npy"));
        assertEquals(1, r.code);
        assertTrue(r.err.contains("compile_config has no loss and no metrics, so there is nothing to evaluate"), r.err);
    }

    @Test
    void aMetricNamedSkippedClashesWithTheOption() throws Exception {
        Path m = archive("{\"loss\": \"sparse_categorical_crossentropy\", \"metrics\": [{\"module\": \"keras.metrics\","
                + " \"class_name\": \"SparseCategoricalAccuracy\", \"config\": {\"name\": \"skipped\"}}]}");
        Run r = evaluateSparse(m);
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.startsWith("{\"loss\":") && r.out.contains("\"skipped\":0."), r.out);
        r = evaluateSparse(m, "--skip-unsupported");
        assertEquals(1, r.code);
        assertTrue(r.err.contains("the model has a metric named 'skipped'"), r.err);
    }
}
