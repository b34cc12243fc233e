package dev.lamina.runtime.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/** Checks the image preprocessing layers' tests share. */
final class ImageLayerTests {

  private ImageLayerTests() {}

  /** A batch of {@code n} images of {@code h x w x c}, each value distinct. */
  static FloatNdArray images(long n, long h, long w, long c) {
    FloatNdArray x = NdArrays.ofFloats(Shape.of(n, h, w, c));
    long[] i = {0};
    x.scalars().forEach(s -> s.setFloat((float) Math.sin(++i[0] * 0.7) * 3));
    return x;
  }

  /**
   * Saves a model {@code Input(h, w, c) -> layer}, loads it, and checks the loaded layer has
   * the same arguments, the summary names it, and the output is the same bit for bit.
   */
  static void assertSavesAndLoads(Path file, Layer layer, long h, long w, long c)
      throws IOException {
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, h, w, c);
    FloatNdArray data = images(2, h, w, c);
    FloatNdArray before;
    try (Model model = Model.of(x, layer.call(x))) {
      before = model.predict(data);
      String summary = model.summary();
      assertTrue(summary.contains(layer.getClass().getSimpleName()), summary);
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      assertEquals(layer.config(), loaded.layers().stream()
          .filter(l -> l.getClass() == layer.getClass()).findFirst().orElseThrow().config());
      assertEquals(before, loaded.predict(data));
    }
  }

  /**
   * One training step of {@code Input(h, w, c) -> layer -> Flatten -> Dense(1)}: the layer sits
   * before every weight, so no gradient is asked through it; the Dense's weights move.
   */
  static void assertTrainsBehind(Function<SymbolicTensor<TFloat32>, SymbolicTensor<?>> layer,
      long h, long w, long c) {
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, h, w, c);
    @SuppressWarnings("unchecked")
    SymbolicTensor<TFloat32> y = (SymbolicTensor<TFloat32>) layer.apply(x);
    var out = Dense.builder(1).seed(3).build().apply(new Flatten().apply(y));
    try (Model model = Model.of(x, out)) {
      model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
      float[] before = model.weights().get(0).values();
      double loss = model.trainOnBatch(images(4, h, w, c), NdArrays.ofFloats(Shape.of(4, 1)))
          .get("loss");
      assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
      float[] after = model.weights().get(0).values();
      assertEquals(before.length, after.length);
      assertFalse(java.util.Arrays.equals(before, after), "the Dense kernel moved");
    }
  }

  /**
   * Keras's case with the input declared {@code Input(None, None, channels)}: the layer's
   * output matches Keras's values.
   */
  static void assertMatchesKerasWithUnknownSizes(dev.lamina.runtime.io.JsonObject testCase)
      throws IOException {
    Layer layer = dev.lamina.runtime.layers.KerasLayerFixtures.fromKerasConfig(testCase);
    var inputJson = testCase.requireArray("inputs").requireObject(0);
    long[] shape = inputJson.requireArray("shape").longs();
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, -1, -1, shape[3]);
    var expected = testCase.requireObject("outputs").requireArray("inference").requireObject(0);
    try (Model model = Model.of(x, layer.call(x))) {
      FloatNdArray out = model.predict((FloatNdArray)
          dev.lamina.runtime.layers.KerasLayerFixtures.array(inputJson));
      assertArrayEquals(expected.requireArray("shape").longs(), out.shape().asArray());
      dev.lamina.runtime.layers.KerasLayerFixtures.assertClose(
          expected.requireArray("values").floats(),
          dev.lamina.runtime.layers.KerasLayerFixtures.floats(out),
          testCase.requireString("id") + " with unknown sizes");
    }
  }

  static void assertSameValues(FloatNdArray expected, FloatNdArray actual, String what) {
    assertEquals(expected.shape(), actual.shape(), what);
    float[] e = dev.lamina.runtime.layers.KerasLayerFixtures.floats(expected);
    float[] a = dev.lamina.runtime.layers.KerasLayerFixtures.floats(actual);
    assertArrayEquals(e, a, what);
  }
}
