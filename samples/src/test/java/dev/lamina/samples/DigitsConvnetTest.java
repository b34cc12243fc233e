package dev.lamina.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

/** The main job's convnet: Keras's simple MNIST convnet on the 8×8 digits. */
class DigitsConvnetTest {

  @Test
  void theConvnetLearnsTheDigits() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Map<String, Double> scores;
    try (var model = DigitsConvnet.model()) {
      scores = DigitsConvnet.train(model, Digits.standardSplit(),
          new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }
    assertTrue(scores.get("accuracy") >= 0.97, "test accuracy " + scores);
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals("Epoch 1/15", lines[0]);
    // 1,437 images less 10% for validation = 1,293 (Keras's int(n * 0.9)): 41 batches of 32.
    assertTrue(lines[1].startsWith("41/41 \u2501\u2501"), lines[1]);
    assertTrue(lines[1].matches(".* - accuracy: \\d\\.\\d{4} - loss: \\d\\.\\d{4} - "
        + "val_accuracy: \\d\\.\\d{4} - val_loss: \\d\\.\\d{4}"), lines[1]);
    assertEquals(30, lines.length);
  }

  @Test
  void trainingIsDeterministic() {
    Map<String, Double> first;
    Map<String, Double> second;
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Digits data = Digits.standardSplit();
    try (var model = DigitsConvnet.model()) {
      first = DigitsConvnet.train(model, data, quiet);
    }
    try (var model = DigitsConvnet.model()) {
      second = DigitsConvnet.train(model, data, quiet);
    }
    assertEquals(first, second);
  }

  @Test
  void imagesAreTheRowsReshaped() {
    float[][] rows = new float[2][64];
    for (int i = 0; i < 64; i++) {
      rows[1][i] = i;
    }
    float[][][][] images = DigitsConvnet.images(rows);
    assertEquals(2, images.length);
    assertEquals(8, images[1].length);
    assertEquals(0, images[1][0][0][0]);
    assertEquals(7, images[1][0][7][0]);
    assertEquals(8, images[1][1][0][0]);
    assertEquals(63, images[1][7][7][0]);
  }

  @Test
  void standardizeIsPerImageStandardization() {
    // One image of 4 pixels (2×2×1): 0, 1, 2, 3. Mean 1.5, population stddev sqrt(1.25);
    // rsqrt(4) = 0.5 is below it, so the result is (x - 1.5) / sqrt(1.25).
    // A blank image: stddev 0 < 0.5, so (x - mean) / 0.5 = 0 everywhere, finite.
    var x = Input.of(TFloat32.class, 2, 2, 1);
    try (var model = Model.of(x, StandardizeLayer.of().apply(x))) {
      float[][][][] y = model.predict(new float[][][][] {
          {{{0}, {1}}, {{2}, {3}}}, {{{5}, {5}}, {{5}, {5}}}}, float[][][][].class);
      double s = Math.sqrt(1.25);
      assertArrayEquals(new float[] {(float) (-1.5 / s), (float) (-0.5 / s)},
          new float[] {y[0][0][0][0], y[0][0][1][0]}, 1e-6f);
      assertArrayEquals(new float[] {(float) (0.5 / s), (float) (1.5 / s)},
          new float[] {y[0][1][0][0], y[0][1][1][0]}, 1e-6f);
      assertArrayEquals(new float[] {0, 0, 0, 0},
          new float[] {y[1][0][0][0], y[1][0][1][0], y[1][1][0][0], y[1][1][1][0]}, 0f);
    }
  }
}
