package dev.lamina.runtime.layers.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.WithMask;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.core.Masking;
import dev.lamina.runtime.layers.pooling.GlobalAveragePooling1D;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.registry.KerasCall;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Optimizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras 3 as the oracle for MultiHeadAttention, Attention, AdditiveAttention and Masking
 * ({@code tools/keras_attention_fixtures.py} wrote {@code attention.json}): each case's layer is
 * read from Keras's config by its registered type (its call options through {@link KerasCall}),
 * takes Keras's weights, and predicts Keras's outputs and output mask from inputs that carry
 * Keras's masks; three training steps of a model with each attention layer match Keras's losses
 * and weights to 1e-5.
 */
public class AttentionLayersTest {

  private static final String FIXTURE = "attention.json";

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : KerasLayerFixtures.fixture(FIXTURE).requireArray("cases").objects()) {
      out.add(Arguments.of(c.requireString("id"), c));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void predictsAsKeras(String id, JsonObject c) throws IOException {
    assertPredictsAsKeras(id, c);
  }

  /**
   * The case's layer, from Keras's config and call options, with Keras's weights, predicts
   * Keras's outputs and output mask (shared with {@link GroupQueryAttentionTest}).
   */
  static void assertPredictsAsKeras(String id, JsonObject c) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(c);
    JsonObject call = c.requireObject("call");
    if (!call.isEmpty()) {
      layer = ((KerasCall) layer).withCallOptions(call);
    }
    List<SymbolicTensor<?>> modelInputs = new ArrayList<>();
    List<NdArray<?>> data = new ArrayList<>();
    List<SymbolicTensor<?>> layerInputs = new ArrayList<>();
    if (c.get("inputs") instanceof JsonObject) { // MultiHeadAttention, GroupedQueryAttention
      JsonObject inputs = c.requireObject("inputs");
      JsonObject masks = c.optObject("masks");
      SymbolicTensor<?> query = input("query", inputs, masks, modelInputs, data);
      SymbolicTensor<?> value = input("value", inputs, masks, modelInputs, data);
      layerInputs.add(query);
      layerInputs.add(value);
      if (inputs.containsKey("key") || inputs.containsKey("attention_mask")) {
        layerInputs.add(inputs.containsKey("key")
            ? input("key", inputs, masks, modelInputs, data) : value);
      }
      if (inputs.containsKey("attention_mask")) {
        layerInputs.add(input("attention_mask", inputs, null, modelInputs, data));
      }
    } else {
      JsonArray inputs = c.requireArray("inputs");
      JsonArray masks = c.optArray("masks");
      for (int i = 0; i < inputs.size(); i++) {
        JsonObject mask = masks == null || masks.isNull(i) ? null : masks.requireObject(i);
        layerInputs.add(input(inputs.requireObject(i), mask, modelInputs, data));
      }
    }
    List<SymbolicTensor<?>> outputs = new ArrayList<>(layer.callOutputs(layerInputs));
    setWeights(layer, c.requireArray("weights"));
    List<JsonObject> expected = c.requireArray("outputs").objects();
    assertEquals(expected.size(), outputs.size(), id + ": outputs");
    JsonObject expectedMask = c.optObject("output_mask");
    SymbolicTensor<?> first = outputs.get(0);
    if (expectedMask != null) {
      outputs.add(first.mask().orElseThrow(() -> new AssertionError(id + ": no output mask")));
    } else {
      assertTrue(first.mask().isEmpty(), id + ": Lamina's output has a mask, Keras's none");
    }
    for (int i = 1; i < expected.size(); i++) {
      assertTrue(outputs.get(i).mask().isEmpty(), id + ": the scores carry no mask");
    }
    try (Model model = Model.of(modelInputs, outputs)) {
      List<NdArray<?>> results = model.predict(data);
      for (int i = 0; i < expected.size(); i++) {
        JsonObject want = expected.get(i);
        assertEquals(Shape.of(want.requireArray("shape").longs()), results.get(i).shape(),
            id + ": shape of output " + i);
        long[] declared = outputs.get(i).shape().asArray();
        declared[0] = want.requireArray("shape").longs()[0]; // the batch, unknown until data
        assertEquals(Arrays.toString(want.requireArray("shape").longs()),
            Arrays.toString(declared), id + ": declared shape of output " + i);
        KerasLayerFixtures.assertClose(want.requireArray("values").floats(),
            KerasLayerFixtures.floats(results.get(i)), id + " output " + i);
      }
      if (expectedMask != null) {
        NdArray<?> mask = results.get(expected.size());
        assertEquals(Shape.of(expectedMask.requireArray("shape").longs()), mask.shape());
        int[] keras = expectedMask.requireArray("values").ints();
        boolean[] lamina = KerasLayerFixtures.booleans(mask);
        for (int i = 0; i < keras.length; i++) {
          assertEquals(keras[i] != 0, lamina[i], id + ": mask[" + i + "]");
        }
      }
    }
  }

  private static SymbolicTensor<?> input(String name, JsonObject inputs, JsonObject masks,
      List<SymbolicTensor<?>> modelInputs, List<NdArray<?>> data) throws IOException {
    JsonObject mask = masks == null || masks.isNull(name) ? null : masks.requireObject(name);
    return input(inputs.requireObject(name), mask, modelInputs, data);
  }

  /** A model input of the tensor's samples, carrying {@code mask} (a model input too). */
  @SuppressWarnings("unchecked")
  private static SymbolicTensor<?> input(JsonObject tensor, JsonObject mask,
      List<SymbolicTensor<?>> modelInputs, List<NdArray<?>> data) throws IOException {
    SymbolicTensor<?> x = symbolic(tensor);
    modelInputs.add(x);
    data.add(array(tensor));
    if (mask == null) {
      return x;
    }
    SymbolicTensor<?> m = symbolic(mask);
    modelInputs.add(m);
    data.add(array(mask));
    return new WithMask().apply((SymbolicTensor<TFloat32>) x, m);
  }

  private static SymbolicTensor<?> symbolic(JsonObject tensor) throws IOException {
    long[] shape = tensor.requireArray("shape").longs();
    long[] sample = Arrays.copyOfRange(shape, 1, shape.length);
    return tensor.requireString("dtype").equals("bool") ? Input.of(TBool.class, sample)
        : KerasLayerFixtures.input(tensor);
  }

  private static NdArray<?> array(JsonObject tensor) throws IOException {
    if (!tensor.requireString("dtype").equals("bool")) {
      return KerasLayerFixtures.array(tensor);
    }
    int[] values = tensor.requireArray("values").ints();
    boolean[] flags = new boolean[values.length];
    for (int i = 0; i < values.length; i++) {
      flags[i] = values[i] != 0;
    }
    return NdArrays.wrap(Shape.of(tensor.requireArray("shape").longs()),
        DataBuffers.of(flags, true, false));
  }

  /** Keras's weights, after checking that the layer's are Keras's in path, order and shape. */
  private static void setWeights(Layer layer, JsonArray weights) throws IOException {
    List<Weight> declared = layer.weights();
    assertEquals(weights.size(), declared.size(), "number of weights of " + layer.describe());
    List<NdArray<?>> values = new ArrayList<>();
    for (int i = 0; i < weights.size(); i++) {
      JsonObject weight = weights.requireObject(i);
      String path = weight.requireString("path");
      assertEquals(path.substring(path.indexOf('/') + 1), declared.get(i).name(), "weight " + i);
      values.add(KerasLayerFixtures.weightValue(weight));
    }
    layer.setWeightArrays(values);
  }

  // --- training ------------------------------------------------------------------------

  @Test
  void multiHeadAttentionTrainsAsKeras() throws IOException {
    var x = Input.of("x", TFloat32.class, 4, 6);
    MultiHeadAttention mha = MultiHeadAttention.builder(2, 3).dropout(0.25).seed(7L)
        .name("mha").build();
    var h = new GlobalAveragePooling1D("pool", false).apply(mha.apply(x, x));
    try (Model model = Model.of(x, Dense.builder(2).name("dense").build().apply(h))) {
      assertTrainsAsKeras(training("MultiHeadAttention"), model);
    }
  }

  @Test
  void attentionTrainsAsKeras() throws IOException {
    var q = Input.of("q", TFloat32.class, 4, 3);
    var v = Input.of("v", TFloat32.class, 5, 3);
    Attention attention = Attention.builder().useScale(true).dropout(0.2).seed(3L)
        .name("attention").build();
    var h = new Flatten("flatten").call(attention.apply(q, v));
    try (Model model = Model.of(List.of(q, v),
        List.of(Dense.builder(2).name("dense").build().call(h)))) {
      assertTrainsAsKeras(training("Attention"), model);
    }
  }

  @Test
  void additiveAttentionWithMaskingTrainsAsKeras() throws IOException {
    var x = Input.of("x", TFloat32.class, 5, 3);
    var masked = new Masking("masking", 0.0).apply(x);
    var h = AdditiveAttention.builder().name("additive").build().apply(masked, masked);
    var pooled = new GlobalAveragePooling1D("pool", false).apply(h);
    try (Model model = Model.of(x, Dense.builder(2).name("dense").build().apply(pooled))) {
      assertTrainsAsKeras(training("AdditiveAttention"), model);
    }
  }

  private static JsonObject training(String id) throws IOException {
    for (JsonObject c : KerasLayerFixtures.fixture(FIXTURE).requireArray("training").objects()) {
      if (c.requireString("id").equals(id)) {
        return c;
      }
    }
    throw new AssertionError("no training case " + id);
  }

  public static void assertTrainsAsKeras(JsonObject c, Model model) throws IOException {
    List<Weight> weights = model.weights();
    JsonArray initial = c.requireArray("initial_weights");
    assertEquals(initial.size(), weights.size(), "number of weights");
    for (int i = 0; i < weights.size(); i++) {
      JsonObject weight = initial.requireObject(i);
      String path = weight.requireString("path");
      assertEquals(path, model.nameOf(weights.get(i).layer()) + "/" + weights.get(i).name(),
          "weight " + i);
      weights.get(i).assign(weight.requireArray("values").floats());
    }
    JsonObject optimizer = c.requireObject("optimizer");
    Map<String, Object> options = new LinkedHashMap<>(optimizer);
    options.remove("class");
    model.compile(Optimizer.fromConfig(optimizer.requireString("class"), options),
        Losses.get(c.requireString("loss")));
    List<NdArray<?>> x = new ArrayList<>();
    for (JsonObject tensor : c.requireArray("x").objects()) {
      x.add(KerasLayerFixtures.array(tensor));
    }
    NdArray<?> y = KerasLayerFixtures.array(c.requireObject("y"));
    List<JsonObject> steps = c.requireArray("steps").objects();
    for (int step = 0; step < steps.size(); step++) {
      double loss = model.trainOnBatch(x, List.of(y)).get("loss");
      double want = steps.get(step).requireDouble("returned_loss");
      assertEquals(want, loss, 1e-5 * Math.abs(want) + 1e-7, "loss of step " + (step + 1));
      JsonArray after = steps.get(step).requireArray("weights");
      for (int w = 0; w < weights.size(); w++) {
        JsonObject weight = after.requireObject(w);
        KerasLayerFixtures.assertClose(weight.requireArray("values").floats(),
            weights.get(w).values(), weight.requireString("path") + " after step " + (step + 1));
      }
    }
    KerasLayerFixtures.assertClose(c.requireObject("predict_after").requireArray("values")
        .floats(), KerasLayerFixtures.floats(model.predict(x).get(0)), "predictions after");
  }

  // --- files, summary, API -----------------------------------------------------------------

  @Test
  void savesAndLoadsWithScoresAndCausalMask(@TempDir Path dir) throws IOException {
    var x = Input.of("x", TFloat32.class, 5, 4);
    var v = Input.of("v", TFloat32.class, 3, 2);
    MultiHeadAttention mha = MultiHeadAttention.builder(2, 3).valueDim(2).outputShape(6)
        .useCausalMask(true).returnAttentionScores(true).dropout(0.1).seed(4L).name("mha")
        .build();
    List<SymbolicTensor<?>> out = mha.applyWithScores(x, v, null, null);
    Attention attention = Attention.builder().scoreMode("concat").useScale(true)
        .useCausalMask(true).name("att").build();
    var a = attention.apply(x, x);
    var additive = AdditiveAttention.builder().name("add").build().apply(x, x);
    var masked = new Masking("masking", 1.5).apply(x);
    float[][][] xs = new float[2][5][4];
    float[][][] vs = new float[2][3][2];
    for (int b = 0; b < 2; b++) {
      for (int t = 0; t < 5; t++) {
        for (int f = 0; f < 4; f++) {
          xs[b][t][f] = (float) Math.sin(b + 0.3 * t + 0.7 * f);
        }
      }
      for (int t = 0; t < 3; t++) {
        for (int f = 0; f < 2; f++) {
          vs[b][t][f] = (float) Math.cos(b - 0.2 * t + 0.5 * f);
        }
      }
    }
    List<NdArray<?>> data = List.of(floats(xs), floats(vs));
    Path file = dir.resolve("attention.lamina");
    List<NdArray<?>> before;
    try (Model model = Model.of(List.of(x, v), List.of(out.get(0), out.get(1), a, additive,
        masked))) {
      assertEquals("[-1, 2, 5, 3]", Arrays.toString(out.get(1).shape().asArray()));
      before = model.predict(data);
      String summary = model.summary();
      assertTrue(summary.contains("MultiHeadAttention"), summary);
      assertTrue(summary.contains("AdditiveAttention"), summary);
      assertTrue(summary.contains("Masking"), summary);
      // query 4x2x3 + 2x3, key 2x2x3 + 2x3, value 2x2x2 + 2x2, output 2x2x6 + 6
      assertEquals(24 + 6 + 12 + 6 + 8 + 4 + 24 + 6, mha.countParams());
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      MultiHeadAttention mha2 = (MultiHeadAttention) loaded.layers().stream()
          .filter(l -> l instanceof MultiHeadAttention).findFirst().orElseThrow();
      assertEquals(mha.config(), mha2.config());
      List<NdArray<?>> after = loaded.predict(data);
      assertEquals(before.size(), after.size());
      for (int i = 0; i < before.size(); i++) {
        KerasLayerFixtures.assertClose(KerasLayerFixtures.floats(before.get(i)),
            KerasLayerFixtures.floats(after.get(i)), "output " + i + " after loading");
      }
    }
    assertTrue(Files.size(file) > 0);
  }

  private static FloatNdArray floats(float[][][] values) {
    FloatNdArray out = NdArrays.ofFloats(Shape.of(values.length, values[0].length,
        values[0][0].length));
    for (int i = 0; i < values.length; i++) {
      for (int j = 0; j < values[i].length; j++) {
        for (int k = 0; k < values[i][j].length; k++) {
          out.setFloat(values[i][j][k], i, j, k);
        }
      }
    }
    return out;
  }

  @Test
  void callOptionsAreKerasCallArguments() {
    MultiHeadAttention mha = new MultiHeadAttention(2, 4);
    assertEquals(List.of("query", "value", "key", "attention_mask"), mha.tensorParameters());
    assertEquals("value", mha.fallback("key"));
    MultiHeadAttention causal = mha.withCallOptions(Map.of("use_causal_mask", true));
    assertEquals(true, causal.config().get("use_causal_mask"));
    var error = assertThrows(IllegalArgumentException.class,
        () -> mha.withCallOptions(Map.of("use_gate", true)));
    assertTrue(error.getMessage().contains("use_gate"), error.getMessage());
    Attention attention = new Attention();
    assertInstanceOf(Attention.class,
        attention.withCallOptions(Map.of("return_attention_scores", true)));
    assertTrue(attention.withCallOptions(Map.of("return_attention_scores", true))
        .returnAttentionScores());
  }

  @Test
  void badArgumentsAndShapesNameTheLayer() {
    assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(0, 4));
    assertThrows(IllegalArgumentException.class,
        () -> MultiHeadAttention.builder(2, 4).dropout(1.0).build());
    assertThrows(IllegalArgumentException.class,
        () -> Attention.builder().scoreMode("sum").build());
    var q = Input.of(TFloat32.class, 4, 3);
    var v = Input.of(TFloat32.class, 6, 5);
    var k = Input.of(TFloat32.class, 7, 2);
    MultiHeadAttention mha = MultiHeadAttention.builder(2, 4).name("mha").build();
    var e = assertThrows(IllegalArgumentException.class, () -> mha.apply(q, v, k, null));
    assertTrue(e.getMessage().contains("'mha'") && e.getMessage().contains("key"),
        e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class,
        () -> Attention.builder().name("att").build().apply(q, v));
    assertTrue(e2.getMessage().contains("'att'"), e2.getMessage());
    var batchOnly = Input.of(TFloat32.class);
    assertThrows(IllegalArgumentException.class, () -> new Masking().apply(batchOnly));
  }
}
