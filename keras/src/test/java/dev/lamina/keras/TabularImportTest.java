package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.layers.normalization.BatchNormalization;
import dev.lamina.runtime.layers.preprocessing.Normalization;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Keras-trained tabular model imports and predicts what Keras predicted: Input(5) → Normalization
 * (adapted) → Dense(8, relu) → BatchNormalization → Lambda (clip_scale, bound to a @Lambda
 * method) → Dense(3, softmax), trained five epochs in Keras so that the moving statistics moved
 * (tools/keras_import_tabular_fixture.py).
 */
class TabularImportTest {

  @Test
  void predictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("tabular.keras"), LambdaBindings.of()
        .bind("clip_scale", args -> ClipScaleLayer.of(args.requireFloat("limit"))))) {
      Fixtures.assertPredictsAsKeras(model, "tabular");
      var normalization = model.layers().stream().filter(l -> l instanceof Normalization)
          .findFirst().orElseThrow();
      var batchNorm = model.layers().stream().filter(l -> l instanceof BatchNormalization)
          .findFirst().orElseThrow();
      assertInstanceOf(Normalization.class, normalization);
      // Keras keeps an adapted Normalization's count as an int64 scalar (0 after adapt, as h5py
      // shows in the file): it arrives as an int64 weight, not a float32 copy.
      var count = normalization.weights().get(2);
      assertEquals("count", count.name());
      assertEquals("int64", count.dtype());
      assertEquals(org.tensorflow.types.TInt64.class, count.dtypeClass());
      assertEquals(0L, ((org.tensorflow.ndarray.LongNdArray) count.array()).getLong());
      // The file's moving statistics, not the initial zeros and ones, are what predicts.
      List<String> names = batchNorm.weights().stream().map(w -> w.name()).toList();
      assertEquals(List.of("gamma", "beta", "moving_mean", "moving_variance"), names);
      assertNotEquals(1f, batchNorm.weights().get(3).values()[0]);
    }
  }
}
