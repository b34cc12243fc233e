package dev.lamina.runtime.layers.pooling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.lamina.runtime.layers.reshaping.Reshape;
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
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.types.TFloat32;

/**
 * Keras's adaptive pooling layers against {@code adaptive_pooling.json} ({@code
 * tools/keras_adaptive_pooling_fixtures.py}): every case built from Keras's config through its
 * layer type, its values (1e-5) and output shape, a save and load; Keras's three {@code
 * train_on_batch} steps with a Dense before and after the layer; by hand where Keras 3.15.1's
 * TensorFlow backend cannot run (output_size 1, an axis of size 1); and the arguments refused.
 */
class AdaptivePoolingTest {

  private static final String FIXTURE = "adaptive_pooling.json";

  private static final List<String> TYPES = List.of("AdaptiveAveragePooling1D",
      "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D", "AdaptiveMaxPooling1D",
      "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D");

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String type : TYPES) {
      KerasLayerFixtures.cases(FIXTURE, type).forEach(out::add);
    }
    return out.stream();
  }

  static Stream<Arguments> trainingCases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : KerasLayerFixtures.fixture(FIXTURE).requireArray("training").objects()) {
      out.add(Arguments.of(c.requireString("id"), c));
    }
    return out.stream();
  }

  private static JsonObject input(JsonObject testCase) throws IOException {
    return testCase.requireArray("inputs").requireObject(0);
  }

  private static float[] expected(JsonObject testCase) throws IOException {
    return testCase.requireObject("outputs").requireArray("inference").requireObject(0)
        .requireArray("values").floats();
  }

  private static Shape kerasOutputShape(JsonObject testCase) throws IOException {
    List<?> dims = testCase.requireArray("output_shape");
    long[] out = new long[dims.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = dims.get(i) == null ? Shape.UNKNOWN_SIZE : ((Number) dims.get(i)).longValue();
    }
    return Shape.of(out);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesKeras(String id, JsonObject testCase) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(testCase);
    SymbolicTensor<?> x = KerasLayerFixtures.input(input(testCase));
    SymbolicTensor<?> y = layer.call(x);
    long[] symbolic = y.shape().asArray();
    long[] keras = kerasOutputShape(testCase).asArray();
    assertArrayEquals(Arrays.copyOfRange(keras, 1, keras.length),
        Arrays.copyOfRange(symbolic, 1, symbolic.length), "output shape");
    try (Model model = Model.of(List.of(x), List.of(y))) {
      NdArray<?> out = model.predict(List.of(KerasLayerFixtures.array(input(testCase)))).get(0);
      JsonObject kerasOut = testCase.requireObject("outputs").requireArray("inference")
          .requireObject(0);
      assertArrayEquals(kerasOut.requireArray("shape").longs(), out.shape().asArray());
      KerasLayerFixtures.assertClose(expected(testCase), KerasLayerFixtures.floats(out), id);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void savesAndLoads(String id, JsonObject testCase) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(testCase);
    SymbolicTensor<?> x = KerasLayerFixtures.input(input(testCase));
    SymbolicTensor<?> y = layer.call(x);
    Path file = dir.resolve("m.lamina");
    try (Model model = Model.of(List.of(x), List.of(y))) {
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      Layer back = loaded.layers().stream().filter(l -> l.getClass() == layer.getClass())
          .findFirst().orElseThrow();
      assertEquals(layer.describe(), back.describe());
      assertArrayEquals((long[]) layer.arguments().get("output_size"),
          (long[]) back.arguments().get("output_size"));
      NdArray<?> out = loaded.predict(List.of(KerasLayerFixtures.array(input(testCase))))
          .get(0);
      KerasLayerFixtures.assertClose(expected(testCase), KerasLayerFixtures.floats(out), id);
    }
  }

  /**
   * Input(4) → Dense → Reshape → the layer (from Keras's config) → Flatten → Dense(2): Keras's
   * three SGD or Adam steps, every weight (the Dense before the layer too) after each, and the
   * predictions after them, to 1e-5.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("trainingCases")
  void trainsAsKeras(String id, JsonObject testCase) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(testCase.requireObject("layer"));
    long[] shape = testCase.requireArray("reshape").longs();
    int size = 1;
    for (long d : shape) {
      size *= (int) d;
    }
    var x = Input.of(TFloat32.class, 4);
    var h = new Reshape(shape).apply(Dense.builder(size).seed(0).build().apply(x));
    @SuppressWarnings("unchecked")
    var pooled = (SymbolicTensor<TFloat32>) layer.call(h);
    var y = Dense.builder(2).seed(1).build().apply(new Flatten().apply(pooled));
    try (Model model = Model.of(x, y)) {
      KerasLayerFixtures.assertTrainsAsKeras(testCase, model,
          KerasLayerFixtures.array(testCase.requireObject("x")));
    }
  }

  /**
   * Where Keras 3.15.1's TensorFlow backend stops the process (its big window exceeds the axis):
   * output_size 1 is the whole axis; an axis of 1 repeats; by hand.
   */
  @Test
  void poolsWhereKerassBigWindowDoesNotFit() {
    // (1, 3, 2, 1): rows {1, 5, 4}, {2, 0, 6}
    float[][][][] image = {{{{1}, {2}}, {{5}, {0}}, {{4}, {6}}}};
    var x = Input.of(TFloat32.class, 3, 2, 1);
    var avg = new AdaptiveAveragePooling2D(1).apply(x);
    var max = new AdaptiveMaxPooling2D(1, 2).apply(x);
    var up = new AdaptiveAveragePooling2D(2, 4).apply(x);
    try (Model model = Model.of(List.of(x), List.of(avg, max, up))) {
      List<NdArray<?>> out = model.predict(List.of(StdArrays.ndCopyOf(image)));
      assertArrayEquals(new long[] {1, 1, 1, 1}, out.get(0).shape().asArray());
      assertArrayEquals(new float[] {18f / 6}, KerasLayerFixtures.floats(out.get(0)), 1e-6f);
      assertArrayEquals(new float[] {5, 6}, KerasLayerFixtures.floats(out.get(1)));
      // rows 3 → 2: bins [0, 2), [1, 3); cols 2 → 4: bins [0, 1), [0, 1), [1, 2), [1, 2)
      assertArrayEquals(new float[] {3, 3, 1, 1, 4.5f, 4.5f, 3, 3},
          KerasLayerFixtures.floats(out.get(2)), 1e-6f);
    }
    var seq = Input.of(TFloat32.class, 1, 2);
    var one = new AdaptiveMaxPooling1D(3).apply(seq);
    try (Model model = Model.of(List.of(seq), List.of(one))) {
      NdArray<?> out = model.predict(List.of(StdArrays.ndCopyOf(new float[][][] {{{7, -2}}})))
          .get(0);
      assertArrayEquals(new float[] {7, -2, 7, -2, 7, -2}, KerasLayerFixtures.floats(out));
    }
  }

  /** Keras's bins, by hand: 7 → 3 is [0, 3), [2, 5), [4, 7); 5 → 3 is [0, 2), [1, 4), [3, 5). */
  @Test
  void binsAsKeras() {
    // small 3, big 4, 5 small positions: all three bins have the small size
    assertArrayEquals(new int[] {0, 2, 4}, AdaptivePooling.gatherIndices(7, 3));
    // small 2, big 3, 4 small positions: the middle bin is big, at 4 + its start 1
    assertArrayEquals(new int[] {0, 5, 3}, AdaptivePooling.gatherIndices(5, 3));
    var seq = Input.of(TFloat32.class, 5, 1);
    var avg = new AdaptiveAveragePooling1D(3).apply(seq);
    var max = new AdaptiveMaxPooling1D(3).apply(seq);
    try (Model model = Model.of(List.of(seq), List.of(avg, max))) {
      List<NdArray<?>> out = model.predict(List.of(StdArrays.ndCopyOf(
          new float[][][] {{{1}, {4}, {2}, {8}, {3}}})));
      assertArrayEquals(new float[] {2.5f, 14f / 3, 5.5f}, KerasLayerFixtures.floats(out.get(0)),
          1e-6f);
      assertArrayEquals(new float[] {4, 8, 8}, KerasLayerFixtures.floats(out.get(1)));
    }
  }

  private static String refusal(String className, String config) {
    JsonObject json;
    try {
      json = Json.parseObject(("{\"class_name\": \"" + className + "\", \"config\": " + config
          + "}").getBytes(StandardCharsets.UTF_8), "test");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return assertThrows(ModelFormatException.class,
        () -> KerasLayerFixtures.fromKerasConfig(json)).getMessage();
  }

  @Test
  void refusesChannelsFirst() {
    for (String type : TYPES) {
      String message = refusal(type, "{\"name\": \"l\", \"output_size\": 2, "
          + "\"data_format\": \"channels_first\"}");
      assertTrue(message.contains(type + " layer") && message.contains("channels_first")
          && message.contains("channels_last"), message);
    }
    String message = refusal("AdaptiveMaxPooling2D", "{\"name\": \"l\", \"output_size\": 2, "
        + "\"data_format\": \"nhwc\"}");
    assertTrue(message.contains("data_format") && message.contains("'channels_last' or "
        + "'channels_first'"), message);
  }

  @Test
  void refusesAMissingOutputSize() {
    for (String type : TYPES) {
      String message = refusal(type, "{\"name\": \"l\"}");
      assertTrue(message.contains(type + " layer") && message.contains("output_size is missing"),
          message);
    }
  }

  @Test
  void refusesAnOutputSizeOfTheWrongLength() {
    String message = refusal("AdaptiveAveragePooling1D", "{\"name\": \"l\", \"output_size\": "
        + "[2, 3]}");
    assertTrue(message.contains("output_size must be an int or 1 int"), message);
    message = refusal("AdaptiveMaxPooling2D", "{\"name\": \"l\", \"output_size\": [2, 3, 4]}");
    assertTrue(message.contains("output_size must be an int or 2 ints, got 3"), message);
    message = refusal("AdaptiveAveragePooling3D", "{\"name\": \"l\", \"output_size\": [2, 3]}");
    assertTrue(message.contains("output_size must be an int or 3 ints, got 2"), message);
    var e = assertThrows(IllegalArgumentException.class,
        () -> new AdaptiveMaxPooling3D(null, new int[] {2, 2}));
    assertTrue(e.getMessage().contains("AdaptiveMaxPooling3D's output_size must be an int or 3 "
        + "ints"), e.getMessage());
  }

  @Test
  void refusesAnOutputSizeBelowOne() {
    String message = refusal("AdaptiveMaxPooling1D", "{\"name\": \"l\", \"output_size\": [0]}");
    assertTrue(message.contains("output_size") && message.contains("1 or more"), message);
    var e = assertThrows(IllegalArgumentException.class,
        () -> new AdaptiveAveragePooling2D(3, -1));
    assertTrue(e.getMessage().contains("AdaptiveAveragePooling2D's output_size must be 1 or "
        + "more") && e.getMessage().contains("[3, -1]"), e.getMessage());
  }

  @Test
  void refusesAnUnknownSpatialSize() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new AdaptiveMaxPooling2D(2).apply(Input.of(TFloat32.class, -1, 4, 2)));
    assertTrue(e.getMessage().contains("AdaptiveMaxPooling2D") && e.getMessage().contains(
        "spatial size known") && e.getMessage().contains("axis 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new AdaptiveAveragePooling1D(2).apply(Input.of(TFloat32.class, -1, 3)));
    assertTrue(e.getMessage().contains("AdaptiveAveragePooling1D"), e.getMessage());
  }

  /** The bins are cut for the first call's sizes; a shared layer on the same sizes is fine. */
  @Test
  void refusesASecondCallOnOtherSpatialSizes() {
    var layer = new AdaptiveAveragePooling1D(2);
    var a = Input.of(TFloat32.class, 4, 1);
    var b = Input.of(TFloat32.class, 4, 1);
    var ya = layer.apply(a);
    var yb = layer.apply(b);
    var e = assertThrows(IllegalArgumentException.class,
        () -> layer.apply(Input.of(TFloat32.class, 5, 1)));
    assertTrue(e.getMessage().contains("AdaptiveAveragePooling1D")
        && e.getMessage().contains("[4]"), e.getMessage());
    try (Model model = Model.of(List.of(a, b), List.of(ya, yb))) {
      List<NdArray<?>> out = model.predict(List.of(
          StdArrays.ndCopyOf(new float[][][] {{{1}, {3}, {5}, {9}}}),
          StdArrays.ndCopyOf(new float[][][] {{{0}, {2}, {4}, {4}}})));
      assertArrayEquals(new float[] {2, 7}, KerasLayerFixtures.floats(out.get(0)));
      assertArrayEquals(new float[] {1, 4}, KerasLayerFixtures.floats(out.get(1)));
    }
  }

  /** A Dense on a sequence: TensorFlow's shape inference loses the steps; the bins do not. */
  @Test
  void poolsAfterADenseOnASequence() {
    var x = Input.of(TFloat32.class, 5, 1);
    Dense dense = Dense.builder(1).seed(0).useBias(false).build();
    var y = new AdaptiveMaxPooling1D(3).apply(dense.apply(x));
    try (Model model = Model.of(x, y)) {
      dense.weights().get(0).assign(StdArrays.ndCopyOf(new float[][] {{2}}));
      NdArray<?> out = model.predict(List.of(StdArrays.ndCopyOf(
          new float[][][] {{{1}, {4}, {2}, {8}, {3}}}))).get(0);
      // bins [0, 2), [1, 4), [3, 5) of 2x
      assertArrayEquals(new float[] {8, 16, 16}, KerasLayerFixtures.floats(out));
    }
  }

  @Test
  void refusesTheWrongRankAndDtype() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new AdaptiveAveragePooling3D(2).apply(Input.of(TFloat32.class, 4, 4, 1)));
    assertTrue(e.getMessage().contains("rank 5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new AdaptiveMaxPooling3D(2).apply(
        Input.of(org.tensorflow.types.TFloat64.class, 2, 2, 2, 1)));
    assertTrue(e.getMessage().contains("AdaptiveMaxPooling3D")
        && e.getMessage().contains("float64"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new AdaptiveMaxPooling1D(2).call(
        Input.of(org.tensorflow.types.TInt32.class, 4, 1)));
    assertTrue(e.getMessage().contains("floating-point"), e.getMessage());
  }

  @Test
  void summaryShowsTheTypeAndTheBinnedShape() {
    var x = Input.of(TFloat32.class, 7, 5, 2);
    var y = new AdaptiveMaxPooling2D(null, new int[] {3, 4}).apply(x);
    try (Model model = Model.of(x, y)) {
      String summary = model.summary();
      assertTrue(summary.matches("(?s).* \\(AdaptiveMaxPooling2D\\) +\\(None, 3, 4, 2\\) +0 .*"),
          summary);
    }
  }

  @Test
  void typedApiSpellsOutTheOutputSize() {
    assertArrayEquals(new long[] {3, 3},
        (long[]) new AdaptiveMaxPooling2D(3).arguments().get("output_size"));
    assertArrayEquals(new long[] {2, 2, 2},
        (long[]) new AdaptiveAveragePooling3D(2).arguments().get("output_size"));
    assertArrayEquals(new long[] {1, 2, 3},
        (long[]) new AdaptiveMaxPooling3D(1, 2, 3).arguments().get("output_size"));
    assertArrayEquals(new long[] {5},
        (long[]) new AdaptiveAveragePooling1D(5).arguments().get("output_size"));
  }
}
