package dev.lamina.keras;

import dev.lamina.runtime.io.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * What kind of file a path is, from its first bytes (never its name): a zip (a {@code .keras}
 * file, checked further by its entries) or an HDF5 file (a legacy {@code .h5} model, checked
 * further by its attributes). Anything else is a {@link ModelFormatException} that says what was
 * found and what Lamina reads.
 */
enum KerasFileKind {
  ZIP,
  HDF5;

  /** What every "wrong kind of file" message ends with. */
  static final String READS = "Lamina reads Keras 3 .keras files (a zip of config.json, "
      + "metadata.json and model.weights.h5) and legacy HDF5 .h5 models written by model.save "
      + "(Keras 2, tf.keras, or Keras 3's legacy saver)";

  private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1A,
      '\n'};

  /**
   * The file's kind.
   *
   * @throws ModelFormatException if it is a directory or neither a zip nor HDF5
   * @throws IOException if it cannot be read at all (it does not exist, say)
   */
  static KerasFileKind of(Path file, String fileName) throws IOException {
    if (Files.isDirectory(file)) {
      throw new ModelFormatException(fileName + ": " + describeDirectory(file) + ". " + READS
          + ".");
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      byte[] head = read(channel, 0, 64);
      if (size == 0) {
        throw new ModelFormatException(fileName + ": an empty file. " + READS + ".");
      }
      if (head.length >= 4 && head[0] == 'P' && head[1] == 'K'
          && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6)
          || (head[2] == 7 && head[3] == 8))) {
        return ZIP;
      }
      // HDF5's superblock is at 0, or after a user block of 512, 1024, 2048, ... bytes.
      for (long at = 0; at < size; at = at == 0 ? 512 : at * 2) {
        if (Arrays.equals(read(channel, at, 8), HDF5_SIGNATURE)) {
          return HDF5;
        }
      }
      throw new ModelFormatException(fileName + ": not a Keras model file: " + describe(head,
          fileName) + ". " + READS + ".");
    }
  }

  private static byte[] read(FileChannel channel, long at, int max) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(max);
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at + buffer.position());
      if (n < 0) {
        break;
      }
    }
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  private static String describeDirectory(Path dir) {
    if (Files.exists(dir.resolve("saved_model.pb")) || Files.exists(dir.resolve(
        "saved_model.pbtxt"))) {
      return "a TensorFlow SavedModel directory (saved_model.pb), which holds a TensorFlow graph, "
          + "not a Keras model description; load it in Python (tf_keras.models.load_model, or "
          + "keras.layers.TFSMLayer) and save the model with model.save(\"model.h5\") or, in "
          + "Keras 3, model.save(\"model.keras\")";
    }
    if (Files.exists(dir.resolve("config.json"))
        && Files.exists(dir.resolve("model.weights.h5"))) {
      return "a directory holding config.json and model.weights.h5: an unzipped .keras file? "
          + "Zip its files (config.json, metadata.json, model.weights.h5) into a .keras file";
    }
    return "a directory, not a model file";
  }

  /** What the first bytes look like, for the message. */
  static String describe(byte[] head, String fileName) {
    if (fileName.equals("saved_model.pb")) {
      return "it is a TensorFlow SavedModel's graph (saved_model.pb), not a Keras model "
          + "description; load its directory in Python and save the model with "
          + "model.save(\"model.h5\") or model.save(\"model.keras\")";
    }
    int i = 0;
    if (head.length >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB
        && (head[2] & 0xFF) == 0xBF) {
      i = 3;
    }
    while (i < head.length && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r'
        || head[i] == '\t')) {
      i++;
    }
    if (i < head.length && (head[i] == '{' || head[i] == '[')) {
      return "it is JSON text (a model's config.json or model_config alone? Lamina needs the "
          + "weights too: the whole .keras or .h5 file)";
    }
    if (head.length >= 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B) {
      return "it is gzip-compressed data (unpack it first)";
    }
    if (head.length >= 6 && head[0] == (byte) 0x93 && new String(head, 1, 5,
        StandardCharsets.US_ASCII).equals("NUMPY")) {
      return "it is a NumPy .npy array";
    }
    StringBuilder hex = new StringBuilder();
    for (int k = 0; k < Math.min(8, head.length); k++) {
      hex.append(k == 0 ? "" : " ").append(String.format("%02x", head[k] & 0xFF));
    }
    return "it is neither a zip nor an HDF5 file (it starts with bytes " + hex + ")";
  }
}
