package dev.xent.losses;

/** How a loss reduces its per-element values, with Keras 3's names. */
public enum Reduction {
    /** The default: sum of weighted values divided by their number of elements (not by the sum of weights). */
    SUM_OVER_BATCH_SIZE("sum_over_batch_size"),
    /** Sum of weighted values. */
    SUM("sum"),
    /** The same as {@link #SUM_OVER_BATCH_SIZE} (Keras keeps both names). */
    MEAN("mean"),
    /** Sum of weighted values divided by the sum of weights (by the element count when unweighted). */
    MEAN_WITH_SAMPLE_WEIGHT("mean_with_sample_weight"),
    /** No reduction: the weighted per-element values. */
    NONE("none");

    private final String kerasName;

    Reduction(String kerasName) {
        this.kerasName = kerasName;
    }

    public String kerasName() {
        return kerasName;
    }

    /**
     * The reduction Keras names {@code name}; {@code null} means {@link #NONE}, as in Keras.
     *
     * @throws IllegalArgumentException for any other name, including Keras 2's {@code "auto"}
     */
    public static Reduction fromKerasName(String name) {
        if (name == null) {
            return NONE;
        }
        for (Reduction r : values()) {
            if (r.kerasName.equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("reduction (\"" + name + "\") must be one of sum_over_batch_size, sum, mean, "
                + "mean_with_sample_weight, none, or null");
    }
}
