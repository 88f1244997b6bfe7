package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyArrayFile;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the command line on every case of {@code cli-golden/cases.json} (written by
 * {@code tools/golden/generate_cli.py} from real Keras 3.15.1, TensorFlow backend) and compares the JSON and, for
 * {@code --reduction none}, the written values within 2e-5 relative. Cases whose result does not depend on the
 * chunking also run with {@code --batch-size 1} and {@code 3}. A case with {@code error} instead of {@code expected}
 * is a command line xent must refuse: its exit code (2 bad usage, 1 bad data), nothing on stdout, and stderr's first
 * line {@code xent: error: ...} containing {@code stderr_contains} (bad data: that line alone).
 */
class CliGoldenTest {

    static final double RELATIVE = 2e-5;
    static final double ABSOLUTE = 1e-7;

    @TempDir
    Path temp;

    @TestFactory
    Stream<DynamicTest> keras() throws IOException, URISyntaxException {
        Path dir = Path.of(CliGoldenTest.class.getResource("/cli-golden/cases.json").toURI()).getParent();
        JsonNode doc = new ObjectMapper().readTree(dir.resolve("cases.json").toFile());
        assertEquals("3.15.1", doc.get("keras").asText());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : doc.get("cases")) {
            List<String> batchSizes = new ArrayList<>(Arrays.asList((String) null));
            if (c.get("chunk_invariant").asBoolean()) {
                batchSizes.add("1");
                batchSizes.add("3");
            }
            for (String batch : batchSizes) {
                String name = c.get("id").asText() + (batch == null ? "" : " --batch-size " + batch);
                tests.add(DynamicTest.dynamicTest(name, () -> check(dir, c, batch)));
            }
        }
        assertTrue(tests.size() > 150, "cases.json has " + tests.size() + " runs");
        return tests.stream();
    }

    private void check(Path dir, JsonNode c, String batch) throws IOException {
        Path output = temp.resolve(c.get("id").asText() + (batch == null ? "" : "_" + batch) + ".npy");
        List<String> args = new ArrayList<>();
        for (JsonNode a : c.get("args")) {
            String s = a.asText();
            if (s.startsWith("files/")) {
                s = dir.resolve(s).toString();
            } else if (s.startsWith("@files/")) {
                s = "@" + dir.resolve(s.substring(1));
            } else if (s.equals("{output}")) {
                s = output.toString();
            }
            args.add(s);
        }
        if (batch != null) {
            args.add("--batch-size");
            args.add(batch);
        }
        Cli.Run run = Cli.run(args.toArray(new String[0]));
        String context = String.join(" ", args) + "\n" + run + (c.has("note") ? "note: " + c.get("note").asText() : "");
        if (c.has("error")) {
            checkError(c.get("error"), run, context);
            return;
        }
        assertEquals(0, run.code, context);
        assertEquals("", run.err, context);
        assertTrue(run.out.endsWith("\n") && run.out.indexOf('\n') == run.out.length() - 1, "one line: " + context);
        JsonNode actual = new ObjectMapper().readTree(run.out);
        JsonNode expected = c.get("expected");
        List<String> keys = new ArrayList<>();
        actual.fieldNames().forEachRemaining(keys::add);
        List<String> expectedKeys = new ArrayList<>();
        expected.fieldNames().forEachRemaining(expectedKeys::add);
        assertEquals(expectedKeys, keys, context);
        assertEquals(expected.get("class_name"), actual.get("class_name"), context);
        assertEquals(expected.get("config"), actual.get("config"), context);
        for (String key : List.of("result", "total", "count")) {
            if (expected.has(key)) {
                assertClose(expected.get(key), actual.get(key), key + " of " + context);
            }
        }
        if (c.has("values")) {
            JsonNode values = c.get("values");
            try (NpyArrayFile f = NpyArrayFile.open(output.toString())) {
                assertEquals("<f4", f.descr(), context);
                long[] shape = f.shape();
                List<Long> expectedShape = new ArrayList<>();
                values.get("shape").forEach(d -> expectedShape.add(d.asLong()));
                assertEquals(expectedShape.toString(), Arrays.toString(shape), context);
                NdArray a = f.readAll(1 << 20);
                JsonNode data = values.get("data");
                assertEquals(data.size(), a.size(), context);
                for (int i = 0; i < a.size(); i++) {
                    assertClose(data.get(i), new ObjectMapper().valueToTree(JsonResult.number(a.getDouble(i))),
                            "element " + i + " of " + context);
                }
            }
        }
    }

    private static void checkError(JsonNode error, Cli.Run run, String context) {
        int code = error.get("exit_code").asInt();
        assertEquals(code, run.code, context);
        assertEquals("", run.out, context);
        String[] lines = run.err.split("\n", -1);
        assertTrue(lines[0].startsWith("xent: error: "), "first stderr line: " + context);
        String contains = error.get("stderr_contains").asText();
        assertTrue(lines[0].contains(contains), "first stderr line should contain '" + contains + "': " + context);
        if (code == 1) {
            assertTrue(run.err.endsWith("\n") && run.err.indexOf('\n') == run.err.length() - 1,
                    "one stderr line: " + context);
        }
    }

    static void assertClose(JsonNode expected, JsonNode actual, String context) {
        if (expected.isTextual() || expected.isNull()) {
            assertEquals(expected, actual, context);
            return;
        }
        if (!actual.isNumber()) {
            fail("expected " + expected + " but got " + actual + ": " + context);
        }
        double e = expected.asDouble();
        double a = actual.asDouble();
        if (Math.abs(e - a) > RELATIVE * Math.max(Math.abs(e), Math.abs(a)) + ABSOLUTE) {
            fail("expected " + e + " but got " + a + " (relative difference " + Math.abs(e - a) / Math.abs(e)
                    + "): " + context);
        }
    }
}
