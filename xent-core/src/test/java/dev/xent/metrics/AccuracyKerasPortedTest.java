package dev.xent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import dev.xent.saving.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keras's own tests ({@code keras/src/metrics/accuracy_metrics_test.py}, Keras 3.15.1) for the four accuracy
 * metrics, with their inputs, numbers and tolerances, plus the docstring examples and the edge cases this port
 * decides (ties, NaN, signed zeros, configs).
 */
class AccuracyKerasPortedTest {

    static final NdArray CAT_TRUE = NdArray.of(new int[] {0, 0, 1, 0, 1, 0}, 2, 3);
    static final NdArray PRED_9_8 = NdArray.of(new double[] {0.1, 0.9, 0.8, 0.05, 0.95, 0}, 2, 3);
    static final NdArray PRED_6_3 = NdArray.of(new double[] {0.1, 0.6, 0.3, 0.05, 0.95, 0}, 2, 3);
    static final NdArray W_7_3 = NdArray.of(new double[] {0.7, 0.3});

    // ---- CategoricalAccuracyTest ------------------------------------------------------------------------------

    @Test
    void categoricalConfig() {
        var m = CategoricalAccuracy.builder().name("categorical_accuracy").dtype(DType.FLOAT32).build();
        assertEquals("categorical_accuracy", m.name());
        assertEquals(Map.of("name", "categorical_accuracy", "dtype", "float32"), m.getConfig());
        var m2 = CategoricalAccuracy.fromConfig(m.getConfig());
        assertEquals("categorical_accuracy", m2.name());
        assertEquals(DType.FLOAT32, m2.dtype());
    }

    @Test
    void categoricalUnweighted() {
        var m = CategoricalAccuracy.builder().build();
        m.updateState(CAT_TRUE, PRED_9_8);
        assertEquals(0.5, m.result(), 1e-3);
    }

    @Test
    void categoricalWeighted() {
        var m = CategoricalAccuracy.builder().build();
        m.updateState(CAT_TRUE, PRED_9_8, W_7_3);
        assertEquals(0.3, m.result(), 1e-3);
    }

    // ---- SparseCategoricalAccuracyTest ------------------------------------------------------------------------

    @Test
    void sparseConfig() {
        var m = SparseCategoricalAccuracy.builder().name("sparse_categorical_accuracy").build();
        assertEquals(Map.of("name", "sparse_categorical_accuracy", "dtype", "float32"), m.getConfig());
        assertEquals("sparse_categorical_accuracy", SparseCategoricalAccuracy.fromConfig(m.getConfig()).name());
    }

    @Test
    void sparseUnweighted() {
        var m = SparseCategoricalAccuracy.builder().build();
        m.updateState(NdArray.of(new int[] {2, 1}, 2, 1), PRED_6_3);
        assertEquals(0.5, m.result(), 1e-3);
        assertEquals(2.0, m.count());
        assertEquals(1.0, m.total());
    }

    @Test
    void sparseWeighted() {
        var m = SparseCategoricalAccuracy.builder().build();
        m.updateState(NdArray.of(new int[] {2, 1}, 2, 1), PRED_6_3, W_7_3);
        assertEquals(0.3, m.result(), 1e-3);
        assertEquals(1.0, m.count(), 1e-7);
    }

    @Test
    void sparseSqueezeYTrue() {
        var m = SparseCategoricalAccuracy.builder().build();
        m.updateState(NdArray.of(new int[] {0, 1, 2}, 3, 1),
                NdArray.of(new double[] {0.9, 0.05, 0.05, 0.05, 0.9, 0.05, 0.05, 0.05, 0.9}, 3, 3));
        assertEquals(1.0, m.result(), 1e-4);
    }

    @Test
    void sparseCastYPredDtype() {
        var m = SparseCategoricalAccuracy.builder().build();
        m.updateState(NdArray.of(new long[] {0, 1}), NdArray.of(new float[] {0.9f, 0.1f, 0.1f, 0.9f}, 2, 2));
        assertEquals(1.0, m.result(), 1e-4);
    }

    @Test
    void sparseReshapeMatches() {
        // labels (2, 1) against predictions (1, 2, 3): Keras broadcasts the comparison to (2, 2).
        var m = SparseCategoricalAccuracy.builder().build();
        m.updateState(NdArray.of(new long[] {0, 0}, 2, 1),
                NdArray.of(new float[] {0.9f, 0.1f, 0.0f, 0.8f, 0.15f, 0.05f}, 1, 2, 3));
        assertEquals(1.0, m.result(), 1e-6);
    }

    @Test
    void sparseSqueezeYTrueShape() {
        var m = SparseCategoricalAccuracy.builder().build();
        m.updateState(NdArray.of(new int[] {0, 1, 2}, 3, 1),
                NdArray.of(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, 3));
        assertEquals(1.0, m.result(), 1e-4);
    }

    @Test
    void sparseCastYPredToMatchYTrueDtype() {
        var m = SparseCategoricalAccuracy.builder().build();
        m.updateState(NdArray.of(new int[] {0, 1, 2}),
                NdArray.of(new double[] {0.9, 0.1, 0.0, 0.0, 0.9, 0.1, 0.1, 0.0, 0.9}, 3, 3));
        assertEquals(1.0, m.result(), 1e-4);
    }

    @Test
    void sparseReshapeMatchesToOriginalYTrueShape() {
        var m = SparseCategoricalAccuracy.builder().build();
        m.updateState(NdArray.of(new int[] {0, 1}, 2, 1), NdArray.of(new double[] {0.9, 0.1, 0.1, 0.9}, 2, 2));
        assertEquals(1.0, m.result(), 1e-4);
    }

    @Test
    void sparseMatchingShapesWithoutSqueeze() {
        var m = SparseCategoricalAccuracy.builder().build();
        m.updateState(NdArray.of(new int[] {2, 1, 0}), NdArray.of(new float[] {0, 0, 1, 0, 1, 0, 1, 0, 0}, 3, 3));
        assertEquals(1.0, m.result(), 1e-4);
    }

    // ---- TopKCategoricalAccuracyTest --------------------------------------------------------------------------

    @Test
    void topKConfig() {
        var m = TopKCategoricalAccuracy.builder().k(1).build();
        assertEquals("top_k_categorical_accuracy", m.name());
        Map<String, Object> c = m.getConfig();
        assertEquals("float32", c.get("dtype"));
        assertEquals(1, c.get("k"));
        assertEquals(1, TopKCategoricalAccuracy.fromConfig(c).k());
    }

    @Test
    void topKUnweighted() {
        var m = TopKCategoricalAccuracy.builder().k(1).build();
        m.updateState(CAT_TRUE, PRED_9_8.reshape(2, 3));
        assertEquals(0.5, m.result(), 1e-3);
    }

    @Test
    void topKWeighted() {
        var m = TopKCategoricalAccuracy.builder().k(1).build();
        m.updateState(CAT_TRUE, PRED_9_8, W_7_3);
        assertEquals(0.3, m.result(), 1e-3);
    }

    // ---- SparseTopKCategoricalAccuracyTest --------------------------------------------------------------------

    @Test
    void sparseTopKConfig() {
        var m = SparseTopKCategoricalAccuracy.builder().k(1).build();
        Map<String, Object> c = m.getConfig();
        assertEquals(Map.of("name", "sparse_top_k_categorical_accuracy", "dtype", "float32", "k", 1), c);
        var m2 = SparseTopKCategoricalAccuracy.fromConfig(c);
        assertEquals(1, m2.k());
        assertFalse(m2.fromSortedIds());
    }

    @Test
    void sparseTopKConfigFromSortedIds() {
        var m = SparseTopKCategoricalAccuracy.builder().k(1).fromSortedIds(true).build();
        assertEquals(true, m.getConfig().get("from_sorted_ids"));
        assertTrue(SparseTopKCategoricalAccuracy.fromConfig(m.getConfig()).fromSortedIds());
    }

    @Test
    void sparseTopKUnweighted() {
        var m = SparseTopKCategoricalAccuracy.builder().k(1).build();
        m.updateState(NdArray.of(new int[] {2, 1}), PRED_9_8);
        assertEquals(0.5, m.result(), 1e-3);
    }

    @Test
    void sparseTopKWeighted() {
        var m = SparseTopKCategoricalAccuracy.builder().k(1).build();
        m.updateState(NdArray.of(new int[] {2, 1}), PRED_9_8, W_7_3);
        assertEquals(0.3, m.result(), 1e-3);
    }

    @Test
    void sparseTopKFromSortedIdsUnweighted() {
        var m = SparseTopKCategoricalAccuracy.builder().k(1).fromSortedIds(true).build();
        m.updateState(NdArray.of(new int[] {2, 1}), NdArray.of(new int[] {1, 0, 3, 1, 2, 3}, 2, 3));
        assertEquals(0.5, m.result(), 1e-3);
    }

    @Test
    void sparseTopKFromSortedIdsWeighted() {
        var m = SparseTopKCategoricalAccuracy.builder().k(1).fromSortedIds(true).build();
        m.updateState(NdArray.of(new int[] {2, 1}), NdArray.of(new int[] {1, 0, 3, 1, 2, 3}, 2, 3), W_7_3);
        assertEquals(0.3, m.result(), 1e-3);
    }

    // ---- the docstring examples and the rules this port pins --------------------------------------------------

    @Test
    void docstringExamples() {
        var sparse = SparseCategoricalAccuracy.builder().build();
        sparse.updateState(NdArray.of(new int[] {2, 1}), PRED_6_3);
        assertEquals(0.5, sparse.result(), 1e-7);
        var sorted = SparseTopKCategoricalAccuracy.builder().k(1).fromSortedIds(true).build();
        sorted.updateState(NdArray.of(new int[] {2, 1}), NdArray.of(new float[] {1, 0, 3, 1, 2, 3}, 2, 3));
        assertEquals(0.5, sorted.result(), 1e-7);
    }

    @Test
    void tiesArgmaxFirstTopKHit() {
        NdArray tied = NdArray.of(new float[] {0.5f, 0.5f}, 1, 2);
        assertEquals(0.0f, Metrics.sparseCategoricalAccuracy(NdArray.of(new int[] {1}), tied).toFloatArray()[0]);
        assertEquals(1.0f, Metrics.sparseCategoricalAccuracy(NdArray.of(new int[] {0}), tied).toFloatArray()[0]);
        assertEquals(1.0f,
                Metrics.sparseTopKCategoricalAccuracy(NdArray.of(new int[] {1}), tied, 1, false).toFloatArray()[0]);
    }

    @Test
    void nanAndInfinities() {
        // TensorFlow's argmax never picks NaN; in_top_k misses on any non-finite score in the row.
        NdArray p = NdArray.of(new float[] {Float.NaN, 0.2f, 0.1f, 0.1f, Float.POSITIVE_INFINITY, 0f}, 2, 3);
        float[] acc = Metrics.sparseCategoricalAccuracy(NdArray.of(new int[] {1, 1}), p).toFloatArray();
        assertEquals(1.0f, acc[0]);
        assertEquals(1.0f, acc[1]);
        float[] top = Metrics.sparseTopKCategoricalAccuracy(NdArray.of(new int[] {1, 1}), p, 3, false).toFloatArray();
        assertEquals(0.0f, top[0]);
        assertEquals(0.0f, top[1]);
        NdArray allNan = NdArray.of(new float[] {Float.NaN, Float.NaN}, 1, 2);
        assertEquals(1.0f, Metrics.sparseCategoricalAccuracy(NdArray.of(new int[] {0}), allNan).toFloatArray()[0]);
    }

    @Test
    void negativeZeroLosesToZero() {
        NdArray p = NdArray.of(new float[] {-0.0f, 0.0f, -1f}, 1, 3);
        assertEquals(1.0f, Metrics.sparseCategoricalAccuracy(NdArray.of(new int[] {1}), p).toFloatArray()[0]);
    }

    @Test
    void labelsKerasDoesNotRejectAreMisses() {
        NdArray p = NdArray.of(new float[] {0.1f, 0.2f, 0.7f, 0.5f, 0.3f, 0.2f}, 2, 3);
        assertEquals(0.0f, Metrics.sparseCategoricalAccuracy(NdArray.of(new int[] {3, -1}), p).toFloatArray()[0]);
        // top-k truncates float labels toward zero, as TensorFlow's cast does
        float[] top = Metrics.sparseTopKCategoricalAccuracy(NdArray.of(new float[] {2.7f, -0.5f}), p, 1, false)
                .toFloatArray();
        assertEquals(1.0f, top[0]);
        assertEquals(1.0f, top[1]);
    }

    @Test
    void badShapesAndConfigs() {
        assertThrows(IllegalArgumentException.class,
                () -> Metrics.categoricalAccuracy(NdArray.of(new float[] {0, 1}, 1, 2), PRED_9_8));
        assertThrows(IllegalArgumentException.class,
                () -> Metrics.sparseCategoricalAccuracy(NdArray.of(new int[] {0, 1, 2}), PRED_9_8));
        assertThrows(IllegalArgumentException.class,
                () -> SparseCategoricalAccuracy.fromConfig(Map.of("k", 3)));
        assertThrows(IllegalArgumentException.class,
                () -> Metrics.topKCategoricalAccuracy(NdArray.of(new float[] {0, 1}), NdArray.of(new float[] {0, 1}), 1));
    }

    @Test
    void serializationRegistry() {
        for (String name : new String[] {"SparseCategoricalAccuracy", "sparse_categorical_accuracy",
                "CategoricalAccuracy", "categorical_accuracy", "SparseTopKCategoricalAccuracy",
                "sparse_top_k_categorical_accuracy", "TopKCategoricalAccuracy", "top_k_categorical_accuracy"}) {
            assertTrue(Serialization.metricFromConfig(name, Map.of()) instanceof MeanMetricWrapper, name);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Serialization.metricFromConfig("AUC", Map.of()));
        assertTrue(e.getMessage().contains("AUC") && e.getMessage().contains("BinaryAccuracy"), e.getMessage());
    }

    @Test
    void mergeAndStateless() {
        var a = SparseCategoricalAccuracy.builder().build();
        var b = SparseCategoricalAccuracy.builder().build();
        a.updateState(NdArray.of(new int[] {2}), PRED_6_3.slice(0, 1));
        b.updateState(NdArray.of(new int[] {1}), PRED_6_3.slice(1, 1));
        a.merge(b);
        assertEquals(0.5, a.result());
        assertThrows(IllegalArgumentException.class, () -> a.merge(a));
        MeanState s = a.statelessUpdateState(MeanState.ZERO, NdArray.of(new int[] {1}), PRED_6_3.slice(1, 1), null);
        assertEquals(1.0, s.result());
    }
}
