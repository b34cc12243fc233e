package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.layers.preprocessing.HashedCrossing;
import org.junit.jupiter.api.Test;

/**
 * A Keras-trained model with HashedCrossing imports and predicts what Keras predicted: Inputs a
 * (int32, 1) and b (int64, 1) → HashedCrossing(9, one_hot) (Keras's float32 dtype) → Dense(2)
 * (tools/keras_hashed_crossing_fixtures.py).
 */
class HashedCrossingImportTest {

  @Test
  void predictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("hashed_crossing.keras"),
        LambdaBindings.of())) {
      Fixtures.assertPredictsAsKeras(model, "hashed_crossing");
      HashedCrossing crossing = (HashedCrossing) model.layers().stream()
          .filter(l -> l instanceof HashedCrossing).findFirst().orElseThrow();
      assertEquals(9, crossing.numBins());
      assertEquals("one_hot", crossing.outputMode());
    }
  }
}
