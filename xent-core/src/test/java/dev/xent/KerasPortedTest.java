package dev.xent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.losses.Losses;
import dev.xent.losses.Reduction;
import dev.xent.ndarray.NdArray;
import dev.xent.saving.Serialization;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Keras's own tests for the four classes, ported method by method with Keras's literal inputs, numbers and
 * tolerances (Keras 3.15.1, {@code keras/src/metrics/probabilistic_metrics_test.py} and
 * {@code keras/src/losses/losses_test.py}). Each nested class and method has the name of its Keras original.
 *
 * <p>Inputs keep Keras's dtypes: {@code np.array([[0, 1, 0], ...])} is int64 ({@code long[]}), a float literal array
 * is float64 ({@code double[]}), {@code dtype="float32"} is {@code float[]}. Tolerances are those of Keras's
 * {@code TestCase}: {@code assertAllClose} is numpy's {@code |a - d| <= atol + rtol |d|} with defaults
 * {@code atol = rtol = 1e-6}; {@code assertAlmostEqual(a, d, decimal=3)} is {@code |a - d| < 1.5e-3}.
 *
 * <p>The same inputs, with the values real Keras computes, are in {@code golden/keras_tests.json} (checked by
 * {@link GoldenTest} to 1e-6).
 */
class KerasPortedTest {

    // ---- Keras's TestCase assertions ---------------------------------------------------------------------------

    static void assertAllClose(double actual, double desired, double atol, double rtol) {
        assertTrue(Math.abs(actual - desired) <= atol + rtol * Math.abs(desired),
                () -> "actual " + actual + ", desired " + desired + " (atol " + atol + ", rtol " + rtol + ")");
    }

    static void assertAllClose(double actual, double desired, double atol) {
        assertAllClose(actual, desired, atol, 1e-6);
    }

    static void assertAllClose(double actual, double desired) {
        assertAllClose(actual, desired, 1e-6, 1e-6);
    }

    static void assertAllClose(NdArray actual, int[] shape, double... desired) {
        assertArrayEquals(shape, actual.shape(), "shape");
        for (int i = 0; i < desired.length; i++) {
            assertAllClose(actual.getDouble(i), desired[i]);
        }
    }

    /** numpy's {@code assert_almost_equal(actual, desired, decimal)}: {@code |desired - actual| < 1.5e-decimal}. */
    static void assertAlmostEqual(double actual, double desired, int decimal) {
        double bound = 1.5 * Math.pow(10, -decimal);
        assertTrue(Math.abs(desired - actual) < bound,
                () -> "actual " + actual + ", desired " + desired + " (decimal " + decimal + ")");
    }

    /** {@code assertAlmostEqual} with Keras's default {@code decimal=3}. */
    static void assertAlmostEqual(NdArray actual, double desired) {
        assertEquals(0, actual.rank(), "a reduced loss is a scalar");
        assertAlmostEqual(actual.getDouble(0), desired, 3);
    }

    static void assertAllClose(NdArray actual, double desired) {
        assertEquals(0, actual.rank(), "a reduced loss is a scalar");
        assertAllClose(actual.getDouble(0), desired);
    }

    /**
     * Keras's {@code run_class_serialization_test}, reduced to what applies here: {@code from_config(get_config())}
     * gives an equal config, and serializing then deserializing gives the same serialized form.
     */
    static void runClassSerializationTest(Object obj, Map<String, Object> config,
                                          java.util.function.Function<Map<String, Object>, Object> fromConfig,
                                          java.util.function.Function<Object, Map<String, Object>> getConfig) {
        Object revived = fromConfig.apply(config);
        assertEquals(config, getConfig.apply(revived));
        Map<String, Object> serialized = Serialization.serializeKerasObject(obj);
        assertEquals(serialized, Serialization.serializeKerasObject(Serialization.deserializeKerasObject(serialized)));
    }

    // ---- inputs shared by the metric tests ---------------------------------------------------------------------

    /** {@code np.array([[0, 1, 0], [0, 0, 1]])} */
    static final NdArray Y_TRUE_ONE_HOT = NdArray.of(new long[] {0, 1, 0, 0, 0, 1}, 2, 3);
    /** {@code np.array([1, 2])} */
    static final NdArray Y_TRUE_SPARSE = NdArray.of(new long[] {1, 2}, 2);
    /** {@code np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])} */
    static final NdArray Y_PRED = NdArray.of(new double[] {0.05, 0.95, 0, 0.1, 0.8, 0.1}, 2, 3);
    /** {@code np.array([[1, 9, 0], [1, 8, 1]], dtype=np.float32)} */
    static final NdArray LOGITS = NdArray.of(new float[] {1, 9, 0, 1, 8, 1}, 2, 3);
    /** {@code np.array([1.5, 2.0])} */
    static final NdArray SAMPLE_WEIGHT = NdArray.of(new double[] {1.5, 2.0}, 2);

    @Nested
    @DisplayName("probabilistic_metrics_test.py")
    class ProbabilisticMetricsTest {

        @Nested
        class CategoricalCrossentropyTest {

            @Test
            void test_config() {
                // Keras: metrics.CategoricalCrossentropy(name="cce", dtype="int32", label_smoothing=0.2). This library
                // computes in float32 or float64 only, so dtype int32 is refused; the round trip is checked in float32.
                assertThrows(IllegalArgumentException.class, () -> dev.xent.metrics.CategoricalCrossentropy.fromConfig(
                        Map.of("name", "cce", "dtype", "int32", "label_smoothing", 0.2)));
                var m = dev.xent.metrics.CategoricalCrossentropy.builder().name("cce").labelSmoothing(0.2).build();
                runClassSerializationTest(m, m.getConfig(), dev.xent.metrics.CategoricalCrossentropy::fromConfig,
                        o -> ((dev.xent.metrics.CategoricalCrossentropy) o).getConfig());
            }

            @Test
            void test_unweighted() {
                var cceObj = dev.xent.metrics.CategoricalCrossentropy.builder().build();
                double result = cceObj.call(Y_TRUE_ONE_HOT, Y_PRED, null);
                assertAllClose(result, 1.176, 1e-3);
            }

            @Test
            void test_unweighted_from_logits() {
                var cceObj = dev.xent.metrics.CategoricalCrossentropy.builder().fromLogits(true).build();
                double result = cceObj.call(Y_TRUE_ONE_HOT, LOGITS, null);
                assertAllClose(result, 3.5011, 1e-3);
            }

            @Test
            void test_weighted() {
                var cceObj = dev.xent.metrics.CategoricalCrossentropy.builder().build();
                double result = cceObj.call(Y_TRUE_ONE_HOT, Y_PRED, SAMPLE_WEIGHT);
                assertAllClose(result, 1.338, 1e-3);
            }

            @Test
            void test_weighted_from_logits() {
                var cceObj = dev.xent.metrics.CategoricalCrossentropy.builder().fromLogits(true).build();
                double result = cceObj.call(Y_TRUE_ONE_HOT, LOGITS, SAMPLE_WEIGHT);
                assertAllClose(result, 4.0012, 1e-3);
            }

            @Test
            void test_label_smoothing() {
                double labelSmoothing = 0.1;
                var cceObj = dev.xent.metrics.CategoricalCrossentropy.builder().fromLogits(true)
                        .labelSmoothing(labelSmoothing).build();
                double loss = cceObj.call(Y_TRUE_ONE_HOT, LOGITS, null);
                assertAllClose(loss, 3.667, 1e-3);
            }
        }

        @Nested
        class SparseCategoricalCrossentropyTest {

            @Test
            void test_config() {
                // Keras: metrics.SparseCategoricalCrossentropy(name="scce", dtype="int32"); int32 is refused here.
                assertThrows(IllegalArgumentException.class, () -> dev.xent.metrics.SparseCategoricalCrossentropy
                        .fromConfig(Map.of("name", "scce", "dtype", "int32")));
                var m = dev.xent.metrics.SparseCategoricalCrossentropy.builder().name("scce").build();
                runClassSerializationTest(m, m.getConfig(), dev.xent.metrics.SparseCategoricalCrossentropy::fromConfig,
                        o -> ((dev.xent.metrics.SparseCategoricalCrossentropy) o).getConfig());
            }

            @Test
            void test_unweighted() {
                var scceObj = dev.xent.metrics.SparseCategoricalCrossentropy.builder().build();
                double result = scceObj.call(Y_TRUE_SPARSE, Y_PRED, null);
                assertAllClose(result, 1.176, 1e-3);
            }

            @Test
            void test_unweighted_from_logits() {
                var scceObj = dev.xent.metrics.SparseCategoricalCrossentropy.builder().fromLogits(true).build();
                double result = scceObj.call(Y_TRUE_SPARSE, LOGITS, null);
                assertAllClose(result, 3.5011, 1e-3);
            }

            @Test
            void test_weighted() {
                var scceObj = dev.xent.metrics.SparseCategoricalCrossentropy.builder().build();
                double result = scceObj.call(Y_TRUE_SPARSE, Y_PRED, SAMPLE_WEIGHT);
                assertAllClose(result, 1.338, 1e-3);
            }

            @Test
            void test_weighted_from_logits() {
                var scceObj = dev.xent.metrics.SparseCategoricalCrossentropy.builder().fromLogits(true).build();
                double result = scceObj.call(Y_TRUE_SPARSE, LOGITS, SAMPLE_WEIGHT);
                assertAllClose(result, 4.0012, 1e-3);
            }

            /** {@code y_true = np.array([0, 1, 2])} */
            final NdArray yTrue = NdArray.of(new long[] {0, 1, 2}, 3);
            /** {@code np.array([[0.8, 0.1, 0.1], [0.05, 0.95, 0], [0.1, 0.8, 0.1]])} */
            final NdArray yPred = NdArray.of(new double[] {0.8, 0.1, 0.1, 0.05, 0.95, 0, 0.1, 0.8, 0.1}, 3, 3);

            @Test
            void test_ignore_class() {
                var scceObj = dev.xent.metrics.SparseCategoricalCrossentropy.builder().ignoreClass(0).build();
                double result = scceObj.call(yTrue, yPred, null);
                assertAllClose(result, 0.78462, 1e-3);
            }

            @Test
            void test_ignore_class_weighted() {
                var scceObj = dev.xent.metrics.SparseCategoricalCrossentropy.builder().ignoreClass(0).build();
                NdArray sampleWeight = NdArray.of(new double[] {0.5, 1.5, 2.0}, 3);
                double result = scceObj.call(yTrue, yPred, sampleWeight);
                assertAllClose(result, 1.33774646, 1e-3);
            }

            @Test
            void test_ignore_class_from_logits() {
                var scceObj = dev.xent.metrics.SparseCategoricalCrossentropy.builder().fromLogits(true).ignoreClass(0)
                        .build();
                NdArray logits = NdArray.of(new float[] {10, 1, 1, 1, 9, 0, 1, 8, 1}, 3, 3);
                double result = scceObj.call(yTrue, logits, null);
                assertAllClose(result, 2.33409, 1e-3);
            }
        }
    }

    // ---- inputs shared by the loss tests -----------------------------------------------------------------------

    /** {@code np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]])} (int64) */
    static final NdArray ONE_HOT_3 = NdArray.of(new long[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, 3);
    /** {@code np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype="float32")} */
    static final NdArray EYE_F32 = NdArray.of(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, 3);
    /** {@code np.array([[10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 10.0]])} */
    static final NdArray LOGITS_10 = NdArray.of(new double[] {10, 0, 0, 0, 10, 0, 0, 0, 10}, 3, 3);
    /** {@code np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]], dtype="float32")} */
    static final NdArray Y_PRED_3 = NdArray.of(new float[] {0.9f, 0.05f, 0.05f, 0.5f, 0.89f, 0.6f, 0.05f, 0.01f,
        0.94f}, 3, 3);
    /** {@code np.array([[8.0, 1.0, 1.0], [0.0, 9.0, 1.0], [2.0, 3.0, 5.0]])} */
    static final NdArray LOGITS_3 = NdArray.of(new double[] {8, 1, 1, 0, 9, 1, 2, 3, 5}, 3, 3);
    /** {@code np.array([[1.2], [3.4], [5.6]]).reshape((3, 1))} */
    static final NdArray SAMPLE_WEIGHT_31 = NdArray.of(new double[] {1.2, 3.4, 5.6}, 3, 1);
    /** {@code sample_weight=2.3} */
    static final NdArray SCALAR_2_3 = NdArray.scalar(2.3);

    @Nested
    @DisplayName("losses_test.py")
    class LossesTest {

        @Nested
        class CategoricalCrossentropyTest {

            dev.xent.losses.CategoricalCrossentropy.Builder cce() {
                return dev.xent.losses.CategoricalCrossentropy.builder();
            }

            @Test
            void test_config() {
                var loss = cce().name("cce").axis(-1).build();
                runClassSerializationTest(loss, loss.getConfig(), dev.xent.losses.CategoricalCrossentropy::fromConfig,
                        o -> ((dev.xent.losses.CategoricalCrossentropy) o).getConfig());
            }

            @Test
            void test_all_correct_unweighted() {
                var cceObj = cce().build();
                assertAlmostEqual(cceObj.call(ONE_HOT_3, EYE_F32), 0.0);

                // Test with logits.
                cceObj = cce().fromLogits(true).build();
                assertAlmostEqual(cceObj.call(ONE_HOT_3, LOGITS_10), 0.0);
            }

            @Test
            void test_unweighted() {
                var cceObj = cce().build();
                assertAlmostEqual(cceObj.call(ONE_HOT_3, Y_PRED_3), 0.3239);

                // Test with logits.
                cceObj = cce().fromLogits(true).build();
                assertAlmostEqual(cceObj.call(ONE_HOT_3, LOGITS_3), 0.0573);
            }

            @Test
            void test_scalar_weighted() {
                var cceObj = cce().build();
                assertAlmostEqual(cceObj.call(ONE_HOT_3, Y_PRED_3, SCALAR_2_3), 0.7449);

                // Test with logits.
                cceObj = cce().fromLogits(true).build();
                assertAlmostEqual(cceObj.call(ONE_HOT_3, LOGITS_3, SCALAR_2_3), 0.1317);
            }

            @Test
            void test_sample_weighted() {
                var cceObj = cce().build();
                assertAlmostEqual(cceObj.call(ONE_HOT_3, Y_PRED_3, SAMPLE_WEIGHT_31), 1.0696);

                // Test with logits.
                cceObj = cce().fromLogits(true).build();
                assertAlmostEqual(cceObj.call(ONE_HOT_3, LOGITS_3, SAMPLE_WEIGHT_31), 0.31829);
            }

            @Test
            void test_no_reduction() {
                var cceObj = cce().fromLogits(true).reduction(Reduction.NONE).build();
                NdArray loss = cceObj.call(ONE_HOT_3, LOGITS_3);
                assertAllClose(loss, new int[] {3}, 0.001822, 0.000459, 0.169846);
            }

            @Test
            void test_label_smoothing() {
                NdArray logits = NdArray.of(new double[] {100.0, -100.0, -100.0}, 1, 3);
                NdArray yTrue = NdArray.of(new long[] {1, 0, 0}, 1, 3);
                double labelSmoothing = 0.1;
                var cceObj = cce().fromLogits(true).labelSmoothing(labelSmoothing).build();
                NdArray loss = cceObj.call(yTrue, logits);
                double expectedValue = 400.0 * labelSmoothing / 3.0;
                assertAlmostEqual(loss, expectedValue);
            }

            @Test
            void test_label_smoothing_ndarray() {
                // np.asarray instead of np.array in Keras; the same arrays here
                NdArray logits = NdArray.of(new double[] {100.0, -100.0, -100.0}, 1, 3);
                NdArray yTrue = NdArray.of(new long[] {1, 0, 0}, 1, 3);
                double labelSmoothing = 0.1;
                var cceObj = cce().fromLogits(true).labelSmoothing(labelSmoothing).build();
                NdArray loss = cceObj.call(yTrue, logits);
                double expectedValue = 400.0 * labelSmoothing / 3.0;
                assertAlmostEqual(loss, expectedValue);
            }

            @Test
            void test_shape_mismatch() {
                NdArray yTrue = NdArray.of(new long[] {0, 1, 2}, 3, 1);
                NdArray yPred = NdArray.of(new double[] {0.9, 0.05, 0.05, 0.5, 0.89, 0.6, 0.05, 0.01, 0.94}, 3, 3);
                var cceObj = cce().build();
                // Keras: assertRaisesRegex(ValueError, "must have the same shape")
                assertThrows(IllegalArgumentException.class, () -> cceObj.call(yTrue, yPred));
            }

            @Test
            void test_dtype_arg() {
                // Keras: CategoricalCrossentropy(dtype="bfloat16") and assertDType(loss, "bfloat16"). This library
                // computes in float32 or float64 only: bfloat16 is refused.
                assertThrows(IllegalArgumentException.class,
                        () -> dev.xent.losses.CategoricalCrossentropy.fromConfig(Map.of("dtype", "bfloat16")));
            }
        }

        @Nested
        class SparseCategoricalCrossentropyTest {

            dev.xent.losses.SparseCategoricalCrossentropy.Builder scce() {
                return dev.xent.losses.SparseCategoricalCrossentropy.builder();
            }

            /** {@code np.array([[0], [1], [2]])} */
            final NdArray labels31 = NdArray.of(new long[] {0, 1, 2}, 3, 1);

            @Test
            void test_config() {
                var loss = scce().name("scce").build();
                runClassSerializationTest(loss, loss.getConfig(),
                        dev.xent.losses.SparseCategoricalCrossentropy::fromConfig,
                        o -> ((dev.xent.losses.SparseCategoricalCrossentropy) o).getConfig());
            }

            @Test
            void test_all_correct_unweighted() {
                var cceObj = scce().build();
                assertAlmostEqual(cceObj.call(labels31, EYE_F32).getDouble(0), 0.0, 3);

                // Test with logits.
                cceObj = scce().fromLogits(true).build();
                assertAlmostEqual(cceObj.call(labels31, LOGITS_10).getDouble(0), 0.0, 3);
            }

            @Test
            void test_unweighted() {
                NdArray yTrue = NdArray.of(new long[] {0, 1, 2}, 3);
                var cceObj = scce().build();
                assertAlmostEqual(cceObj.call(yTrue, Y_PRED_3).getDouble(0), 0.3239, 3);

                // Test with logits.
                cceObj = scce().fromLogits(true).build();
                assertAlmostEqual(cceObj.call(yTrue, LOGITS_3).getDouble(0), 0.0573, 3);
            }

            @Test
            void test_scalar_weighted() {
                var cceObj = scce().build();
                assertAlmostEqual(cceObj.call(labels31, Y_PRED_3, SCALAR_2_3).getDouble(0), 0.7449, 3);

                // Test with logits.
                cceObj = scce().fromLogits(true).build();
                assertAlmostEqual(cceObj.call(labels31, LOGITS_3, SCALAR_2_3).getDouble(0), 0.1317, 3);
            }

            @Test
            void test_sample_weighted() {
                var cceObj = scce().build();
                assertAlmostEqual(cceObj.call(labels31, Y_PRED_3, SAMPLE_WEIGHT_31).getDouble(0), 1.0696, 3);

                // Test with logits.
                cceObj = scce().fromLogits(true).build();
                assertAlmostEqual(cceObj.call(labels31, LOGITS_3, SAMPLE_WEIGHT_31).getDouble(0), 0.31829, 3);
            }

            @Test
            void test_no_reduction() {
                var cceObj = scce().fromLogits(true).reduction(Reduction.NONE).build();
                NdArray loss = cceObj.call(labels31, LOGITS_3);
                assertAllClose(loss, new int[] {3}, 0.001822, 0.000459, 0.169846);
            }

            @Test
            void test_ignore_class() {
                NdArray yTrue = NdArray.of(new long[] {-1, 2}, 1, 2);
                NdArray logits = NdArray.of(new double[] {0.854, 0.698, 0.598, 0.088, 0.86, 0.018}, 1, 2, 3);
                var cceObj = scce().fromLogits(true).ignoreClass(-1).reduction(Reduction.NONE).build();
                NdArray loss = cceObj.call(yTrue, logits);
                assertAllClose(loss, new int[] {1, 2}, 0.0, 1.480129);

                yTrue = NdArray.of(new long[] {-1, 2}, 1, 2, 1);
                cceObj = scce().fromLogits(true).ignoreClass(-1).reduction(Reduction.NONE).build();
                loss = cceObj.call(yTrue, logits);
                assertAllClose(loss, new int[] {1, 2}, 0.0, 1.480129);
            }

            /** {@code np.array([[0, 1, 1, 0], [1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 1]])} */
            final long[] binaryTrue = {0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1};

            /** The one-hot y_pred of test_binary_segmentation: row i, column j is one-hot of binaryTrue. */
            double[] binaryPred() {
                double[] p = new double[32];
                for (int i = 0; i < 16; i++) {
                    p[2 * i + (int) binaryTrue[i]] = 1.0;
                }
                return p;
            }

            /** The second y_pred: pixel (0, 3) is [0.2, 0.8] and pixel (3, 3) is [0.6, 0.4]. */
            double[] binaryPred2() {
                double[] p = binaryPred();
                p[2 * 3] = 0.2;
                p[2 * 3 + 1] = 0.8;
                p[2 * 15] = 0.6;
                p[2 * 15 + 1] = 0.4;
                return p;
            }

            @Test
            void test_binary_segmentation() {
                NdArray yTrue = NdArray.of(binaryTrue, 4, 4);
                NdArray output = scce().build().call(yTrue, NdArray.of(binaryPred(), 4, 4, 2));
                assertAllClose(output, 0.0);

                double expected = (-Math.log(0.2) - Math.log(0.4)) / 16.0; // 16 pixels
                output = scce().build().call(yTrue, NdArray.of(binaryPred2(), 4, 4, 2));
                assertAllClose(output, expected);
            }

            /**
             * On TensorFlow, Keras raises "Only axis=-1 is currently supported. Received: axis=0"; this library
             * supports any axis, so this is the test's torch branch, which asserts the same numbers as for axis -1.
             */
            @Test
            void test_binary_segmentation_different_axis() {
                NdArray yTrue = NdArray.of(binaryTrue, 4, 4);
                NdArray yPredReshaped = NdArray.of(moveLastAxisToFront(binaryPred(), 16, 2), 2, 4, 4);
                NdArray output = scce().axis(0).build().call(yTrue, yPredReshaped);
                assertAllClose(output, 0.0);

                double expected = (-Math.log(0.2) - Math.log(0.4)) / 16.0;
                yPredReshaped = NdArray.of(moveLastAxisToFront(binaryPred2(), 16, 2), 2, 4, 4);
                output = scce().axis(0).build().call(yTrue, yPredReshaped);
                assertAllClose(output, expected);

                NdArray yTrue3 = NdArray.of(repeat(binaryTrue, 3), 3, 4, 4);
                NdArray yPred3 = NdArray.of(repeat(moveLastAxisToFront(binaryPred2(), 16, 2), 3), 3, 2, 4, 4);
                output = scce().axis(1).build().call(yTrue3, yPred3);
                assertAllClose(output, expected);
            }

            /**
             * Torch-only in Keras ("Channels-first axis only supported on Torch"), with random inputs; seeded here.
             * A label dimension of 1 on the class axis is squeezed.
             */
            @Test
            void test_squeezes_singleton_class_dim_on_user_axis() {
                Random rnd = new Random(0);
                float[] yTrue = new float[2 * 4 * 4];
                for (int i = 0; i < yTrue.length; i++) {
                    yTrue[i] = rnd.nextInt(2);
                }
                float[] yPred = new float[2 * 2 * 4 * 4];
                for (int i = 0; i < yPred.length; i++) {
                    yPred[i] = rnd.nextFloat();
                }
                NdArray loss = Losses.sparseCategoricalCrossentropy(NdArray.of(yTrue, 2, 1, 4, 4),
                        NdArray.of(yPred, 2, 2, 4, 4), false, null, 1);
                assertArrayEquals(new int[] {2, 4, 4}, loss.shape());
            }

            /** {@code np.array([[0, 1, 2, 0], [1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 1]])} */
            final long[] multiTrue = {0, 1, 2, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1};

            double[] multiPred() {
                double[] p = new double[48];
                for (int i = 0; i < 16; i++) {
                    p[3 * i + (int) multiTrue[i]] = 1.0;
                }
                return p;
            }

            /** Pixel (0, 3) is [0.2, 0, 0.8], (1, 0) is [0.7, 0.3, 0], (3, 2) is [0.5, 0.5, 0]. */
            double[] multiPred2() {
                double[] p = multiPred();
                System.arraycopy(new double[] {0.2, 0.0, 0.8}, 0, p, 3 * 3, 3);
                System.arraycopy(new double[] {0.7, 0.3, 0.0}, 0, p, 3 * 4, 3);
                System.arraycopy(new double[] {0.5, 0.5, 0.0}, 0, p, 3 * 14, 3);
                return p;
            }

            @Test
            void test_multi_class_segmentation() {
                NdArray yTrue = NdArray.of(multiTrue, 4, 4);
                NdArray output = scce().build().call(yTrue, NdArray.of(multiPred(), 4, 4, 3));
                assertAllClose(output, 0.0);

                double expected = (-Math.log(0.2) - Math.log(0.3) - Math.log(0.5)) / 16.0; // 16 pixels
                output = scce().build().call(yTrue, NdArray.of(multiPred2(), 4, 4, 3));
                assertAllClose(output, expected);
            }

            /** As {@link #test_binary_segmentation_different_axis()}: Keras's torch branch (TensorFlow raises). */
            @Test
            void test_multi_class_segmentation_different_axis() {
                NdArray yTrue = NdArray.of(multiTrue, 4, 4);
                NdArray yPredReshaped = NdArray.of(moveLastAxisToFront(multiPred(), 16, 3), 3, 4, 4);
                NdArray output = scce().axis(0).build().call(yTrue, yPredReshaped);
                assertAllClose(output, 0.0);

                double expected = (-Math.log(0.2) - Math.log(0.3) - Math.log(0.5)) / 16.0;
                yPredReshaped = NdArray.of(moveLastAxisToFront(multiPred2(), 16, 3), 3, 4, 4);
                output = scce().axis(0).build().call(yTrue, yPredReshaped);
                assertAllClose(output, expected);

                NdArray yTrue3 = NdArray.of(repeat(multiTrue, 3), 3, 4, 4);
                NdArray yPred3 = NdArray.of(repeat(moveLastAxisToFront(multiPred2(), 16, 3), 3), 3, 3, 4, 4);
                output = scce().axis(1).build().call(yTrue3, yPred3);
                assertAllClose(output, expected);
            }

            @Test
            void test_dtype_arg() {
                // Keras: SparseCategoricalCrossentropy(dtype="bfloat16") and assertDType(loss, "bfloat16");
                // refused here (float32 and float64 only).
                Map<String, Object> config = new LinkedHashMap<>();
                config.put("dtype", "bfloat16");
                assertThrows(IllegalArgumentException.class,
                        () -> dev.xent.losses.SparseCategoricalCrossentropy.fromConfig(config));
            }
        }
    }

    // ---- numpy helpers ---------------------------------------------------------------------------------------

    /** {@code np.moveaxis(x, -1, 0)} for x of shape (rows, classes) flattened: gives (classes, rows). */
    static double[] moveLastAxisToFront(double[] x, int rows, int classes) {
        double[] out = new double[x.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < classes; c++) {
                out[c * rows + r] = x[r * classes + c];
            }
        }
        return out;
    }

    /** {@code np.array([x] * n)}, flattened. */
    static double[] repeat(double[] x, int n) {
        double[] out = new double[x.length * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, 0, out, i * x.length, x.length);
        }
        return out;
    }

    static long[] repeat(long[] x, int n) {
        long[] out = new long[x.length * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, 0, out, i * x.length, x.length);
        }
        return out;
    }
}
