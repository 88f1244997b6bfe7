package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyArrayFile;
import dev.xent.npy.NpyWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs large enough to be read as mapped views (xent-npy maps reads of 64 KiB and more) give exactly the output
 * of the copying path ({@code -Dxent.npy.mmap=false}): metrics and losses, int32 and int64 labels, chunked.
 */
class MappedInputTest {

    static final int ROWS = 12_000;
    static final int CLASSES = 20;

    @TempDir
    Path dir;

    @BeforeEach
    void writeInputs() throws IOException {
        SplittableRandom r = new SplittableRandom(11);
        int[] labels = new int[ROWS];
        long[] labels64 = new long[ROWS];
        float[] probs = new float[ROWS * CLASSES];
        float[] logits = new float[ROWS * CLASSES];
        float[] onehot = new float[ROWS * CLASSES];
        float[] weights = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            labels[i] = r.nextInt(CLASSES);
            labels64[i] = labels[i];
            onehot[i * CLASSES + labels[i]] = 1;
            weights[i] = (float) r.nextDouble();
        }
        for (int i = 0; i < probs.length; i++) {
            probs[i] = (float) (0.001 + r.nextDouble());
            logits[i] = (float) (4 * r.nextGaussian());
        }
        NpyWriter.write(dir.resolve("labels.npy"), NdArray.of(labels, ROWS));
        NpyWriter.write(dir.resolve("labels64.npy"), NdArray.of(labels64, ROWS));
        NpyWriter.write(dir.resolve("probs.npy"), NdArray.of(probs, ROWS, CLASSES));
        NpyWriter.write(dir.resolve("logits.npy"), NdArray.of(logits, ROWS, CLASSES));
        NpyWriter.write(dir.resolve("onehot.npy"), NdArray.of(onehot, ROWS, CLASSES));
        NpyWriter.write(dir.resolve("w.npy"), NdArray.of(weights, ROWS));
    }

    private String f(String name) {
        return dir.resolve(name + ".npy").toString();
    }

    private static Cli.Run runWith(boolean mmap, List<String> args) {
        String old = System.getProperty("xent.npy.mmap");
        System.setProperty("xent.npy.mmap", Boolean.toString(mmap));
        try {
            return Cli.run(args.toArray(new String[0]));
        } finally {
            if (old == null) {
                System.clearProperty("xent.npy.mmap");
            } else {
                System.setProperty("xent.npy.mmap", old);
            }
        }
    }

    private void same(String... args) {
        for (String batch : new String[] {null, "5000", "7"}) {
            List<String> a = new ArrayList<>(List.of(args));
            if (batch != null) {
                a.addAll(List.of("--batch-size", batch));
            }
            Cli.Run mapped = runWith(true, a);
            Cli.Run copied = runWith(false, a);
            assertEquals(0, mapped.code, mapped::toString);
            assertEquals(copied.toString(), mapped.toString(), String.join(" ", a));
        }
    }

    @Test
    void theInputsAreMapped() throws IOException {
        for (String name : new String[] {"probs", "labels64"}) {
            try (NpyArrayFile file = NpyArrayFile.open(f(name))) {
                assertNotNull(file.readRows(0, (int) file.rows()).buffer(), name);
            }
        }
    }

    @Test
    void metricsAndLossesEqualTheCopyingPath() {
        for (String labels : new String[] {"labels", "labels64"}) {
            same("metric", "sparse_categorical_crossentropy", "--y-true", f(labels), "--y-pred", f("probs"));
            same("metric", "sparse_categorical_crossentropy", "--y-true", f(labels), "--y-pred", f("logits"),
                    "--from-logits", "--sample-weight", f("w"));
            same("loss", "sparse_categorical_crossentropy", "--y-true", f(labels), "--y-pred", f("logits"),
                    "--from-logits", "--reduction", "sum");
        }
        same("metric", "categorical_crossentropy", "--y-true", f("onehot"), "--y-pred", f("probs"));
        same("loss", "categorical_crossentropy", "--y-true", f("onehot"), "--y-pred", f("logits"), "--from-logits");
    }

    @Test
    void perElementLossFilesAreIdentical() throws IOException {
        byte[] reference = null;
        for (boolean mmap : new boolean[] {false, true}) {
            Path out = dir.resolve("out-" + mmap + ".npy");
            Cli.Run run = runWith(mmap, List.of("loss", "sparse_categorical_crossentropy", "--y-true", f("labels64"),
                    "--y-pred", f("probs"), "--reduction", "none", "--output", out.toString(), "--batch-size", "999"));
            assertEquals(0, run.code, run::toString);
            byte[] bytes = Files.readAllBytes(out);
            if (reference == null) {
                reference = bytes;
            } else {
                assertArrayEquals(reference, bytes);
            }
        }
    }
}
