package dev.lamina.runtime.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import dev.lamina.runtime.layers.merging.Concatenate;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerTypes;
import dev.lamina.runtime.train.History;
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
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Keras's CategoryEncoding, Discretization and Hashing: every case of {@code
 * feature_layers.json} (tools/keras_feature_layer_fixtures.py) built from Keras's config and
 * compared value for value, Discretization's adapt against Keras's boundaries, save and load,
 * argument checks, count weights by hand, and training of the layers after them.
 */
class FeatureLayersTest {

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : KerasLayerFixtures.fixture("feature_layers.json").requireArray("cases")
        .objects()) {
      out.add(Arguments.of(c.requireString("id"), c));
    }
    return out.stream();
  }

  static Stream<Arguments> adaptCases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : KerasLayerFixtures.fixture("feature_layers.json").requireArray("adapt")
        .objects()) {
      out.add(Arguments.of(c.requireString("id"), c));
    }
    return out.stream();
  }

  /** Keras's outputs exactly: bins, and 0/1/counts as float32. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesKerasExactly(String id, JsonObject testCase) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(testCase);
    JsonObject in = testCase.requireObject("input");
    JsonObject want = testCase.requireObject("output");
    SymbolicTensor<?> x = KerasLayerFixtures.input(in);
    String mode = testCase.requireObject("config").optString("output_mode", "");
    if (x.shape().numDimensions() == 1 && (mode.equals("multi_hot") || mode.equals("count"))) {
      // Keras sums the whole batch into one vector (Keras's output shape is (n,)); refused.
      assertEquals(1, want.requireArray("shape").size(), id);
      var e = assertThrows(IllegalArgumentException.class, () -> layer.call(x));
      assertTrue(e.getMessage().contains("whole batch"), e.getMessage());
      return;
    }
    SymbolicTensor<?> y = layer.call(x);
    assertEquals(KerasLayerFixtures.dtype(want), y.dtype(), id + " dtype");
    try (Model model = Model.of(x, y)) {
      NdArray<?> got = model.predict(List.of(KerasLayerFixtures.array(in))).get(0);
      assertEquals(KerasLayerFixtures.array(want), got, id);
    }
  }

  /** Keras's adapt on one array finds the same boundaries, to the bit of float32. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("adaptCases")
  void adaptsAsKeras(String id, JsonObject testCase) throws IOException {
    JsonObject config = testCase.requireObject("config");
    Discretization layer = Discretization.builder().numBins(config.requireInt("num_bins"))
        .epsilon(config.requireDouble("epsilon")).build();
    layer.adapt((FloatNdArray) KerasLayerFixtures.array(testCase.requireObject("data")));
    double[] want = testCase.requireArray("bin_boundaries").doubles();
    assertArrayEquals(want, layer.binBoundaries(), id);
    // Keras's config of the adapted layer (num_bins and the boundaries) reads back as it.
    Layer read = fromConfig("Discretization", config);
    assertArrayEquals(want, ((Discretization) read).binBoundaries(), id);
  }

  /** By hand: 4 boundaries; 0.5 is in bin 3 (boundaries <= x: -0.5, 0, 0.5). */
  @Test
  void discretizesByHandAfterAdapting() {
    var layer = Discretization.builder().numBins(2).name("d").build();
    assertNull(layer.binBoundaries());
    // Keras: 4 values, epsilon 0.01 -> summary of the 4 sorted values, weight 1 each; with
    // num_bins 2 (epsilon 0.5: 4 * 0.5 >= 1) interpolated at cumulative 50%: value 2.
    layer.adapt(new float[] {4, 1, 3, 2});
    assertArrayEquals(new double[] {2.0}, layer.binBoundaries());
    var x = Input.of(TFloat32.class, 1);
    try (Model model = Model.of(x, layer.call(x))) {
      int[][] y = model.predict(new float[][] {{1.9f}, {2f}, {7f}}, int[][].class);
      assertArrayEquals(new int[][] {{0}, {1}, {1}}, y);
    }
    // An encoded output's width is the number of bins: known only after adapt.
    var encoded = Discretization.builder().numBins(4).outputMode("one_hot").build();
    var early = assertThrows(IllegalArgumentException.class, () -> encoded.call(x));
    assertTrue(early.getMessage().contains("adapt before calling"), early.getMessage());
    encoded.adapt(new float[] {0, 1, 2, 3, 4, 5, 6, 7});
    assertEquals(4, encoded.binBoundaries().length + 1);
    encoded.call(x);
    // Three values give two boundaries (Keras's summary is too small to compress): 3 bins, not 4.
    var shrink = assertThrows(IllegalStateException.class,
        () -> encoded.adapt(new float[] {3, 1, 2}));
    assertTrue(shrink.getMessage().contains("adapt found 3"), shrink.getMessage());
    var given = new Discretization(-0.5, 0, 0.5, 2);
    var e = assertThrows(IllegalStateException.class, () -> given.adapt(new float[] {1}));
    assertTrue(e.getMessage().contains("num_bins"), e.getMessage());
  }

  /** Keras's docstring example of count_weights, and the refusal outside count. */
  @Test
  void countWeightsAsKerasDocuments() {
    var tokens = Input.of(TInt32.class, 2);
    var weights = Input.of(TFloat32.class, 2);
    var layer = CategoryEncoding.builder(4).outputMode("count").build();
    try (Model model = Model.of(List.of(tokens, weights), List.of(layer.apply(tokens, weights)))) {
      NdArray<?> y = model.predict(List.of(
          StdArrays.ndCopyOf(new int[][] {{0, 1}, {0, 0}, {1, 2}, {3, 1}}),
          StdArrays.ndCopyOf(new float[][] {{.1f, .2f}, {.1f, .1f}, {.2f, .3f}, {.4f, .2f}})))
          .get(0);
      float[][] want = {{.1f, .2f, 0, 0}, {.2f, 0, 0, 0}, {0, .2f, .3f, 0}, {0, .2f, 0, .4f}};
      assertEquals(StdArrays.ndCopyOf(want), y);
    }
    var multi = new CategoryEncoding(4);
    var e = assertThrows(IllegalArgumentException.class, () -> multi.apply(tokens, weights));
    assertTrue(e.getMessage().contains("count_weights"), e.getMessage());
  }

  /** As Keras (DenseBincount): a negative token fails multi_hot when the batch runs. */
  @Test
  void negativeTokenFailsMultiHotAsInKeras() {
    var x = Input.of(TInt32.class, 2);
    try (Model model = Model.of(x, new CategoryEncoding(3).apply(x))) {
      assertThrows(RuntimeException.class,
          () -> model.predict(List.of(StdArrays.ndCopyOf(new int[][] {{-1, 2}}))));
      // A token >= num_tokens is not counted.
      NdArray<?> y = model.predict(List.of(StdArrays.ndCopyOf(new int[][] {{5, 2}}))).get(0);
      assertEquals(StdArrays.ndCopyOf(new float[][] {{0, 0, 1}}), y);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void savesAndLoads() throws IOException {
    var cat = Input.of("cat", TInt64.class, 1);
    var tokens = Input.of("tokens", TInt32.class, 3);
    var num = Input.of("num", TFloat32.class, 2);
    var one = Input.of("one", TFloat32.class, 1);
    var adapted = Discretization.builder().numBins(3).outputMode("count").name("bins").build();
    adapted.adapt(new float[][] {{0, 1}, {2, 3}, {4, 5}, {6, 7}, {8, 9}});
    List<Layer> layers = List.of(
        Hashing.builder(6).salt(7, 9).maskValue(3L).outputMode("one_hot").name("hash").build(),
        CategoryEncoding.builder(5).outputMode("multi_hot").name("enc").build(), adapted,
        Discretization.builder().binBoundaries(0, 1).outputMode("one_hot").name("given").build());
    var features = new Concatenate().call(List.of(layers.get(0).call(cat),
        layers.get(1).call(tokens), layers.get(2).call(num),
        layers.get(3).call(one)));
    List<NdArray<?>> data = List.of(StdArrays.ndCopyOf(new long[][] {{3}, {4}, {-12}}),
        StdArrays.ndCopyOf(new int[][] {{0, 4, 4}, {1, 2, 3}, {9, 0, 0}}),
        StdArrays.ndCopyOf(new float[][] {{0, 5}, {3.5f, 9}, {-1, 0.5f}}),
        StdArrays.ndCopyOf(new float[][] {{0.5f}, {1}, {-3}}));
    Path file = dir.resolve("features.lamina");
    NdArray<?> before;
    try (Model model = Model.of(List.of(cat, tokens, num, one), List.of(
        Dense.builder(2).seed(3).build().apply((SymbolicTensor<TFloat32>) features)))) {
      String summary = model.summary();
      for (String name : List.of("hash", "enc", "bins", "given")) {
        assertTrue(summary.contains(name), summary);
      }
      before = model.predict(data).get(0);
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      assertEquals(before, loaded.predict(data).get(0));
      List<String> names = List.of("hash", "enc", "bins", "given");
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        Layer back = loaded.layers().stream().filter(l -> loaded.nameOf(l).equals(name))
            .findFirst().orElseThrow(() -> new AssertionError(name + " not loaded"));
        assertEquals(layers.get(i).getClass(), back.getClass());
        assertEquals(layers.get(i).config(), back.config(), name);
      }
    }
  }

  /** Input -> layer -> Dense trains the Dense: no gradient is asked through the integer ops. */
  @Test
  @SuppressWarnings("unchecked")
  void trainsTheDenseAfterThem() {
    var cat = Input.of(TInt32.class, 1);
    var tokens = Input.of(TInt32.class, 3);
    var num = Input.of(TFloat32.class, 2);
    var features = new Concatenate().call(List.of(
        Hashing.builder(5).outputMode("one_hot").build().call(cat),
        CategoryEncoding.builder(4).outputMode("count").build().call(tokens),
        Discretization.builder().binBoundaries(-1, 0, 1).outputMode("multi_hot").build()
            .call(num),
        Hashing.builder(3).outputMode("multi_hot").build().call(tokens)));
    Dense dense = Dense.builder(1).seed(5).build();
    try (Model model = Model.of(List.of(cat, tokens, num),
        List.of(dense.apply((SymbolicTensor<TFloat32>) features)))) {
      model.compile("sgd", "mse");
      float[] kernelBefore = dense.weights().get(0).values();
      int n = 16;
      int[][] c = new int[n][1];
      int[][] t = new int[n][3];
      float[][] v = new float[n][2];
      float[][] y = new float[n][1];
      for (int i = 0; i < n; i++) {
        c[i][0] = i % 7;
        t[i] = new int[] {i % 4, (i + 1) % 4, 3};
        v[i] = new float[] {i / 4f - 2, 1 - i / 8f};
        y[i][0] = i % 2;
      }
      History history = model.fit(List.of(c, t, v), y,
          new dev.lamina.runtime.train.FitOptions().epochs(5).batchSize(4));
      List<Double> loss = history.get("loss");
      assertEquals(5, loss.size());
      assertTrue(loss.get(4) < loss.get(0), loss.toString());
      assertNotEquals(kernelBefore[0], dense.weights().get(0).values()[0]);
    }
  }

  @Test
  void refusesCategoryEncodingArguments() {
    var mode = assertThrows(IllegalArgumentException.class,
        () -> CategoryEncoding.builder(3).outputMode("tf_idf").build());
    assertTrue(mode.getMessage().contains("output_mode must be one of 'one_hot', 'multi_hot' "
        + "or 'count', got 'tf_idf'"), mode.getMessage());
    var tokens = assertThrows(IllegalArgumentException.class, () -> new CategoryEncoding(0));
    assertTrue(tokens.getMessage().contains("num_tokens must be >= 1, got 0"),
        tokens.getMessage());
    var sparse = assertThrows(IllegalArgumentException.class,
        () -> CategoryEncoding.builder(3).sparse(true).build());
    assertTrue(sparse.getMessage().contains("sparse must be false"), sparse.getMessage());
    var dtype = assertThrows(IllegalArgumentException.class,
        () -> new CategoryEncoding(3).call(Input.of(TFloat32.class, 2)));
    assertTrue(dtype.getMessage().contains("takes int32 or int64 inputs, got float32"),
        dtype.getMessage());
    var rank = assertThrows(IllegalArgumentException.class,
        () -> new CategoryEncoding(3).call(Input.of(TInt32.class, 2, 2)));
    assertTrue(rank.getMessage().contains("takes inputs of rank 2 (batch included)"), rank.getMessage());
    assertEquals("multi_hot", CategoryEncoding.builder(2).outputMode("binary").build()
        .outputMode());
  }

  @Test
  void refusesDiscretizationArguments() {
    var neither = assertThrows(IllegalArgumentException.class,
        () -> Discretization.builder().build());
    assertTrue(neither.getMessage().contains("set either num_bins or bin_boundaries"),
        neither.getMessage());
    var both = assertThrows(IllegalArgumentException.class,
        () -> Discretization.builder().numBins(3).binBoundaries(1).build());
    assertTrue(both.getMessage().contains("not both"), both.getMessage());
    var negative = assertThrows(IllegalArgumentException.class,
        () -> Discretization.builder().numBins(-1).build());
    assertTrue(negative.getMessage().contains("num_bins must be >= 0, got -1"),
        negative.getMessage());
    var unsorted = assertThrows(IllegalArgumentException.class,
        () -> new Discretization(1, 0));
    assertTrue(unsorted.getMessage().contains("bin_boundaries must be finite and sorted"),
        unsorted.getMessage());
    var mode = assertThrows(IllegalArgumentException.class,
        () -> Discretization.builder().numBins(2).outputMode("tf_idf").build());
    assertTrue(mode.getMessage().contains("output_mode must be one of 'int', 'one_hot', "
        + "'multi_hot' or 'count'"), mode.getMessage());
    var epsilon = assertThrows(IllegalArgumentException.class,
        () -> Discretization.builder().numBins(2).epsilon(0).build());
    assertTrue(epsilon.getMessage().contains("epsilon must be in (0, 1]"), epsilon.getMessage());
    var notAdapted = Discretization.builder().numBins(2).build();
    var x = Input.of(TFloat32.class, 1);
    var e = assertThrows(IllegalStateException.class, () -> Model.of(x, notAdapted.call(x))
        .predict(new float[][] {{1}}, int[][].class));
    assertTrue(e.getMessage().contains("adapt"), e.getMessage());
  }

  @Test
  void refusesHashingArguments() {
    var bins = assertThrows(IllegalArgumentException.class, () -> new Hashing(0));
    assertTrue(bins.getMessage().contains("num_bins must be a positive integer, got 0"),
        bins.getMessage());
    var salt = assertThrows(IllegalArgumentException.class,
        () -> Hashing.builder(3).salt(1, 2, 3).build());
    assertTrue(salt.getMessage().contains("salt must be one integer or a pair"),
        salt.getMessage());
    var mode = assertThrows(IllegalArgumentException.class,
        () -> Hashing.builder(3).outputMode("binary").build());
    assertTrue(mode.getMessage().contains("output_mode must be one of 'int'"), mode.getMessage());
    var sparse = assertThrows(IllegalArgumentException.class,
        () -> Hashing.builder(3).sparse(true).build());
    assertTrue(sparse.getMessage().contains("sparse must be false"), sparse.getMessage());
    var oneHot = assertThrows(IllegalArgumentException.class,
        () -> Hashing.builder(3).outputMode("one_hot").build().call(Input.of(TInt32.class, 2)));
    assertTrue(oneHot.getMessage().contains("last axis is 1"), oneHot.getMessage());
  }

  /** A config's refusal names the key and what is allowed. */
  @Test
  void configRefusalsNameTheKey() {
    assertKeyError("CategoryEncoding", "{\"num_tokens\":3,\"output_mode\":\"tf_idf\"}",
        "output_mode");
    assertKeyError("CategoryEncoding", "{\"num_tokens\":3,\"sparse\":true}", "sparse");
    assertKeyError("CategoryEncoding", "{\"output_mode\":\"count\"}", "num_tokens");
    assertKeyError("Discretization", "{\"num_bins\":-2}", "num_bins");
    assertKeyError("Discretization", "{\"bin_boundaries\":[2,1]}", "bin_boundaries");
    assertKeyError("Discretization", "{\"bin_boundaries\":[1],\"output_mode\":\"x\"}",
        "output_mode");
    assertKeyError("Hashing", "{\"num_bins\":3,\"mask_value\":\"\"}", "mask_value");
    assertKeyError("Hashing", "{\"num_bins\":3,\"salt\":[1,2,3]}", "salt");
    assertKeyError("Hashing", "{\"num_bins\":0}", "num_bins");
    assertKeyError("Hashing", "{\"num_bins\":3,\"sparse\":true,\"output_mode\":\"count\"}",
        "sparse");
  }

  private static void assertKeyError(String type, String json, String key) {
    var e = assertThrows(ModelFormatException.class,
        () -> fromConfig(type, Json.parseObject(json.getBytes(), "test")), json);
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  private static Layer fromConfig(String type, JsonObject json) throws ModelFormatException {
    LayerConfig config = new LayerConfig(json, type + " layer", LayerConfig.Origin.KERAS);
    config.ignore("name", "trainable", "dtype");
    Layer layer = LayerTypes.byKerasClassName(type).orElseThrow().fromConfig("x", config);
    config.rejectUnread(type);
    return layer;
  }

}
