package dev.xent.npy;

import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One array of a NumPy {@code .npy} file, or of an {@code .npz} archive, read by rows of its first axis with
 * memory bounded by the rows asked for.
 *
 * <pre>{@code
 * // y_pred.npy holds np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]], dtype=np.float32)
 * try (NpyArrayFile f = NpyArrayFile.open("y_pred.npy")) {
 *     f.shape();                      // [2, 3]
 *     f.descr();                      // "<f4"
 *     NdArray row = f.readRows(1, 1); // NdArray(float32, [1, 3], [0.1, 0.8, 0.1])
 * }
 * }</pre>
 *
 * <p><b>Files.</b> {@link #open(String)} takes a path, or {@code ARCHIVE.npz:KEY} for one array of an archive written
 * by {@code np.savez} or {@code np.savez_compressed} ({@code KEY} with or without its {@code .npy} suffix; an archive
 * holding a single array may be named without a key). The array may be of dtype bool, int8/16/32/64,
 * uint8/16/32/64 or float16/32/64, in C or Fortran order, with any byte order; it is read as its
 * {@linkplain #naturalDType() natural dtype}. Header format versions 1.0, 2.0 and 3.0 are read.
 *
 * <p><b>Errors.</b> Opening reads and checks the header only, strictly (see {@link #open(String)}); problems with
 * the content, then or while reading, are {@link NpyFormatException}s with a one-line message that starts with the
 * spec as given, says where (byte offset or element index) and states the rule:
 * {@code y_pred.npy: header at byte 10: shape (3, -1) has a negative dimension}. Inside an {@code .npz}, byte
 * offsets count from the start of the entry's {@code .npy} data. A missing file is a
 * {@link NoSuchFileException} with the message {@code SPEC: no such file}. Bad arguments (rows out of range) are
 * {@link IndexOutOfBoundsException}s; use after {@link #close()} is an {@link IllegalStateException}.
 *
 * <p><b>Values.</b> Values are converted exactly: float16 widens to float32 exactly (NaN and infinities included),
 * integers widen. A uint64 value above {@code Long.MAX_VALUE}, or a bool byte other than 0 or 1, is refused with an
 * error naming the element. Floating-point values, NaN and infinities included, are passed on unchanged.
 *
 * <p><b>Performance.</b> C-order float32, float64, int32 and int64 data in the machine's byte order (little-endian
 * {@code <f4 <f8 <i4 <i8} on x86 and ARM), in a {@code .npy} file or a stored {@code .npz} entry, is not copied:
 * {@link #readRows(long, int)} maps the rows' bytes read-only ({@link FileChannel#map}) and returns a
 * buffer-backed view ({@link NdArray#buffer()}); reads under 64 KiB or over 1 GiB are copied as below. The system
 * property {@code xent.npy.mmap=false}, read when a file is opened, turns mapping off. <i>Lifetime:</i> a mapped
 * view is valid until {@link #close()} (in fact as long as it is referenced: the mapping is released when the view
 * is garbage-collected); it shows the file as it is, so the file must not be changed while views are in use (a
 * file truncated under a view makes reading it fail with an {@link InternalError}, which
 * {@link #mappedReadFailure} turns into the error a copying read gives). Everything else is read with
 * positional {@link FileChannel} reads through one direct buffer of at most 1 MiB, so files over 2 GiB work and
 * the heap holds only the chunk returned, into a fresh heap array; C-order float32, float64, int32 and int64 data
 * is bulk-copied. A Fortran-order chunk is assembled column by
 * column (each column's rows are contiguous in the file). Stored {@code .npz} entries are read in place like a
 * {@code .npy} file. Deflated entries are inflated on the fly: reading rows in increasing order costs one pass over
 * the entry; going back restarts inflation from the start of the entry; a deflated Fortran-order array is inflated
 * once to a temporary file (deleted on close) on the first read. An entry's CRC-32 is checked, as NumPy checks it,
 * when reads in increasing order reach the end of the entry (reading all rows in order, in one call or in chunks,
 * does): that read fails if the checksum is wrong, so a damaged archive fails before its last rows are returned.
 * Reads out of order (and chunked reads of a stored Fortran-order entry) are not checked. An archive naming the
 * entry asked for twice is refused (NumPy reads the last copy, other readers the first).
 *
 * <p>Instances are not thread-safe: use one per thread, or synchronize.
 */
public final class NpyArrayFile implements Closeable {

    /** The largest chunk, in elements, that fits in one Java array. */
    static final int MAX_CHUNK_ELEMENTS = Integer.MAX_VALUE - 8;
    private static final int BUFFER_BYTES = 1 << 20;
    /** The largest read that is mapped rather than copied. */
    static final int MAX_MAP_BYTES = 1 << 30;
    /** Whether mapped reads touch their pages before returning ({@code -Dxent.npy.mmap.load=true}). */
    private static final boolean LOAD = Boolean.getBoolean("xent.npy.mmap.load");
    /** The smallest read that is mapped. */
    static final int MIN_MAP_BYTES = 1 << 16;

    private final String name;
    private final String where;
    private final NpyHeader header;
    private final FileChannel channel;
    private final long rows;
    /** Elements per row: the product of the shape after the first axis. */
    private final long rowSize;
    private final boolean fortranLayout;
    private ByteSource source;
    private ByteBuffer buffer;
    /** A byte[], short[] or int[] of one buffer's worth of elements, for converted types; lazily made. */
    private Object scratch;
    private Path tempFile;
    private boolean closed;
    /** Whether C-order reads of a bulk type in native byte order are mapped rather than copied. */
    private boolean mapping;
    /** Smaller reads are copied: a mapping costs two system calls and a page fault per 4 KiB to 64 KiB. */
    private int minMapBytes = MIN_MAP_BYTES;

    private NpyArrayFile(String name, NpyHeader header, FileChannel channel, ByteSource source) {
        this.name = name;
        this.where = Text.name(name) + ": ";
        this.header = header;
        this.channel = channel;
        this.source = source;
        long[] s = header.shape;
        this.rows = s.length == 0 ? 1 : s[0];
        long r = 1;
        for (int i = 1; i < s.length; i++) {
            r *= s[i]; // no overflow: the parser checked the product (and a zero anywhere makes it 0 here or in rows)
            if (r == 0) {
                break;
            }
        }
        this.rowSize = r;
        this.fortranLayout = header.fortranLayout();
        this.mapping = !"false".equalsIgnoreCase(System.getProperty("xent.npy.mmap"))
                && source instanceof ChannelSource && !fortranLayout && header.order == ByteOrder.nativeOrder()
                && (header.type == ElementType.FLOAT32 || header.type == ElementType.FLOAT64
                || header.type == ElementType.INT32 || header.type == ElementType.INT64);
    }

    /** Turns mapping off for this file, so every read copies (for tests comparing the two paths). */
    NpyArrayFile copying() {
        mapping = false;
        return this;
    }

    /** Maps reads of any size (if mapping applies), for tests. */
    NpyArrayFile mappingAll() {
        minMapBytes = 1;
        return this;
    }

    /** Whether reads of this file return mapped views. */
    boolean mapped() {
        return mapping;
    }

    /**
     * The file {@code spec} reads, as {@link #open} finds it: {@code spec} itself when it names an existing file,
     * else the archive of {@code ARCHIVE.npz:KEY}, else {@code spec}. Nothing is opened; for callers that must know
     * which file an input is (the command line refuses to write an output over one).
     *
     * @throws InvalidPathException if {@code spec} (or its archive part) is not a valid path
     */
    public static Path pathOf(String spec) {
        int i = archiveEnd(spec);
        return Path.of(i < 0 ? spec : spec.substring(0, i));
    }

    /** Where the archive's path ends in {@code ARCHIVE.npz:KEY}, or -1 when {@code spec} is one file. */
    private static int archiveEnd(String spec) {
        if (Files.isRegularFile(Path.of(spec))) {
            return -1;
        }
        int i = spec.toLowerCase(Locale.ROOT).lastIndexOf(".npz:");
        return i < 0 ? -1 : i + 4;
    }

    /**
     * Opens {@code spec}: a {@code .npy} file, or {@code ARCHIVE.npz:KEY}. If {@code spec} names an existing file
     * it is opened as is (an {@code .npz} holding exactly one array can be opened this way); otherwise it is split
     * at its last {@code .npz:} (case-insensitive) into the archive's path and the key. Reads and checks the header
     * only: magic, version, header length (at most 1 MiB), the dict literal, the dtype, and that the data is exactly
     * {@code product(shape) * itemsize} bytes.
     *
     * @throws NoSuchFileException if the file (or archive) does not exist
     * @throws NpyFormatException if the file cannot be read as an array, with a one-line message naming it
     * @throws IOException if opening fails otherwise
     */
    public static NpyArrayFile open(String spec) throws IOException {
        Objects.requireNonNull(spec, "spec");
        String where = Text.name(spec) + ": ";
        Path path;
        String key = null;
        try {
            int end = archiveEnd(spec);
            path = Path.of(end < 0 ? spec : spec.substring(0, end));
            key = end < 0 ? null : spec.substring(end + 1);
        } catch (InvalidPathException e) {
            throw new NpyFormatException(where + "not a valid path (" + e.getReason() + ")", e);
        }
        if (Files.isDirectory(path)) {
            throw new NpyFormatException(where + "is a directory, not a .npy file");
        }
        if (!Files.exists(path)) {
            throw new NoSuchFileException(Text.name(spec), null, key == null ? "no such file"
                    : "no such file " + Text.name(path.toString()));
        }
        if (!Files.isRegularFile(path)) {
            throw new NpyFormatException(where + "is not a regular file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(Text.name(spec), null, "no such file");
        } catch (IOException e) {
            throw new NpyFormatException(where + "cannot open: " + describe(e), e);
        }
        ByteSource source = null;
        try {
            byte[] start = new byte[(int) Math.min(4, channel.size())];
            new ChannelSource(channel, 0, channel.size(), spec, false).readFully(0, ByteBuffer.wrap(start));
            boolean zip = start.length >= 2 && start[0] == 'P' && start[1] == 'K';
            if (key != null || zip) {
                source = openEntry(channel, key, spec, where);
            } else {
                source = new ChannelSource(channel, 0, channel.size(), spec, false);
            }
            NpyHeader header = NpyHeader.read(source, spec);
            return new NpyArrayFile(spec, header, channel, source);
        } catch (IOException | RuntimeException | Error e) {
            try {
                if (source != null) {
                    source.close();
                }
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw wrap(e, where);
        }
    }

    private static ByteSource openEntry(FileChannel channel, String key, String spec, String where)
            throws IOException {
        List<NpzArchive.Entry> all = NpzArchive.entries(channel, where);
        NpzArchive.Entry entry = null;
        if (key == null) {
            if (all.size() != 1) {
                throw new NpyFormatException(where + "is an .npz archive with " + all.size()
                        + " entries; name one array as " + Text.name(spec) + ":KEY (" + keys(all) + ")");
            }
            entry = all.get(0);
        } else {
            for (NpzArchive.Entry e : all) {
                if (e.name.equals(key)) {
                    entry = e;
                    break;
                }
            }
            for (NpzArchive.Entry e : all) {
                if (entry == null && e.name.equals(key + ".npy")) {
                    entry = e;
                }
            }
            if (entry == null) {
                throw new NpyFormatException(where + "no array " + Text.quoteName(key) + " in the archive ("
                        + keys(all) + ")");
            }
        }
        String entryName = Text.quoteName(entry.name);
        int sameName = 0;
        for (NpzArchive.Entry e : all) {
            if (e.name.equals(entry.name)) {
                sameName++;
            }
        }
        if (sameName > 1) {
            throw new NpyFormatException(where + "the archive has " + sameName + " entries named " + entryName
                    + ", which is ambiguous (NumPy reads the last, other zip readers the first); an archive must"
                    + " name each array once");
        }
        if ((entry.flags & 1) != 0) {
            throw new NpyFormatException(where + "zip entry " + entryName + " is encrypted, which is not supported");
        }
        long data = NpzArchive.dataOffset(channel, entry, where);
        if (entry.method == 0) {
            if (entry.compressedSize != entry.size) {
                throw new NpyFormatException(where + "stored zip entry " + entryName + " has compressed size "
                        + entry.compressedSize + " but size " + entry.size + "; they must be equal");
            }
            return ChannelSource.storedEntry(channel, data, entry.size, spec, entry.name, entry.crc);
        }
        if (entry.method == 8) {
            return new InflatingSource(channel, data, entry.compressedSize, entry.size, entry.crc, spec, entry.name);
        }
        throw new NpyFormatException(where + "zip entry " + entryName + " uses compression method " + entry.method
                + "; only stored (0) and deflated (8) are supported, as written by np.savez and"
                + " np.savez_compressed");
    }

    private static String keys(List<NpzArchive.Entry> all) {
        if (all.isEmpty()) {
            return "the archive is empty";
        }
        StringBuilder sb = new StringBuilder("keys: ");
        int shown = Math.min(all.size(), 20);
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(Text.name(all.get(i).key(), Text.MAX_QUOTED));
        }
        if (all.size() > shown) {
            sb.append(", ... (").append(all.size() - shown).append(" more)");
        }
        return sb.toString();
    }

    /**
     * Whether {@code t} is the JVM's report of a fault while reading mapped memory: an {@link InternalError} saying
     * "a fault occurred in a recent unsafe memory access", thrown where a mapped view is read when its file was
     * truncated (or its storage failed) after mapping.
     */
    public static boolean isMappedReadFault(Throwable t) {
        return t instanceof InternalError && t.getMessage() != null
                && t.getMessage().contains("unsafe memory access");
    }

    /**
     * The one-line error that a copying read of this file would give, for {@code fault} thrown while reading one of
     * its mapped views ({@link #isMappedReadFault}): {@code SPEC: the file ended at byte N although it had M bytes
     * when opened; was it changed while being read?}, with {@code fault} as its cause; null if {@code fault} is not
     * such a fault or this file's reads are not mapped.
     */
    public NpyFormatException mappedReadFailure(Throwable fault) {
        if (!isMappedReadFault(fault) || !(source instanceof ChannelSource)) {
            return null;
        }
        return ((ChannelSource) source).truncatedUnderMapping((InternalError) fault, header.dataOffset,
                source.size() - header.dataOffset);
    }

    /** The spec as given to {@link #open(String)}, for messages. */
    public String name() {
        return name;
    }

    /** A copy of the shape; empty for a rank-0 (scalar) array. */
    public long[] shape() {
        return header.shape.clone();
    }

    /** The number of elements (the product of the shape, checked against overflow by the header's parser). */
    public long elementCount() {
        return header.elementCount;
    }

    /** The length of the first axis; 1 for a rank-0 array. */
    public long rows() {
        return rows;
    }

    /** The dtype string as written in the header, such as {@code "<f4"} or {@code "|u1"}. */
    public String descr() {
        return header.descr;
    }

    /** Whether the header says the data is in Fortran (column-major) order. */
    public boolean fortranOrder() {
        return header.fortranOrder;
    }

    /**
     * The dtype rows are returned as: float16 and float32 as {@link DType#FLOAT32}; float64 as
     * {@link DType#FLOAT64}; bool, int8, int16, int32, uint8 and uint16 as {@link DType#INT32}; int64, uint32 and
     * uint64 as {@link DType#INT64}.
     */
    public DType naturalDType() {
        return header.type.natural;
    }

    /** Whether the file holds floating-point numbers (float16, float32 or float64). */
    public boolean isFloating() {
        return header.type.natural.isFloating();
    }

    /**
     * Rows {@code [from, from + count)} of the first axis, converted to the {@linkplain #naturalDType() natural
     * dtype}, in row-major (C) order whatever the file's order, in a fresh heap array, or a read-only mapped view
     * (see "Performance" above), of shape
     * {@code (count, shape[1], ...)}. For a rank-0 array, {@code readRows(0, 1)} returns the scalar (shape
     * {@code ()}). Memory used: the result plus a buffer of at most 1 MiB kept by this object.
     *
     * @throws IndexOutOfBoundsException if {@code from < 0}, {@code count < 0} or {@code from + count > rows()}
     * @throws NpyFormatException if the rows hold more than 2^31-9 elements, do not fit in the Java heap, hold a
     *     value that does not fit the natural dtype (a uint64 above {@code Long.MAX_VALUE}, a bool byte other
     *     than 0 and 1), or cannot be read
     */
    public NdArray readRows(long from, int count) throws IOException {
        checkOpen();
        if (from < 0 || count < 0 || from > rows - count) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + (from + count) + ") of " + name
                    + " are outside [0, " + rows + ")");
        }
        return read(from, count);
    }

    /**
     * The whole array, as {@link #readRows(long, int) readRows(0, rows())} would return it, if it has at most
     * {@code maxElements} elements. Meant for small inputs such as sample weights.
     *
     * @throws IllegalArgumentException if {@code maxElements < 0}
     * @throws NpyFormatException if the array has more than {@code maxElements} elements (checked before anything
     *     is allocated), or as for {@link #readRows(long, int)}
     */
    public NdArray readAll(long maxElements) throws IOException {
        checkOpen();
        if (maxElements < 0) {
            throw new IllegalArgumentException("maxElements (" + maxElements + ") must be >= 0");
        }
        if (header.elementCount > maxElements) {
            throw new NpyFormatException(where + "shape " + Text.shape(header.shape) + " has "
                    + header.elementCount + " elements, more than the limit of " + maxElements
                    + " for reading the whole array at once");
        }
        return read(0, rows);
    }

    private NdArray read(long from, long count) throws IOException {
        long n = count * rowSize; // <= elementCount, as count <= rows
        if (n > MAX_CHUNK_ELEMENTS) {
            throw new NpyFormatException(where + "rows [" + from + ", " + (from + count) + ") hold " + n
                    + " elements, more than a Java array can hold (" + MAX_CHUNK_ELEMENTS
                    + "); read fewer rows at a time");
        }
        int[] outShape = new int[header.shape.length == 0 && count == 1 ? 0 : Math.max(1, header.shape.length)];
        if (outShape.length > 0) {
            if (count > Integer.MAX_VALUE) {
                throw new NpyFormatException(where + "rows [" + from + ", " + (from + count)
                        + ") are more than a Java array shape can describe; read fewer rows at a time");
            }
            outShape[0] = (int) count;
            for (int i = 1; i < outShape.length; i++) {
                long d = header.shape[i];
                if (d > Integer.MAX_VALUE) {
                    throw new NpyFormatException(where + "dimension " + i + " of shape "
                            + Text.shape(header.shape) + " is larger than a Java array shape allows (2^31-1)");
                }
                outShape[i] = (int) d;
            }
        }
        try {
            long bytes = n * header.type.size;
            if (mapping && outShape.length > 0 && bytes >= minMapBytes && bytes > 0 && bytes <= MAX_MAP_BYTES) {
                NdArray view = map(from, (int) n, outShape);
                if (view != null) {
                    return view;
                }
            }
            Object out = allocate((int) n, from, count);
            if (n > 0) {
                if (fortranLayout) {
                    readFortran(from, (int) count, out);
                } else {
                    decodeRun(header.dataOffset + from * rowSize * header.type.size, (int) n, out, 0, 1, from);
                }
            }
            switch (header.type.natural) {
                case FLOAT32: return NdArray.of((float[]) out, 0, outShape);
                case FLOAT64: return NdArray.of((double[]) out, 0, outShape);
                case INT32: return NdArray.of((int[]) out, 0, outShape);
                default: return NdArray.of((long[]) out, 0, outShape);
            }
        } catch (IOException | RuntimeException e) {
            throw wrap(e, where);
        }
    }

    /** A view of {@code n} elements from row {@code from}, mapped; null if the file is now shorter (then read). */
    private NdArray map(long from, int n, int[] outShape) throws IOException {
        ChannelSource channelSource = (ChannelSource) source;
        long position = header.dataOffset + from * rowSize * header.type.size;
        MappedByteBuffer m = channelSource.map(position, n * header.type.size);
        if (m == null) {
            return null;
        }
        if (LOAD) {
            try {
                m.load();
            } catch (InternalError e) {
                throw channelSource.truncatedUnderMapping(e, position, (long) n * header.type.size);
            }
        }
        ByteBuffer b = m.order(header.order);
        switch (header.type.natural) {
            case FLOAT32: return NdArray.of(b.asFloatBuffer(), outShape);
            case FLOAT64: return NdArray.of(b.asDoubleBuffer(), outShape);
            case INT32: return NdArray.of(b.asIntBuffer(), outShape);
            default: return NdArray.of(b.asLongBuffer(), outShape);
        }
    }

    private Object allocate(int n, long from, long count) throws NpyFormatException {
        try {
            switch (header.type.natural) {
                case FLOAT32: return new float[n];
                case FLOAT64: return new double[n];
                case INT32: return new int[n];
                default: return new long[n];
            }
        } catch (OutOfMemoryError e) {
            int bytes = header.type.natural == DType.FLOAT64 || header.type.natural == DType.INT64 ? 8 : 4;
            throw new NpyFormatException(where + "rows [" + from + ", " + (from + count) + ") need " + n
                    + " elements (" + ((long) n * bytes >> 20) + " MiB) and the Java heap has no room for them;"
                    + " read fewer rows at a time or give Java more heap (-Xmx)", e);
        }
    }

    /**
     * Fortran order: element (i0, i1, ..., ik) is at i0 + d0 * (i1 + d1 * (i2 + ...)), so for each "column" (a
     * trailing index, in Fortran order) rows [from, from + count) are contiguous; each column is read and
     * scattered with stride rowSize into the C-order chunk. When the chunk holds most rows, the columns are close
     * together and several are read at once (skipping the rows in between).
     */
    private void readFortran(long from, int count, Object out) throws IOException {
        ensureRandomAccess();
        long[] s = header.shape;
        int t = s.length - 1;
        int[] cStride = new int[t];
        int stride = 1;
        for (int k = t - 1; k >= 0; k--) {
            cStride[k] = stride;
            stride *= (int) s[k + 1];
        }
        int[] index = new int[t];
        int cIndex = 0;
        int itemSize = header.type.size;
        int perSlice = buffer().capacity() / itemSize;
        // several columns per read when the rows skipped between them are few (at most 7 per row read)
        int columnsPerRead = rows <= 8L * count && count <= perSlice
                ? (int) Math.min(Integer.MAX_VALUE, 1 + (perSlice - count) / rows) : 1;
        int cols = (int) rowSize;
        for (int cF = 0; cF < cols; ) {
            long position = header.dataOffset + ((long) cF * rows + from) * itemSize;
            int group = Math.min(columnsPerRead, cols - cF);
            if (group == 1) {
                decodeRun(position, count, out, cIndex, cols, from);
            } else {
                ByteBuffer buf = buffer();
                buf.clear().limit((int) (((group - 1) * rows + count) * itemSize));
                source.readFully(position, buf);
                buf.flip();
            }
            for (int g = 0; g < group; g++) {
                if (group > 1) {
                    decodeSlice(buffer(), (int) (g * rows), count, out, cIndex, cols, from,
                            position + g * rows * itemSize);
                }
                cF++;
                for (int k = 0; k < t; k++) {
                    index[k]++;
                    cIndex += cStride[k];
                    if (index[k] < s[k + 1]) {
                        break;
                    }
                    cIndex -= index[k] * cStride[k];
                    index[k] = 0;
                }
            }
        }
    }

    /** Decodes {@code n} contiguous elements from byte {@code position} into {@code out[o], out[o + stride], ...}. */
    private void decodeRun(long position, int n, Object out, int o, int stride, long from) throws IOException {
        int itemSize = header.type.size;
        ByteBuffer buf = buffer();
        int perSlice = buf.capacity() / itemSize;
        for (int done = 0; done < n; ) {
            int m = Math.min(perSlice, n - done);
            long at = position + (long) done * itemSize;
            buf.clear().limit(m * itemSize);
            source.readFully(at, buf);
            buf.flip();
            decodeSlice(buf, 0, m, out, o + done * stride, stride, from, at);
            done += m;
        }
    }

    /**
     * Decodes elements {@code [e, e + m)} of {@code buf} (already in the file's byte order) into
     * {@code out[o + j * stride]}; {@code at} is the byte position of element {@code e}, for messages.
     */
    private void decodeSlice(ByteBuffer buf, int e, int m, Object out, int o, int stride, long from, long at)
            throws NpyFormatException {
        int b = e * header.type.size;
        switch (header.type) {
            case FLOAT32: {
                float[] f = (float[]) out;
                if (stride == 1) {
                    buf.position(b);
                    buf.asFloatBuffer().get(f, o, m);
                } else {
                    for (int j = 0; j < m; j++) {
                        f[o + j * stride] = buf.getFloat(b + 4 * j);
                    }
                }
                return;
            }
            case FLOAT64: {
                double[] d = (double[]) out;
                if (stride == 1) {
                    buf.position(b);
                    buf.asDoubleBuffer().get(d, o, m);
                } else {
                    for (int j = 0; j < m; j++) {
                        d[o + j * stride] = buf.getDouble(b + 8 * j);
                    }
                }
                return;
            }
            case INT32: {
                int[] a = (int[]) out;
                if (stride == 1) {
                    buf.position(b);
                    buf.asIntBuffer().get(a, o, m);
                } else {
                    for (int j = 0; j < m; j++) {
                        a[o + j * stride] = buf.getInt(b + 4 * j);
                    }
                }
                return;
            }
            case INT64: {
                long[] a = (long[]) out;
                if (stride == 1) {
                    buf.position(b);
                    buf.asLongBuffer().get(a, o, m);
                } else {
                    for (int j = 0; j < m; j++) {
                        a[o + j * stride] = buf.getLong(b + 8 * j);
                    }
                }
                return;
            }
            case FLOAT16: {
                float[] f = (float[]) out;
                short[] h = shorts(m);
                buf.position(b);
                buf.asShortBuffer().get(h, 0, m);
                float[] table = Float16.table();
                for (int j = 0; j < m; j++) {
                    f[o + j * stride] = table[h[j] & 0xffff];
                }
                return;
            }
            case INT8:
            case UINT8:
            case BOOL: {
                int[] a = (int[]) out;
                byte[] x = bytes(m);
                buf.position(b);
                buf.get(x, 0, m);
                int mask = header.type == ElementType.INT8 ? -1 : 0xff;
                for (int j = 0; j < m; j++) {
                    a[o + j * stride] = x[j] & mask;
                }
                if (header.type == ElementType.BOOL) {
                    for (int j = 0; j < m; j++) {
                        if ((x[j] & 0xfe) != 0) {
                            throw valueError(o + j * stride, from, at + j, "bool byte is " + (x[j] & 0xff)
                                    + ", but NumPy bools are 0 or 1");
                        }
                    }
                }
                return;
            }
            case INT16:
            case UINT16: {
                int[] a = (int[]) out;
                short[] x = shorts(m);
                buf.position(b);
                buf.asShortBuffer().get(x, 0, m);
                int mask = header.type == ElementType.INT16 ? -1 : 0xffff;
                for (int j = 0; j < m; j++) {
                    a[o + j * stride] = x[j] & mask;
                }
                return;
            }
            case UINT32: {
                long[] a = (long[]) out;
                int[] x = ints(m);
                buf.position(b);
                buf.asIntBuffer().get(x, 0, m);
                for (int j = 0; j < m; j++) {
                    a[o + j * stride] = x[j] & 0xffffffffL;
                }
                return;
            }
            case UINT64: {
                long[] a = (long[]) out;
                for (int j = 0; j < m; j++) {
                    long v = buf.getLong(b + 8 * j);
                    if (v < 0) {
                        throw valueError(o + j * stride, from, at + 8L * j, "uint64 value "
                                + Long.toUnsignedString(v) + " is larger than the int64 maximum " + Long.MAX_VALUE
                                + " it is read as");
                    }
                    a[o + j * stride] = v;
                }
                return;
            }
            default:
                throw new AssertionError(header.type);
        }
    }

    /** An error about the element at index {@code outIndex} of the chunk starting at row {@code from}. */
    private NpyFormatException valueError(int outIndex, long from, long bytePosition, String message) {
        long flat = from * rowSize + outIndex;
        long[] s = header.shape;
        long[] index = new long[s.length];
        long rest = flat;
        for (int i = s.length - 1; i >= 0; i--) {
            index[i] = rest % s[i];
            rest /= s[i];
        }
        return new NpyFormatException(where + "element " + flat + " (index " + Text.shape(index) + ") at byte "
                + bytePosition + ": " + message);
    }

    /** Scratch arrays for element types that are converted, not bulk-copied; at most one buffer's worth. */
    private byte[] bytes(int n) {
        if (!(scratch instanceof byte[]) || ((byte[]) scratch).length < n) {
            scratch = new byte[buffer().capacity()];
        }
        return (byte[]) scratch;
    }

    private short[] shorts(int n) {
        if (!(scratch instanceof short[]) || ((short[]) scratch).length < n) {
            scratch = new short[buffer().capacity() / 2];
        }
        return (short[]) scratch;
    }

    private int[] ints(int n) {
        if (!(scratch instanceof int[]) || ((int[]) scratch).length < n) {
            scratch = new int[buffer().capacity() / 4];
        }
        return (int[]) scratch;
    }

    private ByteBuffer buffer() {
        if (buffer == null) {
            long dataBytes = header.elementCount * header.type.size;
            int capacity = (int) Math.max(8, Math.min(BUFFER_BYTES, (dataBytes + 7) & ~7L));
            buffer = ByteBuffer.allocateDirect(capacity).order(header.order);
        }
        return buffer;
    }

    /** Deflated data in Fortran order would be re-inflated for every column: inflate it once to a temp file. */
    private void ensureRandomAccess() throws IOException {
        if (source.randomAccess()) {
            return;
        }
        Path tmp = Files.createTempFile("xent-npy-", ".npy");
        ByteSource inflated = null;
        try {
            FileChannel out = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE);
            inflated = new ChannelSource(out, 0, source.size(), name, true);
            ByteBuffer buf = buffer();
            for (long p = 0; p < source.size(); ) {
                buf.clear().limit((int) Math.min(buf.capacity(), source.size() - p));
                source.readFully(p, buf);
                buf.flip();
                while (buf.hasRemaining()) {
                    p += out.write(buf, p);
                }
            }
        } catch (IOException | RuntimeException e) {
            try {
                if (inflated != null) {
                    inflated.close();
                }
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        tempFile = tmp;
        source.close();
        source = inflated;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    /** Closes the file and deletes any temporary file. Closing twice does nothing. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            source.close();
            channel.close();
        } finally {
            if (tempFile != null) {
                Files.deleteIfExists(tempFile);
            }
        }
    }

    @Override
    public String toString() {
        return "NpyArrayFile(" + name + ", " + header.descr + ", " + Text.shape(header.shape)
                + (header.fortranOrder ? ", fortran_order" : "") + ")";
    }

    /**
     * Our own exceptions and {@code NoSuchFileException} pass; any other failure while reading (an I/O error, or a
     * bug) becomes an {@link NpyFormatException} that names the file, so callers see one exception type.
     */
    private static IOException wrap(Throwable e, String where) {
        if (e instanceof NpyFormatException || e instanceof NoSuchFileException) {
            return (IOException) e;
        }
        if (e instanceof IOException) {
            return new NpyFormatException(where + "cannot read: " + describe(e), e);
        }
        if (e instanceof Error && !(e instanceof OutOfMemoryError || e instanceof StackOverflowError)) {
            throw (Error) e;
        }
        return new NpyFormatException(where + "unexpected error while reading (please report it): "
                + describe(e), e);
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + Text.escape(m, 200));
    }
}
