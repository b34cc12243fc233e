package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.types.TFloat32;

/** Keras's {@code layer.trainable = False}: fine-tuning trains only the unfrozen layers. */
class FreezingTest {

  @TempDir
  Path dir;

  private static Model model() {
    var x = Input.of(TFloat32.class, 3);
    var h = Dense.builder(4).name("first").seed(1).build().apply(x);
    h = Dense.builder(4).name("middle").seed(2).build().apply(h);
    return Model.of(x, Dense.builder(2).name("last").seed(3).build().apply(h));
  }

  private static final float[][] X = {{1, 2, 3}, {-1, 0.5f, 2}, {0, 1, -1}};
  private static final float[][] Y = {{1, 0}, {0, 1}, {1, 1}};

  @Test
  void aFrozenLayerKeepsItsWeightsWhileTheOthersTrain() {
    try (Model model = model()) {
      model.getLayer("middle").setTrainable(false);
      float[] middle = model.getLayer("middle").weights().get(0).values();
      float[] first = model.getLayer("first").weights().get(0).values();
      model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
      model.fit(X, Y, new FitOptions().epochs(3).verbose(0));
      assertArrayEquals(middle, model.getLayer("middle").weights().get(0).values());
      assertNotEquals(first[0], model.getLayer("first").weights().get(0).values()[0]);
    }
  }

  @Test
  void summaryCountsAFrozenLayersWeightsAsNonTrainable() {
    try (Model model = model()) {
      model.getLayer("middle").setTrainable(false);
      // first 3*4+4 = 16, middle 4*4+4 = 20, last 4*2+2 = 10: 46 in all, 20 frozen.
      String summary = model.summary();
      assertTrue(summary.contains("Total params: 46"), summary);
      assertTrue(summary.contains("Trainable params: 26"), summary);
      assertTrue(summary.contains("Non-trainable params: 20"), summary);
    }
  }

  @Test
  void aFrozenLayerStaysFrozenThroughSaveAndLoad() throws Exception {
    Path file = dir.resolve("frozen.lamina");
    try (Model model = model()) {
      model.getLayer("middle").setTrainable(false);
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      assertFalse(loaded.getLayer("middle").isTrainable());
      assertTrue(loaded.getLayer("first").isTrainable());
    }
  }

  @Test
  void getLayerNamesTheLayersWhenNoneMatches() {
    try (Model model = model()) {
      var e = assertThrows(IllegalArgumentException.class, () -> model.getLayer("midle"));
      assertEquals("No layer named 'midle'; this model has [input, first, middle, last]",
          e.getMessage());
    }
  }

  /**
   * Keras as the oracle: Input(5) → Dense(4, tanh) → Dense(3, tanh, trainable=False) →
   * Dense(2), three SGD steps (tools/keras_layer_fixtures.py, case frozen_middle/SGD): the losses
   * and every weight after each step match Keras's, the frozen layer's unchanged.
   */
  @Test
  void aFrozenLayerTrainsAsInKeras() throws Exception {
    JsonObject testCase = KerasLayerFixtures.training("frozen_middle/SGD");
    var x = Input.of(TFloat32.class, 5);
    var h = Dense.builder(4).name("dense").activation("tanh").build().apply(x);
    Dense frozen = Dense.builder(3).name("frozen").activation("tanh").build();
    h = frozen.apply(h);
    try (Model model = Model.of(x, Dense.builder(2).name("dense_1").build().apply(h))) {
      frozen.setTrainable(false);
      KerasLayerFixtures.assertTrainsAsKeras(testCase, model,
          KerasLayerFixtures.rows(testCase.requireObject("x")));
    }
  }
}
