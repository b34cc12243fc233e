package dev.lamina.runtime.layers.reshaping;

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
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.io.IOException;
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
 * Keras's reshaping layers against {@code reshaping.json} ({@code
 * tools/keras_reshaping_fixtures.py}): every case built from Keras's config through its layer
 * type, its values (exact) and output shape, a save and load, and one training step through it.
 */
class ReshapingLayersTest {

  private static final String FIXTURE = "reshaping.json";

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String type : List.of("Permute", "RepeatVector", "Cropping1D", "Cropping2D",
        "Cropping3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "UpSampling1D",
        "UpSampling2D", "UpSampling3D", "Flatten")) {
      KerasLayerFixtures.cases(FIXTURE, type).forEach(out::add);
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
  void matchesKerasExactly(String id, JsonObject testCase) throws IOException {
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

  /** Exact, but for interpolating resizes: within 1e-6. */
  private static void assertValues(JsonObject testCase, float[] lamina) throws IOException {
    String interpolation = testCase.requireObject("config").optString("interpolation",
        "nearest");
    if (interpolation.equals("nearest")) {
      assertArrayEquals(expected(testCase), lamina, testCase.requireString("id"));
    } else {
      assertArrayEquals(expected(testCase), lamina, 1e-6f, testCase.requireString("id"));
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
    float[][] xs = {{1, 2, 3}, {-1, 0.5f, 2}};
    float[][] ys = {{1}, {-1}};
    try (Model model = Model.of(x, y)) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      float[] before = first.weights().get(0).values();
      double loss = model.trainOnBatch(xs, ys).get("loss");
      assertTrue(Double.isFinite(loss), "loss " + loss);
      assertFalse(Arrays.equals(before, first.weights().get(0).values()),
          "the Dense before " + layer.describe() + " did not train");
    }
  }

  private static void assertShape(Shape expected, Shape actual) {
    // Shape.equals is false whenever a size is unknown
    assertArrayEquals(expected.asArray(), actual.asArray(), "shape " + actual);
  }

  @Test
  void unknownSizesStayUnknown() {
    var seq = Input.of(TFloat32.class, -1, 3);
    assertShape(Shape.of(-1, -1, 3), new Cropping1D(1, 2).apply(seq).shape());
    assertShape(Shape.of(-1, -1, 3), new ZeroPadding1D(2).apply(seq).shape());
    assertShape(Shape.of(-1, -1, 3), new UpSampling1D(3).apply(seq).shape());
    assertShape(Shape.of(-1, 3, -1), new Permute(2, 1).apply(seq).shape());
    assertShape(Shape.of(-1, -1), new Flatten().apply(seq).shape());
    var image = Input.of(TFloat32.class, -1, 5, 2);
    assertShape(Shape.of(-1, -1, 3, 2),
        new Cropping2D(null, new int[][] {{1, 0}, {0, 2}}).apply(image).shape());
    assertShape(Shape.of(-1, -1, 7, 2), new ZeroPadding2D(1).apply(image).shape());
    assertShape(Shape.of(-1, -1, 15, 2), new UpSampling2D(2, 3).apply(image).shape());
    var volume = Input.of(TFloat32.class, -1, 4, 3, 2);
    assertShape(Shape.of(-1, -1, 2, 1, 2), new Cropping3D().apply(volume).shape());
    assertShape(Shape.of(-1, -1, 6, 5, 2), new ZeroPadding3D().apply(volume).shape());
    assertShape(Shape.of(-1, -1, 8, 9, 2),
        new UpSampling3D(null, 3, 2, 3).apply(volume).shape());
  }

  /** 3D on a volume whose first spatial size comes from the data. */
  @Test
  void runs3dOnSizesKnownOnlyFromData() {
    var volume = Input.of(TFloat32.class, -1, 1, 2, 1);
    var up = new UpSampling3D(null, 2, 1, 1).apply(volume);
    var crop = new Cropping3D(null, new int[][] {{1, 0}, {0, 0}, {0, 1}}).apply(volume);
    var pad = new ZeroPadding3D(null, new int[][] {{0, 1}, {0, 0}, {0, 0}}).apply(volume);
    float[][][][][] data = {{{{{1}, {2}}}, {{{3}, {4}}}}}; // (1, 2, 1, 2, 1)
    try (Model model = Model.of(List.of(volume), List.of(up, crop, pad))) {
      List<NdArray<?>> out = model.predict(List.of(StdArrays.ndCopyOf(data)));
      assertArrayEquals(new float[] {1, 2, 1, 2, 3, 4, 3, 4},
          KerasLayerFixtures.floats(out.get(0)));
      assertArrayEquals(new float[] {3}, KerasLayerFixtures.floats(out.get(1)));
      assertArrayEquals(new float[] {1, 2, 3, 4, 0, 0}, KerasLayerFixtures.floats(out.get(2)));
    }
  }

  /** Unknown steps: the sizes come from the data. */
  @Test
  void runsOnSizesKnownOnlyFromData() {
    var seq = Input.of(TFloat32.class, -1, 2);
    var up = new UpSampling1D(2).apply(seq);
    var crop = new Cropping1D(1, 0).apply(seq);
    var pad = new ZeroPadding1D(0, 1).apply(seq);
    float[][][] data = {{{1, 2}, {3, 4}}};
    try (Model model = Model.of(List.of(seq), List.of(up, crop, pad))) {
      List<NdArray<?>> out = model.predict(List.of(StdArrays.ndCopyOf(data)));
      assertArrayEquals(new float[] {1, 2, 1, 2, 3, 4, 3, 4},
          KerasLayerFixtures.floats(out.get(0)));
      assertArrayEquals(new float[] {3, 4}, KerasLayerFixtures.floats(out.get(1)));
      assertArrayEquals(new float[] {1, 2, 3, 4, 0, 0}, KerasLayerFixtures.floats(out.get(2)));
    }
  }

  private static String refusal(String className, String config) {
    JsonObject json;
    try {
      json = Json.parseObject(("{\"class_name\": \"" + className + "\", \"config\": " + config
          + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8), "test");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return assertThrows(ModelFormatException.class,
        () -> KerasLayerFixtures.fromKerasConfig(json)).getMessage();
  }

  @Test
  void refusesChannelsFirstBilinearAndBadArguments() {
    for (String type : List.of("Cropping2D", "Cropping3D", "ZeroPadding1D", "ZeroPadding2D",
        "ZeroPadding3D", "UpSampling2D", "UpSampling3D", "Flatten")) {
      String message = refusal(type, "{\"name\": \"l\", \"data_format\": \"channels_first\"}");
      assertTrue(message.contains(type + " layer") && message.contains("channels_first"),
          message);
    }
    String message = refusal("UpSampling2D",
        "{\"name\": \"u\", \"interpolation\": \"lanczos3\"}");
    assertTrue(message.contains("UpSampling2D layer") && message.contains("lanczos3"), message);
    // Keras 3's UpSampling3D has no interpolation argument: nearest only
    message = refusal("UpSampling3D", "{\"name\": \"u\", \"interpolation\": \"bilinear\"}");
    assertTrue(message.contains("UpSampling3D") && message.contains("interpolation"), message);
    message = refusal("UpSampling3D", "{\"name\": \"u\", \"size\": [2, 2]}");
    assertTrue(message.contains("3 ints"), message);
    message = refusal("Cropping3D", "{\"name\": \"c\", \"cropping\": [[1, 1], [1, 1]]}");
    assertTrue(message.contains("3 pairs"), message);
    message = refusal("ZeroPadding3D", "{\"name\": \"z\", \"padding\": [1, 2]}");
    assertTrue(message.contains("3 ints"), message);
    message = refusal("ZeroPadding3D", "{\"name\": \"z\", \"padding\": -1}");
    assertTrue(message.contains("ZeroPadding3D") && message.contains("0 or more"), message);
    message = refusal("Permute", "{\"name\": \"p\", \"dims\": [1, 1]}");
    assertTrue(message.contains("permutation"), message);
    message = refusal("RepeatVector", "{\"name\": \"r\", \"n\": 0}");
    assertTrue(message.contains("1 or more"), message);
    message = refusal("Cropping1D", "{\"name\": \"c\", \"cropping\": [1, 2, 3]}");
    assertTrue(message.contains("pair"), message);
    var e = assertThrows(IllegalArgumentException.class,
        () -> new Cropping1D(2, 3).apply(Input.of(TFloat32.class, 5, 1)));
    assertTrue(e.getMessage().contains("at least one value must remain"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new Cropping3D().apply(Input.of(TFloat32.class, 4, 2, 4, 1)));
    assertTrue(e.getMessage().contains("at least one value must remain"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new UpSampling3D().apply(Input.of(TFloat32.class, 4, 4, 1)));
    assertTrue(e.getMessage().contains("rank 5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new RepeatVector(2).apply(Input.of(TFloat32.class, 5, 1)));
    assertTrue(e.getMessage().contains("rank 2"), e.getMessage());
  }

  @Test
  void typedApiHasKerassDefaults() {
    assertEquals(Map.of("cropping", List.of(List.of(0L, 0L), List.of(0L, 0L))),
        new Cropping2D().arguments());
    assertArrayEquals(new long[] {1, 1},
        (long[]) new Cropping1D().arguments().get("cropping"));
    assertArrayEquals(new long[] {1, 1},
        (long[]) new ZeroPadding1D().arguments().get("padding"));
    assertEquals(Map.of("padding", List.of(List.of(1L, 1L), List.of(1L, 1L))),
        new ZeroPadding2D().arguments());
    assertEquals(2, new UpSampling1D().arguments().get("size"));
    assertArrayEquals(new long[] {2, 2}, (long[]) new UpSampling2D().arguments().get("size"));
    // Keras's Cropping3D crops 1 by default, unlike Cropping2D
    List<Object> ones = List.of(List.of(1L, 1L), List.of(1L, 1L), List.of(1L, 1L));
    assertEquals(Map.of("cropping", ones), new Cropping3D().arguments());
    assertEquals(Map.of("padding", ones), new ZeroPadding3D().arguments());
    assertArrayEquals(new long[] {2, 2, 2}, (long[]) new UpSampling3D().arguments().get("size"));
  }
}
