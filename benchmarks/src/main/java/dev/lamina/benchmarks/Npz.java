package dev.lamina.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;

/**
 * Writes NumPy's {@code .npz} (a zip of {@code .npy} v1.0 arrays of little-endian float32 in C
 * order), so that the Keras script reads the very weights and data the Java side uses.
 */
final class Npz {

  private final Map<String, Object[]> arrays = new LinkedHashMap<>();

  /** Adds {@code values} (row-major) as {@code name.npy} of {@code shape}. */
  Npz add(String name, float[] values, long... shape) {
    long size = 1;
    for (long d : shape) {
      size *= d;
    }
    if (size != values.length) {
      throw new IllegalArgumentException(name + ": " + values.length + " values for shape "
          + java.util.Arrays.toString(shape));
    }
    arrays.put(name, new Object[] {values, shape});
    return this;
  }

  Npz add(String name, float[][] values) {
    int cols = values[0].length;
    float[] flat = new float[values.length * cols];
    for (int i = 0; i < values.length; i++) {
      System.arraycopy(values[i], 0, flat, i * cols, cols);
    }
    return add(name, flat, values.length, cols);
  }

  /** The values of {@code x}, row-major. */
  static float[] flat(FloatNdArray x) {
    float[] values = new float[Math.toIntExact(x.size())];
    x.copyTo(NdArrays.wrap(x.shape(), DataBuffers.of(values, false, false)));
    return values;
  }

  void write(Path path) throws IOException {
    try (OutputStream file = Files.newOutputStream(path);
        ZipOutputStream zip = new ZipOutputStream(file)) {
      for (Map.Entry<String, Object[]> entry : arrays.entrySet()) {
        float[] values = (float[]) entry.getValue()[0];
        long[] shape = (long[]) entry.getValue()[1];
        zip.putNextEntry(new ZipEntry(entry.getKey() + ".npy"));
        zip.write(header(shape));
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        zip.write(data.array());
        zip.closeEntry();
      }
    }
  }

  private static byte[] header(long[] shape) {
    StringJoiner dims = new StringJoiner(", ", "(", shape.length == 1 ? ",)" : ")");
    for (long d : shape) {
      dims.add(Long.toString(d));
    }
    StringBuilder dict = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': ")
        .append(dims).append(", }");
    // Magic (6) + version (2) + length (2) + dict + padding + '\n', a multiple of 64 bytes.
    int total = 10 + dict.length() + 1;
    dict.append(" ".repeat((64 - total % 64) % 64)).append('\n');
    byte[] text = dict.toString().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer header = ByteBuffer.allocate(10 + text.length).order(ByteOrder.LITTLE_ENDIAN);
    header.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII));
    header.put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
    return header.array();
  }
}
