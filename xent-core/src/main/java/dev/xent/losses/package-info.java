/**
 * Losses with Keras's names and semantics: {@link dev.xent.losses.SparseCategoricalCrossentropy},
 * {@link dev.xent.losses.CategoricalCrossentropy}, their functional forms in {@link dev.xent.losses.Losses}, and
 * {@link dev.xent.losses.Reduction}. Each loss also gives its gradient with respect to the predictions
 * ({@link dev.xent.losses.Loss#gradient}, {@link dev.xent.losses.Loss#lossAndGradient}), equal to TensorFlow's
 * {@code GradientTape} through the Keras loss.
 */
package dev.xent.losses;
