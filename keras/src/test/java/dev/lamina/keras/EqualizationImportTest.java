package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.layers.preprocessing.Equalization;
import org.junit.jupiter.api.Test;

/**
 * A Keras-fitted Sequential model with Equalization imports and predicts what Keras predicted:
 * Input images (6, 5, 3) → Equalization(value_range=(0, 1), bins=64) → Flatten → Dense(2)
 * (tools/keras_equalization_fixtures.py); in predict the layer passes the images through, as
 * Keras's. Keras 3.15.1 writes this file but cannot load it back itself.
 */
class EqualizationImportTest {

  @Test
  void predictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("equalization.keras"),
        LambdaBindings.of())) {
      Fixtures.assertPredictsAsKeras(model, "equalization");
      Equalization eq = (Equalization) model.layers().stream()
          .filter(l -> l instanceof Equalization).findFirst().orElseThrow();
      assertEquals(64, eq.bins());
      assertArrayEquals(new double[] {0, 1}, eq.valueRange());
    }
  }
}
