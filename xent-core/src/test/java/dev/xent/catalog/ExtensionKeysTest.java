package dev.xent.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.losses.Loss;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.saving.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link KerasFunction#newMetric} and {@link KerasFunction#newLoss} take xent's extensions in the same map as the
 * Keras keys (what the command line and Spark pass), keeping the metric or loss class; a Keras config (a class's
 * {@code fromConfig}, {@link Serialization}) never holds them.
 */
class ExtensionKeysTest {

    @Test
    void extensionsGoToTheBuilderAndKeepTheClass() {
        MeanMetricWrapper m = Catalog.SPARSE_CATEGORICAL_CROSSENTROPY.newMetric(Map.of("from_logits", true,
                "normalize_before_clip", true, "exclude_ignored_from_count", true));
        assertTrue(m instanceof dev.xent.metrics.SparseCategoricalCrossentropy, m.getClass().getName());
        assertEquals(true, m.arguments().get("normalize_before_clip"));
        assertEquals(true, m.arguments().get("exclude_ignored_from_count"));
        assertEquals(true, m.getConfig().get("from_logits"));
        assertEquals(false, m.getConfig().containsKey("normalize_before_clip"), m.getConfig().toString());

        Loss l = Catalog.CATEGORICAL_CROSSENTROPY.newLoss(Map.of("smooth_over_class_axis", true, "reduction", "sum"));
        assertTrue(l instanceof dev.xent.losses.CategoricalCrossentropy, l.getClass().getName());
        assertEquals(true, l.arguments().get("smooth_over_class_axis"));
        assertEquals("sum", l.getConfig().get("reduction"));

        MeanMetricWrapper focal = Catalog.CATEGORICAL_FOCAL_CROSSENTROPY.newMetric(Map.of("smooth_over_class_axis",
                true));
        assertEquals(true, focal.arguments().get("smooth_over_class_axis"));
        assertEquals(focal.getConfig(), focal.toBuilder().build().getConfig());
    }

    @Test
    void anExtensionTheClassLacksIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Catalog.SPARSE_CATEGORICAL_CROSSENTROPY.newLoss(Map.of("exclude_ignored_from_count", true)));
        assertTrue(e.getMessage().contains("'exclude_ignored_from_count' is not an argument of"
                + " SparseCategoricalCrossentropy"), e.getMessage());
    }

    @Test
    void kerasConfigsNeverHoldExtensions() {
        assertThrows(IllegalArgumentException.class,
                () -> Serialization.metricFromConfig("sparse_categorical_crossentropy",
                        Map.of("normalize_before_clip", true)));
        assertThrows(IllegalArgumentException.class,
                () -> Serialization.lossFromConfig("CategoricalCrossentropy", Map.of("smooth_over_class_axis", true)));
    }
}
