package dev.xent.cli;

import dev.xent.internal.Printable;
import dev.xent.npy.NpyArrayFile;
import java.io.Closeable;
import java.io.IOException;

/** The open input files: {@code --y-true}, {@code --y-pred} and, if given, {@code --sample-weight}. */
final class Inputs implements Closeable {

    final NpyArrayFile yTrue;
    final NpyArrayFile yPred;
    /** Null when no sample weight was given. */
    final NpyArrayFile weight;
    final Errors.Names names;

    private Inputs(NpyArrayFile yTrue, NpyArrayFile yPred, NpyArrayFile weight, Errors.Names names) {
        this.yTrue = yTrue;
        this.yPred = yPred;
        this.weight = weight;
        this.names = names;
    }

    /**
     * Opens the files and checks their headers.
     *
     * @throws DataException naming the file when one is missing or malformed
     */
    static Inputs open(String yTrue, String yPred, String weight) {
        NpyArrayFile t = null;
        NpyArrayFile p = null;
        NpyArrayFile w = null;
        try {
            t = openOne(yTrue);
            p = openOne(yPred);
            w = weight == null ? null : openOne(weight);
            return new Inputs(t, p, w, new Errors.Names(yTrue, yPred, weight));
        } catch (RuntimeException e) {
            closeQuietly(t);
            closeQuietly(p);
            closeQuietly(w);
            throw e;
        }
    }

    private static NpyArrayFile openOne(String spec) {
        try {
            return NpyArrayFile.open(spec);
        } catch (IOException e) {
            String m = Errors.describe(e);
            // xent-npy's messages start with the file name (control characters escaped); others get it here.
            throw new DataException(m.startsWith(Printable.escape(spec)) ? m : spec + ": " + m, e);
        } catch (OutOfMemoryError e) {
            throw new DataException(spec + ": out of memory while opening the file", e);
        }
    }

    private static void closeQuietly(NpyArrayFile f) {
        if (f != null) {
            try {
                f.close();
            } catch (IOException | RuntimeException e) {
                // nothing more to do
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(weight);
        closeQuietly(yPred);
        closeQuietly(yTrue);
    }
}
