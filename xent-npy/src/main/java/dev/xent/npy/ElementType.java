package dev.xent.npy;

import dev.xent.ndarray.DType;

/**
 * The element types a {@code .npy} file may hold here, with their size and the {@link DType} they are read as.
 * Internal.
 */
enum ElementType {
    BOOL('b', 1, DType.INT32, "bool"),
    INT8('i', 1, DType.INT32, "int8"),
    INT16('i', 2, DType.INT32, "int16"),
    INT32('i', 4, DType.INT32, "int32"),
    INT64('i', 8, DType.INT64, "int64"),
    UINT8('u', 1, DType.INT32, "uint8"),
    UINT16('u', 2, DType.INT32, "uint16"),
    UINT32('u', 4, DType.INT64, "uint32"),
    UINT64('u', 8, DType.INT64, "uint64"),
    FLOAT16('f', 2, DType.FLOAT32, "float16"),
    FLOAT32('f', 4, DType.FLOAT32, "float32"),
    FLOAT64('f', 8, DType.FLOAT64, "float64");

    final char kind;
    final int size;
    final DType natural;
    final String numpyName;

    ElementType(char kind, int size, DType natural, String numpyName) {
        this.kind = kind;
        this.size = size;
        this.natural = natural;
        this.numpyName = numpyName;
    }

    /** The type with NumPy kind character {@code kind} and item size {@code size}, or null. */
    static ElementType of(char kind, int size) {
        for (ElementType t : values()) {
            if (t.kind == kind && t.size == size) {
                return t;
            }
        }
        return null;
    }

    /** The type a {@link DType} is written as. */
    static ElementType of(DType dtype) {
        switch (dtype) {
            case FLOAT32: return FLOAT32;
            case FLOAT64: return FLOAT64;
            case INT32: return INT32;
            default: return INT64;
        }
    }

    /** Whether the bytes of an element of this type can be copied in bulk into the natural Java array. */
    boolean bulkCopies() {
        return this == FLOAT32 || this == FLOAT64 || this == INT32 || this == INT64;
    }
}
