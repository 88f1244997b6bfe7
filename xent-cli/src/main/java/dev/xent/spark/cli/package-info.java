/**
 * {@code xent spark metric|loss}: the command line over tables read by Spark, run by the {@code xent} launcher in its
 * own JVM ({@code xent-cli/bin/xent-spark}). It reads NAME, the options and {@code --config} with xent-cli's
 * code and aggregates with xent-spark_2.13; neither library depends on this module.
 */
package dev.xent.spark.cli;
