package dev.lamina.samples.readme;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.samples.Digits;
import dev.lamina.samples.DigitsConvnet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * The README's snippets, run: those that only compute run here on small data; those that write
 * files relative to the working directory run in a JVM of their own in a temporary directory
 * ({@link ReadmeFileSnippets}), so that nothing lands in the module.
 */
class ReadmeSamplesTest {

  @Test
  void theFunctionalModelGivesProbabilitiesForTwoInputs() {
    NdArray<?> a = NdArrays.ofFloats(Shape.of(4, 2));
    NdArray<?> b = NdArrays.ofFloats(Shape.of(4, 2));
    List<NdArray<?>> y = Models.functional(a, b);
    assertEquals(Shape.of(4, 3), y.get(0).shape());
  }

  @Test
  void theTrainingFlagLambdaPassesItsInputThroughInPredict() {
    var x = Input.of(TFloat32.class, 3);
    try (var model = Model.of(x, NoisyLayer.of(10f).apply(x))) {
      float[][] y = model.predict(new float[][] {{1, 2, 3}}, float[][].class);
      assertArrayEquals(new float[] {1, 2, 3}, y[0]);
    }
  }

  @Test
  void theTrainingSnippetsTrainAndEvaluate() {
    Digits digits = Digits.standardSplit();
    float[][] x = Arrays.copyOf(digits.xTrain(), 64);
    float[][] y = Arrays.copyOf(digits.yTrain(), 64);
    float[][] xTest = Arrays.copyOf(digits.xTest(), 16);
    float[][] yTest = Arrays.copyOf(digits.yTest(), 16);
    Map<String, Double> dense = Training.antirectifier(x, y, xTest, yTest);
    assertTrue(dense.keySet().containsAll(List.of("loss", "accuracy")), dense.toString());
    Map<String, Double> convnet = TrainingConvnet.convnet(DigitsConvnet.images(x), y,
        DigitsConvnet.images(xTest), yTest);
    assertTrue(convnet.get("loss") >= 0, convnet.toString());
  }

  @Test
  void theSeveralOutputsSnippetTrainsEachOutputWithItsWeights() {
    float[][] x = new float[12][4];
    float[][] prices = new float[12][1];
    int[][] kinds = new int[12][1];
    float[] priceWeights = new float[12];
    float[] kindWeights = new float[12];
    for (int i = 0; i < x.length; i++) {
      x[i] = new float[] {i % 3, i % 2, i / 12f, 1};
      prices[i][0] = i / 4f;
      kinds[i][0] = i % 3;
      priceWeights[i] = 1;
      kindWeights[i] = i % 2 + 0.5f;
    }
    try (var model = SeveralOutputs.model()) {
      var history = SeveralOutputs.train(model, x, prices, kinds, priceWeights, kindWeights);
      assertEquals(10, history.get("kind_weighted_accuracy").size());
      assertEquals(10, history.get("price_mae").size());
    }
  }

  @Test
  void theNumberAdditionSnippetTrains() {
    float[][][] x = new float[8][5][12];
    float[][][] y = new float[8][3][12];
    for (int i = 0; i < x.length; i++) {
      for (int t = 0; t < 5; t++) {
        x[i][t][(i + t) % 12] = 1;
      }
      for (int t = 0; t < 3; t++) {
        y[i][t][(i * t) % 10] = 1;
      }
    }
    try (var model = Sequences.numberAddition(x, y, x, y)) {
      assertArrayEquals(new long[] {-1, 3, 12}, model.outputs().get(0).shape().asArray());
    }
  }

  @Test
  void theSnippetsThatWriteFilesRunInTheirWorkingDirectory(@TempDir Path dir)
      throws IOException, InterruptedException {
    Path fixtures = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    while (!Files.isDirectory(fixtures.resolve("keras/src/test/resources/fixtures"))) {
      fixtures = fixtures.getParent();
    }
    Process process = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ReadmeFileSnippets.class.getName(),
        fixtures.resolve("keras/src/test/resources/fixtures").toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .start();
    var out = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> {
      try {
        process.getInputStream().transferTo(out);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    reader.start();
    boolean ended = process.waitFor(300, TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly();
    }
    reader.join();
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(ended, "not done in 300 s:\n" + printed);
    assertEquals(0, process.exitValue(), printed);
    for (String file : List.of("models/antirectifier/1/saved_model.pb", "model.lamina",
        "digits.lamina", "training.csv", "logs/train")) {
      assertTrue(Files.exists(dir.resolve(file)), file + " in " + dir + ":\n" + printed);
    }
    assertTrue(printed.contains("imported: "), printed);
    assertTrue(printed.contains("ServingSignature[tag=serve, key=serving_default, "
        + "inputs=[input], outputs=[dense_1]]"), printed);
  }
}
