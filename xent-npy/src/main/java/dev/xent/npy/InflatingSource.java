package dev.xent.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A deflated zip entry, inflated on the fly from positional reads of the archive. Internal.
 *
 * <p>Deflate can only be read forward: a read at or after the current position inflates (and discards) up to
 * it; a read before it starts again from the beginning of the entry. Reading rows in increasing order therefore
 * costs one pass; each backward jump costs a pass up to the new position. Memory is one 64 KiB input buffer and
 * zlib's window. When the whole entry has been inflated in one pass its CRC-32 is checked.
 */
final class InflatingSource implements ByteSource {

    private static final int INPUT_BUFFER = 1 << 16;

    private final FileChannel channel;
    private final long compressedStart;
    private final long compressedSize;
    private final long size;
    private final int expectedCrc;
    private final String name;
    /** The entry's name in the archive, quoted, for messages. */
    private final String entry;
    private final byte[] input = new byte[INPUT_BUFFER];
    private final CRC32 crc = new CRC32();
    private Inflater inflater;
    private ByteBuffer scratch;
    /** Compressed bytes handed to the inflater so far. */
    private long compressedRead;
    /** Uncompressed bytes produced so far: the current position. */
    private long position;
    private boolean dummyByteGiven;

    InflatingSource(FileChannel channel, long compressedStart, long compressedSize, long size, int crc32,
            String name, String entryName) {
        this.channel = channel;
        this.compressedStart = compressedStart;
        this.compressedSize = compressedSize;
        this.size = size;
        this.expectedCrc = crc32;
        this.name = name;
        this.entry = Text.quoteName(entryName);
        restart();
    }

    private void restart() {
        if (inflater != null) {
            inflater.end();
        }
        inflater = new Inflater(true);
        compressedRead = 0;
        position = 0;
        dummyByteGiven = false;
        crc.reset();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean randomAccess() {
        return false;
    }

    @Override
    public void readFully(long at, ByteBuffer dst) throws IOException {
        if (at < 0 || dst.remaining() > size - at) {
            throw new NpyFormatException(Text.name(name) + ": reading bytes [" + at + ", " + (at + dst.remaining())
                    + ") past the end of the entry (" + size + " bytes)");
        }
        if (at < position) {
            restart();
        }
        if (at > position) {
            if (scratch == null) {
                scratch = ByteBuffer.allocate(INPUT_BUFFER);
            }
            while (position < at) {
                scratch.clear().limit((int) Math.min(scratch.capacity(), at - position));
                while (scratch.hasRemaining()) {
                    inflateInto(scratch);
                }
            }
        }
        while (dst.hasRemaining()) {
            inflateInto(dst);
        }
    }

    /** Inflates at least one byte into {@code dst} (which has room), or throws. */
    private void inflateInto(ByteBuffer dst) throws IOException {
        for (int stalls = 0; ; stalls++) {
            if (stalls > 1000) { // zlib always progresses with input and room for output; never spin regardless
                throw new NpyFormatException(Text.name(name) + ": the deflated data makes no progress at"
                        + " compressed byte " + compressedRead);
            }
            int before = dst.position();
            int n;
            try {
                n = inflater.inflate(dst);
            } catch (DataFormatException e) {
                throw new NpyFormatException(Text.name(name) + ": the deflated data is corrupt near compressed byte "
                        + compressedRead + " (" + e.getMessage() + ")", e);
            }
            if (n > 0) {
                ByteBuffer done = dst.duplicate();
                done.limit(dst.position()).position(before);
                crc.update(done);
                position += n;
                if (position == size) {
                    checkCrc();
                }
                return;
            }
            if (inflater.finished()) {
                throw new NpyFormatException(Text.name(name) + ": the deflated data ends after " + position
                        + " bytes but the zip directory says the entry has " + size);
            }
            if (inflater.needsDictionary()) {
                throw new NpyFormatException(Text.name(name) + ": the deflated data asks for a preset dictionary,"
                        + " which zip entries never use");
            }
            if (inflater.needsInput()) {
                fill();
                stalls = 0;
            }
        }
    }

    private void fill() throws IOException {
        if (compressedRead == compressedSize) {
            if (dummyByteGiven) {
                throw new NpyFormatException(Text.name(name) + ": the deflated data (" + compressedSize
                        + " bytes) ends before the entry's " + size + " bytes are complete (" + position
                        + " inflated)");
            }
            // zlib in raw mode may need one extra byte to finish the last block (as java.util.zip.ZipFile does)
            dummyByteGiven = true;
            inflater.setInput(new byte[1]);
            return;
        }
        int want = (int) Math.min(input.length, compressedSize - compressedRead);
        ByteBuffer buf = ByteBuffer.wrap(input, 0, want);
        long p = compressedStart + compressedRead;
        while (buf.hasRemaining()) {
            int r = channel.read(buf, p);
            if (r < 0) {
                throw new NpyFormatException(Text.name(name) + ": the archive ends inside the compressed data of"
                        + " the entry; was it changed while being read?");
            }
            p += r;
        }
        compressedRead += want;
        inflater.setInput(input, 0, want);
    }

    private void checkCrc() throws NpyFormatException {
        int actual = (int) crc.getValue();
        if (actual != expectedCrc) {
            throw new NpyFormatException(Text.name(name) + ": zip entry " + entry + ": the CRC-32 of its " + size
                    + " inflated bytes is " + String.format("%08x", actual) + " but the zip directory says "
                    + String.format("%08x", expectedCrc) + "; they must match (the archive is damaged)");
        }
    }

    @Override
    public void close() {
        inflater.end();
    }
}
