package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.types.TFloat32;

/** What a CPU-only machine can show of placement, plus concurrency and progress. */
class DeviceAndConcurrencyTest {

  private static Model squareModel() {
    return Sequential.of(Input.of(TFloat32.class, 3), new TestLayers.Square(null));
  }

  private static List<String> devices(org.tensorflow.Graph graph) {
    List<String> devices = new ArrayList<>();
    graph.operations().forEachRemaining((GraphOperation op) -> devices.add(op.device()));
    return devices;
  }

  @Test
  void cpuPlacementIsOnEveryOp() {
    try (var model = squareModel().placeOn(Device.CPU)) {
      model.predict(new float[][] {{1, 2, 3}}, float[][].class);
      assertTrue(devices(model.tensorFlowGraph()).stream()
          .allMatch(d -> d.equals("/device:CPU:0")), devices(model.tensorFlowGraph()).toString());
    }
  }

  @Test
  void autoFallsBackToTheCpuWithoutAGpu() {
    assumeFalse(Device.gpuAvailable(0), "shows the fall-back; this machine has a GPU");
    try (var model = squareModel()) {
      assertEquals(Device.AUTO, model.device());
      float[][] y = model.predict(new float[][] {{1, 2, 3}}, float[][].class);
      assertArrayEquals(new float[] {1, 4, 9}, y[0]);
      assertTrue(devices(model.tensorFlowGraph()).stream().allMatch(String::isEmpty),
          "without a GPU, AUTO pins nothing and TensorFlow runs it all on the CPU");
    }
  }

  @Test
  void anExplicitGpuWithoutOneIsAClearError() {
    assumeFalse(Device.gpuAvailable(0), "shows the error; this machine has a GPU");
    try (var model = squareModel().placeOn(Device.gpu(0))) {
      var error = assertThrows(IllegalStateException.class,
          () -> model.predict(new float[][] {{1, 2, 3}}, float[][].class));
      assertTrue(error.getMessage().startsWith("GPU 0 was requested, but TensorFlow can use no "
          + "such GPU here"), error.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Device.gpu(-1));
  }

  @Test
  void softPlacementRunsGpuPlacedOpsOnTheCpu() {
    try (var model = squareModel()) {
      var graph = model.buildForTest(Device.gpu(0));
      assertTrue(devices(graph).contains("/device:GPU:0"), "the request is recorded on the ops");
      float[][] y = model.predict(new float[][] {{1, 2, 3}}, float[][].class);
      assertArrayEquals(new float[] {1, 4, 9}, y[0], "and soft placement runs them on the CPU");
    }
  }

  @Test
  void placementIsFixedOnceBuilt() {
    try (var model = squareModel()) {
      model.predict(new float[][] {{1, 2, 3}}, float[][].class);
      assertThrows(IllegalStateException.class, () -> model.placeOn(Device.CPU));
    }
  }

  @Test
  void eightThreadsGetWhatOneThreadGets() throws Exception {
    // x -> (x . [[1, 0], [0, 2]] + (1, -1))^2, batches of 3 over 16 samples (six batches).
    var model = Sequential.of(Input.of(TFloat32.class, 2),
        dev.lamina.runtime.layers.core.Dense.builder(2).kernel(new float[][] {{1, 0}, {0, 2}})
            .bias(new float[] {1, -1}).build(),
        new TestLayers.Square(null));
    FloatNdArray x = org.tensorflow.ndarray.NdArrays.ofFloats(
        org.tensorflow.ndarray.Shape.of(16, 2));
    float[][] expected = new float[16][];
    for (int i = 0; i < 16; i++) {
      x.setFloat(i, i, 0);
      x.setFloat(-i, i, 1);
      float a = i + 1;
      float b = 2 * -i - 1;
      expected[i] = new float[] {a * a, b * b};
    }
    try (model) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          results.add(pool.submit(() -> {
            int same = 0;
            for (int call = 0; call < 1000; call++) {
              float[][] y = StdArrays.array2dCopyOf(model.predict(x, 3));
              same += java.util.Arrays.deepEquals(expected, y) ? 1 : 0;
            }
            return same;
          }));
        }
        for (Future<Integer> result : results) {
          assertEquals(1000, result.get());
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void tensorsAreAcceptedAsInputsAndTheProgressBarIsKeras() {
    try (var model = squareModel();
        TFloat32 tensor = TFloat32.tensorOf(StdArrays.ndCopyOf(
            new float[][] {{1, 2, 3}, {0, 1, 2}, {3, 3, 3}}))) {
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      List<NdArray<?>> out = model.predict(List.of(tensor), 2,
          new PrintStream(text, true, StandardCharsets.UTF_8));
      float[][] y = StdArrays.array2dCopyOf((FloatNdArray) out.get(0));
      assertArrayEquals(new float[] {9, 9, 9}, y[2]);
      // Not a terminal: Keras 3's bar once, at the end of the call, 20 bars full.
      String bar = text.toString(StandardCharsets.UTF_8);
      assertTrue(bar.matches("2/2 \u2501{20} \\d+s \\d+(us|ms|s)/step\n"), bar);
    }
  }

  @Test
  void inATerminalThePredictBarIsRedrawnInPlace() {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    ProgressBar bar = new ProgressBar(new PrintStream(text, true, StandardCharsets.UTF_8), 2,
        true);
    bar.update(1);
    bar.update(2);
    String drawn = text.toString(StandardCharsets.UTF_8);
    // Half way: 10 of 20 bars and 10 blanks, the time left; then the full bar ends the line.
    assertTrue(drawn.matches("\r1/2 \u2501{10} {10} \\d+s \\d+(us|ms|s)/step"
        + "\r2/2 \u2501{20} \\d+s \\d+(us|ms|s)/step\n"), drawn);
  }
}
