package dev.xent.ndarray;

/** The element types an {@link NdArray} can hold, with Keras's (NumPy's) names. */
public enum DType {
    FLOAT32("float32"),
    FLOAT64("float64"),
    INT32("int32"),
    INT64("int64");

    private final String kerasName;

    DType(String kerasName) {
        this.kerasName = kerasName;
    }

    /** The name Keras and NumPy use, such as {@code "float32"}. */
    public String kerasName() {
        return kerasName;
    }

    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** The dtype named {@code name} ({@code "float32"}, {@code "float64"}, ...), case-insensitively. */
    public static DType fromKerasName(String name) {
        for (DType t : values()) {
            if (t.kerasName.equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("dtype (" + name + ") must be one of float32, float64, int32, int64");
    }
}
