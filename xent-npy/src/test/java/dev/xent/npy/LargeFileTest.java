package dev.xent.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.xent.ndarray.NdArray;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offsets beyond 2 GiB and 4 GiB, on sparse files (the zeros take no disk space): a C-order .npy, a Fortran-order
 * .npy whose second column starts past 2 GiB, and a ZIP64 .npz whose stored entry is larger than 4 GiB.
 */
class LargeFileTest {

    @TempDir
    Path dir;

    @Test
    void cOrderBeyond2GiB() throws IOException {
        long rows = 700_000_000L; // 2.8 GB of float32
        Path p = dir.resolve("big.npy");
        byte[] header = Fixtures.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ",), }",
                new byte[0]);
        try (FileChannel c = create(p, header.length + rows * 4)) {
            c.write(ByteBuffer.wrap(header), 0);
            ByteBuffer tail = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f)
                    .putFloat(Float.NaN).flip();
            c.write(tail, header.length + (rows - 3) * 4);
        }
        try (NpyArrayFile f = NpyArrayFile.open(p.toString())) {
            assertEquals(rows, f.rows());
            NdArray last = f.readRows(rows - 4, 4);
            assertArrayEquals(new float[] {0f, 1.5f, -2f, Float.NaN}, last.toFloatArray());
            assertArrayEquals(new float[3], f.readRows(0, 3).toFloatArray());
        }
    }

    @Test
    void fortranOrderBeyond4GiB() throws IOException {
        long rows = 600_000_000L; // (rows, 2) float32 in Fortran order: column 1 starts at 2.4 GB, ends at 4.8 GB
        Path p = dir.resolve("bigF.npy");
        byte[] header = Fixtures.npy("{'descr': '>f4', 'fortran_order': True, 'shape': (" + rows + ", 2), }",
                new byte[0]);
        try (FileChannel c = create(p, header.length + rows * 8)) {
            c.write(ByteBuffer.wrap(header), 0);
            // element (rows-1, 0) and (rows-2, 1), (rows-1, 1)
            c.write(ByteBuffer.allocate(4).putFloat(7f).flip(), header.length + (rows - 1) * 4);
            c.write(ByteBuffer.allocate(8).putFloat(8f).putFloat(9f).flip(), header.length + (2 * rows - 2) * 4);
        }
        try (NpyArrayFile f = NpyArrayFile.open(p.toString())) {
            NdArray last = f.readRows(rows - 2, 2);
            assertArrayEquals(new int[] {2, 2}, last.shape());
            assertArrayEquals(new float[] {0f, 8f, 7f, 9f}, last.toFloatArray());
        }
    }

    @Test
    void zip64EntryBeyond4GiB() throws IOException {
        long rows = 1_200_000_000L; // 4.8 GB of float32, stored
        byte[] npyHeader = Fixtures.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ",), }",
                new byte[0]);
        long size = npyHeader.length + rows * 4;
        byte[] name = "x.npy".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer local = le(30 + name.length + 20).putInt(0x04034b50).putShort((short) 45).putShort((short) 0)
                .putShort((short) 0).putInt(0).putInt(0).putInt(-1).putInt(-1).putShort((short) name.length)
                .putShort((short) 20).put(name).putShort((short) 1).putShort((short) 16).putLong(size).putLong(size)
                .flip();
        long dataStart = local.remaining();
        long cdOffset = dataStart + size;
        ByteBuffer cd = le(46 + name.length + 20).putInt(0x02014b50).putShort((short) 45).putShort((short) 45)
                .putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).putInt(-1).putInt(-1)
                .putShort((short) name.length).putShort((short) 20).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putInt(0).putInt(0).put(name).putShort((short) 1).putShort((short) 16)
                .putLong(size).putLong(size).flip();
        long cdSize = cd.remaining();
        long z64 = cdOffset + cdSize;
        ByteBuffer end = le(56 + 20 + 22).putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45)
                .putInt(0).putInt(0).putLong(1).putLong(1).putLong(cdSize).putLong(cdOffset)
                .putInt(0x07064b50).putInt(0).putLong(z64).putInt(1)
                .putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) -1).putShort((short) -1)
                .putInt(-1).putInt(-1).putShort((short) 0).flip();
        Path p = dir.resolve("big.npz");
        try (FileChannel c = create(p, z64 + end.remaining())) {
            c.write(local, 0);
            c.write(ByteBuffer.wrap(npyHeader), dataStart);
            c.write(le(4).putFloat(42f).flip(), cdOffset - 4);
            c.write(cd, cdOffset);
            c.write(end, z64);
        }
        try (NpyArrayFile f = NpyArrayFile.open(p + ":x")) {
            assertEquals(rows, f.rows());
            assertArrayEquals(new float[] {0f, 42f}, f.readRows(rows - 2, 2).toFloatArray());
        }
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A sparse file of {@code length} bytes. */
    private static FileChannel create(Path p, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(length);
        }
        return FileChannel.open(p, StandardOpenOption.WRITE);
    }
}
