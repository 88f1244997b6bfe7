package dev.xent.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The central directory of a zip archive ({@code .npz}), parsed directly from the file so that stored entries can
 * be read in place by position and deflated ones streamed. Handles ZIP64 (entries and archives over 4 GiB).
 * Internal.
 */
final class NpzArchive {

    /** A directory larger than this is refused (an .npz has one small record per array). */
    static final long MAX_DIRECTORY = 64L << 20;

    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int LOCAL = 0x04034b50;

    /** One file in the archive. */
    static final class Entry {
        final String name;
        final int method;
        final int flags;
        final int crc;
        final long compressedSize;
        final long size;
        final long localHeaderOffset;

        Entry(String name, int method, int flags, int crc, long compressedSize, long size, long localHeaderOffset) {
            this.name = name;
            this.method = method;
            this.flags = flags;
            this.crc = crc;
            this.compressedSize = compressedSize;
            this.size = size;
            this.localHeaderOffset = localHeaderOffset;
        }

        /** The key NumPy's {@code NpzFile} shows: the name without its {@code .npy} suffix. */
        String key() {
            return name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        }
    }

    private NpzArchive() {
    }

    /** Reads the entries of the zip archive in {@code channel}; errors start with {@code where}. */
    static List<Entry> entries(FileChannel channel, String where) throws IOException {
        long fileSize = channel.size();
        int tailLength = (int) Math.min(fileSize, 22 + 0xffff);
        if (tailLength < 22) {
            throw new NpyFormatException(where + "not a zip archive: " + fileSize
                    + " bytes is shorter than a zip end record (22 bytes)");
        }
        ByteBuffer tail = read(channel, fileSize - tailLength, tailLength, where);
        int eocd = -1;
        for (int i = tailLength - 22; i >= 0; i--) {
            if (tail.getInt(i) == EOCD) {
                if (eocd < 0) {
                    eocd = i; // the last signature, used if none has a comment that fits the file exactly
                }
                if (i + 22 + (tail.getShort(i + 20) & 0xffff) == tailLength) {
                    eocd = i;
                    break;
                }
            }
        }
        if (eocd < 0) {
            throw new NpyFormatException(where + "not a zip archive or truncated: no end-of-central-directory"
                    + " record in the last " + tailLength + " bytes");
        }
        long eocdPosition = fileSize - tailLength + eocd;
        int disk = tail.getShort(eocd + 4) & 0xffff;
        int cdDisk = tail.getShort(eocd + 6) & 0xffff;
        long count = tail.getShort(eocd + 10) & 0xffff;
        long cdSize = tail.getInt(eocd + 12) & 0xffffffffL;
        long cdOffset = tail.getInt(eocd + 16) & 0xffffffffL;
        if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
            if (eocdPosition < 20 || readInt(channel, eocdPosition - 20, where) != ZIP64_LOCATOR) {
                throw new NpyFormatException(where + "zip end record at byte " + eocdPosition
                        + " needs a ZIP64 end record but there is no ZIP64 locator before it");
            }
            ByteBuffer locator = read(channel, eocdPosition - 20, 20, where);
            long z64 = locator.getLong(8);
            if (z64 < 0 || z64 > eocdPosition - 20 - 56) {
                throw new NpyFormatException(where + "ZIP64 end record offset " + z64 + " is outside the archive");
            }
            ByteBuffer rec = read(channel, z64, 56, where);
            if (rec.getInt(0) != ZIP64_EOCD) {
                throw new NpyFormatException(where + "no ZIP64 end record at byte " + z64);
            }
            disk = rec.getInt(16);
            cdDisk = rec.getInt(20);
            count = rec.getLong(32);
            cdSize = rec.getLong(40);
            cdOffset = rec.getLong(48);
            eocdPosition = z64;
        }
        if (disk != 0 || cdDisk != 0) {
            throw new NpyFormatException(where + "multi-disk (split) zip archives are not supported");
        }
        if (cdSize < 0 || cdOffset < 0 || cdOffset > eocdPosition || cdSize > eocdPosition - cdOffset) {
            throw new NpyFormatException(where + "zip central directory [" + cdOffset + ", +" + cdSize
                    + ") lies outside the archive (end record at byte " + eocdPosition + ")");
        }
        if (cdSize > MAX_DIRECTORY) {
            throw new NpyFormatException(where + "zip central directory of " + cdSize
                    + " bytes is larger than the limit of " + MAX_DIRECTORY);
        }
        if (count < 0 || count > cdSize / 46) {
            throw new NpyFormatException(where + "zip end record says " + count + " entries, but the "
                    + cdSize + "-byte central directory holds at most " + cdSize / 46);
        }
        ByteBuffer cd = read(channel, cdOffset, (int) cdSize, where);
        List<Entry> entries = new ArrayList<>();
        int p = 0;
        for (long i = 0; i < count; i++) {
            long at = cdOffset + p;
            if (p > cd.limit() - 46 || cd.getInt(p) != CENTRAL) {
                throw new NpyFormatException(where + "zip central directory entry " + i + " at byte " + at
                        + " is damaged (bad signature or truncated)");
            }
            int flags = cd.getShort(p + 8) & 0xffff;
            int method = cd.getShort(p + 10) & 0xffff;
            int crc = cd.getInt(p + 16);
            long compressed = cd.getInt(p + 20) & 0xffffffffL;
            long size = cd.getInt(p + 24) & 0xffffffffL;
            int nameLength = cd.getShort(p + 28) & 0xffff;
            int extraLength = cd.getShort(p + 30) & 0xffff;
            int commentLength = cd.getShort(p + 32) & 0xffff;
            long local = cd.getInt(p + 42) & 0xffffffffL;
            int next = p + 46 + nameLength + extraLength + commentLength;
            if (next > cd.limit()) {
                throw new NpyFormatException(where + "zip central directory entry " + i + " at byte " + at
                        + " runs past the end of the directory");
            }
            byte[] nameBytes = new byte[nameLength];
            cd.get(p + 46, nameBytes);
            Charset cs = (flags & 0x800) != 0 ? StandardCharsets.UTF_8 : cp437();
            String name = new String(nameBytes, cs);
            // ZIP64 extended information: the 64-bit values of the fields saturated at 0xffffffff, in order
            int e = p + 46 + nameLength;
            int extraEnd = e + extraLength;
            while (e + 4 <= extraEnd) {
                int id = cd.getShort(e) & 0xffff;
                int len = cd.getShort(e + 2) & 0xffff;
                if (e + 4 + len > extraEnd) {
                    break;
                }
                if (id == 0x0001) {
                    int q = e + 4;
                    int end = q + len;
                    if (size == 0xffffffffL && q + 8 <= end) {
                        size = cd.getLong(q);
                        q += 8;
                    }
                    if (compressed == 0xffffffffL && q + 8 <= end) {
                        compressed = cd.getLong(q);
                        q += 8;
                    }
                    if (local == 0xffffffffL && q + 8 <= end) {
                        local = cd.getLong(q);
                    }
                }
                e += 4 + len;
            }
            if (size < 0 || compressed < 0 || local < 0 || local > cdOffset) {
                throw new NpyFormatException(where + "zip entry " + Text.quoteName(name)
                        + " has sizes or an offset outside the archive");
            }
            entries.add(new Entry(name, method, flags, crc, compressed, size, local));
            p = next;
        }
        return entries;
    }

    /** Where the data of {@code e} starts: after its local header, whose name and extra lengths may differ. */
    static long dataOffset(FileChannel channel, Entry e, String where) throws IOException {
        long size = channel.size();
        if (e.localHeaderOffset > size - 30) {
            throw new NpyFormatException(where + "zip local header of " + Text.quoteName(e.name) + " at byte "
                    + e.localHeaderOffset + " is outside the archive");
        }
        ByteBuffer h = read(channel, e.localHeaderOffset, 30, where);
        if (h.getInt(0) != LOCAL) {
            throw new NpyFormatException(where + "no zip local header at byte " + e.localHeaderOffset + " for "
                    + Text.quoteName(e.name) + "; the archive is damaged");
        }
        long data = e.localHeaderOffset + 30 + (h.getShort(26) & 0xffff) + (h.getShort(28) & 0xffff);
        if (data > size || e.compressedSize > size - data) {
            throw new NpyFormatException(where + "zip entry " + Text.quoteName(e.name) + ": its " + e.compressedSize
                    + " bytes of data from byte " + data + " run past the end of the archive (" + size + " bytes)");
        }
        return data;
    }

    private static Charset cp437() {
        try {
            return Charset.forName("IBM437");
        } catch (RuntimeException e) {
            return StandardCharsets.ISO_8859_1;
        }
    }

    private static int readInt(FileChannel channel, long at, String where) throws IOException {
        return read(channel, at, 4, where).getInt(0);
    }

    private static ByteBuffer read(FileChannel channel, long at, int length, String where) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        long p = at;
        while (b.hasRemaining()) {
            int n = channel.read(b, p);
            if (n < 0) {
                throw new NpyFormatException(where + "the archive ends at byte " + p + " while reading " + length
                        + " bytes from byte " + at);
            }
            p += n;
        }
        return b.flip();
    }
}
