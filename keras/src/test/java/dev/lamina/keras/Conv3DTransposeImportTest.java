package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.layers.convolutional.Conv3DTranspose;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;

/**
 * A Keras-trained model of two Conv3DTranspose layers (dilation; strides, same padding and
 * output_padding) imports and predicts what Keras predicted ({@code
 * tools/keras_import_conv3d_transpose_fixture.py}): their configs read from {@code config.json}
 * under Keras's names, their trained kernels {@code (kd, kh, kw, filters, channels)} and bias from
 * {@code model.weights.h5}.
 */
class Conv3DTransposeImportTest {

  @Test
  void predictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("conv3d_transpose.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "conv3d_transpose");
      List<Layer> transposes = model.layers().stream()
          .filter(l -> l instanceof Conv3DTranspose).toList();
      assertEquals(2, transposes.size());
      Layer spread = transposes.get(0);
      Layer up = transposes.get(1);
      assertEquals(List.of(1L, 2L, 1L), spread.config().get("dilation_rate"));
      assertEquals(List.of(1L, 0L, 0L), up.config().get("output_padding"));
      assertEquals(List.of("kernel", "bias"), spread.weights().stream().map(w -> w.name())
          .toList());
      assertEquals(Shape.of(2, 2, 2, 3, 2), spread.weights().get(0).shape());
      assertEquals(List.of("kernel"), up.weights().stream().map(w -> w.name()).toList());
      assertEquals(Shape.of(3, 3, 3, 2, 3), up.weights().get(0).shape());
      // trained: the bias is not its zeros
      float[] bias = spread.weights().get(1).values();
      assertTrue(Math.abs(bias[0]) + Math.abs(bias[1]) + Math.abs(bias[2]) > 1e-4);
    }
  }
}
