package dev.xent.spark;

/**
 * The two cross-entropies xent computes, with Keras's names: sparse (integer labels) and categorical (one-hot or
 * soft targets).
 */
public enum Crossentropy {
    /** Integer class labels: {@code keras.metrics.SparseCategoricalCrossentropy}. */
    SPARSE_CATEGORICAL("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"),
    /** One-hot or soft target arrays: {@code keras.metrics.CategoricalCrossentropy}. */
    CATEGORICAL("categorical_crossentropy", "CategoricalCrossentropy");

    private final String kerasName;
    private final String className;

    Crossentropy(String kerasName, String className) {
        this.kerasName = kerasName;
        this.className = className;
    }

    /** Keras's snake_case name, such as {@code sparse_categorical_crossentropy}. */
    public String kerasName() {
        return kerasName;
    }

    /** Keras's class name, such as {@code SparseCategoricalCrossentropy}. */
    public String className() {
        return className;
    }

    /**
     * The function named {@code name}: a Keras snake_case or class name, case-sensitive.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Crossentropy fromName(String name) {
        for (Crossentropy c : values()) {
            if (c.kerasName.equals(name) || c.className.equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("name (" + name + ") must be one of sparse_categorical_crossentropy, "
                + "SparseCategoricalCrossentropy, categorical_crossentropy, CategoricalCrossentropy");
    }
}
