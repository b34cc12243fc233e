package dev.lamina.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Stream;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;

/**
 * What the export tests leave for {@code tools/check_savedmodel.py}, which runs each export
 * through Python's TensorFlow, TensorFlow Lite and ONNX Runtime: per model, under
 * {@code target/savedmodel-check/<model>/}, the SavedModel in {@code model/1/}, the inputs fed in
 * {@code inputs/<signature input key>.npy} and Lamina's predictions in
 * {@code expected/<signature output key>.npy}. Shared by the runtime's and the samples' tests.
 */
public final class SavedModelCheckMaterial {

  /** Relative to the module's directory, where Maven runs its tests. */
  public static final Path ROOT = Path.of("target", "savedmodel-check");

  private SavedModelCheckMaterial() {}

  /** {@code ROOT/<name>}, emptied. */
  public static Path freshDirectory(String name) throws IOException {
    Path dir = ROOT.resolve(name);
    deleteTree(dir);
    return Files.createDirectories(dir);
  }

  /**
   * Leaves {@code export} (copied), its inputs and Lamina's predictions under {@code ROOT/<name>},
   * for a model whose export was written elsewhere.
   */
  public static void leave(String name, Path export, Map<String, ? extends NdArray<?>> inputs,
      Map<String, ? extends NdArray<?>> expected) throws IOException {
    Path dir = freshDirectory(name);
    Path copy = dir.resolve("model/1");
    try (Stream<Path> walk = Files.walk(export)) {
      for (Path path : walk.toList()) {
        Path target = copy.resolve(export.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
    writeArrays(dir, inputs, expected);
  }

  /** Writes {@code dir/inputs/<key>.npy} and {@code dir/expected/<key>.npy}. */
  public static void writeArrays(Path dir, Map<String, ? extends NdArray<?>> inputs,
      Map<String, ? extends NdArray<?>> expected) throws IOException {
    Files.createDirectories(dir.resolve("inputs"));
    Files.createDirectories(dir.resolve("expected"));
    for (var input : inputs.entrySet()) {
      writeNpy(dir.resolve("inputs").resolve(input.getKey() + ".npy"), input.getValue());
    }
    for (var output : expected.entrySet()) {
      writeNpy(dir.resolve("expected").resolve(output.getKey() + ".npy"), output.getValue());
    }
  }

  /** NumPy's .npy format, version 1.0: little-endian float32 or int32, C order. */
  public static void writeNpy(Path file, NdArray<?> array) throws IOException {
    String descr;
    ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(4 * array.size()))
        .order(ByteOrder.LITTLE_ENDIAN);
    if (array instanceof FloatNdArray floats) {
      descr = "<f4";
      float[] values = new float[Math.toIntExact(array.size())];
      floats.copyTo(NdArrays.wrap(array.shape(), DataBuffers.of(values, false, false)));
      data.asFloatBuffer().put(values);
    } else if (array instanceof IntNdArray ints) {
      descr = "<i4";
      int[] values = new int[Math.toIntExact(array.size())];
      ints.copyTo(NdArrays.wrap(array.shape(), DataBuffers.of(values, false, false)));
      data.asIntBuffer().put(values);
    } else {
      throw new IllegalArgumentException("only float32 and int32 arrays: " + array.getClass());
    }
    StringJoiner shape = new StringJoiner(", ", "(", array.rank() == 1 ? ",)" : ")");
    for (long size : array.shape().asArray()) {
      shape.add(Long.toString(size));
    }
    String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape
        + ", }";
    int unpadded = 10 + header.length() + 1;
    header = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    ByteBuffer bytes = ByteBuffer.allocate(10 + header.length() + data.capacity())
        .order(ByteOrder.LITTLE_ENDIAN);
    bytes.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII))
        .put((byte) 1).put((byte) 0).putShort((short) header.length())
        .put(header.getBytes(StandardCharsets.US_ASCII))
        .put(data.array());
    Files.write(file, bytes.array());
  }

  /** Deletes {@code root} and everything under it, if it exists. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
      for (Path path : paths) {
        Files.delete(path);
      }
    }
  }
}
