package dev.lamina.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

/** The trained samples: the digits classifier and the lambda that sees the training flag. */
class TrainingSamplesTest {

  @Test
  void theDigitsAreTheDataSetScikitLearnDescribes() {
    Digits.Raw raw = Digits.read();
    int[] perClass = new int[Digits.CLASSES];
    for (int label : raw.labels()) {
      perClass[label]++;
    }
    // scikit-learn's load_digits documentation: about 180 images per class, 1,797 in all.
    assertEquals(1797, raw.labels().length);
    for (int count : perClass) {
      assertTrue(count >= 174 && count <= 183, "per class " + java.util.Arrays.toString(perClass));
    }
    for (float[] image : raw.images()) {
      for (float pixel : image) {
        assertTrue(pixel >= 0 && pixel <= 1);
      }
    }
    Digits split = Digits.standardSplit();
    assertEquals(1437, split.xTrain().length);
    assertEquals(360, split.xTest().length);
  }

  @Test
  void theAntirectifierClassifierLearnsTheDigits() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (var model = DigitsTraining.model()) {
      Map<String, Double> scores = DigitsTraining.train(model, Digits.standardSplit(),
          new PrintStream(bytes, true, StandardCharsets.UTF_8));
      assertTrue(scores.get("accuracy") >= 0.95, "test accuracy " + scores);
    }
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals("Epoch 1/40", lines[0]);
    // 1,437 images less 15% for validation = 1,222 (Keras's int(n * 0.85)): 10 batches of 128.
    assertTrue(lines[1].startsWith("10/10 \u2501\u2501"), lines[1]);
    assertTrue(lines[1].matches(".* - accuracy: \\d\\.\\d{4} - loss: \\d\\.\\d{4} - "
        + "val_accuracy: \\d\\.\\d{4} - val_loss: \\d\\.\\d{4}"), lines[1]);
    assertEquals(80, lines.length);
  }

  @Test
  void gaussianNoiseActsOnlyInTraining() {
    var x = Input.of(TFloat32.class, 1000);
    try (var model = Model.of(x, GaussianNoiseLayer.of(2f).apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      float[][] data = new float[4][1000];
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 1000; j++) {
          data[i][j] = (i * 1000 + j) % 7 - 3;
        }
      }
      assertArrayEquals(data[2], model.predict(data, float[][].class)[2], "predict: identity");
      assertEquals(0, model.evaluate(data, data).get("loss"), 0, "evaluate: identity");
      // In training the output is x + 2·N(0, 1): the mean squared error against x estimates
      // 2² = 4 from 4,000 draws, whose standard error is 4·sqrt(2 / 4000) ≈ 0.09.
      double loss = model.trainOnBatch(data, data).get("loss");
      assertEquals(4, loss, 0.5, "training: noise of variance 4");
    }
  }

  @Test
  void aLambdaWithoutGradientIsNamedAtCompile() {
    var x = Input.of(TFloat32.class, 2);
    var hidden = dev.lamina.runtime.layers.core.Dense.builder(2).seed(1).build().apply(x);
    try (var model = Model.of(x, DigammaLayer.of().apply(hidden))) {
      var error = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
          () -> model.compile(new Sgd(0.1), Losses.meanSquaredError()));
      assertEquals("DigammaLayer 'digamma': op Digamma has no gradient in TensorFlow, and it lies "
          + "between a trainable weight and the loss, so the model cannot be trained through it. "
          + "Place such a layer before every trainable weight (as image augmentation sits right "
          + "after the input); in a Lambda, use ops with gradients, or wrap the part that needs "
          + "none in tf.stopGradient.", error.getMessage());
    }
  }
}
