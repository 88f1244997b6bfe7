package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.xent.internal.kernel.CrossEntropyKernel;
import dev.xent.internal.kernel.Kernels;
import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyWriter;
import dev.xent.runtime.KernelInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each command asks {@code Kernels.forOneShot} for its kernel with the size of {@code --y-pred} and whether it holds
 * logits, once, and runs its
 * chunks under that kernel only (seen through the CONFIG line the choice logs: these tests run without the Vector
 * API, where the one-shot kernel is the process-wide one).
 */
class OneShotKernelTest {

    static final int ROWS = 12;
    static final int CLASSES = 5;

    @TempDir
    Path dir;

    private final Logger log = Logger.getLogger(KernelInfo.LOGGER);
    private final List<String> lines = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private Level level;

    @BeforeEach
    void capture() throws IOException {
        level = log.getLevel();
        log.setLevel(Level.CONFIG);
        handler.setLevel(Level.CONFIG);
        log.addHandler(handler);
        int[] labels = new int[ROWS];
        float[] onehot = new float[ROWS * CLASSES];
        float[] probs = new float[ROWS * CLASSES];
        for (int r = 0; r < ROWS; r++) {
            labels[r] = r % CLASSES;
            onehot[r * CLASSES + labels[r]] = 1;
            for (int c = 0; c < CLASSES; c++) {
                probs[r * CLASSES + c] = 0.1f + 0.05f * ((r + c) % 4);
            }
        }
        NpyWriter.write(dir.resolve("labels.npy"), NdArray.of(labels, ROWS));
        NpyWriter.write(dir.resolve("onehot.npy"), NdArray.of(onehot, ROWS, CLASSES));
        NpyWriter.write(dir.resolve("probs.npy"), NdArray.of(probs, ROWS, CLASSES));
    }

    @AfterEach
    void release() {
        log.removeHandler(handler);
        log.setLevel(level);
    }

    private String file(String name) {
        return dir.resolve(name + ".npy").toString();
    }

    /** The one-shot choices logged during one run. */
    private List<String> choices(String... args) {
        lines.clear();
        CrossEntropyKernel before = Kernels.get();
        Cli.Run run = Cli.run(args);
        assertEquals(0, run.code, run::toString);
        // The choice is scoped to the run: nothing stays behind on this thread.
        assertSame(before, Kernels.get());
        return lines.stream().filter(l -> l.contains("one-shot job")).collect(Collectors.toList());
    }

    @ParameterizedTest
    @CsvSource({
        "metric, sparse_categorical_crossentropy, labels, , elements",
        "metric, sparse_categorical_crossentropy, labels, --from-logits, logits",
        "metric, categorical_crossentropy, onehot, , elements",
        "metric, categorical_crossentropy, onehot, --from-logits, logits",
        "loss, sparse_categorical_crossentropy, labels, --from-logits, logits",
        "loss, categorical_crossentropy, onehot, , elements",
    })
    void metricsAndLossesAskWithTheirSizeAndMode(String command, String name, String yTrue, String logits,
                                                 String kind) {
        List<String> args = new ArrayList<>(List.of(command, name, "--y-true", file(yTrue), "--y-pred",
                file("probs")));
        if (logits != null) {
            args.add(logits);
        }
        List<String> got = choices(args.toArray(new String[0]));
        assertEquals(1, got.size(), got::toString);
        assertEquals(true, got.get(0).contains("one-shot job of " + ROWS * CLASSES + " " + kind + " "), got::toString);
    }

    @ParameterizedTest
    @CsvSource({
        "sparse_categorical_accuracy, labels",
        "sparse_top_k_categorical_accuracy, labels",
        "categorical_accuracy, onehot",
        "top_k_categorical_accuracy, onehot",
    })
    void functionsWithoutTheKernelNeverAsk(String name, String yTrue) {
        List<String> got = choices("metric", name, "--y-true", file(yTrue), "--y-pred", file("probs"));
        assertEquals(List.of(), got);
    }

    @Test
    void perSampleLossesAndGradientsRunUnderTheChoice() {
        List<String> got = choices("loss", "sparse_categorical_crossentropy", "--y-true", file("labels"), "--y-pred",
                file("probs"), "--reduction", "none", "--output", file("values"), "--gradient", file("gradient"));
        assertEquals(1, got.size(), got::toString);
        assertEquals(true, got.get(0).contains("one-shot job of " + ROWS * CLASSES + " elements "), got::toString);
    }
}
