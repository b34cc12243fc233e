package dev.lamina.runtime.layers.merging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.layers.reshaping.Reshape;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.types.TFloat32;

/**
 * Each merging layer between two Dense layers and a Dense head: the model saves and loads with
 * bitwise-equal predictions and the layer's arguments, and one training step updates the Dense
 * layers before the merge (the gradient flows through it).
 */
class MergingSaveAndTrainTest {

  @TempDir
  Path dir;

  private static final float[][] X = {{0.5f, -1f, 2f, 0.25f, 1.5f, -0.5f},
      {1f, 0.25f, -0.75f, 2f, -1f, 0.5f}, {-0.3f, 0.8f, 0.1f, -1.2f, 0.6f, 0.9f}};
  private static final float[][] Y = {{1, 0}, {0, 1}, {0.5f, 0.5f}};

  /** A merge of two (batch, 6) tensors, reshaped first where the layer needs rank 3. */
  private record Merge(String name, Layer layer,
      BiFunction<SymbolicTensor<TFloat32>, SymbolicTensor<TFloat32>, SymbolicTensor<?>> apply) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> merges() {
    Subtract subtract = new Subtract("subtract");
    Average average = new Average("average");
    Maximum maximum = new Maximum("maximum");
    Minimum minimum = new Minimum("minimum");
    Add add = new Add("add");
    Multiply multiply = new Multiply("multiply");
    Dot dot = new Dot("dot", 1, false);
    Dot cosine = new Dot("dot", -1, true);
    Dot pair = new Dot("dot", 1, 2, true);
    return Stream.of(
        new Merge("Subtract", subtract, subtract::apply),
        new Merge("Average", average, average::apply),
        new Merge("Maximum", maximum, maximum::apply),
        new Merge("Minimum", minimum, minimum::apply),
        new Merge("Add", add, add::apply),
        new Merge("Multiply", multiply, multiply::apply),
        new Merge("Dot(1)", dot, dot::apply),
        new Merge("Dot(-1, normalize)", cosine, cosine::apply),
        // (batch, 2, 3) . (batch, 3, 2) on axes (1, 2): batch_dot of rank 3, normalized.
        new Merge("Dot((1, 2), normalize) rank 3", pair, (a, b) -> pair.apply(
            new Reshape(2, 3).apply(a), new Reshape(3, 2).apply(b))))
        .map(Arguments::of);
  }

  private static Model model(Merge merge, Dense left, Dense right) {
    var x = Input.of(TFloat32.class, 6);
    SymbolicTensor<?> merged = merge.apply().apply(left.apply(x), right.apply(x));
    @SuppressWarnings("unchecked")
    var flat = new Flatten().apply((SymbolicTensor<TFloat32>) merged);
    return Model.of(x, Dense.builder(2).seed(9).build().apply(flat));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("merges")
  void savesAndLoadsWithTheSamePredictions(Merge merge) throws Exception {
    Path file = dir.resolve("merge.lamina");
    float[][] before;
    try (Model model = model(merge, Dense.builder(6).seed(3).build(),
        Dense.builder(6).seed(4).build())) {
      before = model.predict(X, float[][].class);
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      Layer layer = loaded.getLayer(merge.layer().explicitName().orElseThrow());
      assertInstanceOf(merge.layer().getClass(), layer);
      assertEquals(merge.layer().arguments(), layer.arguments());
      float[][] after = loaded.predict(X, float[][].class);
      for (int i = 0; i < X.length; i++) {
        // Bitwise: the same graph from the same weights.
        assertArrayEquals(before[i], after[i], merge + ": row " + i);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("merges")
  void aTrainingStepReachesTheLayersBeforeTheMerge(Merge merge) {
    Dense left = Dense.builder(6).seed(3).build();
    Dense right = Dense.builder(6).seed(4).build();
    try (Model model = model(merge, left, right)) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      float[] leftBefore = left.weights().get(0).values();
      float[] rightBefore = right.weights().get(0).values();
      model.trainOnBatch(X, Y);
      boolean leftMoved = !Arrays.equals(leftBefore, left.weights().get(0).values());
      boolean rightMoved = !Arrays.equals(rightBefore, right.weights().get(0).values());
      // Maximum and Minimum pass each position's gradient to one input, so one may stay.
      assertTrue(leftMoved || rightMoved, merge + ": no gradient reached the Dense layers");
      if (!(merge.layer() instanceof Maximum || merge.layer() instanceof Minimum)) {
        assertTrue(leftMoved && rightMoved, merge + ": a side got no gradient");
      }
    }
  }
}
