package dev.xent.losses;

import static dev.xent.testsupport.GoldenJson.array;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xent.ndarray.NdArray;
import dev.xent.saving.Serialization;
import dev.xent.testsupport.GoldenJson;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays {@code golden-gradients/family.json} ({@code tools/golden/generate_family.py}): {@code tf.GradientTape}
 * through Keras 3.15.1's {@code BinaryCrossentropy}, {@code BinaryFocalCrossentropy},
 * {@code CategoricalFocalCrossentropy}, {@code KLDivergence} and {@code Poisson} on TensorFlow 2.21, with the
 * tolerances of {@link GradientGoldenTest}. A case's {@code options} are the loss's config keys plus {@code dtype}.
 * A gradient that is not written yet ({@code UnsupportedOperationException}) skips the case, with the reason.
 */
class FamilyGradientGoldenTest {

    @TestFactory
    Stream<DynamicTest> golden() {
        JsonNode root = GoldenJson.resource(FamilyGradientGoldenTest.class, "/golden-gradients/family.json");
        return GoldenJson.list(root.get("cases")).stream()
                .map(c -> DynamicTest.dynamicTest(c.get("id").asText(), () -> run(c)));
    }

    static void run(JsonNode c) {
        Map<String, Object> options = GoldenJson.map(c.get("options"));
        Loss loss = Serialization.lossFromConfig(c.get("class_name").asText(), options);
        NdArray yTrue = array(c.get("y_true"));
        NdArray yPred = array(c.get("y_pred"));
        NdArray sw = array(c.get("sample_weight"));
        LossAndGradient lg;
        try {
            lg = loss.lossAndGradient(yTrue, yPred, sw);
        } catch (UnsupportedOperationException e) {
            Assumptions.abort(c.get("id").asText() + ": not computed yet (" + e.getMessage() + ")");
            throw e;
        }
        double[] el = array(c.get("loss")).toDoubleArray();
        double[] al = lg.loss().toDoubleArray();
        assertEquals(el.length, al.length, "loss size");
        for (int i = 0; i < el.length; i++) {
            GradientGoldenTest.assertClose(el[i], al[i], 1e-6, 1e-6, "loss[" + i + "]");
        }
        NdArray expected = array(c.get("gradient"));
        NdArray actual = lg.gradient();
        assertArrayEquals(yPred.shape(), actual.shape(), "gradient shape");
        assertEquals(loss.dtype(), actual.dtype(), "gradient dtype");
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        StringBuilder bad = new StringBuilder();
        for (int i = 0; i < e.length; i++) {
            if (!GradientGoldenTest.close(e[i], a[i], 1e-5, 1e-7)) {
                bad.append(String.format("%n  [%d] expected %s, got %s", i, e[i], a[i]));
            }
        }
        if (bad.length() > 0) {
            fail("gradient elements differ:" + bad + "\n  y_pred " + yPred + "\n  expected " + expected
                    + "\n  actual   " + actual);
        }
    }
}
