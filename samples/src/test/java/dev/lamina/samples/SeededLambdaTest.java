package dev.lamina.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.types.TFloat32;

/**
 * A {@code @Lambda} method that declares a {@code SeedStream} draws its random ops from the
 * call's seeds ({@link SeedLambdas#gaussianNoise}, {@code statelessRandomNormal} seeded by
 * {@code seeds.next()}): two fresh models trained with one {@code FitOptions.seed} draw the same
 * noise, so they log the same losses and end with the same weights; another seed draws other
 * noise. With a seed of its own ({@link RandomLambdas#seededNoise}, {@code seeds.next(seed)}),
 * the draws follow that seed and not {@code FitOptions.seed}. {@code predict} and
 * {@code evaluate} run the method with {@code training} false, where the lambda as written adds
 * no noise.
 */
class SeededLambdaTest {

  private static final float[][] X = new float[8][3];
  private static final float[][] Y = new float[8][1];

  static {
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 3; j++) {
        X[i][j] = (i + 1) * 0.1f - j * 0.2f;
      }
      Y[i][0] = i % 2;
    }
  }

  /** What a fit logged and trained: the losses per epoch and the first kernel. */
  private record Run(List<Double> losses, float[] kernel) {}

  /** Dense(4) -> noise -> Dense(1), fixed initial weights, three epochs of SGD. */
  private static Run fit(UnaryOperator<SymbolicTensor<TFloat32>> noise, long seed) {
    var input = Input.of(TFloat32.class, 3);
    Dense dense = Dense.builder(4).seed(1).build();
    Dense out = Dense.builder(1).seed(2).build();
    try (Model model = Model.of(input, out.apply(noise.apply(dense.apply(input))))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      var history = model.fit(X, Y, new FitOptions().epochs(3).batchSize(4).shuffle(false)
          .seed(seed).verbose(0));
      return new Run(history.get("loss"), dense.weights().get(0).values());
    }
  }

  private static Run noiseFit(long seed) {
    return fit(h -> GaussianNoiseLayer.of(0.5f).apply(h), seed);
  }

  private static Run seededNoiseFit(long layerSeed, long fitSeed) {
    return fit(h -> SeededNoiseLayer.of(0.5f, layerSeed).apply(h), fitSeed);
  }

  @Test
  void theNoiseIsReproducibleFromFitOptionsSeed() {
    Run a = noiseFit(3);
    Run b = noiseFit(3);
    Run c = noiseFit(4);
    assertEquals(a.losses(), b.losses(), "the same FitOptions.seed draws the same noise");
    assertArrayEquals(a.kernel(), b.kernel(), "and trains to the same weights");
    // The first epoch's first step already trains on other noise.
    assertNotEquals(a.losses().get(0), c.losses().get(0), "another seed draws other noise");
    assertNotEquals(List.of(a.kernel()[0], a.kernel()[1]), List.of(c.kernel()[0], c.kernel()[1]),
        "and trains to other weights");
  }

  /**
   * A saved and loaded model draws the noise the original draws: the seeds depend on the
   * layer's name and call, which the file keeps, and on {@code FitOptions.seed}.
   */
  @Test
  void aLoadedModelDrawsTheSameNoise(@TempDir Path dir) throws IOException {
    var input = Input.of(TFloat32.class, 3);
    var hidden = GaussianNoiseLayer.of(0.5f).apply(Dense.builder(4).seed(1).build().apply(input));
    Path file = dir.resolve("noisy.lamina");
    try (Model model = Model.of(input, Dense.builder(1).seed(2).build().apply(hidden))) {
      model.save(file);
      try (Model loaded = Model.load(file)) {
        FitOptions options = new FitOptions().epochs(2).batchSize(4).shuffle(false).seed(9)
            .verbose(0);
        model.compile(new Sgd(0.1), Losses.meanSquaredError());
        loaded.compile(new Sgd(0.1), Losses.meanSquaredError());
        assertEquals(model.fit(X, Y, options).get("loss"), loaded.fit(X, Y, options).get("loss"));
        assertArrayEquals(model.layers().get(1).weights().get(0).values(),
            loaded.layers().get(1).weights().get(0).values());
      }
    }
  }

  @Test
  void aLambdasOwnSeedWinsOverFitOptionsSeed() {
    Run a = seededNoiseFit(5, 3);
    Run b = seededNoiseFit(5, 4);
    Run c = seededNoiseFit(6, 3);
    assertEquals(a.losses(), b.losses(), "the lambda's seed, not FitOptions.seed, picks the noise");
    assertArrayEquals(a.kernel(), b.kernel());
    assertNotEquals(a.losses().get(0), c.losses().get(0), "another lambda seed, other noise");
  }

  @Test
  void predictAndEvaluateAddNoNoiseAndTrainingDoes() {
    var x = Input.of(TFloat32.class, 500);
    float[][] data = data();
    try (var model = Model.of(x, GaussianNoiseLayer.of(1f).apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      float[][] first = model.predict(data, float[][].class);
      assertArrayEquals(data[3], first[3], "predict: identity");
      assertArrayEquals(first[0], model.predict(data, float[][].class)[0], "predict repeats");
      assertEquals(0, model.evaluate(data, data).get("loss"), 0, "evaluate: identity");
      // In training the output is x + N(0, 1): the mean squared error against x estimates
      // E[z²] = 1 from 2,000 draws (standard error sqrt(2 / 2000) ≈ 0.032).
      assertEquals(1, model.trainOnBatch(data, data).get("loss"), 0.15,
          "training: noise of variance 1");
    }
  }

  /**
   * Each training step draws new noise: with a learning rate of 1e-20 a step moves no weight
   * (each change is far below half a float ulp of the weight), so the loss differs between steps
   * only by the noise. (The draws count the optimizer's steps, which a
   * model with no trainable weight does not take, so this model has one.)
   */
  @Test
  void eachStepDrawsNewNoise() {
    var x = Input.of(TFloat32.class, 500);
    float[][] data = data();
    float[][] y = new float[4][1];
    try (var model = Model.of(x,
        Dense.builder(1).seed(1).build().apply(GaussianNoiseLayer.of(1f).apply(x)))) {
      model.compile(new Sgd(1e-20), Losses.meanSquaredError());
      double noNoise = model.evaluate(data, y).get("loss");
      assertEquals(noNoise, model.evaluate(data, y).get("loss"), 0, "evaluate repeats");
      double one = model.trainOnBatch(data, y).get("loss");
      double two = model.trainOnBatch(data, y).get("loss");
      assertNotEquals(noNoise, one, "a step adds noise");
      assertNotEquals(one, two, "each step draws new noise");
      assertEquals(noNoise, model.evaluate(data, y).get("loss"), 0, "the weights stayed");
    }
  }

  private static float[][] data() {
    float[][] data = new float[4][500];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 500; j++) {
        data[i][j] = (i * 500 + j) % 5 - 2;
      }
    }
    return data;
  }
}
