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
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Keras's Conv3D, Conv1DTranspose, Conv2DTranspose, DepthwiseConv1D, DepthwiseConv2D,
 * SeparableConv1D and SeparableConv2D against {@code conv_more.json}, and Conv3DTranspose against
 * {@code conv3d_transpose.json} ({@code tools/keras_conv_fixtures.py}): every case built from
 * Keras's config through its layer type (as the Keras importer builds it), with Keras's weights in
 * Keras's order and layout, its output shape ({@code compute_output_shape}) and values to 1e-5 (the
 * {@code long_sum} cases' 432-, 400-, 400- and 432-term sums included), the same with the spatial
 * sizes unknown until run time, a save and load, one SGD step through each case's layer (its
 * kernels' and its input's gradients), and, per layer type, three SGD or Adam steps of a small
 * model as Keras.
 */
class MoreConvolutionalLayersTest {

  private static final String FIXTURE = "conv_more.json";

  /** Conv3DTranspose's cases, a file of their own so that conv_more.json stayed as it was. */
  private static final String FIXTURE_3D_TRANSPOSE = "conv3d_transpose.json";

  private static final List<String> TYPES = List.of("Conv3D", "Conv1DTranspose",
      "Conv2DTranspose", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D",
      "SeparableConv2D");

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String type : TYPES) {
      KerasLayerFixtures.cases(FIXTURE, type).forEach(out::add);
    }
    KerasLayerFixtures.cases(FIXTURE_3D_TRANSPOSE, "Conv3DTranspose").forEach(out::add);
    return out.stream();
  }

  static Stream<Arguments> trainingCases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String fixture : List.of(FIXTURE, FIXTURE_3D_TRANSPOSE)) {
      for (JsonObject c : KerasLayerFixtures.fixture(fixture).requireArray("training")
          .objects()) {
        out.add(Arguments.of(c.requireString("id"), c));
      }
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

  private static float[] kerasOutput(JsonObject testCase) throws IOException {
    return testCase.requireObject("outputs").requireArray("inference").requireObject(0)
        .requireArray("values").floats();
  }

  /**
   * The case's layer from Keras's config, applied to an input of the case's sample shape (or,
   * with {@code unknownSizes}, of unknown spatial sizes and known channels), with Keras's
   * weights.
   */
  private static Model model(JsonObject testCase, boolean unknownSizes) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(testCase);
    long[] shape = input(testCase).requireArray("shape").longs();
    long[] sample = Arrays.copyOfRange(shape, 1, shape.length);
    if (unknownSizes) {
      Arrays.fill(sample, 0, sample.length - 1, Shape.UNKNOWN_SIZE);
    }
    SymbolicTensor<?> x = Input.of(TFloat32.class, sample);
    SymbolicTensor<?> y = layer.call(x);
    long[] expected = kerasOutputShape(testCase).asArray();
    if (unknownSizes) {
      Arrays.fill(expected, 1, expected.length - 1, Shape.UNKNOWN_SIZE);
    }
    assertArrayEquals(expected, y.shape().asArray(), "compute_output_shape");
    KerasLayerFixtures.setWeights(layer, testCase.requireArray("weights"));
    return Model.of(List.of(x), List.of(y));
  }

  private static void assertMatches(JsonObject testCase, boolean unknownSizes)
      throws IOException {
    try (Model model = model(testCase, unknownSizes)) {
      NdArray<?> out = model.predict(List.of(KerasLayerFixtures.array(input(testCase)))).get(0);
      JsonObject keras = testCase.requireObject("outputs").requireArray("inference")
          .requireObject(0);
      assertEquals(Shape.of(keras.requireArray("shape").longs()), out.shape());
      KerasLayerFixtures.assertClose(kerasOutput(testCase), KerasLayerFixtures.floats(out),
          testCase.requireString("id"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesKeras(String id, JsonObject testCase) throws IOException {
    assertMatches(testCase, false);
  }

  /** The sizes of the output (and Conv3D's depth taps) computed at run time, as Keras's. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesKerasWithSizesKnownAtRunTime(String id, JsonObject testCase) throws IOException {
    assertMatches(testCase, true);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void savesAndLoads(String id, JsonObject testCase) throws IOException {
    Path file = dir.resolve("m.lamina");
    float[] before;
    String description;
    String className = testCase.requireString("class_name");
    try (Model model = model(testCase, false)) {
      before = KerasLayerFixtures.floats(model.predict(
          List.of(KerasLayerFixtures.array(input(testCase)))).get(0));
      Layer layer = model.layers().get(model.layers().size() - 1);
      assertEquals(className, layer.typeName());
      description = layer.describe();
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      Layer back = loaded.layers().get(loaded.layers().size() - 1);
      assertEquals(className, back.typeName());
      assertEquals(description, back.describe());
      float[] after = KerasLayerFixtures.floats(loaded.predict(
          List.of(KerasLayerFixtures.array(input(testCase)))).get(0));
      assertArrayEquals(before, after, id);
    }
  }

  /**
   * Every case's layer between two Dense layers (the first on the channels): one SGD step runs
   * and moves each of the layer's kernels and the first Dense's kernel (the gradients of the
   * kernels and of the input pass the layer's gathers, spreads, reshapes and TensorFlow ops).
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
      List<float[]> before = new ArrayList<>();
      for (var w : layer.weights()) {
        before.add(w.values());
      }
      float[] firstBefore = first.weights().get(0).values();
      double loss = model.trainOnBatch(KerasLayerFixtures.array(in), ys).get("loss");
      assertTrue(Double.isFinite(loss), "loss " + loss);
      for (int i = 0; i < before.size(); i++) {
        var weight = layer.weights().get(i);
        assertFalse(Arrays.equals(before.get(i), weight.values()),
            layer.describe() + "'s " + weight.name() + " did not train");
      }
      assertFalse(Arrays.equals(firstBefore, first.weights().get(0).values()),
          "the Dense before " + layer.describe() + " did not train");
    }
  }

  /**
   * Input → the layer (from Keras's config) → Flatten → Dense(2): Keras's three SGD or Adam
   * steps, every weight after each, and the predictions after them, to 1e-5.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("trainingCases")
  void trainsAsKeras(String id, JsonObject testCase) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(testCase.requireObject("layer"));
    JsonObject xs = testCase.requireObject("x");
    long[] shape = xs.requireArray("shape").longs();
    var x = Input.of(TFloat32.class, Arrays.copyOfRange(shape, 1, shape.length));
    @SuppressWarnings("unchecked")
    var h = (SymbolicTensor<TFloat32>) layer.call(x);
    var y = Dense.builder(2).seed(1).build().apply(new Flatten().apply(h));
    try (Model model = Model.of(x, y)) {
      KerasLayerFixtures.assertTrainsAsKeras(testCase, model, KerasLayerFixtures.array(xs));
    }
  }

  private static LayerConfig config(String type, String json) throws IOException {
    return new LayerConfig(Json.parseObject(json.getBytes(StandardCharsets.UTF_8), "test"),
        type + " layer", LayerConfig.Origin.KERAS);
  }

  private static Layer read(String type, String json) throws IOException {
    LayerConfig config = config(type, json);
    Layer layer = LayerTypes.byKerasClassName(type).orElseThrow().fromConfig(type, config);
    config.rejectUnread(type);
    return layer;
  }

  private static String arguments(String type) {
    return switch (type) {
      case "Conv3D", "Conv3DTranspose" -> "\"filters\": 2, \"kernel_size\": [2, 2, 2]";
      case "Conv1DTranspose", "SeparableConv1D" -> "\"filters\": 2, \"kernel_size\": [2]";
      case "Conv2DTranspose", "SeparableConv2D" -> "\"filters\": 2, \"kernel_size\": [2, 2]";
      case "DepthwiseConv1D" -> "\"kernel_size\": [2]";
      default -> "\"kernel_size\": [2, 2]";
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
      "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D"})
  void refusesChannelsFirstNamingTheLayer(String type) throws IOException {
    LayerConfig config = config(type, "{" + arguments(type)
        + ", \"data_format\": \"channels_first\"}");
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> LayerTypes.byKerasClassName(type).orElseThrow().fromConfig("c", config));
    assertTrue(e.getMessage().contains("channels_first"), e.getMessage());
    assertTrue(e.getMessage().contains(type), e.getMessage());
  }

  /** Keys of other convolutions are not read as options: e.g. DepthwiseConv2D's filters. */
  @Test
  void refusesOtherLayersArguments() {
    assertThrows(ModelFormatException.class,
        () -> read("DepthwiseConv2D", "{\"kernel_size\": 3, \"filters\": 4}"));
    assertThrows(ModelFormatException.class,
        () -> read("Conv2DTranspose", "{\"filters\": 2, \"kernel_size\": 3, \"groups\": 2}"));
    assertThrows(ModelFormatException.class,
        () -> read("SeparableConv2D", "{\"filters\": 2, \"kernel_size\": 3, "
            + "\"kernel_initializer\": \"zeros\"}"));
    assertThrows(ModelFormatException.class,
        () -> read("Conv1DTranspose", "{\"filters\": 2, \"kernel_size\": 3, "
            + "\"padding\": \"causal\"}"));
    assertThrows(ModelFormatException.class,
        () -> read("Conv3DTranspose", "{\"filters\": 2, \"kernel_size\": 3, \"groups\": 2}"));
  }

  /** The depthwise and pointwise options are read, kept and saved under Keras's names. */
  @Test
  void keepsSeparableRegularizersAndConstraintsThroughAFile() throws IOException {
    Layer layer = read("SeparableConv2D", "{\"filters\": 3, \"kernel_size\": [2, 2], "
        + "\"depth_multiplier\": 2, \"depthwise_regularizer\": {\"module\": "
        + "\"keras.regularizers\", \"class_name\": \"L2\", \"config\": {\"l2\": 0.01}, "
        + "\"registered_name\": null}, \"pointwise_constraint\": {\"module\": "
        + "\"keras.constraints\", \"class_name\": \"NonNeg\", \"config\": {}, "
        + "\"registered_name\": null}, \"pointwise_initializer\": \"zeros\"}");
    assertTrue(layer.config().containsKey("depthwise_regularizer"), layer.config().toString());
    assertTrue(layer.config().containsKey("pointwise_constraint"), layer.config().toString());
    var x = Input.of(TFloat32.class, 5, 5, 2);
    SymbolicTensor<?> y = layer.call(x);
    assertArrayEquals(new long[] {-1, 4, 4, 3}, y.shape().asArray());
    assertEquals(List.of("depthwise_kernel", "pointwise_kernel", "bias"),
        layer.weights().stream().map(w -> w.name()).toList());
    assertEquals(Shape.of(1, 1, 4, 3), layer.weights().get(1).shape());
    assertArrayEquals(new float[12], layer.weights().get(1).values());
    Path file = dir.resolve("s.lamina");
    try (Model model = Model.of(List.of(x), List.of(y))) {
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      Layer back = loaded.layers().stream().filter(l -> l instanceof SeparableConv2D)
          .findFirst().orElseThrow();
      assertEquals(layer.config(), back.config());
    }
  }

  @Test
  void keepsDepthwiseAndTransposeOptionsThroughAFile() throws IOException {
    Layer depthwise = read("DepthwiseConv1D", "{\"kernel_size\": 3, \"depth_multiplier\": 2, "
        + "\"depthwise_constraint\": {\"module\": \"keras.constraints\", \"class_name\": "
        + "\"NonNeg\", \"config\": {}, \"registered_name\": null}}");
    Layer transpose = read("Conv1DTranspose", "{\"filters\": 2, \"kernel_size\": 3, "
        + "\"strides\": 2, \"output_padding\": 1, \"kernel_regularizer\": {\"module\": "
        + "\"keras.regularizers\", \"class_name\": \"L1\", \"config\": {\"l1\": 0.01}, "
        + "\"registered_name\": null}}");
    assertEquals(List.of(1L), transpose.config().get("output_padding"));
    var x = Input.of(TFloat32.class, 6, 2);
    @SuppressWarnings("unchecked")
    var h = (SymbolicTensor<TFloat32>) depthwise.call(x);
    assertArrayEquals(new long[] {-1, 4, 4}, h.shape().asArray());
    SymbolicTensor<?> y = transpose.call(h);
    // valid: (4 - 1) * 2 + 3, plus output_padding 1
    assertArrayEquals(new long[] {-1, 10, 2}, y.shape().asArray());
    Path file = dir.resolve("d.lamina");
    try (Model model = Model.of(List.of(x), List.of(y))) {
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      assertEquals(depthwise.config(), loaded.layers().stream()
          .filter(l -> l instanceof DepthwiseConv1D).findFirst().orElseThrow().config());
      assertEquals(transpose.config(), loaded.layers().stream()
          .filter(l -> l instanceof Conv1DTranspose).findFirst().orElseThrow().config());
    }
  }

  /**
   * Conv3DTranspose's output_padding, strides and kernel regularizer and constraint read from
   * Keras's config, kept through a file; its kernel is Keras's (kd, kh, kw, filters, channels).
   */
  @Test
  void keepsConv3dTransposeOptionsThroughAFile() throws IOException {
    Layer transpose = read("Conv3DTranspose", "{\"filters\": 4, \"kernel_size\": [3, 2, 1], "
        + "\"strides\": [2, 1, 3], \"padding\": \"same\", \"output_padding\": [1, 0, 2], "
        + "\"kernel_regularizer\": {\"module\": \"keras.regularizers\", \"class_name\": \"L2\", "
        + "\"config\": {\"l2\": 0.01}, \"registered_name\": null}, \"kernel_constraint\": "
        + "{\"module\": \"keras.constraints\", \"class_name\": \"NonNeg\", \"config\": {}, "
        + "\"registered_name\": null}}");
    assertEquals(List.of(1L, 0L, 2L), transpose.config().get("output_padding"));
    assertTrue(transpose.config().containsKey("kernel_regularizer"), transpose.config().toString());
    assertTrue(transpose.config().containsKey("kernel_constraint"), transpose.config().toString());
    var x = Input.of(TFloat32.class, 3, 4, 2, 5);
    SymbolicTensor<?> y = transpose.call(x);
    // same with output_padding: (3 - 1) * 2 + 3 % 2 + 1 = 6; (4 - 1) * 1 + 0 + 0 = 3;
    // (2 - 1) * 3 + 1 % 2 + 2 = 6
    assertArrayEquals(new long[] {-1, 6, 3, 6, 4}, y.shape().asArray());
    assertEquals(Shape.of(3, 2, 1, 4, 5), transpose.weights().get(0).shape());
    Path file = dir.resolve("t.lamina");
    try (Model model = Model.of(List.of(x), List.of(y))) {
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      assertEquals(transpose.config(), loaded.layers().stream()
          .filter(l -> l instanceof Conv3DTranspose).findFirst().orElseThrow().config());
    }
  }

  /**
   * Each layer in a summary, with Keras's parameter counts (by hand: Conv3D(2, 2) on 3 channels
   * 2*2*2*3*2 + 2 = 50; Conv2DTranspose(4, 3) on 2: 3*3*4*2 + 4 = 76; DepthwiseConv2D(2,
   * depth_multiplier=3) on 4: 2*2*4*3 + 12 = 60; SeparableConv1D(5, 3, depth_multiplier=2) on 12
   * steps' 2 channels: 3*2*2 + 4*5 + 5 = 37; Conv3DTranspose(3, (2, 1, 2)) on Conv3D's 2:
   * 2*1*2*3*2 + 3 = 27).
   */
  @Test
  void summarizesWithKerasParameterCounts() {
    var a = Input.of(TFloat32.class, 4, 5, 6, 3);
    var b = Input.of(TFloat32.class, 5, 5, 2);
    var c = Input.of(TFloat32.class, 12, 2);
    var conv3d = Conv3D.builder(2, 2).seed(1).build();
    var transpose = Conv2DTranspose.builder(4, 3).strides(2).seed(2).build();
    var depthwise = DepthwiseConv2D.builder(2).depthMultiplier(3).seed(3).build();
    var separable = SeparableConv1D.builder(5, 3).depthMultiplier(2).seed(4).build();
    var transpose3d = Conv3DTranspose.builder(3, 2, 1, 2).strides(2).seed(5).build();
    var y1 = transpose3d.apply(conv3d.apply(a));
    var y2 = depthwise.apply(transpose.apply(b));
    var y3 = separable.apply(c);
    // Conv3D: (3, 4, 5); then (n - 1) * 2 + k + max(k, 2) - k: (6, 8, 10)
    assertArrayEquals(new long[] {-1, 6, 8, 10, 3}, y1.shape().asArray());
    // (5 - 1) * 2 + 3 = 11 rows and cols, then 11 - 2 + 1 = 10
    assertArrayEquals(new long[] {-1, 10, 10, 12}, y2.shape().asArray());
    assertArrayEquals(new long[] {-1, 10, 5}, y3.shape().asArray());
    assertEquals(50, conv3d.countParams());
    assertEquals(76, transpose.countParams());
    assertEquals(60, depthwise.countParams());
    assertEquals(37, separable.countParams());
    assertEquals(27, transpose3d.countParams());
    try (Model model = Model.of(List.of(a, b, c), List.of(y1, y2, y3))) {
      String summary = model.summary();
      for (String type : List.of("Conv3D", "Conv2DTranspose", "DepthwiseConv2D",
          "SeparableConv1D", "Conv3DTranspose")) {
        assertTrue(summary.contains(type), summary);
      }
      assertTrue(summary.contains("250"), summary); // 50 + 76 + 60 + 37 + 27
    }
  }

  @Test
  void refusesBadArgumentsNamingTheLayer() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Conv2DTranspose.builder(2, 3).strides(2).outputPadding(2).build());
    assertTrue(e.getMessage().contains("Conv2DTranspose"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Conv1DTranspose.builder(2, 3).strides(2).dilationRate(2).build());
    assertTrue(e.getMessage().contains("Conv1DTranspose"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Conv3DTranspose.builder(2, 3).strides(1, 2, 2).outputPadding(0, 1, 2).build());
    assertTrue(e.getMessage().contains("Conv3DTranspose"), e.getMessage());
    assertTrue(e.getMessage().contains("output_padding"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Conv3DTranspose.builder(2, 3).strides(2).dilationRate(1, 2, 1).build());
    assertTrue(e.getMessage().contains("Conv3DTranspose"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Conv3DTranspose.builder(2, 3, 3).build());
    assertTrue(e.getMessage().contains("kernel_size"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Conv3D.builder(2, 3).strides(2).dilationRate(2).build());
    assertTrue(e.getMessage().contains("Conv3D"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Conv3D.builder(2, 3, 3).build());
    assertTrue(e.getMessage().contains("kernel_size"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> DepthwiseConv2D.builder(3).depthMultiplier(0).build());
    assertTrue(e.getMessage().contains("DepthwiseConv2D"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> SeparableConv1D.builder(2, 3).padding("causal").build());
    assertTrue(e.getMessage().contains("SeparableConv1D"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> SeparableConv2D.builder(0, 3).build());
    assertTrue(e.getMessage().contains("SeparableConv2D"), e.getMessage());
  }

  @Test
  void refusesInputsTooSmallOrOfAnotherRank() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new Conv3D(2, 3).apply(Input.of(TFloat32.class, 2, 5, 5, 1)));
    assertTrue(e.getMessage().contains("too small"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new Conv3D(2, 3).apply(Input.of(TFloat32.class, 5, 5, 1)));
    assertTrue(e.getMessage().contains("(batch, depth, rows, cols, channels)"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new Conv2DTranspose(2, 3).apply(Input.of(TFloat32.class, 5, 1)));
    e = assertThrows(IllegalArgumentException.class,
        () -> new Conv3DTranspose(2, 3).apply(Input.of(TFloat32.class, 5, 5, 1)));
    assertTrue(e.getMessage().contains("(batch, depth, rows, cols, channels)"), e.getMessage());
    assertTrue(e.getMessage().contains("Conv3DTranspose"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new DepthwiseConv1D(3).apply(Input.of(TFloat32.class, 2, 1)));
    assertThrows(IllegalArgumentException.class,
        () -> new SeparableConv2D(2, 3).apply(Input.of(TFloat32.class, 5, 5)));
  }
}
