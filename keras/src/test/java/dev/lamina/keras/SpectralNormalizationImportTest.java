package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.normalization.SpectralNormalization;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Keras-trained model with SpectralNormalization imports and predicts what Keras predicted:
 * Input (6,) → SpectralNormalization(Dense(4, tanh), power_iterations=2) → Dense(2), trained
 * three steps in Keras (tools/keras_spectral_normalization_fixtures.py). Keras's file keeps the
 * kernel twice (under the wrapper's own vars, before vector_u, and under layer/vars): the import
 * reads both groups.
 */
class SpectralNormalizationImportTest {

  @Test
  void predictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("spectral_normalization.keras"),
        LambdaBindings.of())) {
      Fixtures.assertPredictsAsKeras(model, "spectral_normalization");
      SpectralNormalization sn = (SpectralNormalization) model.layers().stream()
          .filter(l -> l instanceof SpectralNormalization).findFirst().orElseThrow();
      assertEquals(2, sn.powerIterations());
      assertTrue(sn.layer() instanceof Dense);
      assertEquals(List.of("kernel", "bias", "vector_u"),
          sn.weights().stream().map(Weight::name).toList());
      assertEquals(List.of(1L, 4L), List.of(sn.weights().get(2).shape().get(0),
          sn.weights().get(2).shape().get(1)));
    }
  }
}
