package dev.xent.npy;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** The bytes of one {@code .npy} stream (a file, or an entry of an {@code .npz} archive), read by position. Internal. */
interface ByteSource extends Closeable {

    /** The number of bytes. */
    long size();

    /**
     * Fills {@code dst} from its position to its limit with the bytes starting at {@code position}, or throws a
     * {@link NpyFormatException} if they end first. Not thread-safe.
     */
    void readFully(long position, ByteBuffer dst) throws IOException;

    /** Whether reading at a position before the last one read is as cheap as reading forward. */
    boolean randomAccess();
}
