package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.layers.pooling.AdaptiveAveragePooling1D;
import dev.lamina.runtime.layers.pooling.AdaptiveAveragePooling2D;
import dev.lamina.runtime.layers.pooling.AdaptiveAveragePooling3D;
import dev.lamina.runtime.layers.pooling.AdaptiveMaxPooling1D;
import dev.lamina.runtime.layers.pooling.AdaptiveMaxPooling2D;
import dev.lamina.runtime.layers.pooling.AdaptiveMaxPooling3D;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;

/**
 * A Keras model holding the six adaptive pooling layers (tools/keras_import_adaptive_pooling
 * _fixture.py: uneven bins, output_size as an int and as a tuple, after a Conv2D, after a Dense
 * and on an input) imports with Keras's configs, predicts what Keras predicted, and trains a
 * step through the pooling into the Conv2D and Dense before it.
 */
class AdaptivePoolingImportTest {

  @Test
  void importsPredictsAndTrainsAStep() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("adaptive_pooling.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "adaptive_pooling");
      assertOutputSize(model, AdaptiveMaxPooling2D.class, "max2d", 3, 4);
      assertOutputSize(model, AdaptiveAveragePooling2D.class, "avg2d", 2, 2);
      assertOutputSize(model, AdaptiveMaxPooling1D.class, "max1d", 3);
      assertOutputSize(model, AdaptiveAveragePooling1D.class, "avg1d", 4);
      assertOutputSize(model, AdaptiveAveragePooling3D.class, "avg3d", 2, 3, 4);
      assertOutputSize(model, AdaptiveMaxPooling3D.class, "max3d", 2, 2, 2);

      model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
      List<NdArray<?>> xs = List.of(filled(Shape.of(4, 9, 7, 3)), filled(Shape.of(4, 10, 3)),
          filled(Shape.of(4, 5, 4, 6, 2)));
      FloatNdArray y = NdArrays.ofFloats(Shape.of(4, 3));
      y.setFloat(1, 0, 0);
      y.setFloat(1, 1, 1);
      // conv2d kernel, then dense_seq kernel: both sit before a pooling layer
      float[] conv = model.weights().get(0).values();
      float[] denseSeq = model.weights().get(2).values();
      double loss = model.trainOnBatch(xs, List.of(y)).get("loss");
      assertTrue(Double.isFinite(loss), "loss " + loss);
      assertFalse(Arrays.equals(conv, model.weights().get(0).values()), "the Conv2D moved");
      assertFalse(Arrays.equals(denseSeq, model.weights().get(2).values()),
          "the Dense before AdaptiveMaxPooling1D moved");
    }
  }

  private static FloatNdArray filled(Shape shape) {
    FloatNdArray x = NdArrays.ofFloats(shape);
    long[] i = {0};
    x.scalars().forEach(s -> s.setFloat((float) ((++i[0] * 37) % 101) / 50f - 1));
    return x;
  }

  private static void assertOutputSize(Model model, Class<? extends Layer> type, String name,
      long... size) {
    List<Layer> found = model.layers().stream().filter(type::isInstance).toList();
    assertEquals(1, found.size(), type.getSimpleName());
    assertEquals(name, found.get(0).explicitName().orElseThrow());
    assertArrayEquals(size, (long[]) found.get(0).arguments().get("output_size"), name);
  }
}
