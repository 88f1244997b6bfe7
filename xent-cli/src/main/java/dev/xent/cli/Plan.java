package dev.xent.cli;

import dev.xent.catalog.Arguments;
import dev.xent.catalog.KerasFunction;
import dev.xent.catalog.KerasFunction.Targets;
import dev.xent.losses.Reduction;
import dev.xent.ndarray.DType;
import java.util.Arrays;

/**
 * How the inputs are read: in chunks of rows of the first axis (the batch axis), or all at once when the data has
 * no batch axis to split (predictions of rank 1, class axis 0) or a sample weight makes a split inexact. Built from
 * the files' headers, after checking their shapes against Keras's rules so that shape errors name whole files.
 */
final class Plan {

    /** About 32 MiB of predictions per chunk by default (less on a small heap). */
    static final long DEFAULT_CHUNK_BYTES = 32L << 20;
    /** The most elements an input may have when it must be read at once (512 MiB of float32). */
    static final long WHOLE_LIMIT = 1L << 27;

    /** How the sample weight goes with the chunks. */
    enum WeightMode {
        /** No sample weight. */
        NONE,
        /** The weight has the batch axis: sliced by rows like the inputs. */
        SLICE,
        /** The weight has no batch axis (or a batch axis of 1): the whole weight goes with every chunk. */
        CONSTANT
    }

    /** Whether the inputs are read by rows; if not, each is read whole (one chunk). */
    final boolean chunked;
    /** Rows of the first axis (1 when not chunked). */
    final long rows;
    /** Rows per chunk. */
    final int batchRows;
    final WeightMode weightMode;
    /** Why the inputs are read whole, for the error when they are too large; null when chunked. */
    final String wholeReason;

    private Plan(boolean chunked, long rows, int batchRows, WeightMode weightMode, String wholeReason) {
        this.chunked = chunked;
        this.rows = rows;
        this.batchRows = batchRows;
        this.weightMode = weightMode;
        this.wholeReason = wholeReason;
    }

    /**
     * Checks the shapes and plans the reads for function {@code f} with arguments {@code args}: the class axis (the
     * axis the function reduces) is its {@code axis} argument, or the last axis when it has none; targets follow its
     * {@link Targets} rule. These checks see whole-file shapes, so that their errors name the files and their shapes;
     * they refuse only what no function of that kind accepts, and leave the function's exact rule (broadcasting,
     * say) to xent-core, which checks each chunk.
     *
     * @param loss a loss (its rank fix-up and weighting rules) rather than a metric
     * @param reduction the loss's reduction; ignored for a metric
     * @param batchSize rows per chunk, or null for the default
     * @throws DataException when shapes do not fit, rows disagree, or a whole read would be too large
     */
    static Plan of(Inputs in, boolean loss, KerasFunction f, Arguments args, Reduction reduction, Integer batchSize) {
        Errors.Names n = in.names;
        long[] t = in.yTrue.shape();
        long[] p = in.yPred.shape();
        long[] t2 = t;
        long[] p2 = p;
        // A loss aligns ranks before calling its function (Keras's LossFunctionWrapper), and so do the functions of
        // same-shape targets compared element by element (binary_accuracy); the sparse functions take labels with
        // or without a trailing 1 themselves. For other functions it only shapes this plan: xent-core refuses each
        // chunk's ranks as the function does.
        if (loss || f.targets() == Targets.SAME_SHAPE) {
            long[][] fixed = ShapeRules.squeezeOrExpand(t, p);
            t2 = fixed[0];
            p2 = fixed[1];
        }
        if (p2.length == 0) {
            throw new DataException(n.yPred + ": shape () has no class axis; predictions must have rank >= 1");
        }
        int classAxis = NO_AXIS;
        if (reducesAnAxis(f)) {
            int axis = classAxis(args);
            classAxis = ShapeRules.canonicalAxis(axis, p2.length);
            if (classAxis < 0) {
                throw new DataException(n.yPred + ": axis " + axis + " is out of range for shape " + ShapeRules.str(p)
                        + "; it must be in [" + -p2.length + ", " + p2.length + ")");
            }
        }
        // Rows are independent unless the reduced axis is the first: rank-1 predictions give one value per call in
        // Keras when the function reduces the last axis (the binary family, KL divergence, Poisson), so such inputs
        // are one update, read whole; an element-wise function (binary_accuracy) gives one value per element.
        boolean chunked = (classAxis == NO_AXIS || p2.length >= 2 && classAxis != 0) && t.length >= 1;
        long rows = p[0];
        String wholeReason = chunked ? null : t.length == 0 ? n.yTrue + " has no batch axis"
                : n.yPred + " shape " + ShapeRules.str(p) + (p2.length < 2 ? " has no batch axis besides the class"
                + " axis" : " has its class axis first");
        long[] values = targetValues(f, t2, p2, classAxis);
        // Labels with as many elements as the predictions have rows of classes, in another shape: a function that
        // flattens them (sparse_top_k_categorical_accuracy) takes them, the others refuse them; read whole.
        boolean flatLabels = values == null && f.targets() == Targets.LABELS
                && ShapeRules.size(t) == ShapeRules.size(ShapeRules.remove(p2, classAxis));
        if (chunked && t[0] != rows) {
            if (t[0] != 1 && !flatLabels) {
                throw rowMismatch(n.yTrue, t[0], n.yPred, rows);
            }
            // Targets broadcast over the rows, or flattened: the function takes them or refuses them.
            chunked = false;
            wholeReason = n.yTrue + " shape " + ShapeRules.str(t) + " is not split by the rows of " + n.yPred;
        }
        if (values == null) {
            if (!flatLabels) {
                throw targetsMismatch(n, f, t, p, p2, classAxis);
            }
            values = ShapeRules.remove(p2, classAxis);
            if (chunked) {
                chunked = false;
                wholeReason = n.yTrue + " shape " + ShapeRules.str(t) + " is not split by the rows of " + n.yPred;
            }
        }

        WeightMode mode = WeightMode.NONE;
        if (in.weight != null) {
            long[] w = in.weight.shape();
            mode = loss ? lossWeight(n, values, w, reduction) : metricWeight(n, values, w);
            if (chunked && mode == WeightMode.SLICE && w[0] != rows) {
                throw rowMismatch(n.sampleWeight, w[0], n.yPred, rows);
            }
            if (chunked && mode == null) {
                chunked = false;
                wholeReason = n.sampleWeight + " shape " + ShapeRules.str(w) + " makes the "
                        + (reduction == Reduction.MEAN_WITH_SAMPLE_WEIGHT ? "mean_with_sample_weight divisor"
                        : "weighted values") + " depend on the whole batch";
            }
            if (mode == null) {
                mode = WeightMode.CONSTANT;
            }
            if (chunked && mode == WeightMode.CONSTANT) {
                checkWholeSize(n.sampleWeight, w, n.sampleWeight + " has no batch axis and goes with every chunk");
            }
        }
        if (!chunked) {
            checkWholeSize(in, wholeReason);
            return new Plan(false, 1, 1, mode, wholeReason);
        }
        long rowElements = ShapeRules.size(Arrays.copyOfRange(p, 1, p.length));
        int batchRows;
        if (batchSize != null) {
            batchRows = batchSize;
        } else {
            int itemBytes = in.yPred.naturalDType() == DType.FLOAT64 ? 8 : 4;
            // At most 1/16 of the heap per chunk: a few chunks are in flight (read ahead, converted, computed).
            long target = Math.max(1, Math.min(DEFAULT_CHUNK_BYTES, Runtime.getRuntime().maxMemory() / 16));
            long r = target / Math.max(1, rowElements * itemBytes);
            batchRows = (int) Math.max(1, Math.min(r, Integer.MAX_VALUE));
        }
        batchRows = (int) Math.max(1, Math.min(batchRows, Math.max(1, rows)));
        return new Plan(true, rows, batchRows, mode, null);
    }

    /** The class axis of an element-wise function, which reduces none. */
    static final int NO_AXIS = Integer.MIN_VALUE;

    /** Whether {@code f} reduces the class axis (sparse labels always do), as the catalogue describes it. */
    static boolean reducesAnAxis(KerasFunction f) {
        return f.targets() == Targets.LABELS || f.reducesAxis();
    }

    /** The axis the function reduces: its {@code axis} argument, or the last axis when it has none. */
    static int classAxis(Arguments args) {
        Object axis = args.asMap().get("axis");
        return axis instanceof Integer ? (Integer) axis : -1;
    }

    private static DataException rowMismatch(String a, long aRows, String b, long bRows) {
        return new DataException(a + " has " + aRows + " rows but " + b + " has " + bRows
                + "; the first axes (the batch) must have the same length");
    }

    /**
     * The shape of the per-element values, or null when the targets do not broadcast with what the function's kind
     * of targets asks for. Refuses only what no function of that kind takes: xent-core checks the function's exact
     * rule on each chunk.
     */
    private static long[] targetValues(KerasFunction f, long[] t2, long[] p2, int classAxis) {
        if (f.targets() == Targets.LABELS) {
            long[] values = ShapeRules.remove(p2, classAxis);
            long[] labels = t2;
            if (labels.length == p2.length && labels[classAxis] == 1) {
                labels = ShapeRules.remove(labels, classAxis);
            }
            long[] b = ShapeRules.broadcast(labels, values);
            return b == null || b.length != values.length ? null : b;
        }
        long[] b = ShapeRules.broadcast(t2, p2);
        if (b == null || b.length != p2.length) {
            return null;
        }
        return classAxis == NO_AXIS ? b : ShapeRules.remove(b, classAxis);
    }

    private static DataException targetsMismatch(Errors.Names n, KerasFunction f, long[] t, long[] p, long[] p2,
                                                 int classAxis) {
        String rule = f.targets() == Targets.LABELS
                ? "sparse labels must have the predictions' shape without the class axis (" + classAxis + "), i.e. "
                + ShapeRules.str(ShapeRules.remove(p2, classAxis)) + ", optionally with a 1 at the class axis"
                : "targets must have the same shape as the predictions";
        return new DataException("--y-true " + n.yTrue + " shape " + ShapeRules.str(t) + " does not match --y-pred "
                + n.yPred + " shape " + ShapeRules.str(p) + ": " + rule);
    }

    /**
     * A metric's weight: values are averaged down to the weight's rank, so a weight of rank >= 1 always lines up
     * with the batch axis: SLICE, or CONSTANT when its first axis is 1 (broadcast over the batch) or it is a scalar
     * (applied to each chunk, as Keras applies it to each batch).
     */
    private static WeightMode metricWeight(Errors.Names n, long[] values, long[] w) {
        long[][] fixed = ShapeRules.squeezeOrExpand(values, w);
        long[] v2 = fixed[0];
        long[] w2 = fixed[1];
        if (w2.length == 0) {
            return WeightMode.CONSTANT;
        }
        long[] reduced = v2.length > w2.length ? Arrays.copyOf(v2, w2.length) : v2;
        if (w2.length > v2.length || !fitsAfterFirstAxis(w2, reduced, true)) {
            throw new DataException(n.sampleWeight + " shape " + ShapeRules.str(w) + " does not fit the metric's"
                    + " per-element values of shape " + ShapeRules.str(values) + ": a metric weight must be a scalar,"
                    + " per sample (batch,), or match the values' leading axes (NumPy broadcasting)");
        }
        return w2[0] == 1 && reduced[0] != 1 ? WeightMode.CONSTANT : WeightMode.SLICE;
    }

    /**
     * A loss's weight: aligned with the values by rank fix-up and NumPy broadcasting from the last axis. SLICE when
     * its first axis lines up with the batch axis, CONSTANT when it broadcasts over the batch; null when chunks
     * would not add up to the loss of the whole input (a weight of higher rank than the values, or a constant
     * weight with mean_with_sample_weight, whose divisor is the sum of the unbroadcast weight).
     */
    private static WeightMode lossWeight(Errors.Names n, long[] values, long[] w, Reduction reduction) {
        long[][] fixed = ShapeRules.squeezeOrExpand(values, w);
        long[] v2 = fixed[0];
        long[] w2 = fixed[1];
        boolean sameRank = w2.length == v2.length && v2.length > 0;
        boolean fits = sameRank ? fitsAfterFirstAxis(w2, v2, false) : ShapeRules.broadcast(v2, w2) != null;
        if (!fits) {
            throw new DataException(n.sampleWeight + " shape " + ShapeRules.str(w) + " does not broadcast to the"
                    + " per-element loss values of shape " + ShapeRules.str(values) + " (NumPy rules, aligned from"
                    + " the last axis; give per-sample weights as (batch,) or (batch, 1, ...))");
        }
        if (w2.length > v2.length) {
            return null;
        }
        if (sameRank && (w2[0] != 1 || v2[0] == 1)) {
            return WeightMode.SLICE; // a first axis other than the batch's is reported as a row mismatch
        }
        return reduction == Reduction.MEAN_WITH_SAMPLE_WEIGHT ? null : WeightMode.CONSTANT;
    }

    /**
     * Whether {@code w} broadcasts with {@code v} (same rank) on every axis but the first; with {@code into}, the
     * broadcast must also be {@code v}'s shape (the weight is broadcast to the values, not the other way).
     */
    private static boolean fitsAfterFirstAxis(long[] w, long[] v, boolean into) {
        long[] wr = Arrays.copyOfRange(w, 1, w.length);
        long[] vr = Arrays.copyOfRange(v, 1, v.length);
        long[] b = ShapeRules.broadcast(wr, vr);
        return b != null && (!into || Arrays.equals(b, vr));
    }

    private static void checkWholeSize(Inputs in, String reason) {
        checkWholeSize(in.yPred.name(), in.yPred.shape(), reason);
        checkWholeSize(in.yTrue.name(), in.yTrue.shape(), reason);
        if (in.weight != null) {
            checkWholeSize(in.weight.name(), in.weight.shape(), reason);
        }
    }

    private static void checkWholeSize(String name, long[] shape, String reason) {
        long size = ShapeRules.size(shape);
        if (size > WHOLE_LIMIT) {
            throw new DataException(name + ": shape " + ShapeRules.str(shape) + " has " + size
                    + " elements, more than the limit of " + WHOLE_LIMIT + " for reading an input at once (needed"
                    + " because " + reason + "); split the data, or give the weight a batch axis");
        }
    }
}
