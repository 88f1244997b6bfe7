/**
 * What the library runs on this JVM: {@link dev.xent.runtime.KernelInfo} says which kernel computes the
 * cross-entropies, whether it uses SIMD (the incubating Vector API, enabled by
 * {@code --add-modules jdk.incubator.vector}), and why.
 */
package dev.xent.runtime;
