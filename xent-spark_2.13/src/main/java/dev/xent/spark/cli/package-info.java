/** {@code xent spark}: the command line over Spark, run by the {@code xent} launcher in its own JVM. */
package dev.xent.spark.cli;
