package dev.xent.cli;

/** The classes the command line computes, with Keras's class and snake_case names. Public for {@code xent spark}. */
public enum KerasClass {
    SPARSE("SparseCategoricalCrossentropy", "sparse_categorical_crossentropy"),
    CATEGORICAL("CategoricalCrossentropy", "categorical_crossentropy");

    public final String className;
    public final String snakeName;

    KerasClass(String className, String snakeName) {
        this.className = className;
        this.snakeName = snakeName;
    }

    /** The class named {@code name} (class name or snake_case name), or null. */
    public static KerasClass byName(String name) {
        for (KerasClass c : values()) {
            if (c.className.equals(name) || c.snakeName.equals(name)) {
                return c;
            }
        }
        return null;
    }

    public static String choices() {
        StringBuilder sb = new StringBuilder();
        for (KerasClass c : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(c.snakeName).append(", ").append(c.className);
        }
        return sb.toString();
    }
}
