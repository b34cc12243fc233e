package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.layers.merging.Add;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * State read or written while another thread trains or predicts is all of one moment: a save
 * during {@code fit} holds one step's weights, a prediction during {@code loadWeights} or
 * {@code setWeights} uses all of one set of values or all of the other, never a mix.
 */
class ConsistentStateTest {

  @TempDir
  Path dir;

  /**
   * Two bias-free Dense(1) layers read the same input and are added. Both kernels start equal;
   * the loss's gradient with respect to each is the same ops on the same numbers, so SGD keeps
   * them bitwise equal after every step. A file holding one kernel of step t and the other of
   * step t + 1 has them differ.
   */
  @Test
  void saveDuringFitWritesOneStepsWeights() throws Exception {
    var x = Input.of(TFloat32.class, 4);
    Dense left = Dense.builder(1).useBias(false).build();
    Dense right = Dense.builder(1).useBias(false).build();
    try (Model model = Model.of(x, new Add().apply(left.apply(x), right.apply(x)))) {
      FloatNdArray start = NdArrays.ofFloats(Shape.of(4, 1));
      for (int i = 0; i < 4; i++) {
        start.setFloat(0.1f * (i + 1), i, 0);
      }
      model.setWeights(List.of(start, start));
      model.compile(new Sgd(0.01, 0.0, false), Losses.get("mean_squared_error", false));
      float[][] features = new float[512][4];
      float[][] targets = new float[512][1];
      for (int r = 0; r < features.length; r++) {
        for (int c = 0; c < 4; c++) {
          features[r][c] = (float) Math.sin(r * 4 + c);
        }
        targets[r][0] = (float) Math.cos(r);
      }
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread trainer = new Thread(() -> {
        try {
          model.fit(features, targets, new FitOptions().epochs(30).batchSize(1).verbose(0));
        } catch (Throwable t) {
          failure.set(t);
        } finally {
          done.set(true);
        }
      });
      trainer.start();
      // Save, and check each file at once, for as long as fit runs: every file must hold one
      // step's kernels, and saves keep falling between steps until fit ends.
      int saves = 0;
      int changed = 0;
      while (!done.get()) {
        Path file = dir.resolve("during-" + (saves++ % 4) + ".lamina");
        model.save(file);
        try (Model loaded = Model.load(file)) {
          List<FloatNdArray> kernels = loaded.getWeights();
          float[] a = flat(kernels.get(0));
          float[] b = flat(kernels.get(1));
          assertArrayEquals(a, b, "save " + saves + ": the two kernels come from two steps");
          changed += a[0] == 0.1f ? 0 : 1;
        }
      }
      trainer.join();
      if (failure.get() != null) {
        throw new AssertionError("fit failed", failure.get());
      }
      assertTrue(changed > 0, "no save fell after a training step");
    }
  }

  /** y = x · k1 · k2 through two bias-free Dense(1): set A gives y = x, set B y = 6x. */
  @Test
  void predictDuringLoadWeightsSeesOneFileOrTheOther() throws Exception {
    try (Model model = chain()) {
      model.setWeights(set(1, 1));
      Path a = dir.resolve("a.lamina");
      model.saveWeights(a);
      model.setWeights(set(2, 3));
      Path b = dir.resolve("b.lamina");
      model.saveWeights(b);
      assertPredictionsWhole(model, () -> {
        model.loadWeights(a);
        model.loadWeights(b);
      });
    }
  }

  @Test
  void predictDuringSetWeightsSeesOneSetOrTheOther() throws Exception {
    try (Model model = chain()) {
      model.setWeights(set(1, 1));
      assertPredictionsWhole(model, () -> {
        model.setWeights(set(1, 1));
        model.setWeights(set(2, 3));
      });
    }
  }

  private static Model chain() {
    var x = Input.of(TFloat32.class, 1);
    var h = Dense.builder(1).useBias(false).build().apply(x);
    return Model.of(x, Dense.builder(1).useBias(false).build().apply(h));
  }

  private static List<FloatNdArray> set(float k1, float k2) {
    return List.of(NdArrays.wrap(Shape.of(1, 1), DataBuffers.of(k1)),
        NdArrays.wrap(Shape.of(1, 1), DataBuffers.of(k2)));
  }

  interface Swap {
    void run() throws Exception;
  }

  /** Predicts on x = 1 while {@code swap} runs over and over; every answer is 1 or 6. */
  private static void assertPredictionsWhole(Model model, Swap swap) throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicInteger predicted =
        new java.util.concurrent.atomic.AtomicInteger();
    Thread swapper = new Thread(() -> {
      try {
        // Until the predictions have had their chances to fall in between, however fast a swap.
        for (int i = 0; i < 100 || predicted.get() < 1_000; i++) {
          swap.run();
        }
      } catch (Throwable t) {
        failure.set(t);
      } finally {
        done.set(true);
      }
    });
    swapper.start();
    int predictions = 0;
    while (!done.get()) {
      float y = model.predict(new float[][] {{1}}, float[][].class)[0][0];
      assertTrue(y == 1f || y == 6f, "prediction " + y + " mixes the two sets of weights (1 or 6 "
          + "expected) after " + predictions + " predictions");
      predictions++;
      predicted.incrementAndGet();
    }
    swapper.join();
    if (failure.get() != null) {
      throw new AssertionError("swapping failed", failure.get());
    }
    assertTrue(predictions >= 1_000, "only " + predictions + " predictions ran during the swaps");
    assertEquals(6f, model.predict(new float[][] {{1}}, float[][].class)[0][0]);
  }

  private static float[] flat(FloatNdArray array) {
    float[] values = new float[(int) array.size()];
    array.copyTo(NdArrays.wrap(array.shape(), DataBuffers.of(values, false, false)));
    return values;
  }
}
