package dev.xent.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.ndarray.NdArray;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one-shot choice ({@code Kernels.forOneShot}) and the per-thread scope of {@code Kernels.with}. */
class KernelsTest {

    private final String property = System.getProperty("xent.kernels");

    @AfterEach
    void restoreProperty() {
        if (property == null) {
            System.clearProperty("xent.kernels");
        } else {
            System.setProperty("xent.kernels", property);
        }
    }

    /** The SIMD kernel's twin alone (the reference without the Vector API), over the configured threads. */
    private static void assertOneShot(CrossEntropyKernel k) {
        if (!Kernels.vectorModulePresent()) {
            assertSame(Kernels.get(), k);
            return;
        }
        int threads = Kernels.threads(System.getProperty("xent.threads"));
        if (threads > 1) {
            assertEquals(threads, ((ParallelKernel) k).threads());
            assertEquals(LaneTwin.INSTANCE.name() + " x " + threads + " threads", k.name());
        } else {
            assertSame(LaneTwin.INSTANCE, k);
        }
    }

    @Test
    void smallJobsTakeTheTwinAloneAndLargeOnesTheProcessWideChoice() {
        System.clearProperty("xent.kernels");
        CrossEntropyKernel chosen = Kernels.get();
        assertOneShot(Kernels.forOneShot(0, false));
        assertOneShot(Kernels.forOneShot(Kernels.ONE_SHOT_PROBABILITY_ELEMENTS - 1, false));
        assertSame(chosen, Kernels.forOneShot(Kernels.ONE_SHOT_PROBABILITY_ELEMENTS, false));
        assertOneShot(Kernels.forOneShot(Kernels.ONE_SHOT_LOGIT_ELEMENTS - 1, true));
        assertSame(chosen, Kernels.forOneShot(Kernels.ONE_SHOT_LOGIT_ELEMENTS, true));
        // The twin's exp runs one element at a time: logits go to SIMD at a smaller size.
        assertTrue(Kernels.ONE_SHOT_LOGIT_ELEMENTS < Kernels.ONE_SHOT_PROBABILITY_ELEMENTS);
        assertOneShot(Kernels.forOneShot(Kernels.ONE_SHOT_LOGIT_ELEMENTS, false));
        assertSame(chosen, Kernels.forOneShot(Long.MAX_VALUE, false));
        if (Kernels.vectorModulePresent()) {
            assertNotSame(chosen, Kernels.forOneShot(1, false));
        }
    }

    @Test
    void sparseProbabilitiesTakeTheReferenceAtEverySizeAndSparseLogitsTheOneShotChoice() {
        System.clearProperty("xent.kernels");
        int threads = Kernels.threads(System.getProperty("xent.threads"));
        String reference = ScalarKernel.INSTANCE.name() + (threads > 1 ? " x " + threads + " threads" : "");
        for (long n : new long[] {0, Kernels.ONE_SHOT_PROBABILITY_ELEMENTS, Long.MAX_VALUE}) {
            assertEquals(reference, Kernels.forOneShotSparse(n, false).name());
            assertSame(Kernels.forOneShot(n, true), Kernels.forOneShotSparse(n, true));
        }
        CrossEntropyKernel chosen = Kernels.get();
        for (String value : new String[] {"vector", "scalar"}) {
            System.setProperty("xent.kernels", value);
            assertSame(chosen, Kernels.forOneShotSparse(1000, false));
            assertSame(chosen, Kernels.forOneShotSparse(1000, true));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", " AUTO "})
    void autoIsTheDefault(String value) {
        System.setProperty("xent.kernels", value);
        assertOneShot(Kernels.forOneShot(1000, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "scalar"})
    void anExplicitChoiceIsKept(String value) {
        CrossEntropyKernel chosen = Kernels.get();
        System.setProperty("xent.kernels", value);
        assertSame(chosen, Kernels.forOneShot(1000, false));
        assertSame(chosen, Kernels.forOneShot(1000, true));
    }

    @Test
    void withScopesTheKernelToTheThreadAndRestoresIt() throws Exception {
        CrossEntropyKernel chosen = Kernels.get();
        CrossEntropyKernel scalar = ScalarKernel.INSTANCE;
        CrossEntropyKernel other = Kernels.create("scalar", 2);
        String seen = Kernels.with(scalar, () -> {
            assertSame(scalar, Kernels.get());
            // Another thread keeps the process-wide choice.
            assertSame(chosen, CompletableFuture.supplyAsync(Kernels::get).get());
            Kernels.with(other, () -> {
                assertSame(other, Kernels.get());
                return null;
            });
            assertSame(scalar, Kernels.get());
            return "done";
        });
        assertEquals("done", seen);
        assertSame(chosen, Kernels.get());
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Kernels.with(scalar, () -> {
            throw new IllegalStateException("boom");
        }));
        assertEquals("boom", thrown.getMessage());
        assertSame(chosen, Kernels.get());
    }

    /** Each worker of the parallel kernel's pool has a name of its own (they all were "xent-kernel-0"). */
    @Test
    void parallelWorkersAreNumbered() throws Exception {
        int threads = 3;
        CyclicBarrier allWorking = new CyclicBarrier(threads);
        Map<Long, String> names = new ConcurrentHashMap<>();
        CrossEntropyKernel recording = new CrossEntropyKernel() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public void sparse(NdArray pred, RowLayout layout, int[] labels, ProbabilityMode mode, Precision precision,
                               double[] out, int outOffset, int from, int to) {
                names.put(Thread.currentThread().getId(), Thread.currentThread().getName());
                try {
                    // Holds each chunk until every worker has one, so all of them run.
                    allWorking.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void categorical(NdArray pred, NdArray target, RowLayout layout, double keep, double add,
                                    ProbabilityMode mode, Precision precision, double[] out, int outOffset, int from,
                                    int to) {
                throw new UnsupportedOperationException();
            }
        };
        int rows = 3;
        NdArray pred = NdArray.of(new float[rows * 4], rows, 4);
        new ParallelKernel(recording, threads, 1).sparse(pred, new RowLayout(rows, 4, 1), new int[rows],
                ProbabilityMode.LOGITS, Precision.FLOAT32, new double[rows], 0, 0, rows);
        assertEquals(threads, names.size(), names::toString);
        assertEquals(Set.of("xent-kernel-0", "xent-kernel-1", "xent-kernel-2"), Set.copyOf(names.values()));
    }
}
