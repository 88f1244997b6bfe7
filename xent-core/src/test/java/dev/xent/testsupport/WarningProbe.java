package dev.xent.testsupport;

import dev.xent.ndarray.NdArray;
import dev.xent.runtime.KernelInfo;

/**
 * A program that uses the library as an application would (a metric, then a loss of the element-wise family, each
 * twice), then prints {@link KernelInfo#current()} on stdout: {@code KernelInfoTest} runs it in a JVM of its own.
 * (Outside xent-core's packages, so that it also runs from the class path next to xent-core on the module path.)
 */
public final class WarningProbe {

    private WarningProbe() {}

    public static void main(String[] args) {
        NdArray labels = NdArray.of(new int[] {1, 2});
        NdArray probs = NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3);
        NdArray targets = NdArray.of(new float[] {0, 1, 0, 0, 0, 1}, 2, 3);
        for (int i = 0; i < 2; i++) {
            var metric = dev.xent.metrics.SparseCategoricalCrossentropy.builder().build();
            metric.updateState(labels, probs);
            var loss = dev.xent.losses.BinaryCrossentropy.builder().build();
            loss.value(targets, probs);
        }
        System.out.println(KernelInfo.current().vectorized() + " " + KernelInfo.current());
    }
}
