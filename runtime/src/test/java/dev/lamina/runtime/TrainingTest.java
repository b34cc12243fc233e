package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.regularization.Dropout;
import dev.lamina.runtime.train.EarlyStopping;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.History;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import dev.lamina.runtime.train.TerminateOnNaN;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** compile / fit / evaluate on models small enough to check by hand. */
class TrainingTest {

  /** y = w·x + b with w = 0.5, b = 0, trained towards y = 2x. */
  private static Dense line() {
    return Dense.builder(1).kernel(new float[][] {{0.5f}}).bias(new float[] {0}).build();
  }

  private static final float[][] X = {{1}, {2}};
  private static final float[][] Y = {{2}, {4}};

  @Test
  void oneSgdStepMatchesTheGradientWorkedByHand() {
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    try (var model = Model.of(x, dense.apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      Map<String, Double> logs = model.trainOnBatch(X, Y);
      // p = (0.5, 1.0), errors (-1.5, -3): loss = (2.25 + 9) / 2.
      assertEquals(5.625, logs.get("loss"), 1e-6);
      // dL/dw = mean(2(p - y)x) = (-3 - 12) / 2 = -7.5; dL/db = (-3 - 6) / 2 = -4.5.
      assertEquals(0.5 + 0.75, dense.weights().get(0).values()[0], 1e-6);
      assertEquals(0.45, dense.weights().get(1).values()[0], 1e-6);
    }
  }

  /**
   * A fit's {@code FitOptions.seed} reaches the session with its first step, which is fed it and
   * assigns it for the steps after: after each fit the training pass's seed reads the seed that
   * fit was given, also when the same seed is given again (nothing fed) and over several steps.
   */
  @Test
  void eachFitLeavesItsSeedForTheStepsAfterItsFirst() {
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    try (var model = Model.of(x, new Dropout(0.5).call(dense.apply(x)))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      FitOptions options = new FitOptions().epochs(2).batchSize(1).verbose(0);
      assertEquals(0, seedInSession(model), "the seed before any fit");
      model.fit(X, Y, options.seed(9));
      assertEquals(9, seedInSession(model));
      model.fit(X, Y, options.seed(12_345));
      assertEquals(12_345, seedInSession(model));
      model.fit(X, Y, options.seed(12_345));
      assertEquals(12_345, seedInSession(model));
      model.fit(X, Y, options.seed(-3));
      assertEquals(-3, seedInSession(model));
    }
  }

  /** What the training pass's random ops mix in when no seed is fed. */
  private static long seedInSession(Model model) {
    try (org.tensorflow.Result result = model.compiled().graph().executor().session().runner()
        .fetch("train/base_seed").run()) {
      return ((org.tensorflow.types.TInt64) result.get(0)).getLong();
    }
  }

  @Test
  void momentumCarriesTheFirstStepIntoTheSecond() {
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    try (var model = Model.of(x, dense.apply(x))) {
      model.compile(new Sgd(0.1, 0.9, false), Losses.meanSquaredError());
      model.trainOnBatch(X, Y);
      model.trainOnBatch(X, Y);
      // Step 1 as above: m = (0.75, 0.45), w = 1.25, b = 0.45. Step 2: p = (1.7, 2.95),
      // errors (-0.3, -1.05), g = (-2.4, -1.35); m = 0.9 m - 0.1 g = (0.915, 0.54).
      assertEquals(1.25 + 0.915, dense.weights().get(0).values()[0], 1e-5);
      assertEquals(0.45 + 0.54, dense.weights().get(1).values()[0], 1e-5);
    }
  }

  @Test
  void fitLearnsALineAndEvaluateAgrees() {
    float[][] xs = new float[64][1];
    float[][] ys = new float[64][1];
    for (int i = 0; i < 64; i++) {
      xs[i][0] = (i - 32) / 16f;
      ys[i][0] = 3 * xs[i][0] - 1;
    }
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    try (var model = Model.of(x, dense.apply(x))) {
      model.compile("sgd", "mse", "mae");
      History history = model.fit(xs, ys, new FitOptions().epochs(60).batchSize(8).verbose(0));
      List<Double> loss = history.get("loss");
      assertEquals(60, loss.size());
      assertTrue(loss.get(59) < loss.get(0) / 100, history.toString());
      assertEquals(3, dense.weights().get(0).values()[0], 0.05);
      assertEquals(-1, dense.weights().get(1).values()[0], 0.05);
      Map<String, Double> scores = model.evaluate(xs, ys);
      assertEquals(List.of("loss", "mae"), List.copyOf(scores.keySet()));
      // The model predicts what evaluate scores: its MSE, computed here from predict.
      float[][] p = model.predict(xs, float[][].class);
      double mse = 0;
      for (int i = 0; i < 64; i++) {
        mse += (p[i][0] - ys[i][0]) * (p[i][0] - ys[i][0]) / 64;
      }
      assertEquals(mse, scores.get("loss"), 1e-5 + 1e-3 * mse);
    }
  }

  @Test
  void aSharedLayerCarriesTrainedValuesIntoASecondModel() {
    var x = Input.of(TFloat32.class, 1);
    Dense encoder = line();
    Dense head = Dense.builder(1).kernel(new float[][] {{1}}).bias(new float[] {0}).build();
    var code = encoder.apply(x);
    try (var full = Model.of(x, head.apply(code)); var encoderOnly = Model.of(x, code)) {
      float[][] before = encoderOnly.predict(X, float[][].class);
      assertEquals(0.5f, before[0][0], 1e-6);
      full.compile(new Sgd(0.1), Losses.meanSquaredError());
      full.fit(X, Y, new FitOptions().epochs(20).verbose(0).shuffle(false));
      float w = encoder.weights().get(0).values()[0];
      float b = encoder.weights().get(1).values()[0];
      float[][] after = encoderOnly.predict(X, float[][].class);
      assertEquals(w * 1 + b, after[0][0], 1e-5);
      assertEquals(w * 2 + b, after[1][0], 1e-5);
      assertTrue(Math.abs(after[0][0] - 0.5f) > 0.1, "the encoder model sees trained values");
    }
  }

  @Test
  void setWeightsReachesABuiltModel() {
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    try (var model = Model.of(x, dense.apply(x))) {
      assertEquals(1f, model.predict(X, float[][].class)[1][0], 1e-6);
      model.setWeights(List.of(org.tensorflow.ndarray.StdArrays.ndCopyOf(new float[][] {{3}}),
          org.tensorflow.ndarray.StdArrays.ndCopyOf(new float[] {1})));
      assertEquals(7f, model.predict(X, float[][].class)[1][0], 1e-6);
    }
  }

  @Test
  void dropoutDropsOnlyInTraining() {
    // Dropout(0.5) then a frozen sum: in training each kept input is doubled, so the output
    // sum over 1,000 ones averages 1,000 with binomial spread; with dropout off it is exactly
    // 1,000 and the loss against 1,000 is 0.
    var x = Input.of(TFloat32.class, 1000);
    float[][] ones = new float[1000][1];
    java.util.Arrays.fill(ones, new float[] {1});
    Dense sum = Dense.builder(1).kernel(ones).bias(new float[] {0}).build();
    Dropout dropout = new Dropout("dropout", 0.5, 42);
    try (var model = Model.of(x, sum.apply(dropout.apply(x)))) {
      model.compile(new Sgd(1e-12), Losses.meanSquaredError());
      float[][] in = new float[4][1000];
      for (float[] row : in) {
        java.util.Arrays.fill(row, 1);
      }
      float[][] target = {{1000}, {1000}, {1000}, {1000}};
      assertEquals(1000f, model.predict(in, float[][].class)[0][0], 1e-3);
      assertEquals(0, model.evaluate(in, target).get("loss"), 1e-6);
      double trainingLoss = model.trainOnBatch(in, target).get("loss");
      // Each output is 2·Binomial(1000, 0.5): variance 4·250 = 1000, so the expected squared
      // error is 1000; four samples put it well inside (100, 5000).
      assertTrue(trainingLoss > 100 && trainingLoss < 5000, "training loss " + trainingLoss);
    }
  }

  @Test
  void aModelWithNothingToTrainStillDrawsNewMasksEachStep() {
    // Every weight frozen: no optimizer update runs, yet each step must draw a new dropout mask
    // (Keras's seed generators advance per call). The same mask twice would give the same loss.
    var x = Input.of(TFloat32.class, 1000);
    float[][] ones = new float[1000][1];
    java.util.Arrays.fill(ones, new float[] {1});
    Dense sum = Dense.builder(1).kernel(ones).bias(new float[] {0}).build();
    sum.setTrainable(false);
    try (var model = Model.of(x, sum.apply(new Dropout(0.5, 42).apply(x)))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      float[][] in = new float[4][1000];
      for (float[] row : in) {
        java.util.Arrays.fill(row, 1);
      }
      float[][] target = {{1000}, {1000}, {1000}, {1000}};
      java.util.Set<Double> losses = new java.util.HashSet<>();
      for (int step = 0; step < 3; step++) {
        losses.add(model.trainOnBatch(in, target).get("loss"));
      }
      // Three masks of 4 x 1,000 fair coins: equal losses would need equal kept counts.
      assertEquals(3, losses.size(), "losses " + losses);
    }
  }

  @Test
  void earlyStoppingRestoresTheBestWeights() {
    // A learning rate this large makes SGD diverge after the first epoch: the loss grows, so
    // early stopping must stop and bring back the first epoch's weights.
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    try (var model = Model.of(x, dense.apply(x))) {
      model.compile(new Sgd(0.3), Losses.meanSquaredError());
      float[][] xs = {{1}, {2}, {3}};
      float[][] ys = {{2}, {4}, {6}};
      EarlyStopping stopping = new EarlyStopping("loss", 0, 1, true);
      List<float[]> afterFirst = new java.util.ArrayList<>();
      History history = model.fit(xs, ys, new FitOptions().epochs(20).batchSize(3).verbose(0)
          .callbacks(new dev.lamina.runtime.train.Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
              if (epoch == 0) {
                afterFirst.add(dense.weights().get(0).values());
              }
            }
          }, stopping));
      List<Double> loss = history.get("loss");
      assertTrue(loss.size() < 20, "stopped early: " + loss);
      assertEquals(0, stopping.bestEpoch());
      assertArrayEquals(afterFirst.get(0), dense.weights().get(0).values());
    }
  }

  @Test
  void badDataFailsBeforeAnyStepAndNamesWhatIsWrong() {
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    try (var model = Model.of(x, dense.apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      var mismatched = assertThrows(IllegalArgumentException.class,
          () -> model.fit(X, new float[][] {{1}, {2}, {3}}, new FitOptions().verbose(0)));
      assertTrue(mismatched.getMessage().contains("x has 2, y has 3"), mismatched.getMessage());
      var shape = assertThrows(IllegalArgumentException.class,
          () -> model.fit(X, new float[][] {{1, 1}, {2, 2}}, new FitOptions().verbose(0)));
      assertTrue(shape.getMessage().contains("(None, 1)") && shape.getMessage().contains("(2, 2)"),
          shape.getMessage());
      assertEquals(0.5f, dense.weights().get(0).values()[0], "no step was taken");
      assertThrows(IllegalStateException.class, () -> Model.of(x, x).fit(X, Y));
    }
  }

  @Test
  void terminateOnNaNStopsAtTheFirstNonFiniteLoss() {
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    try (var model = Model.of(x, dense.apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      float[][] ys = {{2}, {Float.NaN}, {6}, {8}};
      float[][] xs = {{1}, {2}, {3}, {4}};
      TerminateOnNaN guard = new TerminateOnNaN();
      History history = model.fit(xs, ys, new FitOptions().epochs(5).batchSize(2).verbose(0)
          .shuffle(false).callbacks(guard));
      assertEquals(0, guard.stoppedAtBatch());
      assertEquals(1, history.get("loss").size());
      assertTrue(Double.isNaN(history.get("loss").get(0)));
      // The weights are usable: the model still predicts (NaN, as Keras leaves it).
      assertEquals(4, model.predict(xs, float[][].class).length);
    }
  }

  @Test
  void verboseOnePrintsKerasEpochLines() {
    var x = Input.of(TFloat32.class, 1);
    try (var model = Model.of(x, line().apply(x))) {
      model.compile("sgd", "mse", "mae");
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      model.fit(new float[][] {{1}, {2}, {3}}, new float[][] {{2}, {4}, {6}}, new FitOptions()
          .epochs(2).batchSize(2).validationSplit(0.34).out(new PrintStream(bytes, true,
              StandardCharsets.UTF_8)));
      String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
      assertEquals("Epoch 1/2", lines[0]);
      // 2 training samples in one batch of 2, one validation sample.
      assertTrue(lines[1].matches("1/1 \u2501{20} \\d+s \\d+(ms|us|s)/step - loss: \\d\\.\\d{4} "
          + "- mae: \\d\\.\\d{4} - val_loss: \\d+\\.\\d{4} - val_mae: \\d\\.\\d{4}"), lines[1]);
      assertEquals("Epoch 2/2", lines[2]);
    }
  }

  /** A layer whose op has no gradient in TensorFlow's C++ registry. */
  private static final class NoGradient extends Layer {
    NoGradient() {
      super("digamma");
    }

    @Override
    protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
      return new OutputSpec<>(inputs.get(0).shape(), TFloat32.class);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
      return tf.math.digamma((Operand<TFloat32>) inputs.get(0));
    }
  }

  @Test
  void anOpWithoutGradientIsNamedWithItsLayerAtCompile() {
    var x = Input.of(TFloat32.class, 1);
    @SuppressWarnings("unchecked")
    var hidden = (SymbolicTensor<TFloat32>) new NoGradient().call(line().apply(x));
    var y = line().apply(hidden);
    try (var model = Model.of(x, y)) {
      var error = assertThrows(IllegalStateException.class,
          () -> model.compile(new Sgd(0.1), Losses.meanSquaredError()));
      assertTrue(error.getMessage().contains("'digamma'"), error.getMessage());
      assertTrue(error.getMessage().contains("Digamma"), error.getMessage());
    }
  }

  @Test
  void closingAModelHandsItsTrainedWeightsBackToTheLayers() {
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    var y = dense.apply(x);
    try (var model = Model.of(x, y)) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      model.trainOnBatch(X, Y);
    }
    // As in the first test: one step from w = 0.5 gives 1.25, kept after the session is gone.
    assertEquals(1.25, dense.weights().get(0).values()[0], 1e-6);
    try (var again = Model.of(x, y)) {
      assertEquals(1.25f * 2 + 0.45f, again.predict(X, float[][].class)[1][0], 1e-5);
    }
  }

  @Test
  void aScheduleSetsTheLearningRateEachEpochAndInitialEpochCountsOn() {
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    try (var model = Model.of(x, dense.apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      List<Integer> epochs = new java.util.ArrayList<>();
      // Rate 0 from epoch 3 on: the weights after epoch 2 must stay.
      var schedule = new dev.lamina.runtime.train.LearningRateScheduler(
          (epoch, rate) -> { epochs.add(epoch); return epoch >= 3 ? 0.0 : 0.05; });
      List<float[]> afterEpoch2 = new java.util.ArrayList<>();
      History history = model.fit(X, Y, new FitOptions().initialEpoch(2).epochs(5).verbose(0)
          .callbacks(schedule, new dev.lamina.runtime.train.Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
              if (epoch == 2) {
                afterEpoch2.add(dense.weights().get(0).values());
              }
            }
          }));
      assertEquals(List.of(2, 3, 4), epochs);
      assertEquals(List.of(2, 3, 4), history.epochs());
      assertEquals(0.0, model.optimizer().learningRate());
      assertArrayEquals(afterEpoch2.get(0), dense.weights().get(0).values());
      assertTrue(afterEpoch2.get(0)[0] != 0.5f, "epoch 2 trained at rate 0.05");
    }
  }

  @Test
  void validationDataIsEvaluatedWithTrainingOff() {
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    try (var model = Model.of(x, dense.apply(new Dropout("dropout", 0.5, 1).apply(x)))) {
      model.compile(new Sgd(1e-9), Losses.meanSquaredError());
      History history = model.fit(X, Y, new FitOptions().epochs(1).verbose(0)
          .validationData(new float[][] {{4}}, new float[][] {{0}}));
      // Dropout is off when validating: the prediction is 0.5 · 4 = 2 (the weights barely
      // moved), so the validation loss is 2² = 4.
      assertEquals(4, history.get("val_loss").get(0), 1e-5);
    }
  }

  @Test
  void severalInputsAndOutputsTrainTogether() {
    var a = Input.of("a", TFloat32.class, 1);
    var b = Input.of("b", TFloat32.class, 1);
    Dense left = Dense.builder(1).name("left").kernel(new float[][] {{1}}).bias(new float[] {0})
        .build();
    Dense right = Dense.builder(1).name("right").kernel(new float[][] {{1}})
        .bias(new float[] {0}).build();
    try (var model = Model.of(List.of(a, b), List.of(left.apply(a), right.apply(b)))) {
      model.compile("sgd", "mse", "mae");
      float[][] xa = {{1}, {2}};
      float[][] xb = {{3}, {4}};
      // Targets: the left output is already right (loss 0), the right one is off by 1 each.
      float[][] ya = {{1}, {2}};
      float[][] yb = {{4}, {5}};
      Map<String, Double> logs = model.testOnBatch(List.of(xa, xb), List.of(ya, yb));
      assertEquals(List.of("loss", "left_loss", "right_loss", "left_mae", "right_mae"),
          List.copyOf(logs.keySet()));
      assertEquals(0, logs.get("left_loss"), 1e-7);
      assertEquals(1, logs.get("right_loss"), 1e-6);
      assertEquals(1, logs.get("loss"), 1e-6, "Keras sums the outputs' losses");
      assertEquals(1, logs.get("right_mae"), 1e-6);
      model.trainOnBatch(List.of(xa, xb), List.of(ya, yb));
      assertEquals(1f, left.weights().get(0).values()[0], 1e-7, "no gradient on the left");
      assertTrue(right.weights().get(0).values()[0] > 1, "the right kernel grows");
    }
  }

  @Test
  void summaryCountsTrainableParametersFromTheDeclaredWeights() {
    var x = Input.of(TFloat32.class, 3);
    try (var model = Model.of(x, Dense.builder(2).build().apply(x))) {
      String summary = model.summary();
      assertTrue(summary.contains("Total params: 8"), summary); // 3·2 kernel + 2 bias
      assertTrue(summary.contains("Trainable params: 8"), summary);
      assertTrue(summary.contains("Non-trainable params: 0"), summary);
    }
  }

  @Test
  void outputsOfRankThreeAverageTheLossOverEveryValue() {
    // Input (2, 1) → Dense(1) acts on each of the 2 positions: (None, 2, 1). With w = 0.5 the
    // predictions for x = (1, 2) are (0.5, 1); against (2, 4) the errors are (1.5, 3), so the
    // loss is the mean of 2.25 and 9, as Keras's "sum_over_batch_size" gives.
    var x = Input.of(TFloat32.class, 2, 1);
    try (var model = Model.of(x, line().apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      var logs = model.testOnBatch(new float[][][] {{{1}, {2}}}, new float[][][] {{{2}, {4}}});
      assertEquals(5.625, logs.get("loss"), 1e-6);
      model.trainOnBatch(new float[][][] {{{1}, {2}}}, new float[][][] {{{2}, {4}}});
    }
  }

  @Test
  void classIndicesOutsideTheOutputAreRefused() {
    var x = Input.of(TFloat32.class, 1);
    try (var model = Model.of(x, Dense.builder(3).activation("softmax").seed(1).build()
        .apply(x))) {
      model.compile("sgd", "sparse_categorical_crossentropy");
      var error = assertThrows(IllegalArgumentException.class,
          () -> model.trainOnBatch(new float[][] {{1}, {2}}, new int[] {2, 3}));
      assertTrue(error.getMessage().contains("class index 3 at sample 1")
          && error.getMessage().contains("from 0 to 2"), error.getMessage());
    }
  }

  @Test
  void earlyStoppingRestoresTheBestWeightsAlsoWhenTrainingRunsToTheEnd() {
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    try (var model = Model.of(x, dense.apply(x))) {
      model.compile(new Sgd(0.3), Losses.meanSquaredError());
      // Diverging from epoch 1 on, but patience 10 never runs out in 4 epochs.
      EarlyStopping stopping = new EarlyStopping("loss", 0, 10, true);
      List<float[]> firstEpoch = new java.util.ArrayList<>();
      model.fit(new float[][] {{1}, {2}, {3}}, new float[][] {{2}, {4}, {6}}, new FitOptions()
          .epochs(4).batchSize(3).verbose(0).callbacks(new dev.lamina.runtime.train.Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
              if (epoch == 0) {
                firstEpoch.add(dense.weights().get(0).values());
              }
            }
          }, stopping));
      assertEquals(-1, stopping.stoppedEpoch());
      assertEquals(0, stopping.bestEpoch());
      assertArrayEquals(firstEpoch.get(0), dense.weights().get(0).values());
    }
  }

  @Test
  void closingAModelDuringFitLeavesItsLayersUsable() throws Exception {
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    var y = dense.apply(x);
    Model model = Model.of(x, y);
    model.compile(new Sgd(0.01), Losses.meanSquaredError());
    float[][] xs = new float[256][1];
    float[][] ys = new float[256][1];
    Throwable[] failure = {null};
    Thread training = new Thread(() -> {
      try {
        model.fit(xs, ys, new FitOptions().epochs(1_000).batchSize(1).verbose(0));
      } catch (Throwable t) {
        failure[0] = t;
      }
    });
    training.start();
    Thread.sleep(200);
    model.close();
    training.join(30_000);
    assertTrue(failure[0] == null || failure[0] instanceof IllegalStateException,
        String.valueOf(failure[0]));
    // The trained values came back to the layer; another model can use it.
    float w = dense.weights().get(0).values()[0];
    try (var again = Model.of(x, y)) {
      assertEquals(w * 2 + dense.weights().get(1).values()[0],
          again.predict(X, float[][].class)[1][0], 1e-5);
    }
  }
}
