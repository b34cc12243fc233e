package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.layers.normalization.GroupNormalization;
import dev.lamina.runtime.layers.regularization.ActivityRegularization;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Keras-trained model of the 3D pooling and reshaping layers, GroupNormalization,
 * BatchNormalization over a volume's channels and ActivityRegularization imports and predicts
 * what Keras predicted ({@code tools/keras_import_volume_fixture.py}): their configs read from
 * {@code config.json} under Keras's names, their trained weights from {@code model.weights.h5}.
 */
class VolumeImportTest {

  @Test
  void predictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("volume.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "volume");
      List<String> types = model.layers().stream().map(l -> l.getClass().getSimpleName())
          .toList();
      for (String type : List.of("ZeroPadding3D", "Cropping3D", "GroupNormalization",
          "BatchNormalization", "MaxPooling3D", "UpSampling3D", "AveragePooling3D",
          "ActivityRegularization", "GlobalMaxPooling3D", "GlobalAveragePooling3D")) {
        assertTrue(types.contains(type), type + " in " + types);
      }
      Layer groupNorm = model.layers().stream().filter(l -> l instanceof GroupNormalization)
          .findFirst().orElseThrow();
      assertEquals(List.of("gamma", "beta"),
          groupNorm.weights().stream().map(w -> w.name()).toList());
      // trained: not the initial ones
      assertTrue(Math.abs(groupNorm.weights().get(0).values()[0] - 1f) > 1e-4);
      ActivityRegularization reg = (ActivityRegularization) model.layers().stream()
          .filter(l -> l instanceof ActivityRegularization).findFirst().orElseThrow();
      assertEquals(0.01, reg.l1(), 1e-7);
      assertEquals(0.01, reg.l2(), 1e-7);
    }
  }
}
