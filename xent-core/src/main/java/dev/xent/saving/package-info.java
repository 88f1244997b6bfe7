/** Keras's serialized form ({@code module}, {@code class_name}, {@code config}, {@code registered_name}) as plain maps. */
package dev.xent.saving;
