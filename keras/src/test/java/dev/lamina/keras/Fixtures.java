package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;

/** The committed Keras fixtures and what Keras predicted for them. */
final class Fixtures {

  private Fixtures() {}

  static Path path(String file) {
    try {
      return Path.of(Fixtures.class.getResource("/fixtures/" + file).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing fixture " + file, e);
    }
  }

  /** {@code X.json}: Keras's inputs and outputs. */
  static JsonObject expected(String model) throws IOException {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + model + ".json")) {
      return Json.parseObject(in.readAllBytes(), model + ".json");
    }
  }

  static FloatNdArray array(JsonObject tensor) throws IOException {
    return (FloatNdArray) input(tensor);
  }

  /** A tensor of the fixture: float32 unless its {@code dtype} says int32 or int64. */
  static NdArray<?> input(JsonObject tensor) throws IOException {
    long[] shape = tensor.requireArray("shape").longs();
    if ("int64".equals(tensor.optString("dtype", "float32"))) {
      return NdArrays.wrap(Shape.of(shape), DataBuffers.of(tensor.requireArray("values").longs(),
          true, false));
    }
    if ("int32".equals(tensor.optString("dtype", "float32"))) {
      return NdArrays.wrap(Shape.of(shape), DataBuffers.of(tensor.requireArray("values").ints(),
          true, false));
    }
    float[] values = tensor.requireArray("values").floats();
    return NdArrays.wrap(Shape.of(shape), DataBuffers.of(values, true, false));
  }

  /** Predicts Keras's inputs and compares every output value to Keras's, 1e-5 relative. */
  static void assertPredictsAsKeras(Model model, String fixture) throws IOException {
    JsonObject expected = expected(fixture);
    List<NdArray<?>> inputs = new ArrayList<>();
    for (JsonObject input : expected.requireArray("inputs").objects()) {
      inputs.add(input(input));
    }
    List<JsonObject> outputs = expected.requireArray("outputs").objects();
    assertEquals(outputs.size(), model.outputs().size(), "outputs");
    List<NdArray<?>> actual = model.predict(inputs);
    for (int j = 0; j < outputs.size(); j++) {
      long[] shape = outputs.get(j).requireArray("shape").longs();
      float[] want = outputs.get(j).requireArray("values").floats();
      FloatNdArray got = (FloatNdArray) actual.get(j);
      assertArrayEquals(shape, got.shape().asArray(), fixture + " output " + j + " shape");
      float[] values = new float[want.length];
      got.copyTo(DataBuffers.of(values, false, false));
      for (int i = 0; i < want.length; i++) {
        double tolerance = 1e-5 * Math.max(Math.abs(want[i]), 1e-2);
        if (!(Math.abs(values[i] - want[i]) <= tolerance)) {
          fail(fixture + " output " + j + " value " + i + ": Keras " + want[i] + ", Lamina "
              + values[i] + " (tolerance " + tolerance + ")");
        }
      }
    }
  }
}
