package dev.lamina.runtime.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * The image layers after a weight, {@code Input(5, 7, 2) -> Dense(2) -> layer ->
 * GlobalAveragePooling2D -> Dense(1)}, and with {@code Input(None, None, 2)} (every
 * interpolation but {@code "area"}, which TensorFlow cannot differentiate: see ResizingTest): TensorFlow differentiates through each (resize, slice, pad, reverse, select), so
 * the first Dense's kernel moves in a training step; and the layer keeps its input's height and
 * width although the Dense's output operand in the training graph has lost them.
 */
class ImageLayersBehindWeightsTest {

  static Stream<Arguments> layers() {
    return Stream.of(
        Arguments.of("Resizing bilinear",
            (Function<SymbolicTensor<TFloat32>, SymbolicTensor<?>>) x ->
                new Resizing(3, 4).apply(x)),
        Arguments.of("Resizing nearest",
            (Function<SymbolicTensor<TFloat32>, SymbolicTensor<?>>) x ->
                Resizing.builder(3, 4).interpolation("nearest").build().apply(x)),
        Arguments.of("Resizing bicubic",
            (Function<SymbolicTensor<TFloat32>, SymbolicTensor<?>>) x ->
                Resizing.builder(3, 4).interpolation("bicubic").build().apply(x)),
        Arguments.of("Resizing lanczos3",
            (Function<SymbolicTensor<TFloat32>, SymbolicTensor<?>>) x ->
                Resizing.builder(3, 4).interpolation("lanczos3").build().apply(x)),
        Arguments.of("Resizing crop_to_aspect_ratio",
            (Function<SymbolicTensor<TFloat32>, SymbolicTensor<?>>) x ->
                Resizing.builder(3, 3).cropToAspectRatio(true).build().apply(x)),
        Arguments.of("Resizing pad_to_aspect_ratio",
            (Function<SymbolicTensor<TFloat32>, SymbolicTensor<?>>) x ->
                Resizing.builder(3, 3).padToAspectRatio(true).build().apply(x)),
        Arguments.of("CenterCrop",
            (Function<SymbolicTensor<TFloat32>, SymbolicTensor<?>>) x ->
                new CenterCrop(3, 4).apply(x)),
        Arguments.of("CenterCrop resizing",
            (Function<SymbolicTensor<TFloat32>, SymbolicTensor<?>>) x ->
                new CenterCrop(6, 4).apply(x)),
        Arguments.of("RandomFlip",
            (Function<SymbolicTensor<TFloat32>, SymbolicTensor<?>>) x ->
                new RandomFlip().apply(x)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  void trainsThroughIt(String name, Function<SymbolicTensor<TFloat32>, SymbolicTensor<?>> layer) {
    trainsThroughIt(name, layer, Input.of(TFloat32.class, 5, 7, 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  void trainsThroughItWithUnknownSizes(String name,
      Function<SymbolicTensor<TFloat32>, SymbolicTensor<?>> layer) {
    if (!name.startsWith("CenterCrop resizing")) { // Keras's unknown-size path cannot resize
      trainsThroughIt(name + " (None, None)", layer, Input.of(TFloat32.class, -1, -1, 2));
    }
  }

  private static void trainsThroughIt(String name,
      Function<SymbolicTensor<TFloat32>, SymbolicTensor<?>> layer, SymbolicTensor<TFloat32> x) {
    Dense first = Dense.builder(2).seed(1).build();
    SymbolicTensor<TFloat32> h = first.apply(x);
    // a global pooling, not Flatten, for the unknown sizes: sums over the spatial axes
    var pooled = new dev.lamina.runtime.layers.pooling.GlobalAveragePooling2D().call(
        layer.apply(h));
    var out = Dense.builder(1).seed(3).build().call(pooled);
    try (Model model = Model.of(x, out)) {
      model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
      float[] before = first.weights().get(0).values();
      double loss = model.trainOnBatch(ImageLayerTests.images(4, 5, 7, 2),
          NdArrays.ofFloats(Shape.of(4, 1))).get("loss");
      assertTrue(Double.isFinite(loss) && loss > 0, name + ": loss " + loss);
      assertFalse(Arrays.equals(before, first.weights().get(0).values()),
          name + ": the first Dense's kernel moved");
    }
  }
}
