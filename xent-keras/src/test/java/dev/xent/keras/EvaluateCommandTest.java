package dev.xent.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xent.keras.cli.EvaluateCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code xent evaluate}: output against Keras's {@code evaluate}, exit codes and messages on {@code out}/{@code err}. */
class EvaluateCommandTest {

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
        int code = EvaluateCommand.newCommandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static String data(String name) {
        return KerasEvaluateGoldenTest.resource("data/" + name).toString();
    }

    static String model(String name) {
        return KerasEvaluateGoldenTest.resource(name).toString();
    }

    static void assertMatches(JsonNode expected, String out) throws Exception {
        JsonNode actual = KerasEvaluateGoldenTest.JSON.readTree(out);
        assertEquals(expected.size(), actual.size(), out);
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            double want = e.getValue().asDouble();
            double got = actual.get(e.getKey()).asDouble();
            assertEquals(want, got, 2e-5 * Math.abs(want) + 1e-7, e.getKey());
        }
    }

    static JsonNode expected(String file, String run) {
        for (JsonNode m : KerasEvaluateGoldenTest.GOLDEN.get("models")) {
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
}
