package dev.xent.npy;

import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a C-order little-endian {@code .npy} file, possibly larger than memory, from row-major chunks; the bytes
 * are the same as NumPy's {@code np.save} writes for the same array (a version 1.0 header padded to a multiple of
 * 64 bytes, version 2.0 if the header does not fit).
 *
 * <pre>{@code
 * try (NpyWriter w = NpyWriter.create(Path.of("loss.npy"), DType.FLOAT32, new long[] {4})) {
 *     w.write(NdArray.of(new float[] {0.1f, 0.2f}));
 *     w.write(NdArray.of(new float[] {0.3f, 0.4f}));
 * }   // np.load("loss.npy") -> array([0.1, 0.2, 0.3, 0.4], dtype=float32)
 * }</pre>
 *
 * <p>The data goes to a temporary file next to the target ({@code .xent-RANDOM.tmp}, short, so that any name the
 * file system allows for the target works) which {@link #close()} moves into place (atomically where the file
 * system can) only if exactly {@code product(shape)} elements were written; otherwise, or after a failed write, the
 * temporary file is deleted and an existing target is left untouched. While a writer is open, a JVM shutdown hook
 * deletes its temporary file if the JVM exits first (SIGTERM, SIGINT, {@code System.exit}); closing removes the
 * hook. A target that exists and is not a regular file (a FIFO, a device) is refused: renaming over it would replace
 * it. Always close the writer (try-with-resources). The file is not forced to disk.
 *
 * <p>Chunks of any dtype are accepted and converted to the file's dtype: into a float file, any chunk (float64
 * rounds to float32, NaN and infinities are kept); into an integer file, integer chunks only (int64 values outside
 * the int32 range are refused). Instances are not thread-safe.
 */
public final class NpyWriter implements Closeable {

    /** NumPy's header alignment ({@code numpy.lib.format.ARRAY_ALIGN}). */
    static final int ARRAY_ALIGN = 64;
    /** Spare spaces NumPy leaves in the header so the first axis can grow in place. */
    static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final int BUFFER_BYTES = 1 << 20;

    private final Path path;
    private final Path temp;
    private final FileChannel channel;
    private final DType dtype;
    private final long[] shape;
    private final long total;
    private final ByteBuffer buffer;
    /** Deletes the temporary file if the JVM exits while the writer is open; removed by {@link #close()}. */
    private final Thread cleanup;
    private long written;
    private boolean closed;
    private boolean failed;

    private NpyWriter(Path path, Path temp, FileChannel channel, Thread cleanup, DType dtype, long[] shape,
                      long total) {
        this.path = path;
        this.temp = temp;
        this.channel = channel;
        this.cleanup = cleanup;
        this.dtype = dtype;
        this.shape = shape;
        this.total = total;
        int itemSize = ElementType.of(dtype).size;
        long bytes = total * itemSize;
        this.buffer = ByteBuffer.allocateDirect((int) Math.max(8, Math.min(BUFFER_BYTES, bytes)))
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Starts writing an array of {@code dtype} and {@code shape} (empty for a scalar) to {@code path}: writes the
     * header to a temporary file next to it.
     *
     * @throws IllegalArgumentException if a dimension is negative, the shape has more than 64 dimensions or more
     *     than 2^63-1 bytes of data
     * @throws java.nio.file.NoSuchFileException if the directory of {@code path} does not exist
     * @throws FileSystemException if {@code path} is a directory or another file that is not a regular file (a FIFO,
     *     a device), with the reason as its message
     * @throws IOException if the temporary file cannot be created or written
     */
    public static NpyWriter create(Path path, DType dtype, long[] shape) throws IOException {
        if (path == null || dtype == null || shape == null) {
            throw new NullPointerException("path, dtype and shape must not be null");
        }
        long[] s = shape.clone();
        long total = checkedSize(s, ElementType.of(dtype).size);
        byte[] header = header(dtype, s);
        Path absolute = path.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new NoSuchFileException(path.toString(), null, "the directory " + dir + " does not exist");
        }
        if (Files.isDirectory(absolute)) {
            throw new FileSystemException(path.toString(), null, "is a directory");
        }
        if (Files.exists(absolute) && !Files.isRegularFile(absolute)) {
            throw new FileSystemException(path.toString(), null, "is not a regular file (a FIFO, a device or a"
                    + " socket); the array is written to a new file renamed into place, which would replace it");
        }
        Path temp;
        FileChannel channel;
        while (true) {
            // Short, whatever the target's name: ".NAME.RANDOM.tmp" made names near the file system's limit fail.
            temp = dir.resolve(".xent-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp");
            try {
                channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                break;
            } catch (FileAlreadyExistsException e) {
                // another random name
            }
        }
        Thread cleanup = cleanupHook(temp, channel);
        try {
            Runtime.getRuntime().addShutdownHook(cleanup);
            ByteBuffer h = ByteBuffer.wrap(header);
            while (h.hasRemaining()) {
                channel.write(h);
            }
        } catch (IOException | RuntimeException e) {
            removeHook(cleanup);
            channel.close();
            Files.deleteIfExists(temp);
            if (e instanceof IllegalStateException) { // from addShutdownHook
                throw new IOException(path + ": not written: the JVM is shutting down", e);
            }
            throw e;
        }
        return new NpyWriter(path, temp, channel, cleanup, dtype, s, total);
    }

    /** A shutdown hook that closes {@code channel} and deletes {@code temp}. */
    private static Thread cleanupHook(Path temp, FileChannel channel) {
        return new Thread(() -> {
            try {
                channel.close();
            } catch (IOException | RuntimeException e) {
                // deleting matters more
            }
            try {
                Files.deleteIfExists(temp);
            } catch (IOException | RuntimeException e) {
                // nothing more to do while the JVM exits
            }
        }, "xent-npy-writer-cleanup");
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (or ran) and deletes the temporary file
        }
    }

    /** The shutdown hook registered while this writer is open (for tests). */
    Thread cleanupHook() {
        return cleanup;
    }

    /** The temporary file (for tests). */
    Path temporaryFile() {
        return temp;
    }

    /**
     * Writes {@code array} to {@code path} as a {@code .npy} file of its dtype and shape, atomically.
     *
     * @throws IOException if writing fails (then nothing is left at {@code path} that was not there before)
     */
    public static void write(Path path, NdArray array) throws IOException {
        int[] s = array.shape();
        long[] shape = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = s[i];
        }
        try (NpyWriter w = create(path, array.dtype(), shape)) {
            w.write(array);
        }
    }

    /**
     * Appends the elements of {@code chunk} in row-major order. Only the element count matters, not the chunk's
     * shape.
     *
     * @throws IllegalArgumentException if the chunk would take the count past {@code product(shape)}, or cannot be
     *     converted (a float chunk into an integer file, an int64 value outside the int32 range into an int32
     *     file); nothing is written then
     * @throws IllegalStateException if the writer is closed or a previous write failed
     * @throws IOException if writing fails; the writer is then unusable and {@link #close()} discards the file
     */
    public void write(NdArray chunk) throws IOException {
        if (closed || failed) {
            throw new IllegalStateException(path + ": the writer is " + (closed ? "closed" : "broken by a failed"
                    + " write"));
        }
        int n = chunk.size();
        if (n > total - written) {
            throw new IllegalArgumentException(path + ": chunk of " + n + " elements would bring the count to "
                    + (written + n) + ", more than the " + total + " that shape " + Text.shape(shape) + " holds");
        }
        checkConvertible(chunk);
        int itemSize = ElementType.of(dtype).size;
        int perSlice = buffer.capacity() / itemSize;
        try {
            for (int done = 0; done < n; ) {
                int m = Math.min(perSlice, n - done);
                buffer.clear();
                fill(chunk, done, m);
                buffer.position(0).limit(m * itemSize);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                done += m;
            }
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
        written += n;
    }

    private void checkConvertible(NdArray chunk) {
        DType from = chunk.dtype();
        if (dtype.isFloating() || from == dtype || from == DType.INT32) {
            return;
        }
        if (from.isFloating()) {
            throw new IllegalArgumentException(path + ": a " + from.kerasName() + " chunk cannot be written to a "
                    + dtype.kerasName() + " file; convert it first");
        }
        for (int i = 0; i < chunk.size(); i++) { // int64 into int32
            long v = chunk.getLong(i);
            if (v != (int) v) {
                throw new IllegalArgumentException(path + ": int64 value " + v + " at index " + i
                        + " of the chunk is outside the int32 range of the file");
            }
        }
    }

    /** Puts elements {@code [from, from + m)} of {@code chunk} into {@link #buffer}, converted to the file dtype. */
    private void fill(NdArray chunk, int from, int m) {
        int off = chunk.arrayOffset() + from;
        boolean same = chunk.dtype() == dtype;
        switch (dtype) {
            case FLOAT32: {
                FloatBuffer out = buffer.asFloatBuffer();
                if (same && chunk.hasArray()) {
                    out.put((float[]) chunk.array(), off, m);
                } else if (same) {
                    out.put((FloatBuffer) ((FloatBuffer) chunk.buffer()).duplicate().limit(off + m).position(off));
                } else {
                    for (int i = 0; i < m; i++) {
                        out.put(chunk.getFloat(from + i));
                    }
                }
                return;
            }
            case FLOAT64: {
                DoubleBuffer out = buffer.asDoubleBuffer();
                if (same && chunk.hasArray()) {
                    out.put((double[]) chunk.array(), off, m);
                } else if (same) {
                    out.put((DoubleBuffer) ((DoubleBuffer) chunk.buffer()).duplicate().limit(off + m).position(off));
                } else {
                    for (int i = 0; i < m; i++) {
                        out.put(chunk.getDouble(from + i));
                    }
                }
                return;
            }
            case INT32: {
                IntBuffer out = buffer.asIntBuffer();
                if (same && chunk.hasArray()) {
                    out.put((int[]) chunk.array(), off, m);
                } else if (same) {
                    out.put((IntBuffer) ((IntBuffer) chunk.buffer()).duplicate().limit(off + m).position(off));
                } else {
                    for (int i = 0; i < m; i++) {
                        out.put((int) chunk.getLong(from + i));
                    }
                }
                return;
            }
            default: {
                LongBuffer out = buffer.asLongBuffer();
                if (same && chunk.hasArray()) {
                    out.put((long[]) chunk.array(), off, m);
                } else if (same) {
                    out.put((LongBuffer) ((LongBuffer) chunk.buffer()).duplicate().limit(off + m).position(off));
                } else {
                    for (int i = 0; i < m; i++) {
                        out.put(chunk.getLong(from + i));
                    }
                }
            }
        }
    }

    /**
     * Finishes the file: if exactly {@code product(shape)} elements were written, moves it into place; otherwise
     * deletes it. Closing twice does nothing.
     *
     * @throws IllegalStateException if fewer elements than the shape holds were written (the file is discarded)
     * @throws IOException if the file cannot be moved into place (it is discarded)
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        boolean moved = false;
        try {
            channel.close();
            if (failed) {
                return;
            }
            if (written != total) {
                throw new IllegalStateException(path + ": " + written + " elements were written but shape "
                        + Text.shape(shape) + " holds " + total + "; the file was not written");
            }
            try {
                Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            try {
                if (!moved) {
                    Files.deleteIfExists(temp);
                }
            } finally {
                removeHook(cleanup);
            }
        }
    }

    /** The number of elements of {@code shape}, checked: dimensions >= 0, at most 64, bytes fit in a long. */
    private static long checkedSize(long[] shape, int itemSize) {
        if (shape.length > NpyHeader.MAX_RANK) {
            throw new IllegalArgumentException("shape has " + shape.length + " dimensions, more than NumPy's limit"
                    + " of " + NpyHeader.MAX_RANK);
        }
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("shape[" + i + "] (" + shape[i] + ") must be >= 0");
            }
        }
        for (long d : shape) {
            if (d == 0) {
                return 0;
            }
        }
        for (long d : shape) {
            if (n > Long.MAX_VALUE / itemSize / d) {
                throw new IllegalArgumentException("shape " + Text.shape(shape)
                        + " has more than 2^63-1 bytes of data");
            }
            n *= d;
        }
        return n;
    }

    /** The magic, version, header length and header dict of a C-order array, exactly as {@code np.save} writes. */
    static byte[] header(DType dtype, long[] shape) {
        String descr = "<" + ElementType.of(dtype).kind + ElementType.of(dtype).size;
        StringBuilder dict = new StringBuilder("{'descr': '").append(descr)
                .append("', 'fortran_order': False, 'shape': ").append(Text.shape(shape)).append(", }");
        if (shape.length > 0) {
            dict.append(" ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length())));
        }
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        int major = 1;
        int prefix = 10;
        int padding = ARRAY_ALIGN - (prefix + text.length + 1) % ARRAY_ALIGN;
        if (text.length + 1 + padding > 0xffff) {
            major = 2;
            prefix = 12;
            padding = ARRAY_ALIGN - (prefix + text.length + 1) % ARRAY_ALIGN;
        }
        int headerLength = text.length + padding + 1;
        ByteBuffer b = ByteBuffer.allocate(prefix + headerLength).order(ByteOrder.LITTLE_ENDIAN);
        b.put(NpyHeader.MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) headerLength);
        } else {
            b.putInt(headerLength);
        }
        b.put(text);
        for (int i = 0; i < padding; i++) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }
}
