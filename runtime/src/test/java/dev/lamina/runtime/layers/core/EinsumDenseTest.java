package dev.lamina.runtime.layers.core;

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
import dev.lamina.runtime.layers.WithMask;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.regularizers.Regularizer;
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
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Keras 3 as the oracle for EinsumDense ({@code tools/keras_core_layer_fixtures.py}, {@code
 * core_layers.json}): each case's layer (Keras's documented equations, MultiHeadAttention's, both
 * ellipsis forms, a bias not on the last axis, a label summed away) read from Keras's config
 * through its registered type, given Keras's weights (names, shapes, order checked), must predict
 * what Keras did, again after a save and load; Keras's refusals are Lamina's; and three models
 * take Keras's three SGD {@code train_on_batch} steps through TensorFlow's Einsum gradient. All
 * to 1e-5 relative.
 */
class EinsumDenseTest {

  static final String FIXTURE = "core_layers.json";

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    return KerasLayerFixtures.cases(FIXTURE, "EinsumDense");
  }

  private static JsonObject input(JsonObject c) throws IOException {
    return c.requireArray("inputs").requireObject(0);
  }

  private static JsonObject expected(JsonObject c) throws IOException {
    return c.requireObject("outputs").requireArray("inference").requireObject(0);
  }

  private static float[] predict(Model model, JsonObject c) throws IOException {
    return KerasLayerFixtures.floats(model.predict(List.of(KerasLayerFixtures.array(input(c))))
        .get(0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void inferenceIsKerass(String id, JsonObject c) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(c);
    SymbolicTensor<?> x = KerasLayerFixtures.input(input(c));
    SymbolicTensor<?> y = layer.call(x);
    long[] keras = expected(c).requireArray("shape").longs();
    long[] lamina = y.shape().asArray();
    assertEquals(keras.length, lamina.length, id + ": output rank");
    for (int i = 1; i < keras.length; i++) {
      assertEquals(keras[i], lamina[i], id + ": output size " + i);
    }
    List<JsonObject> weights = c.requireArray("weights").objects();
    for (int i = 0; i < weights.size(); i++) {
      assertEquals(Shape.of(weights.get(i).requireArray("shape").longs()),
          layer.weights().get(i).shape(), id + ": shape of " + weights.get(i).get("name"));
    }
    KerasLayerFixtures.setWeights(layer, c.requireArray("weights"));
    try (Model model = Model.of(List.of(x), List.of(y))) {
      KerasLayerFixtures.assertClose(expected(c).requireArray("values").floats(),
          predict(model, c), id);
    }
    JsonObject config = c.requireObject("config");
    Map<String, Object> args = layer.arguments();
    assertEquals(config.get("equation"), args.get("equation"), id);
    assertEquals(config.get("bias_axes"), args.get("bias_axes"), id);
    assertEquals(config.get("activation"), args.get("activation"), id);
    List<Object> shape = new ArrayList<>();
    for (Object d : config.requireArray("output_shape")) {
      shape.add(d == null ? null : (Object) ((Number) d).longValue());
    }
    assertEquals(shape, args.get("output_shape"), id);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void savesAndLoads(String id, JsonObject c) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(c);
    SymbolicTensor<?> x = KerasLayerFixtures.input(input(c));
    SymbolicTensor<?> y = layer.call(x);
    KerasLayerFixtures.setWeights(layer, c.requireArray("weights"));
    Path file = dir.resolve("einsum.lamina");
    try (Model model = Model.of(List.of(x), List.of(y))) {
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      Layer back = loaded.layers().get(1);
      assertEquals(layer.config(), back.config());
      KerasLayerFixtures.assertClose(expected(c).requireArray("values").floats(),
          predict(loaded, c), id + " after loading");
      String summary = loaded.summary();
      assertTrue(summary.contains("(EinsumDense)"), summary);
      long params = layer.weights().stream().mapToLong(w -> w.shape().size()).sum();
      assertTrue(summary.contains("Total params: " + params), summary);
    }
  }

  /** What Keras refuses when it builds the layer: Lamina when it makes or applies it. */
  @Test
  void refusesWhatKerasRefuses() throws IOException {
    int checked = 0;
    for (JsonObject e : KerasLayerFixtures.fixture(FIXTURE).requireArray("errors").objects()) {
      if (!e.requireString("class_name").equals("EinsumDense")) {
        continue;
      }
      checked++;
      String id = e.requireString("id");
      String message;
      try {
        Layer layer = KerasLayerFixtures.fromKerasConfig(e);
        long[] shape = e.requireArray("input_shape").longs();
        message = assertThrows(IllegalArgumentException.class,
            () -> layer.call(Input.of(TFloat32.class, shape)), id).getMessage();
      } catch (ModelFormatException refused) {
        message = refused.getMessage();
      }
      assertTrue(message.contains("EinsumDense"), id + ": " + message);
    }
    assertEquals(5, checked);
    var e = assertThrows(IllegalArgumentException.class,
        () -> new EinsumDense("ab,bc->ac", 3, 4));
    assertTrue(e.getMessage().contains("needs 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new EinsumDense("aab,bc->ac", 3));
    assertTrue(e.getMessage().contains("repeats"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new EinsumDense("abc,cd->abd", -1, 4).apply(Input.of(TFloat32.class, 3, 2, 4)));
    assertTrue(e.getMessage().contains("rank 3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new EinsumDense("ab,bc->ac", 3).apply(Input.of(TFloat32.class, -1)));
    assertTrue(e.getMessage().contains("known size"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new EinsumDense("...b,bc->...c", 3).apply(Input.of(TFloat32.class)));
    assertTrue(e.getMessage().contains("ellipsis"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new EinsumDense("ab,bc->ac", 3)
        .call(Input.of(org.tensorflow.types.TFloat64.class, 4)));
    assertTrue(e.getMessage().contains("float32"), e.getMessage());
    EinsumDense built = new EinsumDense("ab,bc->ac", 3);
    built.apply(Input.of(TFloat32.class, 4));
    e = assertThrows(IllegalArgumentException.class,
        () -> built.apply(Input.of(TFloat32.class, 5)));
    assertTrue(e.getMessage().contains("built for"), e.getMessage());
  }

  private static Layer read(String config) throws ModelFormatException {
    return read("[4]", config);
  }

  private static Layer read(String outputShape, String config) throws ModelFormatException {
    return KerasLayerFixtures.fromKerasConfig(Json.parseObject(("{\"class_name\": "
        + "\"EinsumDense\", \"config\": {\"name\": \"e\", \"equation\": \"ab,bc->ac\", "
        + "\"output_shape\": " + outputShape + config + "}}").getBytes(StandardCharsets.UTF_8),
        "t"));
  }

  /** LoRA and quantization are not built: a file that uses them is refused, naming the key. */
  @Test
  void refusesLoraAndQuantization() throws ModelFormatException {
    var e = assertThrows(ModelFormatException.class,
        () -> read(", \"lora_rank\": 2, \"lora_alpha\": 2"));
    assertTrue(e.getMessage().contains("lora_rank") && e.getMessage().contains("LoRA"),
        e.getMessage());
    e = assertThrows(ModelFormatException.class, () -> read(", \"quantization_config\": "
        + "{\"class_name\": \"Int8QuantizationConfig\", \"config\": {}}"));
    assertTrue(e.getMessage().contains("quantization_config"), e.getMessage());
    e = assertThrows(ModelFormatException.class,
        () -> read(", \"gptq_unpacked_column_size\": 4"));
    assertTrue(e.getMessage().contains("gptq_unpacked_column_size"), e.getMessage());
    // at their defaults they are read
    Layer layer = read("4", ", \"lora_rank\": null, \"quantization_config\": null");
    assertEquals(Arrays.asList(4L), layer.arguments().get("output_shape"));
  }

  @Test
  void typedApiHasKerassDefaults() {
    EinsumDense layer = new EinsumDense("abc,cde->abde", -1, 2, 5);
    assertEquals("einsum_dense", layer.defaultName());
    assertEquals(Arrays.asList(null, 2L, 5L), layer.arguments().get("output_shape"));
    assertEquals("linear", layer.arguments().get("activation"));
    assertEquals(null, layer.arguments().get("bias_axes"));
    var y = layer.apply(Input.of(TFloat32.class, 7, 4));
    org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {-1, 7, 2, 5},
        y.shape().asArray());
    assertEquals(List.of("kernel"), layer.weights().stream().map(w -> w.name()).toList());
    assertEquals(Shape.of(4, 2, 5), layer.weights().get(0).shape());
    Map<String, Object> config = layer.config();
    assertEquals("GlorotUniform", ((Map<?, ?>) config.get("kernel_initializer"))
        .get("class_name"));
    assertEquals("Zeros", ((Map<?, ?>) config.get("bias_initializer")).get("class_name"));
  }

  /**
   * As Keras's {@code _update_kernel_initializer}: Glorot's fans from the equation's axes. A
   * kernel (4, 2, 5) of {@code "abc,cde->abde"} has fan_in 4 (c) and fan_out 10 (d, e), limit
   * sqrt(6 / 14) = 0.655; {@code compute_fans} of the shape alone would give 8 and 20, limit
   * sqrt(6 / 28) = 0.463.
   */
  @Test
  void drawsTheKernelWithFansFromTheEquation() {
    EinsumDense layer = EinsumDense.builder("abc,cde->abde", 3, 2, 5).seed(7).build();
    layer.apply(Input.of(TFloat32.class, 3, 4));
    float max = 0;
    for (float v : layer.weights().get(0).values()) {
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max <= Math.sqrt(6.0 / 14) && max > Math.sqrt(6.0 / 28), "max |kernel| " + max);
    // the config keeps Keras's initializer as given
    Map<?, ?> config = (Map<?, ?>) ((Map<?, ?>) layer.config().get("kernel_initializer"))
        .get("config");
    assertEquals(null, config.get("input_axes"));
    // a seeded layer draws the same kernel again
    EinsumDense again = EinsumDense.builder("abc,cde->abde", 3, 2, 5).seed(7).build();
    again.apply(Input.of(TFloat32.class, 3, 4));
    org.junit.jupiter.api.Assertions.assertArrayEquals(layer.weights().get(0).values(),
        again.weights().get(0).values());
  }

  /** A kernel with none of the output's labels has fan_out 1, as Keras's compute_fans. */
  @Test
  void drawsAKernelWithoutOutputAxes() {
    EinsumDense layer = EinsumDense.builder("abde,de->ab", 3).seed(3).build();
    layer.apply(Input.of(TFloat32.class, 3, 2, 5));
    // fan_in 10 (d, e), fan_out 1: limit sqrt(6 / 11) = 0.739
    float max = 0;
    for (float v : layer.weights().get(0).values()) {
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max <= Math.sqrt(6.0 / 11) && max > Math.sqrt(6.0 / 20), "max |kernel| " + max);
  }

  /** Keras's EinsumDense does not support masking: the mask ends here. */
  @Test
  void dropsTheMaskAsKeras() {
    var x = Input.of(TFloat32.class, 3, 4);
    var m = Input.of(TFloat32.class, 3);
    var y = EinsumDense.builder("abc,cd->abd", -1, 2).build()
        .apply(new WithMask().apply(x, m));
    assertTrue(y.mask().isEmpty());
  }

  static Stream<Arguments> training() throws IOException {
    return KerasLayerFixtures.fixture(FIXTURE).requireArray("training").objects().stream()
        .filter(t -> ((String) t.get("id")).startsWith("einsum_"))
        .map(t -> Arguments.of(t.get("id"), t));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("training")
  void takesKerassTrainingSteps(String id, JsonObject t) throws IOException {
    var x = Input.of(TFloat32.class, 3, 4);
    SymbolicTensor<TFloat32> h;
    if (id.startsWith("einsum_dense/")) {
      h = new Flatten().apply(EinsumDense.builder("abc,cde->abde", 3, 2, 5).biasAxes("de")
          .activation("tanh").name("einsum_dense").build().apply(x));
    } else if (id.startsWith("einsum_ellipsis/")) {
      h = new Flatten().apply(EinsumDense.builder("...b,bc->...c", 5).biasAxes("c")
          .kernelRegularizer(Regularizer.l2(0.01)).name("einsum_dense").build().apply(x));
    } else {
      h = EinsumDense.builder("abc,cd->ad", 5).biasAxes("d").name("einsum_dense").build()
          .apply(x);
    }
    var y = Dense.builder(2).name("dense").build().apply(h);
    try (Model model = Model.of(x, y)) {
      KerasLayerFixtures.assertTrainsAsKeras(t, model,
          KerasLayerFixtures.array(t.requireObject("x")));
    }
  }
}
