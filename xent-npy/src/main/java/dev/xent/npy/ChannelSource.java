package dev.xent.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32;

/**
 * A range of a file read with positional {@link FileChannel} reads, so offsets beyond 2 GiB work and nothing is
 * buffered beyond the caller's buffer. Internal.
 *
 * <p>A stored zip entry's source also checks the entry's CRC-32, as NumPy (Python's {@code zipfile}) does: bytes are
 * added to the checksum as reads in increasing order cover them (overlapping and repeated reads are fine; a read
 * that skips bytes ends the check), and the read that reaches the end of the entry fails if the checksum differs,
 * then and on every later read. Reading all rows in order, as the command line does, therefore fails at its last
 * read, before any result is complete.
 */
final class ChannelSource implements ByteSource {

    /** Bytes of a mapped range copied to the heap at a time for the checksum. */
    private static final int CRC_SLICE = 1 << 16;

    private final FileChannel channel;
    private final long start;
    private final long size;
    private final String name;
    private final boolean ownsChannel;
    /** The checksum of bytes {@code [0, checkedUpTo)}, or null when not checking. */
    private final CRC32 crc;
    private final int expectedCrc;
    /** The entry's name in the archive, quoted, for messages. */
    private final String entry;
    private long checkedUpTo;
    /** Set once the checksum was found wrong: every later read fails with it. */
    private String crcFailure;
    private byte[] crcScratch;

    /** Bytes {@code [start, start + size)} of {@code channel}; closes the channel on close if {@code owns}. */
    ChannelSource(FileChannel channel, long start, long size, String name, boolean owns) {
        this(channel, start, size, name, owns, null, 0);
    }

    private ChannelSource(FileChannel channel, long start, long size, String name, boolean owns, String entry,
                          int expectedCrc) {
        this.channel = channel;
        this.start = start;
        this.size = size;
        this.name = name;
        this.ownsChannel = owns;
        this.entry = entry;
        this.expectedCrc = expectedCrc;
        this.crc = entry == null ? null : new CRC32();
    }

    /** A stored zip entry {@code entryName} at {@code [start, start + size)}, whose data must have CRC-32 {@code crc}. */
    static ChannelSource storedEntry(FileChannel channel, long start, long size, String name, String entryName,
                                     int crc) {
        return new ChannelSource(channel, start, size, name, false, Text.quoteName(entryName), crc);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void readFully(long position, ByteBuffer dst) throws IOException {
        if (position < 0 || dst.remaining() > size - position) {
            throw new NpyFormatException(Text.name(name) + ": reading bytes [" + position + ", "
                    + (position + dst.remaining()) + ") past the end (" + size + " bytes)");
        }
        failIfDamaged();
        ByteBuffer read = crc == null ? null : dst.duplicate();
        long p = start + position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, p);
            if (n < 0) {
                throw changed(p - start);
            }
            p += n;
        }
        if (read != null) {
            read.limit(dst.position());
            track(position, read);
        }
    }

    /** The one-line error for a file shorter now than when opened, at byte {@code at} of the range. */
    NpyFormatException changed(long at) {
        return new NpyFormatException(Text.name(name) + ": the file ended at byte " + at + " although it had "
                + size + " bytes when opened; was it changed while being read?");
    }

    /**
     * Adds {@code bytes} (from its position to its limit), the range's bytes from {@code at}, to the checksum if
     * they continue the bytes checked so far; checks it when they reach the end of the range.
     */
    private void track(long at, ByteBuffer bytes) throws NpyFormatException {
        long end = at + bytes.remaining();
        if (crc == null || at > checkedUpTo || end <= checkedUpTo) {
            return;
        }
        ByteBuffer b = bytes.duplicate();
        b.position(b.position() + (int) (checkedUpTo - at));
        if (b.isDirect()) {
            // A mapped range: copied to the heap by slices (ByteBuffer.get), so that a file truncated meanwhile gives
            // an InternalError here rather than a fault inside zlib's native crc32, which would end the JVM.
            if (crcScratch == null) {
                crcScratch = new byte[CRC_SLICE];
            }
            while (b.hasRemaining()) {
                int n = Math.min(crcScratch.length, b.remaining());
                b.get(crcScratch, 0, n);
                crc.update(crcScratch, 0, n);
            }
        } else {
            crc.update(b);
        }
        checkedUpTo = end;
        if (checkedUpTo == size) {
            int actual = (int) crc.getValue();
            if (actual != expectedCrc) {
                crcFailure = Text.name(name) + ": zip entry " + entry + ": the CRC-32 of its " + size
                        + " bytes is " + String.format("%08x", actual) + " but the zip directory says "
                        + String.format("%08x", expectedCrc) + "; they must match (the archive is damaged)";
                failIfDamaged();
            }
        }
    }

    private void failIfDamaged() throws NpyFormatException {
        if (crcFailure != null) {
            throw new NpyFormatException(crcFailure);
        }
    }

    /**
     * Bytes {@code [position, position + length)} mapped read-only, or null if the file is shorter now than when
     * opened or mapping fails (the caller then reads, which reports a short file). The mapping stays valid while the buffer is referenced,
     * even after the channel is closed.
     */
    MappedByteBuffer map(long position, int length) throws IOException {
        if (position < 0 || length > size - position) {
            throw new NpyFormatException(Text.name(name) + ": reading bytes [" + position + ", "
                    + (position + length) + ") past the end (" + size + " bytes)");
        }
        failIfDamaged();
        long p = start + position;
        if (channel.size() < p + length) {
            return null;
        }
        MappedByteBuffer m;
        try {
            m = channel.map(FileChannel.MapMode.READ_ONLY, p, length);
        } catch (IOException e) {
            return null; // no address space or mapping not supported here: the caller reads instead
        }
        if (crc != null) {
            try {
                track(position, m.duplicate());
            } catch (InternalError e) {
                throw truncatedUnderMapping(e, position, length);
            }
        }
        return m;
    }

    /**
     * The error for a fault while reading mapped bytes {@code [position, position + length)}: the file was
     * truncated under the mapping (the JVM reports the fault as an InternalError), said as the unmapped read says it.
     */
    NpyFormatException truncatedUnderMapping(InternalError e, long position, long length) {
        long now;
        try {
            now = channel.size() - start;
        } catch (IOException | RuntimeException ex) {
            now = -1;
        }
        NpyFormatException x = changed(now >= 0 && now < position + length ? Math.max(now, position) : position);
        x.initCause(e);
        return x;
    }

    @Override
    public boolean randomAccess() {
        return true;
    }

    @Override
    public void close() throws IOException {
        if (ownsChannel) {
            channel.close();
        }
    }
}
