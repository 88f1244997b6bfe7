/**
 * Losses with Keras's names and semantics: {@link dev.xent.losses.SparseCategoricalCrossentropy},
 * {@link dev.xent.losses.CategoricalCrossentropy}, their functional forms in {@link dev.xent.losses.Losses}, and
 * {@link dev.xent.losses.Reduction}.
 */
package dev.xent.losses;
