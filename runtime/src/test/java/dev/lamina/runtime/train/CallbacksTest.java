package dev.lamina.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.regularization.Dropout;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.types.TFloat32;

/**
 * Keras's callbacks against Keras's documented behaviour: schedules worked by hand from
 * {@code keras/src/callbacks/*.py}, messages as Keras 3.15 prints them, files as Keras writes
 * them.
 */
class CallbacksTest {

  @TempDir
  Path dir;

  /** y = w·x + b with w = 0.5, b = 0, trained towards y = 2x. */
  private static Dense line() {
    return Dense.builder(1).kernel(new float[][] {{0.5f}}).bias(new float[] {0}).build();
  }

  private static final float[][] X = {{1}, {2}};
  private static final float[][] Y = {{2}, {4}};

  /** Puts {@code name} = {@code values[epoch]} in each epoch's logs: a monitored value we set. */
  private static Callback scores(String name, double... values) {
    return new Callback() {
      @Override
      public void onEpochEnd(int epoch, Map<String, Double> logs) {
        logs.put(name, values[epoch]);
      }
    };
  }

  /** Records each epoch's end weights. */
  private static final class WeightLog implements Callback {
    final List<List<float[]>> weights = new ArrayList<>();
    private Training training;

    @Override
    public void onTrainBegin(Training training) {
      this.training = training;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
      weights.add(training.weights());
    }
  }

  private static String lines(String... lines) {
    return String.join(System.lineSeparator(), lines) + System.lineSeparator();
  }

  // ------------------------------------------------------------------ ReduceLROnPlateau

  @Test
  void reduceLrOnPlateauFollowsKerasScheduleWithCooldownAndFloor() {
    var x = Input.of(TFloat32.class, 1);
    try (var model = Model.of(x, line().apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      var out = new ByteArrayOutputStream();
      var reduce = new ReduceLROnPlateau.Builder().monitor("score").mode("min").factor(0.5)
          .patience(2).cooldown(1).minLr(0.02).verbose(1).build();
      // Worked by hand from reduce_lr_on_plateau.py (min_delta 1e-4): best 5, 4; two epochs
      // without improvement reduce at epoch 3 (index); the cooldown epoch resets wait, then two
      // more reduce at 5; 3.99995 is no improvement on 4 by 1e-4; the floor 0.02 at 7; at 9 the
      // rate (float32 0.02) is not above float32(min_lr), so nothing changes.
      History history = model.fit(X, Y, new FitOptions().epochs(10).batchSize(2).verbose(0)
          .shuffle(false).out(new PrintStream(out, true, StandardCharsets.UTF_8))
          .callbacks(scores("score", 5, 4, 4, 4, 4, 4, 3.99995, 4, 4, 4), reduce));
      double r1 = 0.10000000149011612;
      double r2 = 0.05000000074505806;
      double r3 = 0.02500000037252903;
      double r4 = 0.019999999552965164; // float32(0.02)
      assertEquals(List.of(r1, r1, r1, r1, r2, r2, r3, r3, r4, r4),
          history.get("learning_rate"));
      assertEquals(0.02, model.optimizer().learningRate());
      assertEquals(2, reduce.waited());
      assertEquals(lines("", "Epoch 4: ReduceLROnPlateau reducing learning rate to "
              + "0.05000000074505806.",
          "", "Epoch 6: ReduceLROnPlateau reducing learning rate to 0.02500000037252903.",
          "", "Epoch 8: ReduceLROnPlateau reducing learning rate to 0.02."),
          out.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void messagesComeBeforeTheEpochLineWhichShowsTheLearningRateLast() {
    var x = Input.of(TFloat32.class, 1);
    try (var model = Model.of(x, line().apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      var out = new ByteArrayOutputStream();
      // min_delta 100: epoch 1's loss (0.59625 after 5.625) is no improvement, so the rate
      // halves at its end; that epoch's logs hold the rate before (Keras: learning_rate 0.1).
      model.fit(X, Y, new FitOptions().epochs(2).batchSize(2).shuffle(false).verbose(2)
          .validationData(X, Y).out(new PrintStream(out, true, StandardCharsets.UTF_8))
          .callbacks(new ReduceLROnPlateau.Builder().monitor("loss").patience(0).minDelta(100)
              .factor(0.5).verbose(1).build()));
      String text = out.toString(StandardCharsets.UTF_8)
          .replaceAll("\\d+s - \\d+[mu]?s/step", "T");
      assertEquals(lines("Epoch 1/2",
          "1/1 - T - loss: 5.6250 - val_loss: 0.5962 - learning_rate: 0.1000",
          "Epoch 2/2",
          "",
          "Epoch 2: ReduceLROnPlateau reducing learning rate to 0.05000000074505806.",
          "1/1 - T - loss: 0.5962 - val_loss: 0.0974 - learning_rate: 0.1000"), text);
    }
  }

  @Test
  void reduceLrOnPlateauRefusesKerasBadArgumentsAndUnknownDirections() {
    var factor = assertThrows(IllegalArgumentException.class,
        () -> new ReduceLROnPlateau.Builder().factor(1.0).build());
    assertTrue(factor.getMessage().contains("factor >= 1.0"), factor.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new ReduceLROnPlateau.Builder().mode("up").build());
    var x = Input.of(TFloat32.class, 1);
    try (var model = Model.of(x, line().apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      var auto = assertThrows(IllegalArgumentException.class, () -> model.fit(X, Y,
          new FitOptions().verbose(0).callbacks(scores("score", 1),
              new ReduceLROnPlateau.Builder().monitor("score").build())));
      assertTrue(auto.getMessage().contains("mode \"max\""), auto.getMessage());
      // As Keras 3, auto mode knows only the loss and the metrics the model was compiled with.
      assertThrows(IllegalArgumentException.class, () -> model.fit(X, Y, new FitOptions()
          .verbose(0).validationData(X, Y).callbacks(scores("val_accuracy", 1),
              new ReduceLROnPlateau.Builder().monitor("val_accuracy").build())));
      model.compile(new Sgd(0.1), Losses.meanSquaredError(), "accuracy");
      // Compiled, accuracy maximises.
      History history = model.fit(X, Y, new FitOptions().epochs(3).batchSize(2).verbose(0)
          .validationData(X, Y).callbacks(scores("val_accuracy", 0.5, 0.4, 0.3),
              new ReduceLROnPlateau.Builder().monitor("val_accuracy").patience(1).build()));
      // 0.4 < 0.5 is no improvement for accuracy: the rate drops after epoch 1.
      assertEquals(List.of(0.10000000149011612, 0.10000000149011612, 0.009999999776482582),
          history.get("learning_rate"));
    }
  }

  @Test
  void learningRateSchedulerPrintsAndLogsTheRateAsKeras() {
    var x = Input.of(TFloat32.class, 1);
    try (var model = Model.of(x, line().apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      var out = new ByteArrayOutputStream();
      History history = model.fit(X, Y, new FitOptions().epochs(2).verbose(0)
          .out(new PrintStream(out, true, StandardCharsets.UTF_8))
          .callbacks(new LearningRateScheduler((epoch, rate) -> rate / 2, 1)));
      // Keras: the schedule gets float(the float32 rate); the logs hold the float32 set.
      assertEquals(lines("",
          "Epoch 1: LearningRateScheduler setting learning rate to 0.05000000074505806.", "",
          "Epoch 2: LearningRateScheduler setting learning rate to 0.02500000037252903."),
          out.toString(StandardCharsets.UTF_8));
      assertEquals(List.of(0.05000000074505806, 0.02500000037252903),
          history.get("learning_rate"));
    }
  }

  @Test
  void terminateOnNaNPrintsKerasLineOrRaises() {
    var x = Input.of(TFloat32.class, 1);
    try (var model = Model.of(x, line().apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      float[][] xs = {{1}, {2}, {3}, {4}};
      float[][] ys = {{2}, {4}, {Float.NaN}, {8}};
      var out = new ByteArrayOutputStream();
      var ended = new boolean[1];
      Callback end = new Callback() {
        @Override
        public void onTrainEnd(Map<String, Double> logs) {
          ended[0] = true;
        }
      };
      History history = model.fit(xs, ys, new FitOptions().epochs(3).batchSize(2).verbose(0)
          .shuffle(false).out(new PrintStream(out, true, StandardCharsets.UTF_8))
          .callbacks(new TerminateOnNaN(), end));
      assertEquals(lines("Batch 1: Invalid loss, terminating training"),
          out.toString(StandardCharsets.UTF_8));
      assertEquals(List.of(0), history.epochs());
      assertTrue(ended[0], "stopped gracefully: onTrainEnd ran");
      ended[0] = false;
      var raised = assertThrows(IllegalStateException.class, () -> model.fit(xs, ys,
          new FitOptions().epochs(3).batchSize(2).verbose(0).shuffle(false)
              .callbacks(new TerminateOnNaN(true), end)));
      assertTrue(raised.getMessage().startsWith("NaN or Inf loss encountered at batch "),
          raised.getMessage());
      assertFalse(ended[0], "raised: no onTrainEnd");
    }
  }

  @Test
  void lambdaCallbackCallsItsFunctionsInKerasOrder() {
    var x = Input.of(TFloat32.class, 1);
    try (var model = Model.of(x, line().apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      List<String> calls = new ArrayList<>();
      model.fit(new float[][] {{1}, {2}, {3}}, new float[][] {{2}, {4}, {6}}, new FitOptions()
          .epochs(2).batchSize(2).verbose(0).callbacks(new LambdaCallback.Builder()
              .onTrainBegin(training -> calls.add("train"))
              .onEpochBegin(epoch -> calls.add("epoch " + epoch))
              .onTrainBatchBegin(batch -> calls.add("batch " + batch))
              .onTrainBatchEnd((batch, logs) -> calls.add("/batch " + batch))
              .onEpochEnd((epoch, logs) -> calls.add("/epoch " + epoch + " " + logs.keySet()))
              .onTrainEnd(logs -> calls.add("/train"))
              .build()));
      assertEquals(List.of("train", "epoch 0", "batch 0", "/batch 0", "batch 1", "/batch 1",
          "/epoch 0 [loss]", "epoch 1", "batch 0", "/batch 0", "batch 1", "/batch 1",
          "/epoch 1 [loss]", "/train"), calls);
    }
  }

  // ------------------------------------------------------------------ EarlyStopping

  @Test
  void earlyStoppingPrintsAsKerasAndRestoresTheBestEpoch() {
    var x = Input.of(TFloat32.class, 1);
    try (var model = Model.of(x, line().apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      var out = new ByteArrayOutputStream();
      var weights = new WeightLog();
      var stopping = new EarlyStopping.Builder().monitor("score").mode("min").patience(1)
          .restoreBestWeights(true).verbose(1).build();
      History history = model.fit(X, Y, new FitOptions().epochs(10).batchSize(2).verbose(0)
          .out(new PrintStream(out, true, StandardCharsets.UTF_8))
          .callbacks(scores("score", 3, 2, 2.5, 1, 1), weights, stopping));
      assertEquals(List.of(0, 1, 2), history.epochs());
      assertEquals(2, stopping.stoppedEpoch());
      assertEquals(1, stopping.bestEpoch());
      assertEquals(lines("Epoch 3: early stopping",
          "Restoring model weights from the end of the best epoch: 2."),
          out.toString(StandardCharsets.UTF_8));
      List<float[]> best = weights.weights.get(1);
      assertArrayEquals(best.get(0), model.weights().get(0).values());
      assertArrayEquals(best.get(1), model.weights().get(1).values());
      assertFalse(java.util.Arrays.equals(weights.weights.get(2).get(0),
          model.weights().get(0).values()), "epoch 2 trained on");
    }
  }

  @Test
  void earlyStoppingWaitsForStartFromEpochAndHonoursTheBaseline() {
    var x = Input.of(TFloat32.class, 1);
    try (var model = Model.of(x, line().apply(x))) {
      model.compile(new Sgd(0.01), Losses.meanSquaredError());
      // Warm-up: epochs 0 and 1 are not monitored (their better scores do not count); epoch 2
      // sets the best, epoch 3 is worse, and patience 1 stops there.
      var warm = new EarlyStopping.Builder().monitor("score").mode("min").patience(1)
          .startFromEpoch(2).build();
      History history = model.fit(X, Y, new FitOptions().epochs(6).verbose(0)
          .callbacks(scores("score", 1, 0.5, 3, 4, 0, 0), warm));
      assertEquals(4, history.epochs().size());
      assertEquals(3, warm.stoppedEpoch());
      assertEquals(3.0, warm.best());
      // Without a baseline, improvements restart the patience: all 5 epochs run. With baseline
      // 2, which no score beats, the patience never restarts: the first worse epoch (3) stops.
      double[] scores = {5, 4, 3.5, 3.6, 3.4};
      var free = new EarlyStopping.Builder().monitor("score").mode("min").patience(2).build();
      assertEquals(5, model.fit(X, Y, new FitOptions().epochs(5).verbose(0)
          .callbacks(scores("score", scores), free)).epochs().size());
      assertEquals(-1, free.stoppedEpoch());
      var based = new EarlyStopping.Builder().monitor("score").mode("min").patience(2)
          .baseline(2.0).build();
      assertEquals(4, model.fit(X, Y, new FitOptions().epochs(5).verbose(0)
          .callbacks(scores("score", scores), based)).epochs().size());
      assertEquals(3, based.stoppedEpoch());
      assertEquals(3.5, based.best());
    }
  }

  // ------------------------------------------------------------------ CSVLogger

  @Test
  void csvLoggerWritesKerasHeaderRowsAndAppends() throws Exception {
    var x = Input.of(TFloat32.class, 1);
    try (var model = Model.of(x, line().apply(x))) {
      // A rate too small to move the weights: the loss stays (1.5² + 3²) / 2 = 5.625.
      model.compile(new Sgd(1e-30), Losses.meanSquaredError());
      Path file = dir.resolve("log.csv");
      model.fit(X, Y, new FitOptions().epochs(2).batchSize(2).verbose(0)
          .callbacks(scores("b_score", 1e-5, 0.1), new CSVLogger(file)));
      // Keras: epoch, then the first epoch's keys sorted; with no val_ key, their val_ twins.
      assertEquals("epoch,b_score,loss,val_b_score,val_loss\r\n"
          + "0,1e-05,5.625,NA,NA\r\n"
          + "1,0.1,5.625,NA,NA\r\n", Files.readString(file));
      // append: no second header; validation's keys are the logs' own.
      Path other = dir.resolve("val.csv");
      model.fit(X, Y, new FitOptions().epochs(1).batchSize(2).verbose(0).validationData(X, Y)
          .callbacks(new CSVLogger(other, ";", true)));
      model.fit(X, Y, new FitOptions().epochs(1).batchSize(2).verbose(0).validationData(X, Y)
          .callbacks(new CSVLogger(other, ";", true)));
      assertEquals("epoch;loss;val_loss\r\n0;5.625;5.625\r\n0;5.625;5.625\r\n",
          Files.readString(other));
      // Not appending truncates.
      model.fit(X, Y, new FitOptions().epochs(1).batchSize(2).verbose(0).validationData(X, Y)
          .callbacks(new CSVLogger(other, ";", false)));
      assertEquals("epoch;loss;val_loss\r\n0;5.625;5.625\r\n", Files.readString(other));
    }
  }

  // ------------------------------------------------------------------ ModelCheckpoint

  @Test
  void modelCheckpointSavesTheBestWithKerasNamesAndMessages() throws Exception {
    var x = Input.of(TFloat32.class, 1);
    try (var model = Model.of(x, line().apply(x))) {
      model.compile("sgd", "mse");
      var out = new ByteArrayOutputStream();
      var weights = new WeightLog();
      String pattern = dir.resolve("ckpts").resolve("ckpt-{epoch:02d}-{score:.2f}.lamina")
          .toString();
      var checkpoint = new ModelCheckpoint.Builder(pattern).monitor("score").mode("min")
          .saveBestOnly(true).initialValueThreshold(0.45).verbose(1).build();
      model.fit(X, Y, new FitOptions().epochs(4).batchSize(2).verbose(0)
          .out(new PrintStream(out, true, StandardCharsets.UTF_8))
          .callbacks(scores("score", 0.5, 0.3, 0.4, 0.25), weights, checkpoint));
      Path second = dir.resolve("ckpts").resolve("ckpt-02-0.30.lamina");
      Path fourth = dir.resolve("ckpts").resolve("ckpt-04-0.25.lamina");
      try (Stream<Path> files = Files.list(dir.resolve("ckpts"))) {
        assertEquals(List.of("ckpt-02-0.30.lamina", "ckpt-04-0.25.lamina"),
            files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
      }
      assertEquals(lines("", "Epoch 1: score did not improve from 0.45000",
          "", "Epoch 2: score improved from 0.45000 to 0.30000, saving model to " + second,
          "", "Epoch 2: finished saving model to " + second,
          "", "Epoch 3: score did not improve from 0.30000",
          "", "Epoch 4: score improved from 0.30000 to 0.25000, saving model to " + fourth,
          "", "Epoch 4: finished saving model to " + fourth), out.toString(StandardCharsets.UTF_8));
      try (Model saved = Model.load(second)) {
        assertArrayEquals(weights.weights.get(1).get(0), saved.weights().get(0).values());
        assertEquals("sgd", saved.optimizer().name(), "the whole model, compiled");
      }
      assertEquals(0.25, checkpoint.best());
    }
  }

  @Test
  void modelCheckpointSavesWeightsEveryNBatchesAsKerasCounts() throws Exception {
    var x = Input.of(TFloat32.class, 1);
    try (var model = Model.of(x, line().apply(x))) {
      model.compile(new Sgd(0.01), Losses.meanSquaredError());
      var weights = new java.util.ArrayList<float[]>();
      String pattern = dir.resolve("w-{epoch}-{batch}.lamina").toString();
      // 2 batches an epoch, a save every 3: after epoch 1's (one-based 2) first batch.
      model.fit(new float[][] {{1}, {2}, {3}, {4}}, new float[][] {{2}, {4}, {6}, {8}},
          new FitOptions().epochs(3).batchSize(2).verbose(0).shuffle(false).callbacks(
              new ModelCheckpoint.Builder(pattern).saveWeightsOnly(true).saveFreq(3).build(),
              new Callback() {
                Training training;

                @Override
                public void onTrainBegin(Training training) {
                  this.training = training;
                }

                @Override
                public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
                  weights.add(training.weights().get(0));
                }
              }));
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(List.of("w-2-1.lamina", "w-3-2.lamina"),
            files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
      }
      var y = Input.of(TFloat32.class, 1);
      try (var other = Model.of(y, line().apply(y))) {
        other.loadWeights(dir.resolve("w-2-1.lamina"));
        assertArrayEquals(weights.get(2), other.weights().get(0).values());
      }
      var bad = assertThrows(IllegalArgumentException.class, () -> model.fit(X, Y,
          new FitOptions().verbose(0).callbacks(
              new ModelCheckpoint(dir.resolve("{val_loss}.lamina").toString()))));
      assertTrue(bad.getMessage().contains("Failed to format this callback filepath"),
          bad.getMessage());
    }
  }

  @Test
  void theReadmeListRunsTogether() throws Exception {
    var x = Input.of(TFloat32.class, 1);
    try (var model = Model.of(x, line().apply(x))) {
      model.compile("sgd", "mse");
      float[][] xs = {{1}, {2}, {3}, {4}, {5}, {6}, {7}};
      float[][] ys = {{2}, {4}, {6}, {8}, {10}, {12}, {14}};
      History history = model.fit(xs, ys, new FitOptions().epochs(4).validationSplit(0.3)
          .verbose(0).callbacks(
              new ModelCheckpoint.Builder(dir.resolve("ckpt/model-{epoch:02d}-{val_loss:.2f}"
                  + ".lamina").toString()).saveBestOnly(true).build(),
              new ReduceLROnPlateau.Builder().factor(0.2).patience(3).minLr(1e-4).build(),
              new EarlyStopping.Builder().patience(8).restoreBestWeights(true).build(),
              new CSVLogger(dir.resolve("training.csv")),
              new BackupAndRestore(dir.resolve("backup")),
              new TensorBoard(dir.resolve("logs"))));
      assertEquals(4, history.get("learning_rate").size());
      try (Stream<Path> files = Files.list(dir.resolve("ckpt"))) {
        assertTrue(files.count() >= 1);
      }
      List<String> csv = Files.readAllLines(dir.resolve("training.csv"));
      assertEquals("epoch,learning_rate,loss,val_loss", csv.get(0));
      assertEquals(5, csv.size());
      assertFalse(Files.exists(dir.resolve("backup")));
      assertTrue(Files.isDirectory(dir.resolve("logs/train")));
      assertTrue(Files.isDirectory(dir.resolve("logs/validation")));
    }
  }

  // ------------------------------------------------------------------ BackupAndRestore

  private static Model resumable() {
    return resumable(false);
  }

  /**
   * Input(2) → Dense(3, relu) → Dropout(0.25, seed 3) → Dense(1), fixed initial weights; Adam
   * at 0.05, or at an exponential decay of it (halving every 2 steps).
   */
  private static Model resumable(boolean schedule) {
    var x = Input.of(TFloat32.class, 2);
    var hidden = Dense.builder(3).activation("relu")
        .kernel(new float[][] {{0.2f, -0.4f, 0.6f}, {0.5f, 0.1f, -0.3f}})
        .bias(new float[] {0.1f, 0, -0.1f}).build();
    var out = Dense.builder(1).kernel(new float[][] {{0.3f}, {-0.2f}, {0.7f}})
        .bias(new float[] {0.05f}).build();
    Model model = Model.of(x, out.apply(new Dropout("drop", 0.25, 3).apply(hidden.apply(x))));
    model.compile(schedule
        ? new Adam(new dev.lamina.runtime.train.schedules.ExponentialDecay(0.05, 2, 0.5))
        : new Adam(0.05), Losses.meanSquaredError());
    return model;
  }

  private static final float[][] RX = {{1, 2}, {2, 1}, {0, 1}, {1, 0}, {3, 1}, {1, 3}, {2, 2}};
  private static final float[][] RY = {{1}, {2}, {0.5f}, {0}, {3}, {1}, {2}};

  @Test
  void backupAndRestoreResumesAnInterruptedFitToTheUninterruptedWeights() throws Exception {
    resumesToTheUninterruptedWeights(false);
  }

  @Test
  void backupAndRestoreResumesAScheduleAtItsStep() throws Exception {
    resumesToTheUninterruptedWeights(true); // the schedule's rate follows the restored steps
  }

  private void resumesToTheUninterruptedWeights(boolean schedule) throws Exception {
    List<float[]> expected;
    try (Model uninterrupted = resumable(schedule)) {
      uninterrupted.fit(RX, RY, new FitOptions().epochs(6).batchSize(3).seed(11).verbose(0));
      expected = new ArrayList<>();
      uninterrupted.weights().forEach(w -> expected.add(w.values()));
    }
    Path backup = dir.resolve("backup");
    try (Model first = resumable(schedule)) {
      var failure = assertThrows(IllegalStateException.class, () -> first.fit(RX, RY,
          new FitOptions().epochs(6).batchSize(3).seed(11).verbose(0).callbacks(
              new BackupAndRestore(backup), new Callback() {
                @Override
                public void onEpochBegin(int epoch) {
                  if (epoch == 4) {
                    throw new IllegalStateException("Interrupting!");
                  }
                }
              })));
      assertEquals("Interrupting!", failure.getMessage());
    }
    assertTrue(Files.exists(backup.resolve("latest.lamina")));
    // A new model (as after a restart), its weights fresh: the backup brings the weights, the
    // optimizer's moments, step count and rate, and the epoch to resume at.
    try (Model second = resumable(schedule)) {
      History history = second.fit(RX, RY, new FitOptions().epochs(6).batchSize(3).seed(11)
          .verbose(0).callbacks(new BackupAndRestore(backup)));
      assertEquals(List.of(4, 5), history.epochs());
      for (int i = 0; i < expected.size(); i++) {
        assertArrayEquals(expected.get(i), second.weights().get(i).values(), "weight " + i);
      }
    }
    assertFalse(Files.exists(backup), "deleted when the fit completes");
  }

  @Test
  void backupAndRestoreFallsBackOnThePreviousBackupAndKeepsItIfAsked() throws Exception {
    Path backup = dir.resolve("backup");
    try (Model model = resumable()) {
      model.fit(RX, RY, new FitOptions().epochs(3).batchSize(3).verbose(0)
          .callbacks(new BackupAndRestore(backup, 0, true, false)));
      assertTrue(Files.exists(backup.resolve("latest.lamina")), "kept");
      assertTrue(Files.exists(backup.resolve("latest.lamina.bkp")), "the epoch before's");
      Files.write(backup.resolve("latest.lamina"), new byte[] {1, 2, 3}); // corrupt
      // The previous backup is of epoch 2's start: one more epoch runs.
      History history = model.fit(RX, RY, new FitOptions().epochs(3).batchSize(3).verbose(0)
          .callbacks(new BackupAndRestore(backup, 0, true, true)));
      assertEquals(List.of(2), history.epochs());
      assertFalse(Files.exists(backup));
    }
    // By batches: 3 batches an epoch, a backup every 2 (after epoch 0's second batch, epoch 1's
    // first and third); interrupted after epoch 1's last batch, before its end, the backup says
    // epoch 1, and as in Keras the fit resumes at epoch 1's start.
    try (Model model = resumable()) {
      assertThrows(IllegalStateException.class, () -> model.fit(RX, RY, new FitOptions()
          .epochs(3).batchSize(3).verbose(0).callbacks(new BackupAndRestore(backup, 2, false,
              true), new Callback() {
                int epoch;

                @Override
                public void onEpochBegin(int epoch) {
                  this.epoch = epoch;
                }

                @Override
                public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
                  if (epoch == 1 && batch == 2) {
                    throw new IllegalStateException("Interrupting!");
                  }
                }
              })));
      History history = model.fit(RX, RY, new FitOptions().epochs(3).batchSize(3).verbose(0)
          .callbacks(new BackupAndRestore(backup)));
      assertEquals(List.of(1, 2), history.epochs());
    }
    try (Model model = resumable()) {
      var x = Input.of(TFloat32.class, 1);
      try (var other = Model.of(x, line().apply(x))) {
        other.compile(new Adam(0.05), Losses.meanSquaredError());
        other.fit(X, Y, new FitOptions().verbose(0)
            .callbacks(new BackupAndRestore(backup, 0, false, false)));
      }
      var mismatch = assertThrows(java.io.UncheckedIOException.class, () -> model.fit(RX, RY,
          new FitOptions().verbose(0).callbacks(new BackupAndRestore(backup))));
      assertTrue(mismatch.getMessage().contains("this model has 4"), mismatch.getMessage());
    }
  }
}
