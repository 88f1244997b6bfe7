package dev.xent.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.metrics.CompiledMetrics;
import dev.xent.ndarray.NdArray;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code .keras} fixture of {@code models/} (identity models compiled by real Keras 3.15.1, written by
 * {@code tools/golden/generate_models.py}) read and evaluated on its dataset with several batch sizes, with and
 * without sample weights: the same keys as {@code model.evaluate(..., return_dict=True)}, each value within 2e-5
 * relative, and {@code result()} ordered as Keras's {@code get_metrics_result()}. For a model with entries xent does
 * not compute, the keys {@link CompileConfig#resolve} skips are exactly those of Keras's result that xent lacks, and
 * {@link CompileConfig#toCompiledMetrics} refuses it naming every one.
 */
class KerasEvaluateGoldenTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNode GOLDEN = read("/models/evaluate.json");

    static JsonNode read(String resource) {
        try (InputStream in = KerasEvaluateGoldenTest.class.getResourceAsStream(resource)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path resource(String name) {
        try {
            return Path.of(KerasEvaluateGoldenTest.class.getResource("/models/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static double number(JsonNode n) {
        return n.isTextual() ? Double.parseDouble(n.asText().replace("Infinity", "Infinity")) : n.asDouble();
    }

    static NdArray array(JsonNode a) {
        if (a == null || a.isNull()) {
            return null;
        }
        int[] shape = new int[a.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = a.get("shape").get(i).asInt();
        }
        JsonNode data = a.get("data");
        switch (a.get("dtype").asText()) {
            case "float32": {
                float[] f = new float[data.size()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) number(data.get(i));
                }
                return NdArray.of(f, 0, shape);
            }
            case "int64": {
                long[] l = new long[data.size()];
                for (int i = 0; i < l.length; i++) {
                    l[i] = data.get(i).asLong();
                }
                return NdArray.of(l, 0, shape);
            }
            default:
                throw new IllegalArgumentException(a.get("dtype").asText());
        }
    }

    @TestFactory
    Stream<DynamicTest> models() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode m : GOLDEN.get("models")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = m.get("results").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> r = it.next();
                tests.add(DynamicTest.dynamicTest(m.get("file").asText() + " batch " + r.getKey(),
                        () -> evaluate(m, r.getKey(), r.getValue())));
            }
        }
        return tests.stream();
    }

    static void evaluate(JsonNode m, String run, JsonNode expected) throws IOException {
        JsonNode d = GOLDEN.get("datasets").get(m.get("dataset").asText());
        NdArray yTrue = array(d.get("y_true"));
        NdArray yPred = array(d.get("y_pred"));
        NdArray sw = run.endsWith(".weighted") ? array(d.get("sample_weight")) : null;
        int batchSize = Integer.parseInt(run.split("\\.")[0]);
        KerasModelFile file = KerasModelFile.open(resource(m.get("file").asText()));
        assertEquals("3.15.1", file.kerasVersion());
        CompileConfig.Resolution r = file.compileConfig().resolve(yTrue.shape(), yPred.shape());
        List<String> order = new ArrayList<>();
        m.get("order").forEach(n -> order.add(n.asText()));
        // The skipped entries are exactly the keys Keras reports that xent does not: their keys follow Keras's naming.
        List<String> skipped = new ArrayList<>();
        r.skipped().forEach(x -> skipped.add(x.key()));
        List<String> computed = new ArrayList<>(order);
        computed.removeAll(skipped);
        assertEquals(order.size(), computed.size() + skipped.size(), "skipped keys " + skipped + " among " + order);
        assertEquals(m.has("unsupported") ? m.get("unsupported").size() : 0, skipped.size(), "skipped: " + r.skipped());
        assertEquals(computed, List.copyOf(r.result().keySet()), "keys in get_metrics_result() order");
        r.compiledMetrics().evaluate(yTrue, yPred, sw, batchSize);
        Map<String, Double> actual = r.result();
        assertEquals(computed, List.copyOf(actual.keySet()));
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (skipped.contains(e.getKey())) {
                continue;
            }
            double want = number(e.getValue());
            double got = actual.get(e.getKey());
            if (Math.abs(want - got) > 2e-5 * Math.abs(want) + 1e-7) {
                fail(e.getKey() + ": Keras " + want + ", xent " + got + " (all: " + actual + ")");
            }
        }
    }

    /** A model with entries xent does not compute is refused with one message naming every one of them. */
    @TestFactory
    Stream<DynamicTest> modelsWithUnsupportedEntries() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode m : GOLDEN.get("models")) {
            if (!m.has("unsupported")) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(m.get("file").asText(), () -> {
                JsonNode d = GOLDEN.get("datasets").get(m.get("dataset").asText());
                KerasModelFile file = KerasModelFile.open(resource(m.get("file").asText()));
                IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                        () -> file.compileConfig().toCompiledMetrics(array(d.get("y_true")).shape(),
                                array(d.get("y_pred")).shape()));
                assertTrue(ex.getMessage().startsWith(file.name() + ": compile_config has "), ex.getMessage());
                for (JsonNode text : m.get("unsupported")) {
                    assertTrue(ex.getMessage().contains(text.asText()), "names " + text + ": " + ex.getMessage());
                }
                assertTrue(ex.getMessage().contains("xent computes the losses sparse_categorical_crossentropy,"),
                        ex.getMessage());
                assertTrue(!ex.getMessage().contains("\n"), ex.getMessage());
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> unsupportedModels() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode e : GOLDEN.get("errors")) {
            tests.add(DynamicTest.dynamicTest(e.get("file").asText(), () -> {
                JsonNode d = GOLDEN.get("datasets").get(e.get("dataset").asText());
                KerasModelFile file = KerasModelFile.open(resource(e.get("file").asText()));
                IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                        () -> file.compileConfig().toCompiledMetrics(array(d.get("y_true")).shape(),
                                array(d.get("y_pred")).shape()));
                String text = e.get("message_contains").asText();
                assertTrue(ex.getMessage().contains(text), "message should contain '" + text + "': " + ex.getMessage());
                assertTrue(ex.getMessage().contains(e.get("file").asText()), "message should name the file: "
                        + ex.getMessage());
            }));
        }
        return tests.stream();
    }

    @Test
    void compileConfigFromJson() {
        CompileConfig c = CompileConfig.parse("{\"loss\": \"sparse_categorical_crossentropy\","
                + " \"metrics\": {\"out\": [\"acc\"]}, \"loss_weights\": [0.25]}");
        CompiledMetrics cm = c.toCompiledMetrics(new int[] {2}, new int[] {2, 3});
        assertEquals(0.25, cm.lossWeight());
        assertEquals(List.of("loss", "acc"), List.copyOf(cm.result().keySet()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CompileConfig.parse("{\"loss\": {\"module\": \"my_pkg\", \"class_name\": \"MyLoss\","
                        + " \"config\": {}, \"registered_name\": \"my_pkg>MyLoss\"}}")
                        .toCompiledMetrics(new int[] {2}, new int[] {2, 3}));
        assertTrue(e.getMessage().contains("compile_config.loss (MyLoss)"), e.getMessage());
    }

    @Test
    void notAKerasArchive() throws IOException {
        Path tmp = java.nio.file.Files.createTempFile("not-keras", ".keras");
        try {
            java.nio.file.Files.writeString(tmp, "hello");
            IOException e = assertThrows(IOException.class, () -> KerasModelFile.open(tmp));
            assertTrue(e.getMessage().contains("not a .keras archive"), e.getMessage());
        } finally {
            java.nio.file.Files.delete(tmp);
        }
        assertThrows(java.nio.file.NoSuchFileException.class, () -> KerasModelFile.open(Path.of("/no/such.keras")));
    }
}
