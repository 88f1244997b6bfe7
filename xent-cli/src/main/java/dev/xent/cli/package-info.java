/**
 * The {@code xent} command line: {@code xent metric NAME ...} and {@code xent loss NAME ...} compute a Keras metric
 * or loss of the {@link dev.xent.catalog.Catalog} over NumPy {@code .npy}/{@code .npz} files, streaming them in chunks
 * of rows, and print one JSON object. Names, options and their checks come from the catalogue
 * ({@link dev.xent.cli.KerasOptions}); {@code xent evaluate} ({@link dev.xent.cli.KerasEvaluateCommand}) reports a
 * {@code .keras} model's compiled loss and metrics. {@link dev.xent.cli.Main} is the entry point;
 * {@link dev.xent.cli.XentCommand#newCommandLine} builds the command with its error handling for tests.
 */
package dev.xent.cli;
