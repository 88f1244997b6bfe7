package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.losses.Reduction;
import dev.xent.losses.SparseCategoricalCrossentropy;
import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyArrayFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The xent-keras additions to the command line: {@code xent evaluate} (against {@code model.evaluate} numbers from
 * real Keras in xent-keras's fixtures) and {@code xent loss --gradient}.
 */
class KerasIntegrationTest {

    static final Path MODELS = Path.of("../xent-keras/src/test/resources/models");

    static String data(String name) {
        return MODELS.resolve("data").resolve(name).toString();
    }

    @Test
    void evaluateMatchesKeras() throws Exception {
        Cli.Run r = Cli.run("evaluate", "--model", MODELS.resolve("sparse_objects_weighted.keras").toString(),
                "--y-true", data("sparse.y_true.npy"), "--y-pred", data("sparse.y_pred.npy"),
                "--sample-weight", data("sparse.sample_weight.npy"), "--batch-size", "7");
        assertEquals(0, r.code, r.toString());
        ObjectMapper json = new ObjectMapper();
        JsonNode actual = json.readTree(r.out);
        JsonNode expected = null;
        for (JsonNode m : json.readTree(MODELS.resolve("evaluate.json").toFile()).get("models")) {
            if (m.get("file").asText().equals("sparse_objects_weighted.keras")) {
                expected = m.get("results").get("7.weighted");
            }
        }
        assertEquals(expected.size(), actual.size(), r.out);
        for (var it = expected.fields(); it.hasNext(); ) {
            var e = it.next();
            assertEquals(e.getValue().asDouble(), actual.get(e.getKey()).asDouble(),
                    2e-5 * Math.abs(e.getValue().asDouble()), e.getKey());
        }
    }

    @Test
    void evaluateErrors() {
        Cli.Run r = Cli.run("evaluate", "--model", MODELS.resolve("error_mse_metric.keras").toString(),
                "--y-true", data("sparse.y_true.npy"), "--y-pred", data("sparse.y_pred.npy"));
        assertEquals(1, r.code, r.toString());
        assertEquals("", r.out);
        assertTrue(r.err.startsWith("xent: error: ") && r.err.contains("compile_config.metrics[1] (\"mse\")")
                && r.err.strip().lines().count() == 1, r.toString());
        r = Cli.run("evaluate", "--y-true", data("sparse.y_true.npy"));
        assertEquals(2, r.code, r.toString());
        assertTrue(r.err.startsWith("xent: error: Missing required option"), r.toString());
    }

    @Test
    void lossGradientEqualsTheCoreGradient(@TempDir Path tmp) throws Exception {
        var loss = SparseCategoricalCrossentropy.builder().fromLogits(true).build();
        NdArray yTrue;
        NdArray yPred;
        NdArray sw;
        try (NpyArrayFile t = NpyArrayFile.open(data("sparse_col_logits.y_true.npy"));
             NpyArrayFile p = NpyArrayFile.open(data("sparse_col_logits.y_pred.npy"));
             NpyArrayFile w = NpyArrayFile.open(data("sparse.sample_weight.npy"))) {
            yTrue = t.readAll(1 << 20);
            yPred = p.readAll(1 << 20);
            sw = w.readAll(1 << 20);
        }
        for (String reduction : new String[] {"sum_over_batch_size", "none"}) {
            Path g = tmp.resolve("g_" + reduction + ".npy");
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("loss",
                    "sparse_categorical_crossentropy", "--from-logits", "--y-true", data("sparse_col_logits.y_true.npy"),
                    "--y-pred", data("sparse_col_logits.y_pred.npy"), "--sample-weight",
                    data("sparse.sample_weight.npy"), "--batch-size", "5", "--reduction", reduction,
                    "--gradient", g.toString()));
            if (reduction.equals("none")) {
                args.addAll(java.util.List.of("--output", tmp.resolve("v.npy").toString()));
            }
            Cli.Run r = Cli.run(args.toArray(new String[0]));
            assertEquals(0, r.code, r.toString());
            var l = loss.toBuilder().reduction(Reduction.fromKerasName(reduction)).build();
            float[] expected = l.gradient(yTrue, yPred, sw).toFloatArray();
            try (NpyArrayFile written = NpyArrayFile.open(g.toString())) {
                assertArrayEquals(yPred.shape(), new int[] {(int) written.shape()[0], (int) written.shape()[1]});
                float[] actual = written.readAll(1 << 20).toFloatArray();
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-6 * Math.abs(expected[i]) + 1e-8, reduction + " " + i);
                }
            }
        }
        assertTrue(Files.exists(tmp.resolve("v.npy")));
    }
}
