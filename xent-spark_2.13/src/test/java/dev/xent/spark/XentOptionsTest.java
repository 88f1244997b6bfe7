package dev.xent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.losses.Loss;
import dev.xent.metrics.MeanMetricWrapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Options by Keras key for every catalogue function, without Spark. */
class XentOptionsTest {

    @Test
    void argumentsReachTheCoreThroughTheCatalogue() {
        XentOptions o = XentOptions.builder().set("from_logits", true).set("gamma", 3.0).set("alpha", 0.5).build();
        Loss focal = o.loss(Catalog.get("binary_focal_crossentropy"));
        assertEquals(3.0, focal.arguments().number("gamma"));
        assertEquals(0.5, focal.arguments().number("alpha"));
        assertEquals(true, focal.arguments().bool("from_logits"));
        MeanMetricWrapper top = XentOptions.builder().set("k", 2).build()
                .metric(Catalog.get("top_k_categorical_accuracy"));
        assertEquals(2, top.arguments().integer("k"));
        // A list alpha (one weight per class) is the categorical focal loss's.
        Loss categoricalFocal = XentOptions.builder().set("alpha", new double[] {0.25, 0.75}).build()
                .loss(Catalog.get("categorical_focal_crossentropy"));
        assertEquals(List.of(0.25, 0.75), categoricalFocal.arguments().get("alpha"));
        // Extensions reach the classes that have them.
        assertEquals(true, XentOptions.builder().normalizeBeforeClip(true).build()
                .loss(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY).arguments().bool("normalize_before_clip"));
        assertEquals(true, XentOptions.builder().set("smooth_over_class_axis", true).build()
                .metric(Catalog.CATEGORICAL_CROSSENTROPY).arguments().bool("smooth_over_class_axis"));
    }

    @Test
    void everyFunctionBuildsWithTheDefaults() {
        for (KerasFunction f : Catalog.all()) {
            assertEquals(f, XentOptions.defaults().metric(f).function(), f.name());
            if (f.hasLoss()) {
                assertEquals(f, XentOptions.defaults().loss(f).function(), f.name());
            }
        }
    }

    @Test
    void theTypedSettersAreTheKerasKeys() {
        XentOptions typed = XentOptions.builder().fromLogits(true).ignoreClass(255).axis(1).build();
        XentOptions keyed = XentOptions.builder().set("from_logits", true).set("ignore_class", 255).set("axis", 1)
                .build();
        assertEquals(typed, keyed);
        assertEquals(Map.of("from_logits", true, "ignore_class", 255, "axis", 1), typed.arguments());
        assertTrue(typed.fromLogits());
        assertEquals(255, typed.ignoreClass());
        assertEquals(0.0, typed.labelSmoothing());
        // A default is no argument: these equal the defaults.
        assertEquals(XentOptions.defaults(), XentOptions.builder().fromLogits(false).ignoreClass(null)
                .labelSmoothing(0).set("gamma", 2).build());
    }

    @Test
    void anArgumentAFunctionDoesNotTakeIsRefusedNamingBoth() {
        assertEquals("gamma (3.0) is not an option of categorical_crossentropy; it must be 2.0",
                message(() -> XentOptions.builder().set("gamma", 3.0).build()
                        .metric(Catalog.CATEGORICAL_CROSSENTROPY)));
        assertEquals("labelSmoothing (0.1) is not an option of sparse_categorical_crossentropy; it must be 0.0",
                message(() -> XentOptions.builder().labelSmoothing(0.1).build()
                        .metric(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY)));
        assertEquals("excludeIgnoredFromCount (true) is not an option of sparse_categorical_crossentropy's loss; it"
                        + " must be false",
                message(() -> XentOptions.builder().excludeIgnoredFromCount(true).build()
                        .loss(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY)));
        assertEquals("axis (1) is not an option of binary_crossentropy's metric; it must be -1",
                message(() -> XentOptions.builder().axis(1).build().metric(Catalog.get("binary_crossentropy"))));
        assertEquals("binary_accuracy has no loss in Keras: it is a metric only",
                message(() -> XentOptions.defaults().loss(Catalog.get("binary_accuracy"))));
    }

    @Test
    void unknownKeysAndBadValuesAreRefusedWhenSet() {
        assertTrue(message(() -> XentOptions.builder().set("gama", 3.0)).startsWith(
                "'gama' is not an argument of any Keras function here; the arguments are [from_logits, "), "");
        assertEquals("labelSmoothing (1.5) must be in [0, 1]",
                message(() -> XentOptions.builder().labelSmoothing(1.5)));
        assertEquals("XentOptions config 'from_logits' (\"yes\") must be true or false",
                message(() -> XentOptions.builder().set("from_logits", "yes")));
    }

    @Test
    void optionsSerialize() throws Exception {
        XentOptions o = XentOptions.builder().set("alpha", List.of(0.1, 0.9)).fromLogits(true).skipNulls(true).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(o, in.readObject());
        }
    }

    private static String message(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }
}
