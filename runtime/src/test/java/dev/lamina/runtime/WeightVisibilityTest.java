package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.train.Callback;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * When the values a model trains become visible outside its session: at the end of each epoch
 * (before {@code onEpochEnd}), after each batch for a callback that overrides a batch hook, to
 * other models sharing the layer from their next run, and to other threads whole.
 */
class WeightVisibilityTest {

  private static final float[][] X = {{1}, {2}};
  private static final float[][] Y = {{1}, {2}};

  /** y = w x + b from w = 0, b = 0. */
  private static Dense line() {
    return Dense.builder(1).kernel(new float[][] {{0}}).bias(new float[] {0}).build();
  }

  private static float[] wb(Layer layer) {
    List<FloatNdArray> weights = layer.getWeights();
    return new float[] {weights.get(0).getFloat(0, 0), weights.get(1).getFloat(0)};
  }

  /**
   * One SGD step per epoch (batch 2) on mean squared error, lr 0.1, worked by hand. Epoch 1:
   * errors -1, -2; dw = mean(2 e x) = -5, db = mean(2 e) = -3; w = 0.5, b = 0.3. Epoch 2:
   * predictions 0.8, 1.3, errors -0.2, -0.7; dw = -1.6, db = -0.9; w = 0.66, b = 0.39. In each
   * {@code onEpochEnd} the layer's weights are those, and a second model sharing the layer
   * predicts with them.
   */
  @Test
  void eachEpochsValuesReachTheLayerAndOtherModelsBeforeOnEpochEnd() {
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    var y = dense.apply(x);
    List<float[]> seen = new ArrayList<>();
    List<float[]> predictedByOther = new ArrayList<>();
    try (Model model = Model.of(x, y); Model other = Model.of(x, y)) {
      assertEquals(0f, other.predict(X, float[][].class)[1][0]); // built and pushed at w = b = 0
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      Callback reader = new Callback() {
        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
          seen.add(wb(dense));
          float[][] p = other.predict(X, float[][].class);
          predictedByOther.add(new float[] {p[0][0], p[1][0]});
        }
      };
      model.fit(X, Y, new FitOptions().epochs(2).batchSize(2).shuffle(false).verbose(0)
          .callbacks(reader));
    }
    assertArrayEquals(new float[] {0.5f, 0.3f}, seen.get(0), 1e-6f);
    assertArrayEquals(new float[] {0.66f, 0.39f}, seen.get(1), 1e-6f);
    assertArrayEquals(new float[] {0.8f, 1.3f}, predictedByOther.get(0), 1e-6f);
    assertArrayEquals(new float[] {1.05f, 1.71f}, predictedByOther.get(1), 1e-6f);
  }

  /**
   * The two epochs above and a third, one {@code fit} call each. Epoch 3: predictions 1.05, 1.71,
   * errors 0.05, -0.29; dw = (0.1 - 1.16) / 2 = -0.53, db = (0.1 - 0.58) / 2 = -0.24; w = 0.713,
   * b = 0.414. Calls that nobody reads between publish into the arrays of the last publish; an
   * array handed out (as a save's snapshot takes it) keeps its values through later calls.
   */
  @Test
  void aPublishWritesInPlaceOnlyIntoArraysNobodyWasHanded() {
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    FitOptions oneEpoch = new FitOptions().epochs(1).batchSize(2).shuffle(false).verbose(0);
    try (Model model = Model.of(x, dense.apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      model.fit(X, Y, oneEpoch);
      model.fit(X, Y, oneEpoch);
      model.fit(X, Y, oneEpoch);
      assertArrayEquals(new float[] {0.713f, 0.414f}, wb(dense), 1e-6f);
    }
    Dense other = line();
    try (Model model = Model.of(x, other.apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      model.fit(X, Y, oneEpoch);
      model.fit(X, Y, oneEpoch);
      TensorData.Dense handedOut = other.weights().get(0).current();
      model.fit(X, Y, oneEpoch);
      assertEquals(0.66f, ((FloatNdArray) handedOut.array()).getFloat(0, 0), 1e-6f,
          "the array handed out after epoch 2 keeps epoch 2's kernel");
      assertArrayEquals(new float[] {0.713f, 0.414f}, wb(other), 1e-6f);
    }
  }

  /**
   * Batch 1, no shuffle: step 1 on (1, 1): error -1, dw = db = -2, so w = b = 0.2; step 2 on
   * (2, 2): prediction 0.6, error -1.4, dw = -5.6, db = -2.8, so w = 0.76, b = 0.48. A callback
   * that overrides a batch hook sees each step's values in it.
   */
  @Test
  void aCallbackWithABatchHookSeesEachStepsValues() {
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    List<float[]> seen = new ArrayList<>();
    try (Model model = Model.of(x, dense.apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      Callback reader = new Callback() {
        @Override
        public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
          seen.add(wb(dense));
        }
      };
      model.fit(X, Y, new FitOptions().epochs(1).batchSize(1).shuffle(false).verbose(0)
          .callbacks(reader));
    }
    assertEquals(2, seen.size());
    assertArrayEquals(new float[] {0.2f, 0.2f}, seen.get(0), 1e-6f);
    assertArrayEquals(new float[] {0.76f, 0.48f}, seen.get(1), 1e-6f);
  }

  /**
   * Two bias-free Dense(1) layers on one input, added: equal kernels get equal gradients, so SGD
   * keeps them bitwise equal after every step. A model reading both while another thread trains
   * (with a batch hook, so that every step is published) must always find them equal: all of one
   * publish, never one kernel of one step and the other of the next.
   */
  @Test
  void aReaderDuringFitNeverSeesAMixOfTwoPublishes() throws Exception {
    var x = Input.of(TFloat32.class, 4);
    Dense left = Dense.builder(1).useBias(false).build();
    Dense right = Dense.builder(1).useBias(false).build();
    var l = left.apply(x);
    var r = right.apply(x);
    try (Model model = Model.of(x, new dev.lamina.runtime.layers.merging.Add().apply(l, r));
        Model reader = Model.of(List.of(x), List.of(l, r))) {
      FloatNdArray start = NdArrays.ofFloats(Shape.of(4, 1));
      for (int i = 0; i < 4; i++) {
        start.setFloat(0.1f * (i + 1), i, 0);
      }
      model.setWeights(List.of(start, start));
      model.compile(new Sgd(0.01, 0.0, false), Losses.get("mean_squared_error", false));
      float[][] features = new float[256][4];
      float[][] targets = new float[256][1];
      for (int row = 0; row < features.length; row++) {
        for (int c = 0; c < 4; c++) {
          features[row][c] = (float) Math.sin(row * 4 + c);
        }
        targets[row][0] = (float) Math.cos(row);
      }
      Callback everyBatch = new Callback() {
        @Override
        public void onTrainBatchEnd(int batch, Map<String, Double> logs) {}
      };
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread trainer = new Thread(() -> {
        try {
          model.fit(features, targets, new FitOptions().epochs(20).batchSize(1).verbose(0)
              .callbacks(everyBatch));
        } catch (Throwable t) {
          failure.set(t);
        } finally {
          done.set(true);
        }
      });
      trainer.start();
      int reads = 0;
      int changed = 0;
      float[][] probe = {{1, 1, 1, 1}};
      while (!done.get()) {
        List<FloatNdArray> kernels = reader.getWeights(); // reader never trains: no publish
        assertEquals(kernels.get(0), kernels.get(1), "read " + reads + " mixes two publishes");
        List<Object> predicted = reader.predict(List.of((Object) probe),
            List.of(float[][].class, float[][].class));
        assertEquals(((float[][]) predicted.get(0))[0][0], ((float[][]) predicted.get(1))[0][0],
            "prediction " + reads + " mixes two publishes");
        changed += kernels.get(0).getFloat(0, 0) == 0.1f ? 0 : 1;
        reads++;
      }
      trainer.join();
      if (failure.get() != null) {
        throw new AssertionError("fit failed", failure.get());
      }
      assertTrue(changed > 0, "no read fell after a publish");
    }
  }

  /**
   * While one model is inside {@code fit} (held in a callback), another model sharing its layer
   * cannot train it; once the fit ends, it can.
   */
  @Test
  void twoModelsCannotTrainASharedWeightAtOnce() throws Exception {
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    var y = dense.apply(x);
    try (Model first = Model.of(x, y); Model second = Model.of(x, y)) {
      first.compile(new Sgd(0.1), Losses.meanSquaredError());
      second.compile(new Sgd(0.1), Losses.meanSquaredError());
      CountDownLatch inFit = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Callback hold = new Callback() {
        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
          inFit.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      };
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread training = new Thread(() -> {
        try {
          first.fit(X, Y, new FitOptions().epochs(1).verbose(0).callbacks(hold));
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      training.start();
      assertTrue(inFit.await(60, TimeUnit.SECONDS), "fit never reached onEpochEnd");
      try {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
            () -> second.trainOnBatch(X, Y));
        assertTrue(e.getMessage().contains("is being trained by another model at the same "
            + "time; models that share layers train one at a time"), e.getMessage());
      } finally {
        release.countDown();
        training.join();
      }
      if (failure.get() != null) {
        throw new AssertionError("fit failed", failure.get());
      }
      // One epoch (one step, batch 32 > 2 samples) from w = b = 0 gives w = 0.5, b = 0.3 (see
      // above); the second model starts from there: predictions 0.8, 1.3, errors -0.2, -0.7,
      // so w = 0.66, b = 0.39.
      second.trainOnBatch(X, Y);
      assertArrayEquals(new float[] {0.66f, 0.39f}, wb(dense), 1e-6f);
    }
  }

  /**
   * A step trained both weights, then an assignment replaced both and a prediction pushed it
   * before the model published: the publish has nothing left to hand back (no empty session run)
   * and the assignment stands; once one weight alone is assigned over a trained value, the
   * publish hands back the other only.
   */
  @Test
  void aPublishAfterAssignmentsReplacedTheTrainedValuesKeepsTheAssignments() {
    var x = Input.of(TFloat32.class, 1);
    Dense dense = line();
    try (Model model = Model.of(x, dense.apply(x))) {
      model.predict(X, float[][].class); // built, w = b = 0 pushed
      Executor executor = model.builtExecutor();
      synchronized (executor) {
        executor.markTrained(dense.weights()); // as a training step would
      }
      dense.setWeights(List.of(NdArrays.wrap(Shape.of(1, 1), DataBuffers.of(2f)),
          NdArrays.wrap(Shape.of(1), DataBuffers.of(1f))));
      float[][] p = model.predict(X, float[][].class); // pushes w = 2, b = 1 over both
      assertArrayEquals(new float[] {3, 5}, new float[] {p[0][0], p[1][0]});
      assertArrayEquals(new float[] {2, 1}, wb(dense)); // no publish needed
      model.getWeights(); // publishes: nothing trained is left
      assertArrayEquals(new float[] {2, 1}, wb(dense));

      // The variables hold w = 2, b = 1; "train" both, then assign the bias alone and push it:
      // the publish hands back the kernel the variable holds (2) and keeps the bias assigned.
      synchronized (executor) {
        executor.markTrained(dense.weights());
      }
      FloatNdArray kernel = NdArrays.wrap(Shape.of(1, 1), DataBuffers.of(2f));
      dense.setWeights(List.of(kernel, NdArrays.wrap(Shape.of(1), DataBuffers.of(-1f))));
      p = model.predict(X, float[][].class);
      assertArrayEquals(new float[] {1, 3}, new float[] {p[0][0], p[1][0]});
      model.getWeights();
      assertArrayEquals(new float[] {2, -1}, wb(dense));
    }
  }
}
