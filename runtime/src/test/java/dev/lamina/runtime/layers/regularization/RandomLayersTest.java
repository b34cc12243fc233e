package dev.lamina.runtime.layers.regularization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import dev.lamina.runtime.layers.WithMask;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The random layers beyond their Keras fixtures ({@link SeededRandomLayersTest}): unseeded, they
 * train reproducibly from {@code FitOptions.seed}; they save and load with their seed (null
 * when none); Keras configs are read with Keras's defaults and refusals; bad arguments and
 * inputs are errors naming the layer; masks pass through.
 */
class RandomLayersTest {

  @TempDir
  Path dir;

  /** Each layer type, unseeded, and the per-sample shape of its input. */
  static Stream<Arguments> layers() {
    return Stream.of(
        Arguments.of("SpatialDropout1D", (Supplier<Layer>) () -> new SpatialDropout1D(0.5),
            new long[] {3, 4}),
        Arguments.of("SpatialDropout2D", (Supplier<Layer>) () -> new SpatialDropout2D(0.5),
            new long[] {3, 2, 4}),
        Arguments.of("SpatialDropout3D", (Supplier<Layer>) () -> new SpatialDropout3D(0.5),
            new long[] {2, 2, 2, 4}),
        Arguments.of("GaussianNoise", (Supplier<Layer>) () -> new GaussianNoise(0.5),
            new long[] {4}),
        Arguments.of("GaussianDropout", (Supplier<Layer>) () -> new GaussianDropout(0.4),
            new long[] {4}),
        Arguments.of("AlphaDropout", (Supplier<Layer>) () -> new AlphaDropout(0.3),
            new long[] {4}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  void anUnseededLayerFollowsFitOptionsSeed(String type, Supplier<Layer> make, long[] shape) {
    float[] a = trainedKernel(make.get(), shape, 7);
    float[] b = trainedKernel(make.get(), shape, 7);
    float[] c = trainedKernel(make.get(), shape, 8);
    assertArrayEquals(a, b, type + ": the same FitOptions.seed draws the same");
    assertNotEquals(Arrays.toString(a), Arrays.toString(c), type + ": another seed draws other");
  }

  /** Dense(3) -> random -> Dense(1) from fixed weights, two epochs of SGD; the first kernel. */
  private static float[] trainedKernel(Layer random, long[] shape, long seed) {
    var input = Input.of(TFloat32.class, shape);
    Dense dense = Dense.builder(3).seed(1).build();
    Dense out = Dense.builder(1).seed(2).build();
    long[] batch = new long[shape.length + 1];
    batch[0] = 8;
    System.arraycopy(shape, 0, batch, 1, shape.length);
    FloatNdArray x = NdArrays.ofFloats(Shape.of(batch));
    long[] i = {0};
    x.scalars().forEach(v -> v.setFloat((i[0]++ % 11) * 0.1f - 0.5f));
    long[] targetShape = batch.clone();
    targetShape[targetShape.length - 1] = 1;
    FloatNdArray y = NdArrays.ofFloats(Shape.of(targetShape));
    long[] j = {0};
    y.scalars().forEach(v -> v.setFloat(j[0]++ % 2));
    try (Model model = Model.of(input, out.call(random.call(dense.apply(input))))) {
      model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
      model.fit(x, y, new FitOptions().epochs(2).batchSize(4).shuffle(false).seed(seed)
          .verbose(0));
      return dense.weights().get(0).values();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  void passesTheMaskThrough(String type, Supplier<Layer> make, long[] shape) {
    var x = Input.of(TFloat32.class, shape);
    var m = Input.of(TFloat32.class, Arrays.copyOf(shape, shape.length - 1));
    SymbolicTensor<?> masked = new WithMask().apply(x, m);
    assertTrue(make.get().call(masked).mask().isPresent(), type);
    assertFalse(make.get().call(x).mask().isPresent(), type);
  }

  @Test
  void savesAndLoadsTheSeedNullWhenNone() throws Exception {
    var x = Input.of(TFloat32.class, 2, 2, 2, 3);
    SymbolicTensor<?> h = new SpatialDropout3D("s3", 0.25, 11L).call(x);
    h = new GaussianNoise("noise", 0.5).call(h);
    h = new GaussianDropout("gd", 0.2, 12L).call(h);
    h = new AlphaDropout("alpha", 0.1, new long[] {-1, 1, 1, 1, -1}, 13L).call(h);
    var y = new AlphaDropout("alpha_plain", 0.3).call(h);
    var flat = Input.of(TFloat32.class, 3, 4);
    var z = new SpatialDropout2D("s2", 0.5, 14L).call(
        new dev.lamina.runtime.layers.reshaping.Reshape(3, 2, 2).call(
            new SpatialDropout1D("s1", 0.3).call(flat)));
    Path file = dir.resolve("random.lamina");
    try (Model model = Model.of(List.of(x, flat), List.of(y, z))) {
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      Map<String, Object> s3 = loaded.getLayer("s3").config();
      assertEquals(Map.of("rate", 0.25, "seed", 11L, "data_format", "channels_last"),
          withoutNulls(s3));
      assertEquals(11L, ((SpatialDropout3D) loaded.getLayer("s3")).seed());
      assertNull(((GaussianNoise) loaded.getLayer("noise")).seed());
      assertTrue(loaded.getLayer("noise").config().containsKey("seed"), "seed: null is saved");
      assertEquals(0.5, ((GaussianNoise) loaded.getLayer("noise")).stddev());
      assertEquals(12L, ((GaussianDropout) loaded.getLayer("gd")).seed());
      AlphaDropout alpha = (AlphaDropout) loaded.getLayer("alpha");
      assertEquals(13L, alpha.seed());
      assertArrayEquals(new long[] {-1, 1, 1, 1, -1}, alpha.noiseShape());
      assertNull(((AlphaDropout) loaded.getLayer("alpha_plain")).noiseShape());
      assertNull(((AlphaDropout) loaded.getLayer("alpha_plain")).seed());
      assertNull(((SpatialDropout1D) loaded.getLayer("s1")).seed());
      assertEquals(14L, ((SpatialDropout2D) loaded.getLayer("s2")).seed());
      assertEquals(0.3, ((SpatialDropout1D) loaded.getLayer("s1")).rate());
      String summary = loaded.summary();
      for (String type : List.of("SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
          "GaussianNoise", "GaussianDropout", "AlphaDropout")) {
        assertTrue(summary.contains("(" + type + ")"), summary);
      }
    }
  }

  private static Map<String, Object> withoutNulls(Map<String, Object> config) {
    Map<String, Object> out = new HashMap<>();
    config.forEach((k, v) -> {
      if (v != null) {
        out.put(k, v instanceof Integer n ? Long.valueOf(n) : v);
      }
    });
    return out;
  }

  private static Layer keras(String className, String config) throws ModelFormatException {
    JsonObject json = Json.parseObject(("{\"class_name\": \"" + className + "\", \"config\": "
        + config + "}").getBytes(StandardCharsets.UTF_8), "t");
    return KerasLayerFixtures.fromKerasConfig(json);
  }

  @Test
  void readsKerassConfigsWithItsDefaults() throws Exception {
    // SpatialDropout's get_config has no trainable; its dtype is a string
    var s2 = (SpatialDropout2D) keras("SpatialDropout2D", "{\"rate\": 0.5, \"seed\": null, "
        + "\"name\": \"s\", \"dtype\": \"float32\", \"data_format\": \"channels_last\"}");
    assertNull(s2.seed());
    assertEquals(0.5, s2.rate());
    var s3 = (SpatialDropout3D) keras("SpatialDropout3D", "{\"rate\": 0.1, \"name\": \"s\"}");
    assertNull(s3.seed());
    var noise = (GaussianNoise) keras("GaussianNoise", "{\"stddev\": 0.2, \"seed\": 3, "
        + "\"name\": \"n\"}");
    assertEquals(3L, noise.seed());
    var alpha = (AlphaDropout) keras("AlphaDropout", "{\"rate\": 0.2, \"noise_shape\": "
        + "[null, 1, 5], \"seed\": null, \"name\": \"a\"}");
    assertArrayEquals(new long[] {-1, 1, 5}, alpha.noiseShape());
    assertNull(alpha.seed());
  }

  @Test
  void refusesWhatKerasRefusesAndChannelsFirst() {
    var first = assertThrows(ModelFormatException.class, () -> keras("SpatialDropout2D",
        "{\"rate\": 0.5, \"name\": \"s\", \"data_format\": \"channels_first\"}"));
    assertTrue(first.getMessage().contains("channels_first")
        && first.getMessage().contains("data_format"), first.getMessage());
    first = assertThrows(ModelFormatException.class, () -> keras("SpatialDropout3D",
        "{\"rate\": 0.5, \"name\": \"s\", \"data_format\": \"channels_first\"}"));
    assertTrue(first.getMessage().contains("channels_first"), first.getMessage());
    var rate = assertThrows(ModelFormatException.class,
        () -> keras("SpatialDropout1D", "{\"rate\": 1.5, \"name\": \"s\"}"));
    assertTrue(rate.getMessage().contains("rate"), rate.getMessage());
    var stddev = assertThrows(ModelFormatException.class,
        () -> keras("GaussianNoise", "{\"stddev\": 2, \"name\": \"n\"}"));
    assertTrue(stddev.getMessage().contains("stddev"), stddev.getMessage());
    var missing = assertThrows(ModelFormatException.class,
        () -> keras("GaussianDropout", "{\"name\": \"g\"}"));
    assertTrue(missing.getMessage().contains("rate"), missing.getMessage());
    var noise = assertThrows(ModelFormatException.class,
        () -> keras("AlphaDropout", "{\"rate\": 0.1, \"noise_shape\": [null, 0], "
            + "\"name\": \"a\"}"));
    assertTrue(noise.getMessage().contains("noise_shape"), noise.getMessage());
    // SpatialDropout1D takes no data_format in Keras, nor noise_shape
    var unknown = assertThrows(ModelFormatException.class,
        () -> keras("SpatialDropout1D", "{\"rate\": 0.1, \"name\": \"s\", "
            + "\"noise_shape\": [null, 1, 4]}"));
    assertTrue(unknown.getMessage().contains("noise_shape"), unknown.getMessage());
  }

  @Test
  void badArgumentsAndInputsNameTheLayer() {
    var rate = assertThrows(IllegalArgumentException.class, () -> new SpatialDropout1D(-0.1));
    assertTrue(rate.getMessage().contains("SpatialDropout1D rate"), rate.getMessage());
    var stddev = assertThrows(IllegalArgumentException.class, () -> new GaussianNoise(1.5));
    assertTrue(stddev.getMessage().contains("GaussianNoise stddev"), stddev.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new GaussianDropout(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new AlphaDropout(2));
    var shape = assertThrows(IllegalArgumentException.class,
        () -> new AlphaDropout("a", 0.1, new long[] {-1, 0}, null));
    assertTrue(shape.getMessage().contains("noise_shape"), shape.getMessage());

    var rank = assertThrows(IllegalArgumentException.class,
        () -> new SpatialDropout2D("s", 0.5).call(Input.of(TFloat32.class, 3, 4)));
    assertEquals("SpatialDropout2D 's' (rate=0.5) takes 4-D inputs (batch, rows, cols, "
        + "channels), got (None, 3, 4)", rank.getMessage());
    var ints = assertThrows(IllegalArgumentException.class,
        () -> new GaussianNoise("n", 0.1).call(Input.of(TInt32.class, 3)));
    assertTrue(ints.getMessage().contains("GaussianNoise 'n'")
        && ints.getMessage().contains("floating-point"), ints.getMessage());
    var fit = assertThrows(IllegalArgumentException.class,
        () -> new AlphaDropout("a", 0.1, new long[] {-1, 2}, null)
            .call(Input.of(TFloat32.class, 3)));
    assertTrue(fit.getMessage().contains("AlphaDropout 'a'")
        && fit.getMessage().contains("(None, 3)"), fit.getMessage());
  }

  @Test
  void aRateOfOneDropsEverythingOrCannotTrainAsInKeras() {
    var x = Input.of(TFloat32.class, 2, 3);
    SpatialDropout1D all = new SpatialDropout1D(1);
    try (Model model = Model.of(x, all.call(x))) {
      model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
      float[][][] data = {{{1, 2, 3}, {4, 5, 6}}};
      assertArrayEquals(data[0][1], model.predict(data, float[][][].class)[0][1], "predict");
      // Keras's backend returns zeros_like: the loss is the targets' mean square
      float[][][] target = {{{1, 1, 1}, {1, 1, 1}}};
      assertEquals(1.0, model.trainOnBatch(data, target).get("loss"), 1e-6);
    }
    var input = Input.of(TFloat32.class, 3);
    try (Model model = Model.of(input,
        Dense.builder(1).seed(1).build().call(new GaussianDropout("g", 1).call(input)))) {
      // at compile, which builds the training pass; predict would work, as in Keras
      var e = assertThrows(IllegalStateException.class,
          () -> model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false)));
      assertTrue(e.getMessage().contains("GaussianDropout 'g'")
          && e.getMessage().contains("use a rate below 1"), e.getMessage());
      assertInstanceOf(IllegalArgumentException.class, e.getCause());
    }
  }
}
