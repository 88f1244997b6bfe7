package dev.xent.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.losses.Loss;
import dev.xent.losses.Reduction;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.DType;
import dev.xent.saving.Serialization;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The catalogue's descriptions drive the classes' configs and serialization, for every function. */
class CatalogTest {

    static Stream<KerasFunction> functions() {
        return Catalog.all().stream();
    }

    @Test
    void namesAreUniqueAndFindTheirFunction() {
        Set<String> seen = new HashSet<>();
        for (KerasFunction f : Catalog.all()) {
            assertTrue(seen.add(f.name()), f.name());
            assertSame(f, Catalog.get(f.name()));
            if (f.hasMetricClass()) {
                assertSame(f, Catalog.get(f.metricClassName()));
            }
            if (f.hasLoss()) {
                assertSame(f, Catalog.get(f.lossClassName()));
            }
        }
        assertEquals(12, Catalog.all().size());
        assertNull(Catalog.find("AUC"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Catalog.get("AUC"));
        assertTrue(e.getMessage().startsWith("name (\"AUC\") must be one of sparse_categorical_crossentropy,"),
                e.getMessage());
    }

    /**
     * The strings Keras 3.15.1's {@code keras.metrics.get} and {@code keras.losses.get} accept (checked against
     * {@code compile(...).evaluate} there): metrics by class name and snake_case class name, plus {@code bce}/{@code BCE};
     * losses by function and class name, plus {@code bce}/{@code BCE} and {@code kld}/{@code KLD}. The focal losses
     * have no metric string; the accuracies no loss string.
     */
    @Test
    void kerasIdentifiers() {
        for (KerasFunction f : Catalog.all()) {
            if (f.hasMetricClass()) {
                assertEquals(f.name(), KerasFunction.toSnakeCase(f.metricClassName()), f.name());
                assertSame(f, Catalog.findKerasMetric(f.name()));
                assertSame(f, Catalog.findKerasMetric(f.metricClassName()));
            } else {
                assertEquals(List.of(), f.kerasMetricIdentifiers());
                assertNull(Catalog.findKerasMetric(f.name()));
            }
            if (f.hasLoss()) {
                assertSame(f, Catalog.findKerasLoss(f.name()));
                assertSame(f, Catalog.findKerasLoss(f.lossClassName()));
            } else {
                assertEquals(List.of(), f.kerasLossIdentifiers());
                assertNull(Catalog.findKerasLoss(f.name()));
            }
        }
        assertEquals(List.of("BinaryCrossentropy", "binary_crossentropy", "bce", "BCE"),
                Catalog.BINARY_CROSSENTROPY.kerasMetricIdentifiers());
        assertEquals(List.of("kl_divergence", "KLDivergence", "kld", "KLD"), Catalog.KL_DIVERGENCE.kerasLossIdentifiers());
        assertSame(Catalog.KL_DIVERGENCE, Catalog.findKerasLoss("KLD"));
        assertNull(Catalog.findKerasMetric("kld"));
        assertNull(Catalog.findKerasMetric("auc"));
        assertNull(Catalog.findKerasLoss("accuracy"));
        assertEquals("sparse_top_k_categorical_accuracy", KerasFunction.toSnakeCase("SparseTopKCategoricalAccuracy"));
        assertEquals("kl_divergence", KerasFunction.toSnakeCase("KLDivergence"));
        assertEquals("auc", KerasFunction.toSnakeCase("AUC"));
    }

    @ParameterizedTest
    @MethodSource("functions")
    void metricConfigRoundTripsThroughSerialization(KerasFunction f) {
        MeanMetricWrapper m = f.newMetric(Map.of());
        assertEquals(f.name(), m.name());
        assertSame(f, m.function());
        Map<String, Object> config = m.getConfig();
        assertEquals(List.of("name", "dtype"), new ArrayList<>(config.keySet()).subList(0, 2));
        Map<String, Object> serialized = Serialization.serializeKerasObject(m);
        assertEquals("keras.metrics", serialized.get("module"));
        assertEquals(f.metricClassName(), serialized.get("class_name"));
        MeanMetricWrapper back = Serialization.deserializeMetric(serialized);
        assertEquals(m.getClass(), back.getClass());
        assertEquals(config, back.getConfig());
        Object any = Serialization.deserializeKerasObject(serialized);
        assertTrue(any instanceof MeanMetricWrapper);
    }

    @ParameterizedTest
    @MethodSource("functions")
    void lossConfigRoundTripsThroughSerialization(KerasFunction f) {
        if (!f.hasLoss()) {
            assertThrows(UnsupportedOperationException.class, () -> f.newLoss(Map.of()));
            assertThrows(IllegalArgumentException.class, () -> Serialization.lossFromConfig(f.name(), Map.of()));
            return;
        }
        Loss l = f.newLoss(Map.of());
        assertEquals(f.name(), l.name());
        assertTrue(f.hasGradient(), f.name());
        assertEquals(Reduction.SUM_OVER_BATCH_SIZE, l.reduction());
        Map<String, Object> config = l.getConfig();
        assertEquals(List.of("name", "reduction"), new ArrayList<>(config.keySet()).subList(0, 2));
        assertEquals(f.loss().configKeys().stream().filter(config::containsKey).count(), config.size() - 2);
        Map<String, Object> serialized = Serialization.serializeKerasObject(l);
        assertEquals(Map.of("module", "keras.losses", "class_name", f.lossClassName(), "config", config),
                withoutRegisteredName(serialized));
        Loss back = Serialization.deserializeLoss(serialized);
        assertEquals(l.getClass(), back.getClass());
        assertEquals(config, back.getConfig());
        // tf.keras 2: no module, reduction "auto" (its default, sum_over_batch_size outside a distribution strategy).
        Map<String, Object> legacyConfig = new LinkedHashMap<>(config);
        legacyConfig.put("reduction", "auto");
        Object legacy = Serialization.deserializeKerasObject(Map.of("class_name", f.lossClassName(), "config",
                legacyConfig));
        assertEquals(config, ((Loss) legacy).getConfig());
        // A loss function given to compile() by name: Keras 3 serializes it as a function.
        Loss byFunction = Serialization.deserializeLoss(Map.of("module", "builtins", "class_name", "function",
                "config", f.name(), "registered_name", "function"));
        assertEquals(f.name(), byFunction.name());
        assertSame(f, byFunction.function());
    }

    private static Map<String, Object> withoutRegisteredName(Map<String, Object> serialized) {
        Map<String, Object> m = new LinkedHashMap<>(serialized);
        assertTrue(m.containsKey("registered_name"));
        assertNull(m.remove("registered_name"));
        return m;
    }

    @Test
    void configKeysFollowKerasOrderAndTypes() {
        assertEquals(List.of("name", "reduction", "from_logits", "label_smoothing", "axis", "apply_class_balancing",
                "alpha", "gamma"), keys(Catalog.BINARY_FOCAL_CROSSENTROPY.newLoss(Map.of()).getConfig()));
        assertEquals(List.of("name", "reduction", "from_logits", "label_smoothing", "axis", "alpha", "gamma"),
                keys(Catalog.CATEGORICAL_FOCAL_CROSSENTROPY.newLoss(Map.of()).getConfig()));
        assertEquals(List.of("name", "dtype", "from_logits", "label_smoothing"),
                keys(Catalog.BINARY_CROSSENTROPY.newMetric(Map.of()).getConfig()));
        assertEquals(List.of("name", "reduction", "from_logits", "label_smoothing", "axis"),
                keys(Catalog.BINARY_CROSSENTROPY.newLoss(Map.of()).getConfig()));
        assertEquals(List.of("name", "dtype", "threshold"),
                keys(Catalog.BINARY_ACCURACY.newMetric(Map.of()).getConfig()));
        assertEquals(List.of("name", "reduction"), keys(Catalog.KL_DIVERGENCE.newLoss(Map.of()).getConfig()));
        assertEquals(List.of("name", "dtype"), keys(Catalog.POISSON.newMetric(Map.of()).getConfig()));
        // Keras's metric writes label_smoothing as the int 0, its loss as the float 0.0.
        assertEquals(0, Catalog.BINARY_CROSSENTROPY.newMetric(Map.of()).getConfig().get("label_smoothing"));
        assertEquals(0.0, Catalog.BINARY_CROSSENTROPY.newLoss(Map.of()).getConfig().get("label_smoothing"));
        assertEquals(0.25, Catalog.BINARY_FOCAL_CROSSENTROPY.newLoss(Map.of()).getConfig().get("alpha"));
        // A config's number keeps its type.
        assertEquals(3, Catalog.BINARY_FOCAL_CROSSENTROPY.newLoss(Map.of("gamma", 3)).getConfig().get("gamma"));
    }

    @Test
    void focalMetricIsAMeanMetricWrapperWritingItsFunctionAndTheArgumentsGiven() {
        MeanMetricWrapper m = Catalog.BINARY_FOCAL_CROSSENTROPY.newMetric(Map.of());
        assertEquals(MeanMetricWrapper.class, m.getClass());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("name", "binary_focal_crossentropy");
        expected.put("dtype", "float32");
        expected.put("fn", Map.of("module", "builtins", "class_name", "function", "config",
                "binary_focal_crossentropy", "registered_name", "function"));
        assertEquals(expected, m.getConfig());
        MeanMetricWrapper gamma3 = MeanMetricWrapper.builder(Catalog.BINARY_FOCAL_CROSSENTROPY).set("gamma", 3.0)
                .build();
        assertEquals(3.0, gamma3.getConfig().get("gamma"));
        MeanMetricWrapper back = Serialization.deserializeMetric(Serialization.serializeKerasObject(gamma3));
        assertEquals(gamma3.getConfig(), back.getConfig());
        assertEquals(3.0, back.arguments().number("gamma"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Catalog.BINARY_FOCAL_CROSSENTROPY.newMetric(Map.of("fn", "poisson")));
        assertTrue(e.getMessage().contains("'fn'"), e.getMessage());
    }

    @Test
    void argumentsAreCheckedWithOneLineRules() {
        assertEquals("labelSmoothing (1.5) must be in [0, 1]", assertThrows(IllegalArgumentException.class,
                () -> dev.xent.losses.BinaryCrossentropy.builder().labelSmoothing(1.5).build()).getMessage());
        assertEquals("gamma (-1.0) must be >= 0", assertThrows(IllegalArgumentException.class,
                () -> dev.xent.losses.BinaryFocalCrossentropy.builder().gamma(-1).build()).getMessage());
        assertEquals("BinaryCrossentropy config 'from_logits' (\"yes\") must be true or false",
                assertThrows(IllegalArgumentException.class,
                        () -> dev.xent.metrics.BinaryCrossentropy.fromConfig(Map.of("from_logits", "yes")))
                        .getMessage());
        // Keras's BinaryCrossentropy metric has no axis (it averages over the last axis).
        IllegalArgumentException noAxis = assertThrows(IllegalArgumentException.class,
                () -> dev.xent.metrics.BinaryCrossentropy.fromConfig(Map.of("axis", 1)));
        assertTrue(noAxis.getMessage().contains("'axis'"), noAxis.getMessage());
        // Extensions are builder options, never config keys.
        assertThrows(IllegalArgumentException.class,
                () -> dev.xent.metrics.SparseCategoricalCrossentropy.fromConfig(Map.of("normalize_before_clip", true)));
        assertEquals(List.of(0.1, 0.2, 0.7), dev.xent.losses.CategoricalFocalCrossentropy.builder()
                .alpha(0.1, 0.2, 0.7).build().getConfig().get("alpha"));
        assertThrows(IllegalArgumentException.class, () -> Catalog.CATEGORICAL_FOCAL_CROSSENTROPY.newLoss(
                Map.of("alpha", List.of())));
    }

    @Test
    void typedBuildersAndGenericConfigsAgree() {
        var typed = dev.xent.losses.BinaryFocalCrossentropy.builder().applyClassBalancing(true).alpha(0.4).gamma(1.5)
                .fromLogits(true).labelSmoothing(0.1).axis(1).reduction(Reduction.SUM).dtype(DType.FLOAT64).build();
        Loss generic = Catalog.BINARY_FOCAL_CROSSENTROPY.newLoss(Map.of("apply_class_balancing", true, "alpha", 0.4,
                "gamma", 1.5, "from_logits", true, "label_smoothing", 0.1, "axis", 1, "reduction", "sum",
                "dtype", "float64"));
        assertEquals(typed.getConfig(), generic.getConfig());
        assertEquals(typed.arguments(), generic.arguments());
        assertEquals(DType.FLOAT64, generic.dtype());
        assertEquals(typed.getConfig(), typed.toBuilder().build().getConfig());
        assertNotNull(Catalog.BINARY_FOCAL_CROSSENTROPY.argument("gamma"));
        assertEquals("--apply-class-balancing", Catalog.BINARY_FOCAL_CROSSENTROPY.argument("apply_class_balancing")
                .optionName());
    }

    private static List<String> keys(Map<String, Object> m) {
        return new ArrayList<>(m.keySet());
    }
}
