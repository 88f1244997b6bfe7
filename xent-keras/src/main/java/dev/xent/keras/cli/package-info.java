/**
 * The {@code xent evaluate} command ({@link dev.xent.keras.cli.EvaluateCommand}), registered as a subcommand of the
 * {@code xent} command line.
 */
package dev.xent.keras.cli;
