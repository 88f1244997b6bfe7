/**
 * The catalogue of Keras functions: each one described once ({@link dev.xent.catalog.KerasFunction}: names,
 * arguments with Keras's defaults and rules, config forms), so that the metric and loss classes, configs,
 * serialization, the command line, Spark and {@code evaluate} derive from one description.
 */
package dev.xent.catalog;
