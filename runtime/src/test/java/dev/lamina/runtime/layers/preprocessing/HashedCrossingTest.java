package dev.lamina.runtime.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerTypes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.LongNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * HashedCrossing against Keras 3.15.1 (tools/keras_hashed_crossing_fixtures.py): the bins of
 * int32 and int64 inputs of shape (batch,) and (batch, 1), two and three of them, extreme values
 * included, int and one_hot; a save and load; Keras's refusals.
 */
class HashedCrossingTest {

  private static final String FIXTURE = "hashed_crossing.json";

  @TempDir Path dir;

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : KerasLayerFixtures.fixture(FIXTURE).requireArray("cases").objects()) {
      out.add(Arguments.of(c.requireString("id"), c));
    }
    return out.stream();
  }

  private static HashedCrossing fromConfig(JsonObject json) throws ModelFormatException {
    LayerConfig read = new LayerConfig(json, "hashed_crossing", LayerConfig.Origin.KERAS);
    read.ignore("name", "trainable", "dtype");
    HashedCrossing layer = (HashedCrossing) LayerTypes.byKerasClassName("HashedCrossing")
        .orElseThrow().fromConfig("hc", read);
    read.rejectUnread("HashedCrossing");
    return layer;
  }

  private static void assertOutput(JsonObject c, NdArray<?> y) throws IOException {
    JsonObject expected = c.requireObject("output");
    assertEquals(Shape.of(expected.requireArray("shape").longs()), y.shape(), c.requireString(
        "id") + ": shape");
    if (expected.requireString("dtype").equals("int64")) {
      long[] lamina = new long[Math.toIntExact(y.size())];
      ((LongNdArray) y).copyTo(NdArrays.wrap(y.shape(), DataBuffers.of(lamina, false, false)));
      assertArrayEquals(expected.requireArray("values").longs(), lamina, c.requireString("id"));
    } else {
      assertArrayEquals(expected.requireArray("values").floats(), KerasLayerFixtures.floats(y),
          c.requireString("id"));
    }
  }

  private static Model model(HashedCrossing layer, JsonObject c) throws IOException {
    List<SymbolicTensor<?>> inputs = new ArrayList<>();
    for (JsonObject x : c.requireArray("inputs").objects()) {
      inputs.add(KerasLayerFixtures.input(x));
    }
    return Model.of(inputs, List.of(layer.call(inputs)));
  }

  private static List<NdArray<?>> inputs(JsonObject c) throws IOException {
    List<NdArray<?>> out = new ArrayList<>();
    for (JsonObject x : c.requireArray("inputs").objects()) {
      out.add(KerasLayerFixtures.array(x));
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void binsAsKeras(String id, JsonObject c) throws IOException {
    HashedCrossing layer = fromConfig(c.requireObject("config"));
    assertEquals(c.requireObject("config").requireString("dtype"), layer.kerasDtype());
    try (Model model = model(layer, c)) {
      assertOutput(c, model.predict(inputs(c)).get(0));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void savesAndLoads(String id, JsonObject c) throws IOException {
    HashedCrossing layer = fromConfig(c.requireObject("config"));
    Path file = dir.resolve("hc.lamina");
    try (Model model = model(layer, c)) {
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      HashedCrossing back = (HashedCrossing) loaded.layers().stream()
          .filter(l -> l instanceof HashedCrossing).findFirst().orElseThrow();
      assertEquals(layer.config(), back.config());
      assertOutput(c, loaded.predict(inputs(c)).get(0));
    }
  }

  @Test
  void refusesWhatKerasRefuses() throws IOException {
    var one = assertThrows(IllegalArgumentException.class,
        () -> new HashedCrossing(3).call(Input.of(TInt32.class, 1)));
    assertTrue(one.getMessage().contains("at least two"), one.getMessage());
    var shape = assertThrows(IllegalArgumentException.class,
        () -> new HashedCrossing(3).call(Input.of(TInt32.class, 2), Input.of(TInt32.class, 2)));
    assertTrue(shape.getMessage().contains("(batch, 1)"), shape.getMessage());
    var unequal = assertThrows(IllegalArgumentException.class,
        () -> new HashedCrossing(3).call(Input.of(TInt32.class, 1), Input.of(TInt32.class)));
    assertTrue(unequal.getMessage().contains("equal shapes"), unequal.getMessage());
    var floats = assertThrows(IllegalArgumentException.class,
        () -> new HashedCrossing(3).call(Input.of(TFloat32.class, 1), Input.of(TInt64.class, 1)));
    assertTrue(floats.getMessage().contains("int32 or int64"), floats.getMessage());
    for (String[] bad : new String[][] {{"num_bins", "0"}, {"output_mode", "\"count\""},
        {"sparse", "true"}}) {
      String json = "{\"name\": \"hc\", \"num_bins\": 4, \"" + bad[0] + "\": " + bad[1] + "}";
      var e = assertThrows(ModelFormatException.class,
          () -> fromConfig((JsonObject) Json.parse(json, "test")));
      assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
    }
    var missing = assertThrows(ModelFormatException.class,
        () -> fromConfig((JsonObject) Json.parse("{\"name\": \"hc\"}", "test")));
    assertTrue(missing.getMessage().contains("num_bins"), missing.getMessage());
  }
}
