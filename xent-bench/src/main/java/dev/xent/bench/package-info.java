/**
 * JMH benchmarks of the kernels: {@link dev.xent.bench.KernelBench} (sparse), {@link dev.xent.bench.CategoricalBench}
 * and {@link dev.xent.bench.MemoryCeilingBench} (the read ceiling they are compared with). Each benchmark's setup
 * checks the kernel it measures against the scalar reference, so a wrong fast kernel fails instead of winning.
 * Results: {@code docs/benchmarks.md}.
 */
package dev.xent.bench;
