package dev.lamina.runtime.layers.convolutional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerTypes;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Keras's Conv1D and Conv2D against {@code conv.json} ({@code tools/keras_conv_fixtures.py}):
 * every case built from Keras's config through its layer type, with Keras's weights, its output
 * shape and values (to 1e-5, the {@code long_sum} case's 400-term sums included), a save and
 * load, one SGD step through each case's layer, and three SGD steps of a small model as Keras.
 */
class ConvolutionalLayersTest {

  private static final String FIXTURE = "conv.json";

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String type : List.of("Conv1D", "Conv2D")) {
      KerasLayerFixtures.cases(FIXTURE, type).forEach(out::add);
    }
    return out.stream();
  }

  private static JsonObject input(JsonObject testCase) throws IOException {
    return testCase.requireArray("inputs").requireObject(0);
  }

  private static Shape kerasOutputShape(JsonObject testCase) throws IOException {
    List<?> dims = testCase.requireArray("output_shape");
    long[] out = new long[dims.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = dims.get(i) == null ? Shape.UNKNOWN_SIZE : ((Number) dims.get(i)).longValue();
    }
    return Shape.of(out);
  }

  private static void assertValues(JsonObject testCase, float[] lamina) throws IOException {
    JsonObject keras = testCase.requireObject("outputs").requireArray("inference")
        .requireObject(0);
    float[] expected = keras.requireArray("values").floats();
    String id = testCase.requireString("id");
    double relative = 1e-5;
    assertEquals(expected.length, lamina.length, id + ": number of values");
    for (int i = 0; i < expected.length; i++) {
      double tolerance = relative * Math.abs(expected[i]) + relative / 10;
      assertTrue(Math.abs(expected[i] - lamina[i]) <= tolerance, id + "[" + i + "]: Keras "
          + expected[i] + ", Lamina " + lamina[i] + " (tolerance " + tolerance + ")");
    }
  }

  /** The case's layer from Keras's config, applied to the case's input, with Keras's weights. */
  private static Model model(JsonObject testCase) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(testCase);
    SymbolicTensor<?> x = KerasLayerFixtures.input(input(testCase));
    SymbolicTensor<?> y = layer.call(x);
    assertArrayEquals(kerasOutputShape(testCase).asArray(), y.shape().asArray(),
        "compute_output_shape");
    KerasLayerFixtures.setWeights(layer, testCase.requireArray("weights"));
    return Model.of(List.of(x), List.of(y));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesKeras(String id, JsonObject testCase) throws IOException {
    try (Model model = model(testCase)) {
      NdArray<?> out = model.predict(List.of(KerasLayerFixtures.array(input(testCase)))).get(0);
      JsonObject keras = testCase.requireObject("outputs").requireArray("inference")
          .requireObject(0);
      assertEquals(Shape.of(keras.requireArray("shape").longs()), out.shape());
      assertValues(testCase, KerasLayerFixtures.floats(out));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void savesAndLoads(String id, JsonObject testCase) throws IOException {
    Path file = dir.resolve("m.lamina");
    float[] before;
    String description;
    try (Model model = model(testCase)) {
      before = KerasLayerFixtures.floats(model.predict(
          List.of(KerasLayerFixtures.array(input(testCase)))).get(0));
      description = model.layers().stream().filter(l -> l instanceof BaseConv).findFirst()
          .orElseThrow().describe();
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      Layer back = loaded.layers().stream().filter(l -> l instanceof BaseConv).findFirst()
          .orElseThrow();
      assertEquals(description, back.describe());
      float[] after = KerasLayerFixtures.floats(loaded.predict(
          List.of(KerasLayerFixtures.array(input(testCase)))).get(0));
      assertArrayEquals(before, after, id);
    }
  }

  /**
   * Every case's layer between two Dense layers (the first on the channels): one SGD step runs
   * and moves the layer's kernel and the first Dense's (the gradients of the kernel and of the
   * input pass the causal padding, the 1D reshapes, the dilated kernel and the groups' split).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void trainsThrough(String id, JsonObject testCase) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(testCase);
    JsonObject in = input(testCase);
    long[] shape = in.requireArray("shape").longs();
    @SuppressWarnings("unchecked")
    var x = (SymbolicTensor<TFloat32>) KerasLayerFixtures.input(in);
    Dense first = Dense.builder(Math.toIntExact(shape[shape.length - 1])).seed(0).build();
    @SuppressWarnings("unchecked")
    var h = (SymbolicTensor<TFloat32>) layer.call(first.apply(x));
    var y = Dense.builder(1).seed(1).build().apply(new Flatten().apply(h));
    KerasLayerFixtures.setWeights(layer, testCase.requireArray("weights"));
    float[][] ys = new float[Math.toIntExact(shape[0])][1];
    for (int i = 0; i < ys.length; i++) {
      ys[i][0] = i % 2 == 0 ? 1 : -1;
    }
    try (Model model = Model.of(x, y)) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      float[] before = layer.weights().get(0).values();
      float[] firstBefore = first.weights().get(0).values();
      double loss = model.trainOnBatch(KerasLayerFixtures.array(in), ys).get("loss");
      assertTrue(Double.isFinite(loss), "loss " + loss);
      assertFalse(Arrays.equals(before, layer.weights().get(0).values()),
          layer.describe() + "'s kernel did not train");
      assertFalse(Arrays.equals(firstBefore, first.weights().get(0).values()),
          "the Dense before " + layer.describe() + " did not train");
    }
  }

  /** Input(8, 8, 1) → Conv2D(3, 3, relu) → Flatten → Dense(2): Keras's three SGD steps. */
  @Test
  void trainsAsKeras() throws IOException {
    JsonObject testCase = KerasLayerFixtures.fixture(FIXTURE).requireArray("training")
        .requireObject(0);
    var x = Input.of(TFloat32.class, 8, 8, 1);
    var h = Conv2D.builder(3, 3).activation("relu").seed(0).build().apply(x);
    var y = Dense.builder(2).seed(1).build().apply(new Flatten().apply(h));
    try (Model model = Model.of(x, y)) {
      KerasLayerFixtures.assertTrainsAsKeras(testCase, model,
          KerasLayerFixtures.array(testCase.requireObject("x")));
    }
  }

  /** Keras's serialized regularizer and constraint objects are read, kept and saved. */
  @Test
  void keepsRegularizersAndConstraintsThroughAFile() throws IOException {
    String json = "{\"filters\": 2, \"kernel_size\": [3], \"padding\": \"causal\", "
        + "\"kernel_regularizer\": {\"module\": \"keras.regularizers\", \"class_name\": "
        + "\"L2\", \"config\": {\"l2\": 0.01}, \"registered_name\": null}, "
        + "\"bias_constraint\": {\"module\": \"keras.constraints\", \"class_name\": "
        + "\"NonNeg\", \"config\": {}, \"registered_name\": null}}";
    LayerConfig config = new LayerConfig(Json.parseObject(json.getBytes(StandardCharsets.UTF_8),
        "test"), "Conv1D layer", LayerConfig.Origin.KERAS);
    Layer layer = LayerTypes.byKerasClassName("Conv1D").orElseThrow().fromConfig("c", config);
    config.rejectUnread("Conv1D");
    assertTrue(layer.config().containsKey("kernel_regularizer"), layer.config().toString());
    assertTrue(layer.config().containsKey("bias_constraint"), layer.config().toString());
    var x = Input.of(TFloat32.class, 6, 2);
    SymbolicTensor<?> y = layer.call(x);
    Path file = dir.resolve("r.lamina");
    try (Model model = Model.of(List.of(x), List.of(y))) {
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      Layer back = loaded.layers().stream().filter(l -> l instanceof Conv1D).findFirst()
          .orElseThrow();
      assertEquals(layer.config(), back.config());
    }
  }

  @Test
  void refusesChannelsFirst() throws IOException {
    String json = "{\"filters\": 2, \"kernel_size\": [3, 3], \"data_format\": "
        + "\"channels_first\"}";
    LayerConfig config = new LayerConfig(Json.parseObject(json.getBytes(StandardCharsets.UTF_8),
        "test"), "Conv2D layer", LayerConfig.Origin.KERAS);
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> LayerTypes.byKerasClassName("Conv2D").orElseThrow().fromConfig("c", config));
    assertTrue(e.getMessage().contains("channels_first"), e.getMessage());
  }

  @Test
  void refusesCausalFor2dAndStridesWithDilation() {
    assertThrows(IllegalArgumentException.class,
        () -> Conv2D.builder(2, 3).padding("causal").build());
    assertThrows(IllegalArgumentException.class,
        () -> Conv1D.builder(2, 3).strides(2).dilationRate(2).build());
    assertThrows(IllegalArgumentException.class,
        () -> Conv2D.builder(3, 3).groups(2).build());
  }

  @Test
  void refusesInputsTooSmallOrOfAnotherRank() {
    assertThrows(IllegalArgumentException.class,
        () -> new Conv2D(2, 3).apply(Input.of(TFloat32.class, 2, 5, 1)));
    assertThrows(IllegalArgumentException.class,
        () -> new Conv1D(2, 3).apply(Input.of(TFloat32.class, 5, 5, 1)));
  }
}
