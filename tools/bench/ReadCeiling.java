import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The least work any loss over a {@code .npy} file must do, as a whole JVM process: map the file in chunks of 32 MiB
 * (as {@code ./xent}'s reader does) and read every byte of it once, on every core (a sum of its 64-bit words, which
 * C2 keeps to a few instructions per word). {@code compare.py --large-rows} times this process on the small and the
 * large file, like {@code ./xent}: its marginal rate is the ceiling of any loss's marginal rate on this machine.
 *
 * <p>Run: {@code javac -d DIR tools/bench/ReadCeiling.java && java -cp DIR ReadCeiling FILE [THREADS]}; prints the
 * sum (so nothing is optimised away) and the seconds spent reading.
 */
public final class ReadCeiling {

    private static final int CHUNK = 32 << 20;

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        long start = System.nanoTime();
        long total = 0;
        try (FileChannel channel = FileChannel.open(path)) {
            long size = channel.size();
            long chunks = (size + CHUNK - 1) / CHUNK;
            AtomicLong next = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<Long>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                parts.add(pool.submit(() -> readChunks(channel, size, chunks, next)));
            }
            for (Future<Long> part : parts) {
                total += part.get();
            }
            pool.shutdown();
        }
        System.out.printf("sum %d, %.3f s reading%n", total, (System.nanoTime() - start) / 1e9);
    }

    /** Takes chunks from {@code next} until none are left; returns the sum of their words. */
    private static long readChunks(FileChannel channel, long size, long chunks, AtomicLong next) throws IOException {
        long sum = 0;
        for (long c; (c = next.getAndIncrement()) < chunks; ) {
            long offset = c * CHUNK;
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, offset, Math.min(CHUNK, size - offset));
            sum += sum(map.order(ByteOrder.nativeOrder()).asLongBuffer());
        }
        return sum;
    }

    private static long sum(LongBuffer words) {
        long s = 0;
        for (int i = 0, n = words.limit(); i < n; i++) {
            s += words.get(i);
        }
        return s;
    }
}
