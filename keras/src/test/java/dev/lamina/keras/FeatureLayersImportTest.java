package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.layers.preprocessing.CategoryEncoding;
import dev.lamina.runtime.layers.preprocessing.Discretization;
import dev.lamina.runtime.layers.preprocessing.Hashing;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Keras-trained tabular model with the feature layers imports and predicts what Keras
 * predicted: Inputs cat (int32), tokens (int32), num (float32) → Hashing(10, salt=5) (int64
 * bins, Keras's int64 dtype policy) → Embedding → Flatten, Hashing(7, mask_value=0, one_hot),
 * CategoryEncoding(6, count), Discretization(num_bins=4, adapted in Keras, multi_hot) →
 * Concatenate → Dense(3, softmax) (tools/keras_feature_layer_fixtures.py).
 */
class FeatureLayersImportTest {

  @Test
  void predictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("feature_layers.keras"),
        LambdaBindings.of())) {
      Fixtures.assertPredictsAsKeras(model, "feature_layers");
      List<Layer> layers = model.layers();
      Discretization bins = (Discretization) layers.stream()
          .filter(l -> l instanceof Discretization).findFirst().orElseThrow();
      // The boundaries Keras's adapt found, from the config (num_bins kept alongside).
      assertEquals(3, bins.binBoundaries().length);
      assertEquals(4, bins.arguments().get("num_bins"));
      assertEquals(2, layers.stream().filter(l -> l instanceof Hashing).count());
      CategoryEncoding counts = (CategoryEncoding) layers.stream()
          .filter(l -> l instanceof CategoryEncoding).findFirst().orElseThrow();
      assertEquals("count", counts.outputMode());
      assertTrue(layers.stream().filter(l -> l instanceof Hashing)
          .anyMatch(l -> "int64".equals(((Hashing) l).kerasDtype())));
      assertArrayEquals(new long[] {5, 5}, saltOf(layers));
    }
  }

  private static long[] saltOf(List<Layer> layers) {
    for (Layer l : layers) {
      if (l instanceof Hashing && l.arguments().get("salt") instanceof List<?> salt) {
        return salt.stream().mapToLong(v -> ((Number) v).longValue()).toArray();
      }
    }
    throw new AssertionError("no salted Hashing");
  }
}
