/**
 * The small n-dimensional input views that losses and metrics read: a shape plus flat row-major primitive data
 * (arrays or NIO buffers, so memory-mapped files work), never copied.
 */
package dev.xent.ndarray;
