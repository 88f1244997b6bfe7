package example;

import dev.xent.losses.Reduction;
import dev.xent.ndarray.NdArray;
import dev.xent.runtime.KernelInfo;
import java.util.Arrays;

/** The README's Java snippet, as a program of its own that depends on dev.xent:xent-core. */
public final class Quickstart {

    private Quickstart() {}

    public static void main(String[] args) {
        NdArray yTrue = NdArray.of(new int[] {1, 2});
        NdArray yPred = NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3);
        NdArray weights = NdArray.of(new float[] {0.3f, 0.7f});

        var metric = dev.xent.metrics.SparseCategoricalCrossentropy.builder().build();
        metric.updateState(yTrue, yPred);
        System.out.println("metric: " + metric.result());                        // 1.1769392
        metric.resetState();
        metric.updateState(yTrue, yPred, weights);
        System.out.println("weighted metric: " + metric.result());               // 1.6271976

        var loss = dev.xent.losses.SparseCategoricalCrossentropy.builder().build();
        System.out.println("loss: " + loss.value(yTrue, yPred));                 // 1.177
        System.out.println("weighted loss: " + loss.value(yTrue, yPred, weights)); // 0.814
        System.out.println("sum: " + loss.toBuilder().reduction(Reduction.SUM).build().value(yTrue, yPred)); // 2.354
        System.out.println("none: " + Arrays.toString(
                loss.toBuilder().reduction(Reduction.NONE).build().call(yTrue, yPred).toFloatArray())); // [0.0513, 2.303]

        System.out.println("kernel: " + KernelInfo.current());
    }
}
