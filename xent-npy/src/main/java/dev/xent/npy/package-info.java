/**
 * NumPy {@code .npy} and {@code .npz} files: reading by rows of the first axis with bounded memory, and writing.
 *
 * <pre>{@code
 * try (NpyArrayFile f = NpyArrayFile.open("y_pred.npy")) {       // or "arrays.npz:y_pred"
 *     for (long row = 0; row < f.rows(); row += 65536) {
 *         NdArray chunk = f.readRows(row, (int) Math.min(65536, f.rows() - row));
 *         ...
 *     }
 * }
 * NpyWriter.write(Path.of("loss.npy"), NdArray.of(new float[] {0.5f, 1.25f}));
 * }</pre>
 *
 * <p>{@link dev.xent.npy.NpyArrayFile} reads the header only when opened and checks it strictly against the file
 * size; {@link dev.xent.npy.NpyWriter} writes numpy's own bytes (version 1.0 headers padded to 64 bytes) through a
 * temporary file that is moved into place on success. Every problem with a file's content is reported as a
 * {@link dev.xent.npy.NpyFormatException} whose one-line message starts with the file name.
 */
package dev.xent.npy;
