package dev.xent.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A range of a file read with positional {@link FileChannel} reads, so offsets beyond 2 GiB work and nothing is
 * buffered beyond the caller's buffer. Internal.
 */
final class ChannelSource implements ByteSource {

    private final FileChannel channel;
    private final long start;
    private final long size;
    private final String name;
    private final boolean ownsChannel;

    /** Bytes {@code [start, start + size)} of {@code channel}; closes the channel on close if {@code owns}. */
    ChannelSource(FileChannel channel, long start, long size, String name, boolean owns) {
        this.channel = channel;
        this.start = start;
        this.size = size;
        this.name = name;
        this.ownsChannel = owns;
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
        long p = start + position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, p);
            if (n < 0) {
                throw new NpyFormatException(Text.name(name) + ": the file ended at byte " + (p - start)
                        + " although it had " + size + " bytes when opened; was it changed while being read?");
            }
            p += n;
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
        long p = start + position;
        if (channel.size() < p + length) {
            return null;
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, p, length);
        } catch (IOException e) {
            return null; // no address space or mapping not supported here: the caller reads instead
        }
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
