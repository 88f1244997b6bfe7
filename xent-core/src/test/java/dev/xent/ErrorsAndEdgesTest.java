package dev.xent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.losses.Losses;
import dev.xent.losses.Reduction;
import dev.xent.metrics.CategoricalCrossentropy;
import dev.xent.metrics.MeanState;
import dev.xent.metrics.SparseCategoricalCrossentropy;
import dev.xent.ndarray.InvalidElementException;
import dev.xent.ndarray.NdArray;
import dev.xent.saving.Serialization;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad input gets one exception type with a message naming argument, position, value and rule; edges as documented. */
class ErrorsAndEdgesTest {

    static final NdArray PROBS = NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3);

    static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void labelOutOfRangeNamesPositionValueAndRule() {
        var m = SparseCategoricalCrossentropy.builder().build();
        InvalidElementException e = assertThrows(InvalidElementException.class,
                () -> m.updateState(NdArray.of(new int[] {1, 3}), PROBS));
        assertEquals("yTrue label 3 at index 1 is out of range [0, 3)", e.getMessage());
        assertEquals("yTrue label 3 at index 101 is out of range [0, 3)", e.withRowOffset(100).getMessage());
        assertEquals(0.0, m.count(), "state unchanged after an error");
        assertEquals("yTrue label -1 at index 0 is out of range [0, 3)",
                message(() -> m.updateState(NdArray.of(new long[] {-1, 0}), PROBS)));
        assertEquals("yTrue label 1.5 at index 1 is not a whole number; sparse labels must be class indices",
                message(() -> m.updateState(NdArray.of(new float[] {1, 1.5f}), PROBS)));
        assertEquals("yTrue label NaN at index 0 is not a whole number; sparse labels must be class indices",
                message(() -> m.updateState(NdArray.of(new double[] {Double.NaN, 1}), PROBS)));
        var ignoring = SparseCategoricalCrossentropy.builder().ignoreClass(255).build();
        assertEquals("yTrue label 7 at index (1, 0) is out of range [0, 3) and is not ignoreClass (255)",
                message(() -> ignoring.updateState(NdArray.of(new int[] {255, 7}, 2, 1),
                        NdArray.of(new float[6], 2, 1, 3))));
    }

    /** int32 labels are copied in bulk: from an array at an offset and from a buffer, values and errors as before. */
    @Test
    void int32LabelsFromArraysBuffersAndSlices() {
        int[] data = {9, 1, 2, 0, 3};
        NdArray fromArray = NdArray.of(data, 5).slice(1, 3);
        NdArray fromBuffer = NdArray.of(java.nio.IntBuffer.wrap(data), 5).slice(1, 3);
        NdArray probs = NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f, 0.3f, 0.3f, 0.4f}, 3, 3);
        var want = SparseCategoricalCrossentropy.builder().build();
        want.updateState(NdArray.of(new long[] {1, 2, 0}), probs);
        var wantIgnoring = SparseCategoricalCrossentropy.builder().ignoreClass(2).build();
        wantIgnoring.updateState(NdArray.of(new long[] {1, 2, 0}), probs);
        assertTrue(wantIgnoring.result() != want.result());
        for (NdArray labels : new NdArray[] {fromArray, fromBuffer}) {
            var m = SparseCategoricalCrossentropy.builder().build();
            m.updateState(labels, probs);
            assertEquals(want.result(), m.result(), 0.0);
            var ignoring = SparseCategoricalCrossentropy.builder().ignoreClass(2).build();
            ignoring.updateState(labels, probs);
            assertEquals(wantIgnoring.result(), ignoring.result(), 0.0);
        }
        NdArray bad = NdArray.of(java.nio.IntBuffer.wrap(data), 5).slice(2, 3);
        assertEquals("yTrue label 3 at index 2 is out of range [0, 3)",
                assertThrows(InvalidElementException.class, () -> want.updateState(bad, probs)).getMessage());
    }

    @Test
    void shapeAndWeightMismatches() {
        var m = SparseCategoricalCrossentropy.builder().build();
        assertTrue(message(() -> m.updateState(NdArray.of(new int[] {1, 2, 0}), PROBS))
                .startsWith("yTrue shape (3,) does not match yPred shape (2, 3)"));
        assertTrue(message(() -> m.updateState(NdArray.of(new int[] {1, 2}), PROBS, NdArray.of(new float[] {1, 2, 3})))
                .startsWith("sampleWeight shape (3,) does not broadcast"));
        var c = CategoricalCrossentropy.builder().build();
        assertTrue(message(() -> c.updateState(NdArray.of(new float[4], 2, 2), PROBS))
                .startsWith("yTrue shape (2, 2) does not match yPred shape (2, 3)"));
        assertEquals("axis (2) must be in [-2, 2) for yPred of rank 2",
                message(() -> m.toBuilder().axis(2).build().updateState(NdArray.of(new int[] {1, 2}), PROBS)));
        assertEquals("yPred dtype (int32) must be float32 or float64",
                message(() -> m.updateState(NdArray.of(new int[] {1, 2}), NdArray.of(new int[6], 2, 3))));
    }

    @Test
    void optionsAndConfigsAreChecked() {
        assertEquals("labelSmoothing (1.5) must be in [0, 1]",
                message(() -> CategoricalCrossentropy.builder().labelSmoothing(1.5).build()));
        assertEquals("reduction (\"auto\") must be one of sum_over_batch_size, sum, mean, mean_with_sample_weight, none, or null",
                message(() -> Reduction.fromKerasName("auto")));
        assertEquals("config key 'foo' is not an argument of SparseCategoricalCrossentropy; its keys are "
                        + "[name, dtype, from_logits, ignore_class, axis]",
                message(() -> SparseCategoricalCrossentropy.fromConfig(Map.of("foo", 1))));
        assertEquals("SparseCategoricalCrossentropy config 'from_logits' (\"yes\") must be true or false",
                message(() -> SparseCategoricalCrossentropy.fromConfig(Map.of("from_logits", "yes"))));
        assertEquals("CategoricalCrossentropy config 'dtype' (\"float16\") must be \"float32\" or \"float64\" "
                        + "(float16, bfloat16 and mixed policies are not supported)",
                message(() -> CategoricalCrossentropy.fromConfig(Map.of("dtype", "float16"))));
    }

    @Test
    void mergeRefusesItselfAndOtherConfigs() {
        var a = SparseCategoricalCrossentropy.builder().build();
        assertEquals("cannot merge a metric with itself: that would count its updates twice",
                message(() -> a.merge(a)));
        var logits = SparseCategoricalCrossentropy.builder().fromLogits(true).build();
        assertTrue(message(() -> a.merge(logits)).endsWith("merged metrics must have the same class and config"));
    }

    @Test
    void configsMatchKerasAndRoundTrip() {
        Map<String, Object> metric = new LinkedHashMap<>();
        metric.put("name", "sparse_categorical_crossentropy");
        metric.put("dtype", "float32");
        metric.put("from_logits", false);
        metric.put("ignore_class", null);
        metric.put("axis", -1);
        assertEquals(metric, SparseCategoricalCrossentropy.builder().build().getConfig());
        assertArrayEquals(metric.keySet().toArray(), SparseCategoricalCrossentropy.builder().build().getConfig().keySet().toArray());
        assertEquals(0, CategoricalCrossentropy.builder().build().getConfig().get("label_smoothing"), "int 0 as Keras");
        assertEquals(0.0, dev.xent.losses.CategoricalCrossentropy.builder().build().getConfig().get("label_smoothing"));
        var loss = dev.xent.losses.SparseCategoricalCrossentropy.builder().build();
        assertArrayEquals(new Object[] {"name", "reduction", "from_logits", "ignore_class"},
                loss.getConfig().keySet().toArray(), "Keras 3.15 writes no axis for this loss");
        var none = dev.xent.losses.SparseCategoricalCrossentropy.fromConfig(
                new LinkedHashMap<>(Map.of("name", "x")) {{ put("reduction", null); }});
        assertEquals(Reduction.NONE, none.reduction());
        assertEquals(null, none.getConfig().get("reduction"), "None stays null");
        var axis = loss.toBuilder().axis(1).build();
        assertEquals(1, Serialization.lossFromConfig("SparseCategoricalCrossentropy", axis.getConfig()).getConfig().get("axis"));
        Map<String, Object> serialized = Serialization.serializeKerasObject(SparseCategoricalCrossentropy.builder().build());
        assertEquals(serialized, Serialization.serializeKerasObject(Serialization.deserializeKerasObject(serialized)));
        assertEquals("keras.metrics", serialized.get("module"));
        Map<String, Object> policy = new LinkedHashMap<>();   // how Keras may serialize a dtype
        policy.put("module", "keras");
        policy.put("class_name", "DTypePolicy");
        policy.put("config", Map.of("name", "float64"));
        policy.put("registered_name", null);
        assertEquals("float64", SparseCategoricalCrossentropy.fromConfig(Map.of("dtype", policy)).getConfig().get("dtype"));
    }

    @Test
    void nanPropagatesUntilResetAndEmptyGivesZero() {
        var m = SparseCategoricalCrossentropy.builder().build();
        m.updateState(NdArray.of(new int[0]), NdArray.of(new float[0], 0, 3));
        assertEquals(0.0, m.result());
        m.updateState(NdArray.of(new int[] {0}), NdArray.of(new float[] {Float.NaN, 0.5f, 0.5f}, 1, 3));
        m.updateState(NdArray.of(new int[] {1, 2}), PROBS);
        assertTrue(Double.isNaN(m.result()));
        m.resetState();
        assertEquals(0.0, m.result());
        assertEquals(0.0, dev.xent.losses.SparseCategoricalCrossentropy.builder().build()
                .value(NdArray.of(new int[0]), NdArray.of(new float[0], 0, 3)));
        // logits: +inf gives NaN (inf - inf), -inf at the label gives +inf
        NdArray v = Losses.sparseCategoricalCrossentropy(NdArray.of(new int[] {0, 0}),
                NdArray.of(new float[] {Float.POSITIVE_INFINITY, 0, 0, Float.NEGATIVE_INFINITY, 0, 0}, 2, 3),
                true, null, -1);
        assertTrue(Double.isNaN(v.getDouble(0)));
        assertEquals(Double.POSITIVE_INFINITY, v.getDouble(1));
        // huge logits stay finite: [0, 1000] with label 0 gives exactly 1000
        assertEquals(1000.0, Losses.sparseCategoricalCrossentropy(NdArray.of(new int[] {0}),
                NdArray.of(new float[] {0, 1000}, 1, 2), true, null, -1).getDouble(0));
        // all ignored: loss 0, metric 0 with count = batch
        var ignoreAll = dev.xent.losses.SparseCategoricalCrossentropy.builder().ignoreClass(-1).build();
        assertEquals(0.0, ignoreAll.value(NdArray.of(new int[] {-1, -1}), PROBS));
    }

    @Test
    void countDoesNotSaturateAt2To24() {
        var m = SparseCategoricalCrossentropy.builder().build();
        m.setState(MeanState.of(0.5 * (1 << 24), 1 << 24));
        for (int i = 0; i < 10; i++) {
            m.updateState(NdArray.of(new int[] {1}), NdArray.of(new float[] {0.5f, 0.5f}, 1, 2));
        }
        assertEquals((1 << 24) + 10, m.count());
        float keras = 1 << 24;
        keras += 1f;
        assertEquals((float) (1 << 24), keras, "Keras's float32 count stops here");
    }

    @Test
    void stateEncodingVersion1StaysReadable() throws Exception {
        MeanState s = MeanState.of(1.25, 3).plus(1e-17, 0.5);
        try (InputStream in = getClass().getResourceAsStream("/state/meanstate-v1.bin")) {
            byte[] golden = in.readAllBytes();
            MeanState read = MeanState.fromBytes(golden);
            assertEquals(s.total(), read.total());
            assertEquals(3.5, read.count());
            assertArrayEquals(golden, s.toBytes());
        }
        assertEquals(s, MeanState.fromBytes(s.toBytes()));
        assertTrue(message(() -> MeanState.fromBytes(new byte[] {1, 2, 3, 4, 5})).contains("magic"));
    }
}
