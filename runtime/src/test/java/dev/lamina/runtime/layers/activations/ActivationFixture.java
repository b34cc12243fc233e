package dev.lamina.runtime.layers.activations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;
import dev.lamina.runtime.registry.LayerTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.tensorflow.ndarray.BooleanNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;

/**
 * The Keras 3 fixture {@code keras/layers.json} ({@code tools/keras_layer_fixtures.py}) and what
 * the activation tests share: layers built from Keras's configs through their types, tensors,
 * and the comparison with Keras's values.
 */
final class ActivationFixture {

  /**
   * Keras's kernels and TensorFlow Java's are the same TensorFlow ops, but the graphs may fuse
   * or order them differently: agreement to 1e-5 of each value, and to 1e-6 absolutely where a
   * value is so near zero that 1e-5 of it is below float rounding of the terms it came from.
   */
  static final double RELATIVE = 1e-5;
  static final double ABSOLUTE_FLOOR = 1e-6;

  private static JsonObject fixture;

  private ActivationFixture() {}

  static synchronized JsonObject fixture() {
    if (fixture == null) {
      try (InputStream in = ActivationFixture.class.getResourceAsStream("/keras/layers.json")) {
        fixture = Json.parseObject(in.readAllBytes(), "layers.json");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return fixture;
  }

  /**
   * The layer a Keras config describes, read by its registered type as the Keras importer
   * reads it: the options every layer has (name, trainable, dtype) are the importer's; any other
   * key the type leaves unread is refused.
   */
  static Layer fromKeras(String className, JsonObject config) throws ModelFormatException {
    LayerType<?> type = LayerTypes.byKerasClassName(className).orElseThrow(
        () -> new AssertionError("no layer type for Keras's " + className));
    LayerConfig c = new LayerConfig(config, className + " layer", LayerConfig.Origin.KERAS);
    c.ignore("name", "trainable", "dtype");
    Layer layer = type.fromConfig(config.optString("name", null), c);
    c.rejectUnread(type.name());
    return layer;
  }

  static long[] shape(JsonObject tensor) throws ModelFormatException {
    return tensor.requireArray("shape").longs();
  }

  static FloatNdArray floats(JsonObject tensor) throws ModelFormatException {
    return NdArrays.wrap(Shape.of(shape(tensor)),
        DataBuffers.of(tensor.requireArray("values").floats(), true, false));
  }

  static BooleanNdArray booleans(JsonObject tensor) throws ModelFormatException {
    long[] values = tensor.requireArray("values").longs();
    boolean[] flags = new boolean[values.length];
    for (int i = 0; i < values.length; i++) {
      flags[i] = values[i] != 0;
    }
    return NdArrays.wrap(Shape.of(shape(tensor)), DataBuffers.of(flags, true, false));
  }

  static float[] flat(NdArray<?> array) {
    float[] out = new float[Math.toIntExact(array.shape().size())];
    ((FloatNdArray) array).copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  /** The sample shape (batch dropped). */
  static long[] sample(long[] shape) {
    return Arrays.copyOfRange(shape, 1, shape.length);
  }

  static void assertClose(JsonObject expected, NdArray<?> actual, String what)
      throws ModelFormatException {
    assertEquals(Shape.of(shape(expected)), actual.shape(), what + ": shape");
    assertClose(expected.requireArray("values").floats(), flat(actual), what);
  }

  static void assertClose(float[] keras, float[] lamina, String what) {
    assertEquals(keras.length, lamina.length, what + ": size");
    for (int i = 0; i < keras.length; i++) {
      double tolerance = Math.max(RELATIVE * Math.abs(keras[i]), ABSOLUTE_FLOOR);
      assertTrue(Math.abs(keras[i] - lamina[i]) <= tolerance || keras[i] == lamina[i],
          what + "[" + i + "]: Keras " + keras[i] + ", Lamina " + lamina[i] + " (tolerance "
              + tolerance + ")");
    }
  }
}
