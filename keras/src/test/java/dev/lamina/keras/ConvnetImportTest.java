package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.convolutional.Conv2D;
import dev.lamina.runtime.layers.merging.Add;
import dev.lamina.runtime.layers.merging.Concatenate;
import dev.lamina.runtime.layers.normalization.BatchNormalization;
import dev.lamina.runtime.layers.pooling.GlobalAveragePooling2D;
import dev.lamina.runtime.layers.pooling.MaxPooling2D;
import dev.lamina.runtime.layers.reshaping.UpSampling2D;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Optimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keras-trained image models, each with a Lambda layer bound to a {@code @Lambda} method, import
 * and predict what Keras predicted; and a small convnet with BatchNormalization takes Keras's
 * three {@code train_on_batch} steps. The files and Keras's numbers come from
 * tools/keras_convnet_import_fixtures.py.
 */
class ConvnetImportTest {

  /** The three image lambdas, bound by the Python functions' names, keeping Keras's names. */
  private static LambdaBindings bindings() {
    return LambdaBindings.of()
        .bind("standardize", args -> StandardizeLayer.of().name(args.layerName()))
        .bind("scaled_swish", args -> ScaledSwishLayer.of(args.requireFloat("beta"))
            .name(args.layerName()))
        .bind("center_channels", args -> CenterChannelsLayer.of().name(args.layerName()));
  }

  @Test
  void convnetPredictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("convnet.keras"), bindings())) {
      assertEquals(List.of("image", "standardize", "conv1", "bn1", "relu1", "pool1", "conv2",
          "bn2", "relu2", "flatten", "probs"), names(model));
      assertTrue(model.getLayer("standardize") instanceof StandardizeLayer);
      assertTrue(model.getLayer("conv1") instanceof Conv2D);
      assertTrue(model.getLayer("pool1") instanceof MaxPooling2D);
      assertMovingStatisticsLoaded(model, "bn1");
      assertMovingStatisticsLoaded(model, "bn2");
      // Sums of 9 and of 72 products, then a softmax: float32 agrees to 1e-5.
      Fixtures.assertPredictsAsKeras(model, "convnet");
    }
  }

  @Test
  void residualBlockPredictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("residual_block.keras"), bindings())) {
      assertTrue(model.getLayer("add") instanceof Add);
      assertTrue(model.getLayer("swish") instanceof ScaledSwishLayer);
      assertTrue(model.getLayer("gap") instanceof GlobalAveragePooling2D);
      for (String bn : List.of("stem_bn", "block_bn1", "block_bn2")) {
        assertMovingStatisticsLoaded(model, bn);
      }
      Fixtures.assertPredictsAsKeras(model, "residual_block");
    }
  }

  @Test
  void unetPredictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("unet.keras"), bindings())) {
      assertTrue(model.getLayer("center") instanceof CenterChannelsLayer);
      assertTrue(model.getLayer("skip1") instanceof Concatenate);
      assertEquals("nearest", ((UpSampling2D) model.getLayer("up2")).interpolation());
      assertEquals("bilinear", ((UpSampling2D) model.getLayer("up1")).interpolation());
      Fixtures.assertPredictsAsKeras(model, "unet");
    }
  }

  /**
   * Keras's three {@code train_on_batch} steps of Input(6, 6, 2) → Conv2D(4, 3, no bias) →
   * BatchNormalization → Lambda(scaled_swish) → MaxPooling2D → Flatten → Dense(3, softmax) with
   * Adam(0.01) and sparse categorical cross-entropy, from the file's initial weights: the loss
   * each step returned and every weight after it, the moving statistics too. Keras's float32
   * kernels sum in other orders than TensorFlow Java's (and its batch variance is E[x²] − E[x]²
   * where Lamina's is E[(x − E[x])²]): 1e-5 of each weight tensor's largest magnitude.
   */
  @Test
  void convnetWithBatchNormalizationTakesKerassTrainingSteps() throws Exception {
    JsonObject fixture = Fixtures.expected("convnet_training");
    JsonObject adam = fixture.requireObject("optimizer");
    Map<String, Object> config = new LinkedHashMap<>();
    for (String key : List.of("learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad")) {
      config.put(key, key.equals("amsgrad") ? (Object) adam.requireBoolean(key)
          : (Object) adam.requireDouble(key));
    }
    try (Model model = KerasModels.load(Fixtures.path("convnet_training.keras"), bindings())) {
      model.compile(Optimizer.fromConfig("Adam", config),
          Losses.get(fixture.requireString("loss")));
      List<JsonObject> steps = fixture.requireArray("steps").objects();
      assertEquals(3, steps.size());
      for (int step = 0; step < steps.size(); step++) {
        JsonObject expected = steps.get(step);
        int[] y = expected.requireObject("y").requireArray("values").ints();
        Map<String, Double> logs = model.trainOnBatch(Fixtures.array(expected.requireObject("x")),
            y);
        double kerasLoss = expected.requireDouble("returned_loss");
        assertEquals(kerasLoss, logs.get("loss"), 1e-5 * Math.abs(kerasLoss),
            "loss of step " + (step + 1));
        JsonObject layers = expected.requireObject("weights");
        int compared = 0;
        for (String layerName : layers.keySet()) {
          JsonObject kerasWeights = layers.requireObject(layerName);
          List<Weight> own = model.getLayer(layerName).weights();
          assertEquals(kerasWeights.keySet().size(), own.size(), layerName + " weights");
          for (Weight weight : own) {
            assertClose(kerasWeights.requireObject(weight.name()).requireArray("values").floats(),
                weight.values(), layerName + "/" + weight.name() + " after step " + (step + 1));
            compared++;
          }
        }
        // conv: kernel; bn: gamma, beta, moving_mean, moving_variance; probs: kernel, bias.
        assertEquals(7, compared);
      }
    }
  }

  private static List<String> names(Model model) {
    List<String> names = new ArrayList<>();
    for (Layer layer : model.layers()) {
      names.add(model.nameOf(layer));
    }
    return names;
  }

  /** The file's moving statistics, not the initial zeros and ones, are what predicts. */
  private static void assertMovingStatisticsLoaded(Model model, String name) {
    Layer layer = model.getLayer(name);
    assertTrue(layer instanceof BatchNormalization, name);
    List<String> weights = layer.weights().stream().map(Weight::name).toList();
    assertEquals(List.of("gamma", "beta", "moving_mean", "moving_variance"), weights);
    float[] variance = layer.weights().get(3).values();
    boolean moved = false;
    for (float v : variance) {
      moved |= Math.abs(v - 1f) > 0.05f;
    }
    assertTrue(moved, name + " moving_variance is still the initial ones");
    assertNotEquals(0f, layer.weights().get(2).values()[0], name + " moving_mean");
  }

  private static void assertClose(float[] keras, float[] lamina, String what) {
    assertEquals(keras.length, lamina.length, what);
    double scale = 0;
    for (float v : keras) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < keras.length; i++) {
      double difference = Math.abs(keras[i] - lamina[i]);
      assertTrue(difference <= 1e-5 * scale, what + "[" + i + "]: Keras " + keras[i]
          + ", Lamina " + lamina[i] + " (tolerance " + 1e-5 * scale + ")");
    }
  }
}
