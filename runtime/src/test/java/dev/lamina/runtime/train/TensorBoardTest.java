package dev.lamina.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.layers.core.Dense;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.types.TFloat32;

/**
 * TensorBoard's event files read back by a parser of this test's own (TFRecord framing with a
 * bit-by-bit CRC-32C, protocol buffers by their wire format, field numbers from TensorFlow's
 * {@code event.proto}, {@code summary.proto} and {@code tensor.proto}), none of the writer's
 * code or the generated proto classes.
 */
class TensorBoardTest {

  @TempDir
  Path dir;

  /** One scalar event as this test reads it. */
  record Scalar(String tag, long step, float value, String plugin, long dataClass) {}

  @Test
  void writesKerasScalarsPerEpochAndBatchUnderTrainAndValidation() throws Exception {
    var x = Input.of(TFloat32.class, 1);
    var dense = Dense.builder(1).kernel(new float[][] {{0.5f}}).bias(new float[] {0}).build();
    float[][] xs = {{1}, {2}};
    float[][] ys = {{2}, {4}};
    Path logs = dir.resolve("logs");
    try (var model = Model.of(x, dense.apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      model.fit(xs, ys, new FitOptions().epochs(2).batchSize(2).shuffle(false).verbose(0)
          .validationData(xs, ys).callbacks(new TensorBoard(logs, "batch", false)));
    }
    // By hand (one full-batch SGD step an epoch, lr 0.1, y = 2x from w = 0.5, b = 0):
    // epoch 0 trains at loss (1.5² + 3²) / 2 = 5.625 and steps to w = 1.25, b = 0.45, where
    // the loss is (0.3² + 1.05²) / 2 = 0.59625; epoch 1 trains at 0.59625 and steps to
    // w = 1.49, b = 0.585, where the loss is (0.075² + 0.435²) / 2 = 0.097425.
    float lr = 0.1f;
    List<Scalar> train = scalars(onlyFile(logs.resolve("train")));
    assertEquals(List.of(
        new Scalar("batch_loss", 1, 5.625f, "scalars", 0),
        new Scalar("epoch_loss", 0, 5.625f, "scalars", 0),
        new Scalar("epoch_learning_rate", 0, lr, "scalars", 0),
        new Scalar("batch_loss", 2, 0.59625f, "scalars", 0),
        new Scalar("epoch_loss", 1, 0.59625f, "scalars", 0),
        new Scalar("epoch_learning_rate", 1, lr, "scalars", 0)), rounded(train));
    List<Scalar> validation = scalars(onlyFile(logs.resolve("validation")));
    assertEquals(List.of(
        new Scalar("evaluation_loss_vs_iterations", 1, 0.59625f, "scalars", 0),
        new Scalar("epoch_loss", 0, 0.59625f, "scalars", 0),
        new Scalar("evaluation_loss_vs_iterations", 2, 0.097425f, "scalars", 0),
        new Scalar("epoch_loss", 1, 0.097425f, "scalars", 0)), rounded(validation));
  }

  /** Values to 5 significant figures, as the hand computation (float32 arithmetic differs). */
  private static List<Scalar> rounded(List<Scalar> scalars) {
    List<Scalar> out = new ArrayList<>();
    for (Scalar s : scalars) {
      float value = new java.math.BigDecimal(s.value())
          .round(new java.math.MathContext(5)).floatValue();
      out.add(new Scalar(s.tag(), s.step(), value, s.plugin(), s.dataClass()));
    }
    return out;
  }

  private static Path onlyFile(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> all = files.toList();
      assertEquals(1, all.size(), all.toString());
      String name = all.get(0).getFileName().toString();
      assertTrue(name.matches("events\\.out\\.tfevents\\.\\d{10}\\..+\\.\\d+\\.\\d+\\.v2"), name);
      return all.get(0);
    }
  }

  @Test
  void writesKerasWeightHistograms() throws Exception {
    var x = Input.of(TFloat32.class, 1);
    var hidden = Dense.builder(2).kernel(new float[][] {{0.5f, -1.0f}}).bias(new float[2]).build();
    var out = Dense.builder(1).kernel(new float[][] {{1.0f}, {0.25f}}).bias(new float[1]).build();
    Path logs = dir.resolve("logs");
    try (var model = Model.of(x, out.apply(hidden.apply(x)))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      model.fit(new float[][] {{1}, {2}}, new float[][] {{2}, {4}}, new FitOptions().epochs(1)
          .batchSize(2).verbose(0).callbacks(new TensorBoard(logs, 1, "epoch", false)));
    }
    List<byte[]> records = records(Files.readAllBytes(onlyFile(logs.resolve("train"))));
    List<String> tags = new ArrayList<>();
    Map<String, double[][]> histograms = new LinkedHashMap<>();
    for (byte[] record : records.subList(1, records.size())) {
      Map<Integer, List<Object>> value = message((byte[]) message((byte[]) message(record)
          .get(5).get(0)).get(1).get(0));
      String tag = text(value, 1);
      tags.add(tag);
      Map<Integer, List<Object>> plugin = message((byte[]) message((byte[]) value.get(9).get(0))
          .get(1).get(0));
      if (tag.endsWith("/histogram")) {
        assertEquals("histograms", text(plugin, 1));
        Map<Integer, List<Object>> tensor = message((byte[]) value.get(8).get(0));
        assertEquals(2L, tensor.get(1).get(0), "DT_DOUBLE");
        Map<Integer, List<Object>> shape = message((byte[]) tensor.get(2).get(0));
        assertEquals(30L, message((byte[]) shape.get(2).get(0)).get(1).get(0));
        assertEquals(3L, message((byte[]) shape.get(2).get(1)).get(1).get(0));
        ByteBuffer content = ByteBuffer.wrap((byte[]) tensor.get(4).get(0))
            .order(ByteOrder.LITTLE_ENDIAN);
        double[][] rows = new double[30][3];
        for (double[] row : rows) {
          for (int i = 0; i < 3; i++) {
            row[i] = content.getDouble();
          }
        }
        histograms.put(tag, rows);
      }
    }
    // Keras's order: the epoch's scalars, then each layer's weights (Keras's weight.path).
    assertEquals(List.of("epoch_loss", "epoch_learning_rate", "dense/kernel/histogram",
        "dense/bias/histogram", "dense_1/kernel/histogram", "dense_1/bias/histogram"), tags);
    // One SGD step by hand: errors (-1.75, -3.5), so the hidden kernel moves by 0.1 × (8.75,
    // 2.1875) to (1.375, -0.78125). TensorBoard's buckets: edges min + i × (max - min) / 30.
    double[][] kernel = histograms.get("dense/kernel/histogram");
    double min = -0.78125;
    double max = 1.375;
    for (int i = 0; i < 30; i++) {
      assertEquals(min + (max - min) / 30 * i, kernel[i][0], 0.0, "left edge " + i);
      assertEquals(i == 29 ? max : min + (max - min) / 30 * (i + 1), kernel[i][1], 0.0);
      assertEquals(i == 0 || i == 29 ? 1.0 : 0.0, kernel[i][2], "count " + i);
    }
    // The same rows as Keras 3.15 wrote for this model and step (TensorBoard 2.21).
    assertArrayEquals(new double[] {-0.421875, -0.35000000000000003, 0}, kernel[5]);
    assertArrayEquals(new double[] {-0.0625, 0.009374999999999911, 0}, kernel[10]);
    assertArrayEquals(new double[] {1.3031249999999996, 1.375, 1}, kernel[29]);
    // One value (the output bias, 0.1 × 5.25 in float32: 0.5250000357627869, as Keras's):
    // every edge that value, the count in the last row.
    double[][] bias = histograms.get("dense_1/bias/histogram");
    double b = 0.1f * 5.25f;
    for (int i = 0; i < 30; i++) {
      assertArrayEquals(new double[] {b, b, i == 29 ? 1 : 0}, bias[i], "row " + i);
    }
  }

  /** Every record's event; the first must be the file version, the others scalars. */
  private static List<Scalar> scalars(Path file) throws Exception {
    List<byte[]> records = records(Files.readAllBytes(file));
    Map<Integer, List<Object>> first = message(records.get(0));
    assertEquals("brain.Event:2", text(first, 3));
    assertTrue(((Long) first.get(1).get(0)) != 0, "a wall time");
    List<Scalar> scalars = new ArrayList<>();
    for (byte[] record : records.subList(1, records.size())) {
      Map<Integer, List<Object>> event = message(record);
      long step = event.containsKey(2) ? (Long) event.get(2).get(0) : 0;
      double wallTime = Double.longBitsToDouble((Long) event.get(1).get(0));
      assertTrue(wallTime > 1.6e9, "wall time in seconds: " + wallTime);
      Map<Integer, List<Object>> summary = message((byte[]) event.get(5).get(0));
      assertEquals(1, summary.get(1).size());
      Map<Integer, List<Object>> value = message((byte[]) summary.get(1).get(0));
      Map<Integer, List<Object>> tensor = message((byte[]) value.get(8).get(0));
      assertEquals(1L, tensor.get(1).get(0), "DT_FLOAT");
      assertEquals(0, ((byte[]) tensor.get(2).get(0)).length, "a scalar's empty shape");
      byte[] content = (byte[]) tensor.get(4).get(0);
      assertEquals(4, content.length);
      float v = ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN).getFloat();
      Map<Integer, List<Object>> metadata = message((byte[]) value.get(9).get(0));
      Map<Integer, List<Object>> plugin = message((byte[]) metadata.get(1).get(0));
      scalars.add(new Scalar(text(value, 1), step, v, text(plugin, 1),
          metadata.containsKey(4) ? (Long) metadata.get(4).get(0) : 0));
    }
    return scalars;
  }

  private static String text(Map<Integer, List<Object>> message, int field) {
    return new String((byte[]) message.get(field).get(0), StandardCharsets.UTF_8);
  }

  /** TFRecords: uint64 length, masked CRC-32C of it, data, masked CRC-32C of the data. */
  private static List<byte[]> records(byte[] file) {
    ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> records = new ArrayList<>();
    while (in.hasRemaining()) {
      byte[] lengthBytes = new byte[8];
      in.get(lengthBytes);
      long length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
      assertEquals(masked(crc32c(lengthBytes)), in.getInt(), "length CRC");
      byte[] data = new byte[Math.toIntExact(length)];
      in.get(data);
      assertEquals(masked(crc32c(data)), in.getInt(), "data CRC");
      records.add(data);
    }
    return records;
  }

  /** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit. */
  private static int crc32c(byte[] data) {
    int crc = ~0;
    for (byte b : data) {
      crc ^= b & 0xff;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
      }
    }
    return ~crc;
  }

  private static int masked(int crc) {
    return Integer.rotateRight(crc, 15) + 0xa282ead8;
  }

  /** A protocol buffer's fields by number: varints and fixed64 as Long, bytes as byte[]. */
  private static Map<Integer, List<Object>> message(byte[] bytes) {
    Map<Integer, List<Object>> fields = new LinkedHashMap<>();
    int[] at = {0};
    while (at[0] < bytes.length) {
      long key = varint(bytes, at);
      int field = (int) (key >>> 3);
      Object value;
      switch ((int) (key & 7)) {
        case 0:
          value = varint(bytes, at);
          break;
        case 1:
          value = ByteBuffer.wrap(bytes, at[0], 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
          at[0] += 8;
          break;
        case 2:
          int length = (int) varint(bytes, at);
          byte[] data = new byte[length];
          System.arraycopy(bytes, at[0], data, 0, length);
          at[0] += length;
          value = data;
          break;
        case 5:
          value = (long) ByteBuffer.wrap(bytes, at[0], 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
          at[0] += 4;
          break;
        default:
          throw new AssertionError("wire type " + (key & 7));
      }
      fields.computeIfAbsent(field, f -> new ArrayList<>()).add(value);
    }
    return fields;
  }

  private static long varint(byte[] bytes, int[] at) {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = bytes[at[0]++];
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
  }

  @Test
  void tensorFlowsMaskedCrcOfKnownBytes() {
    // TensorFlow's crc32c_test: the CRC-32C of 32 zero bytes is 0x8a9136aa; of "123456789",
    // 0xe3069283 (the check value of CRC-32C).
    assertEquals(0x8a9136aa, crc32c(new byte[32]));
    assertEquals(0xe3069283, crc32c("123456789".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(masked(0xe3069283),
        TensorBoard.maskedCrc32c("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9));
    var out = new ByteArrayOutputStream();
    TensorBoard.record(out, TensorBoard.scalar("t", 1.5, 7));
    List<byte[]> records = records(out.toByteArray());
    assertEquals(1, records.size());
  }
}
