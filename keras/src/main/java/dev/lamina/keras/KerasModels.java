package dev.lamina.keras;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.ModelFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Loads Keras 3 {@code .keras} files (a zip of {@code config.json}, {@code metadata.json} and
 * {@code model.weights.h5}) and legacy HDF5 {@code .h5} models ({@code model.save("model.h5")} of
 * Keras 2, tf.keras and Keras 3's legacy saver: the attributes {@code model_config} and {@code
 * keras_version}, the weights under {@code model_weights}) as Lamina models with their trained
 * weights; which of the two a file is comes from its bytes, not its name:
 *
 * <pre>{@code
 * try (Model model = KerasModels.load(Path.of("slice.keras"), LambdaBindings.of()
 *     .bind("slice", args -> SliceLayer.of(args.requireInt("index"))))) {
 *   float[][][][] y = model.predict(x, float[][][][].class);
 * }
 * }</pre>
 *
 * <p>Sequential and functional models (several inputs and outputs, shared layers) with the layers
 * {@code InputLayer}, {@code Dense}, {@code Activation}, {@code Dropout}, {@code Flatten}, {@code
 * Reshape}, {@code Concatenate}, {@code Add}, {@code Multiply} and {@code Lambda}, in float32.
 * Everything else (another layer type, an option such as {@code kernel_regularizer} or {@code
 * noise_shape} set to other than its default, a mixed-precision policy, an unknown option) is a
 * {@link ModelFormatException} naming the layer, what it has and what is supported: the importer
 * never makes a model that computes something other than Keras's.
 *
 * <p>Keras 2's configurations are mapped onto Keras 3's where the two differ (node lists, {@code
 * batch_input_shape}, {@code LeakyReLU}'s {@code alpha}, the {@code Lambda}'s {@code
 * function_type} and {@code output_shape_type}, ...); what Keras 3 computes otherwise (Keras 2's
 * {@code hard_sigmoid}, the theano backend's kernels) is refused. A file of another kind (an HDF5
 * file without a model_config, a SavedModel directory, a zip that is not a {@code .keras} file,
 * anything else) is a {@link ModelFormatException} saying what it is and what Lamina reads.
 *
 * <p>Each {@code Lambda} layer is bound to a Java layer through {@link LambdaBindings}; the Python
 * code in the file is never read as code, let alone run (of Keras 2's marshalled functions, only
 * the function's name is read, as data, to bind a {@code def} by its name). Missing bindings are one error listing
 * every unbound layer with its function name, its input shapes and the Java line that would bind
 * it.
 *
 * <p>Bad files (not a zip, a truncated or corrupt entry, a zip bomb, a weights file that is not
 * HDF5 or does not match the configuration, an HDF5 chunk that inflates to or declares more than
 * its dataset holds, a non-finite {@code Lambda} argument, sizes beyond the {@linkplain
 * KerasImportOptions limits}) are a {@link ModelFormatException}, the one exception type of
 * Lamina's file readers; sizes the file declares are checked before anything of that size is
 * allocated. Chunked weights are decoded by Lamina under a bound from the dataset's shape
 * (deflate, shuffle, fletcher32, LZF, LZ4, bitshuffle). No {@link Error} escapes a load: one a
 * library path still raises (an {@code OutOfMemoryError}) becomes a {@code ModelFormatException}
 * naming the file. Import is linear in the number of layers, in whatever order the file lists
 * them.
 */
public final class KerasModels {

  private KerasModels() {}

  /** Loads a model without {@code Lambda} layers. */
  public static Model load(Path file) throws IOException {
    return load(file, LambdaBindings.of(), KerasImportOptions.defaults());
  }

  /** Loads a model, binding its {@code Lambda} layers with {@code bindings}. */
  public static Model load(Path file, LambdaBindings bindings) throws IOException {
    return load(file, bindings, KerasImportOptions.defaults());
  }

  /**
   * Loads a model.
   *
   * @return a new model, built and holding the file's weights; close it when done
   * @throws ModelFormatException if the file is malformed, too large, or holds what the importer
   *     does not support, or a {@code Lambda} layer has no binding or does not fit its binding,
   *     or loading it raised an {@code Error}
   * @throws IOException if the file cannot be read at all
   */
  public static Model load(Path file, LambdaBindings bindings, KerasImportOptions options)
      throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(bindings, "bindings");
    Objects.requireNonNull(options, "options");
    return KerasImporter.load(file, bindings, options);
  }
}
