package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.merging.Add;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A call that gives several outputs (Keras's {@code call} returning a list): {@link SplitHalves},
 * a layer type of this test source set, through predict, fit, save / load, summary and Keras
 * import, with no change to the runtime or the importer.
 */
class MultiOutputLayerTest {

  @TempDir
  Path dir;

  private static final float[][] X = {{1, 2, 3, 4}, {-1, 0.5f, 2, -3}};

  @Test
  void importsFromKerasWhereInboundNodesPickOutputsByTensorIndex() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("multi_output.keras"))) {
      Layer split = model.getLayer("split");
      assertInstanceOf(SplitHalves.class, split);
      // Keras's outputs are [add, split's first output]; add reads split's second output.
      Fixtures.assertPredictsAsKeras(model, "multi_output");
    }
  }

  @Test
  void savesAndLoadsNamingEachOutputOfTheCall() throws Exception {
    Path file = dir.resolve("multi.lamina");
    List<NdArray<?>> before;
    List<NdArray<?>> inputs = List.of(NdArrays.wrap(Shape.of(2, 4),
        DataBuffers.of(new float[] {1, 2, 3, 4, -1, 0.5f, 2, -3}, true, false)));
    try (Model model = KerasModels.load(Fixtures.path("multi_output.keras"))) {
      before = model.predict(inputs);
      model.save(file);
    }
    try (ZipFile zip = new ZipFile(file.toFile())) {
      String json = new String(zip.getInputStream(zip.getEntry("model.json")).readAllBytes(),
          StandardCharsets.UTF_8);
      // The Add reads the split's second output; the first output is named as before.
      assertTrue(json.replaceAll("\\s", "").contains(
          "{\"layer\":\"split\",\"call\":0,\"output\":1}"), json);
    }
    try (Model loaded = Model.load(file)) {
      List<NdArray<?>> after = loaded.predict(inputs);
      assertEquals(before, after);
    }
  }

  /**
   * Hand computation: the halves of (1, 2, 3, 4) are (1, 2) and (3, 4); their sum (4, 6) goes
   * through Dense(1) with kernel (0.5, -1) and bias 0: y = 2 - 6 = -4. With target 0 the mean
   * squared error is 16, its gradient 2(y - t) = -8: kernel gradient -8 * (4, 6) = (-32, -48),
   * bias gradient -8; one SGD step at learning rate 0.01 gives kernel (0.82, -0.52), bias 0.08.
   */
  @Test
  void trainsThroughBothOutputs() {
    var x = Input.of(TFloat32.class, 4);
    List<SymbolicTensor<?>> halves = new SplitHalves("split").callOutputs(x);
    @SuppressWarnings("unchecked")
    var sum = new Add().apply((SymbolicTensor<TFloat32>) halves.get(0),
        (SymbolicTensor<TFloat32>) halves.get(1));
    Dense dense = Dense.builder(1).build();
    try (Model model = Model.of(x, dense.apply(sum))) {
      dense.setWeights(List.of(
          NdArrays.wrap(Shape.of(2, 1), DataBuffers.of(new float[] {0.5f, -1f}, true, false)),
          NdArrays.wrap(Shape.of(1), DataBuffers.of(new float[] {0f}, true, false))));
      model.compile(new Sgd(0.01), Losses.get("mean_squared_error", false));
      model.fit(new float[][] {{1, 2, 3, 4}}, new float[][] {{0}},
          new FitOptions().epochs(1).verbose(0));
      assertArrayEquals(new float[] {0.82f, -0.52f}, dense.weights().get(0).values(), 1e-6f);
      assertArrayEquals(new float[] {0.08f}, dense.weights().get(1).values(), 1e-6f);
    }
  }

  @Test
  void predictsEachOutputAndShowsBothShapesInTheSummary() {
    var x = Input.of(TFloat32.class, 4);
    List<SymbolicTensor<?>> halves = new SplitHalves("split").callOutputs(x);
    assertEquals(0, halves.get(0).outputIndex());
    assertEquals(1, halves.get(1).outputIndex());
    try (Model model = Model.of(List.of(x), List.of(halves.get(1), halves.get(0)))) {
      List<Object> result = model.predict(List.<Object>of((Object) X), List.of(float[][].class, float[][].class));
      assertArrayEquals(new float[] {3, 4}, ((float[][]) result.get(0))[0]);
      assertArrayEquals(new float[] {2, -3}, ((float[][]) result.get(0))[1]);
      assertArrayEquals(new float[] {1, 2}, ((float[][]) result.get(1))[0]);
      assertArrayEquals(new float[] {-1, 0.5f}, ((float[][]) result.get(1))[1]);
      assertTrue(model.summary().contains("[(None, 2), (None, 2)]"), model.summary());
    }
  }

  @Test
  void callOnALayerWithSeveralOutputsSaysToUseCallOutputs() {
    var x = Input.of(TFloat32.class, 4);
    var e = assertThrows(IllegalArgumentException.class, () -> new SplitHalves("split").call(x));
    assertEquals("SplitHalves 'split' gives 2 outputs; take them all with callOutputs",
        e.getMessage());
  }

  @Test
  void aBuildThatGivesFewerOutputsThanDeclaredNamesTheLayer() {
    Layer broken = new SplitHalves("broken") {
      @Override
      protected List<Operand<?>> buildOutputs(Ops tf, List<Operand<?>> inputs,
          List<Operand<?>> weights, CallContext context) {
        return List.of(tf.identity(inputs.get(0)));
      }
    };
    var x = Input.of(TFloat32.class, 4);
    try (Model model = Model.of(List.of(x), broken.callOutputs(x))) {
      var e = assertThrows(IllegalStateException.class, () -> model.predict(List.<Object>of((Object) X),
          List.of(float[][].class, float[][].class)));
      assertTrue(e.getMessage().contains("'broken'"), e.getMessage());
      assertTrue(e.getMessage().contains("returned 1 outputs"), e.getMessage());
      assertTrue(e.getMessage().contains("computeOutputs declared 2"), e.getMessage());
    }
  }

  @Test
  void aFileNamingAnOutputTheCallDoesNotGiveIsRefused() throws Exception {
    Path file = KerasZips.withConfig(dir, "multi_output.keras",
        config -> config.replaceFirst("\"split\", 0, 1\\]", "\"split\", 0, 2]"));
    var e = assertThrows(ModelFormatException.class, () -> KerasModels.load(file));
    assertTrue(e.getMessage().contains("gives 2 outputs; there is no output 2"), e.getMessage());
  }
}
