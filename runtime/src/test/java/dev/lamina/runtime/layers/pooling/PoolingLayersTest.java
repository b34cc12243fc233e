package dev.lamina.runtime.layers.pooling;

import dev.lamina.runtime.layers.WithMask;
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
import dev.lamina.runtime.layers.reshaping.Reshape;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
 * Keras's 1D, 2D and 3D pooling layers against {@code pooling.json} ({@code
 * tools/keras_pooling_fixtures.py}): every case built from Keras's config through its layer type,
 * its values and output shape, a save and load, and one training step through it; the masked
 * cases with the mask on the input, as Keras's {@code set_keras_mask}.
 */
class PoolingLayersTest {

  private static final String FIXTURE = "pooling.json";

  /** Max pooling picks values: exact. Averages may sum in another order: within this. */
  private static final float AVERAGE_TOLERANCE = 1e-6f;

  @TempDir
  Path dir;

  private static final List<String> TYPES = List.of("MaxPooling1D", "MaxPooling2D",
      "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
      "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "GlobalAveragePooling1D",
      "GlobalAveragePooling2D", "GlobalAveragePooling3D");

  private static Stream<Arguments> all() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String type : TYPES) {
      KerasLayerFixtures.cases(FIXTURE, type).forEach(out::add);
    }
    return out.stream();
  }

  static Stream<Arguments> cases() throws IOException {
    return all().filter(a -> !((JsonObject) a.get()[1]).containsKey("mask"));
  }

  static Stream<Arguments> maskedCases() throws IOException {
    return all().filter(a -> ((JsonObject) a.get()[1]).containsKey("mask"));
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

  private static void assertValues(JsonObject testCase, float[] lamina) throws IOException {
    String id = testCase.requireString("id");
    if (testCase.requireString("class_name").contains("Max")) {
      assertArrayEquals(expected(testCase), lamina, id);
    } else {
      assertArrayEquals(expected(testCase), lamina, AVERAGE_TOLERANCE, id);
    }
  }

  private static void assertShape(Shape expected, Shape actual) {
    // Shape.equals is false whenever a size is unknown
    assertArrayEquals(expected.asArray(), actual.asArray(), "shape " + actual);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesKeras(String id, JsonObject testCase) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(testCase);
    SymbolicTensor<?> x = KerasLayerFixtures.input(input(testCase));
    SymbolicTensor<?> y = layer.call(x);
    assertShape(kerasOutputShape(testCase), y.shape());
    try (Model model = Model.of(List.of(x), List.of(y))) {
      NdArray<?> out = model.predict(List.of(KerasLayerFixtures.array(input(testCase)))).get(0);
      JsonObject keras = testCase.requireObject("outputs").requireArray("inference")
          .requireObject(0);
      assertShape(Shape.of(keras.requireArray("shape").longs()), out.shape());
      assertValues(testCase, KerasLayerFixtures.floats(out));
    }
  }

  /** The mask rides on the input; GlobalAveragePooling1D uses it, GlobalMaxPooling1D not. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("maskedCases")
  @SuppressWarnings("unchecked")
  void matchesKerasWithMask(String id, JsonObject testCase) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(testCase);
    JsonObject maskTensor = testCase.requireObject("mask");
    var x = (SymbolicTensor<TFloat32>) KerasLayerFixtures.input(input(testCase));
    var m = (SymbolicTensor<TFloat32>) KerasLayerFixtures.input(maskTensor);
    SymbolicTensor<?> y = layer.call(new WithMask().apply(x, m));
    assertShape(kerasOutputShape(testCase), y.shape());
    assertTrue(y.mask().isEmpty(), "the output carries no mask");
    try (Model model = Model.of(List.of(x, m), List.of(y))) {
      NdArray<?> out = model.predict(List.of(KerasLayerFixtures.array(input(testCase)),
          KerasLayerFixtures.array(maskTensor))).get(0);
      assertValues(testCase, KerasLayerFixtures.floats(out));
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
      NdArray<?> out = loaded.predict(List.of(KerasLayerFixtures.array(input(testCase))))
          .get(0);
      assertValues(testCase, KerasLayerFixtures.floats(out));
    }
  }

  /** Dense → Reshape → the layer → Flatten → Dense: one SGD step must run and move the first
   * Dense (the layer's ops have gradients). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void trainsThrough(String id, JsonObject testCase) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(testCase);
    long[] shape = input(testCase).requireArray("shape").longs();
    long[] sample = Arrays.copyOfRange(shape, 1, shape.length);
    int size = Math.toIntExact(Arrays.stream(sample).reduce(1, (a, b) -> a * b));
    var x = Input.of(TFloat32.class, 3);
    Dense first = Dense.builder(size).seed(0).build();
    @SuppressWarnings("unchecked")
    SymbolicTensor<TFloat32> h = (SymbolicTensor<TFloat32>) layer.call(
        new Reshape(sample).apply(first.apply(x)));
    var y = Dense.builder(1).seed(1).build().apply(new Flatten().apply(h));
    assertTrainsFirstDense(layer, first, Model.of(x, y), new float[][] {{1, 2, 3},
        {-1, 0.5f, 2}});
  }

  private static void assertTrainsFirstDense(Layer layer, Dense first, Model built, Object xs) {
    float[][] ys = {{1}, {-1}};
    try (Model model = built) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      float[] before = first.weights().get(0).values();
      double loss = model.trainOnBatch(xs, ys).get("loss");
      assertTrue(Double.isFinite(loss), "loss " + loss);
      assertFalse(Arrays.equals(before, first.weights().get(0).values()),
          "the Dense before " + layer.describe() + " did not train");
    }
  }

  /** Training through GlobalAveragePooling1D's masked average. */
  @Test
  void trainsThroughTheMaskedAverage() {
    var x = Input.of(TFloat32.class, 3);
    var m = Input.of(TFloat32.class, 3);
    Dense first = Dense.builder(6).seed(0).build();
    var h = new Reshape(3, 2).apply(first.apply(x));
    var pooled = new GlobalAveragePooling1D().apply(new WithMask().apply(h, m));
    var y = Dense.builder(1).seed(1).build().apply(pooled);
    float[][] ys = {{1}, {-1}};
    try (Model model = Model.of(List.of(x, m), List.of(y))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      float[] before = first.weights().get(0).values();
      double loss = model.trainOnBatch(List.of(
          StdArrays.ndCopyOf(new float[][] {{1, 2, 3}, {-1, 0.5f, 2}}),
          StdArrays.ndCopyOf(new float[][] {{1, 0, 1}, {0, 1, 0}})),
          List.of(StdArrays.ndCopyOf(ys))).get("loss");
      assertTrue(Double.isFinite(loss), "loss " + loss);
      assertFalse(Arrays.equals(before, first.weights().get(0).values()));
    }
  }

  @Test
  void unknownSizesStayUnknown() {
    var seq = Input.of(TFloat32.class, -1, 3);
    assertShape(Shape.of(-1, -1, 3), new MaxPooling1D(2).apply(seq).shape());
    assertShape(Shape.of(-1, -1, 3),
        new AveragePooling1D(null, 3, 2, "same").apply(seq).shape());
    assertShape(Shape.of(-1, 3), new GlobalAveragePooling1D().apply(seq).shape());
    assertShape(Shape.of(-1, 1, 3),
        new GlobalMaxPooling1D(null, true).apply(seq).shape());
    var image = Input.of(TFloat32.class, -1, 5, 2);
    assertShape(Shape.of(-1, -1, 2, 2), new MaxPooling2D().apply(image).shape());
    assertShape(Shape.of(-1, -1, 3, 2), new AveragePooling2D(null, new int[] {2, 2}, null,
        "same").apply(image).shape());
    assertShape(Shape.of(-1, 2), new GlobalMaxPooling2D().apply(image).shape());
    var volume = Input.of(TFloat32.class, -1, 5, 4, 2);
    assertShape(Shape.of(-1, -1, 2, 2, 2), new MaxPooling3D().apply(volume).shape());
    assertShape(Shape.of(-1, -1, 2, 2, 2), new AveragePooling3D(null, new int[] {2, 3, 2},
        null, "same").apply(volume).shape());
    assertShape(Shape.of(-1, 1, 1, 1, 2),
        new GlobalAveragePooling3D(null, true).apply(volume).shape());
    assertShape(Shape.of(-1, 2), new GlobalMaxPooling3D().apply(volume).shape());
  }

  /** 3D pooling on a volume whose first spatial size comes from the data. */
  @Test
  void pools3dOnSizesKnownOnlyFromData() {
    var volume = Input.of(TFloat32.class, -1, 2, 1, 1);
    var max = new MaxPooling3D(null, new int[] {2, 2, 1}, new int[] {1, 1, 1}, "valid")
        .apply(volume);
    var avg = new AveragePooling3D(null, new int[] {2, 1, 1}, null, "same").apply(volume);
    // (1, 3, 2, 1, 1): depth 3, rows 2
    float[][][][][] data = {{{{{1}}, {{5}}}, {{{4}}, {{2}}}, {{{3}}, {{0}}}}};
    try (Model model = Model.of(List.of(volume), List.of(max, avg))) {
      List<NdArray<?>> out = model.predict(List.of(StdArrays.ndCopyOf(data)));
      assertArrayEquals(new float[] {5, 4}, KerasLayerFixtures.floats(out.get(0)));
      // "same" along depth 3 by 2: windows {1, 4}, {3} (the padding left out)
      assertArrayEquals(new float[] {2.5f, 3.5f, 3, 0}, KerasLayerFixtures.floats(out.get(1)),
          1e-6f);
    }
  }

  @Test
  void maxPooling3dRefusesFloat64() {
    var e = assertThrows(IllegalArgumentException.class, () -> new MaxPooling3D().apply(
        Input.of(org.tensorflow.types.TFloat64.class, 2, 2, 2, 1)));
    assertTrue(e.getMessage().contains("MaxPooling3D") && e.getMessage().contains("float64"),
        e.getMessage());
  }

  /** Unknown steps: the pools and reductions take their sizes from the data. */
  @Test
  void runsOnSizesKnownOnlyFromData() {
    var seq = Input.of(TFloat32.class, -1, 1);
    var max = new MaxPooling1D(null, 2, 1, "valid").apply(seq);
    var avg = new AveragePooling1D(null, 2, 2, "same").apply(seq);
    var global = new GlobalAveragePooling1D().apply(seq);
    float[][][] data = {{{1}, {4}, {2}}};
    try (Model model = Model.of(List.of(seq), List.of(max, avg, global))) {
      List<NdArray<?>> out = model.predict(List.of(StdArrays.ndCopyOf(data)));
      assertArrayEquals(new float[] {4, 4}, KerasLayerFixtures.floats(out.get(0)));
      // "same": the last window holds one value, averaged without the padding
      assertArrayEquals(new float[] {2.5f, 2}, KerasLayerFixtures.floats(out.get(1)));
      assertArrayEquals(new float[] {7f / 3}, KerasLayerFixtures.floats(out.get(2)), 1e-6f);
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
  void refusesChannelsFirstAndBadArguments() {
    for (String type : TYPES) {
      String message = refusal(type, "{\"name\": \"l\", \"pool_size\": 2, "
          + "\"data_format\": \"channels_first\"}");
      assertTrue(message.contains(type + " layer") && message.contains("channels_first"),
          message);
    }
    String message = refusal("MaxPooling2D", "{\"name\": \"p\", \"padding\": \"full\"}");
    assertTrue(message.contains("MaxPooling2D layer") && message.contains("full"), message);
    message = refusal("AveragePooling1D", "{\"name\": \"p\"}");
    assertTrue(message.contains("pool_size is missing"), message);
    message = refusal("MaxPooling1D", "{\"name\": \"p\", \"pool_size\": 0}");
    assertTrue(message.contains("1 or more"), message);
    message = refusal("MaxPooling2D", "{\"name\": \"p\", \"strides\": [1, 2, 3]}");
    assertTrue(message.contains("2 ints"), message);
    message = refusal("AveragePooling3D", "{\"name\": \"p\", \"pool_size\": [2, 2]}");
    assertTrue(message.contains("AveragePooling3D layer") && message.contains("3 ints"), message);
    message = refusal("AveragePooling3D", "{\"name\": \"p\"}");
    assertTrue(message.contains("pool_size is missing"), message);
    var rank = assertThrows(IllegalArgumentException.class,
        () -> new MaxPooling3D().apply(Input.of(TFloat32.class, 4, 4, 1)));
    assertTrue(rank.getMessage().contains("rank 5"), rank.getMessage());
    var e = assertThrows(IllegalArgumentException.class,
        () -> new MaxPooling1D(3).apply(Input.of(TFloat32.class, 2, 1)));
    assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new GlobalMaxPooling2D().apply(Input.of(TFloat32.class, 5, 1)));
    assertTrue(e.getMessage().contains("rank 4"), e.getMessage());
  }

  @Test
  void typedApiHasKerassDefaults() {
    Map<String, Object> max = new MaxPooling2D().arguments();
    assertArrayEquals(new long[] {2, 2}, (long[]) max.get("pool_size"));
    assertArrayEquals(new long[] {2, 2}, (long[]) max.get("strides"));
    assertEquals("valid", max.get("padding"));
    assertArrayEquals(new long[] {2}, (long[]) new MaxPooling1D().arguments().get("strides"));
    assertArrayEquals(new long[] {3}, (long[]) new AveragePooling1D(3).arguments().get("strides"));
    assertEquals(Map.of("keepdims", false), new GlobalAveragePooling2D().arguments());
    Map<String, Object> max3d = new MaxPooling3D().arguments();
    assertArrayEquals(new long[] {2, 2, 2}, (long[]) max3d.get("pool_size"));
    assertArrayEquals(new long[] {2, 2, 2}, (long[]) max3d.get("strides"));
    assertEquals("valid", max3d.get("padding"));
    assertArrayEquals(new long[] {1, 2, 3},
        (long[]) new AveragePooling3D(1, 2, 3).arguments().get("strides"));
    assertEquals(Map.of("keepdims", false), new GlobalMaxPooling3D().arguments());
  }
}
