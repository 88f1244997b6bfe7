/** Internal: row batching and SQL argument binding for the Spark adapters. Not a public API. */
package dev.xent.spark.internal;
