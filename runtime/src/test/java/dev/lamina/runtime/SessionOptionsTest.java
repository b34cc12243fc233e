package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.layers.core.Dense;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.types.TFloat32;

/** Lamina's session options, and predict from many threads under its defaults. */
class SessionOptionsTest {

  /** Big enough that a MatMul of 1,024 rows splits over TensorFlow's intra-op threads. */
  private static Model denseModel() {
    return Sequential.of(Input.of(TFloat32.class, 64),
        Dense.builder(256).activation("relu").seed(11).build(),
        new TestLayers.Square(null),
        Dense.builder(256).activation("relu").seed(12).build(),
        Dense.builder(10).activation("softmax").seed(13).build());
  }

  private static FloatNdArray rows(long seed, int n) {
    SplittableRandom random = new SplittableRandom(seed);
    FloatNdArray x = NdArrays.ofFloats(Shape.of(n, 64));
    x.scalars().forEach(s -> s.setFloat((float) random.nextDouble()));
    return x;
  }

  @Test
  void eightThreadsAtOnceGetTheSingleThreadedResultsUnderTheDefaults() throws Exception {
    int[] batches = {1, 32, 1024};
    List<FloatNdArray> inputs = new ArrayList<>();
    List<float[][]> expected = new ArrayList<>();
    try (Model model = denseModel()) {
      assertEquals(SessionOptions.defaults(), model.sessionOptions());
      for (int b = 0; b < batches.length; b++) {
        inputs.add(rows(100 + b, batches[b]));
        expected.add(StdArrays.array2dCopyOf(model.predict(inputs.get(b), batches[b])));
      }
      ExecutorService pool = Executors.newFixedThreadPool(8);
      CountDownLatch start = new CountDownLatch(1);
      try {
        List<Future<String>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int thread = t;
          results.add(pool.submit(() -> {
            start.await();
            for (int call = 0; call < 60; call++) {
              int b = (call + thread) % batches.length; // every size in flight at once
              float[][] y = StdArrays.array2dCopyOf(model.predict(inputs.get(b), batches[b]));
              for (int row = 0; row < y.length; row++) {
                if (!java.util.Arrays.equals(expected.get(b)[row], y[row])) {
                  return "thread " + thread + ", call " + call + ", batch " + batches[b]
                      + ", row " + row + " differs";
                }
              }
            }
            return null;
          }));
        }
        start.countDown();
        for (Future<String> result : results) {
          assertEquals(null, result.get());
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void everyConfigurationPredictsTheSame() {
    FloatNdArray x = rows(7, 32);
    float[][] reference;
    try (Model model = denseModel()) {
      reference = StdArrays.array2dCopyOf(model.predict(x, 32));
    }
    for (SessionOptions options : List.of(SessionOptions.tensorFlowDefaults(),
        SessionOptions.defaults().remapper(false), SessionOptions.defaults().grappler(false),
        SessionOptions.defaults().perSessionThreads(true).interOpThreads(2))) {
      try (Model model = denseModel().withSessionOptions(options)) {
        float[][] y = StdArrays.array2dCopyOf(model.predict(x, 32));
        for (int row = 0; row < y.length; row++) {
          assertArrayEquals(reference[row], y[row], 1e-5f, options + ", row " + row);
        }
      }
    }
  }

  @Test
  void optionsBecomeTheSessionsConfiguration() {
    ConfigProto defaults = SessionOptions.defaults().toConfigProto();
    assertTrue(defaults.getAllowSoftPlacement());
    assertEquals(-1, defaults.getInterOpParallelismThreads(), "ops on the calling thread");
    assertEquals(0, defaults.getIntraOpParallelismThreads());
    assertFalse(defaults.getUsePerSessionThreads());
    assertEquals(RewriterConfig.Toggle.DEFAULT,
        defaults.getGraphOptions().getRewriteOptions().getRemapping(),
        "the remapper as TensorFlow has it, so predictions match serving bit for bit");
    assertEquals(RewriterConfig.Toggle.DEFAULT, SessionOptions.tensorFlowDefaults().toConfigProto()
        .getGraphOptions().getRewriteOptions().getRemapping());

    ConfigProto custom = SessionOptions.defaults().intraOpThreads(3).interOpThreads(2)
        .perSessionThreads(true).remapper(false).toConfigProto();
    assertEquals(3, custom.getIntraOpParallelismThreads());
    assertEquals(2, custom.getInterOpParallelismThreads());
    assertTrue(custom.getUsePerSessionThreads());
    assertEquals(RewriterConfig.Toggle.OFF,
        custom.getGraphOptions().getRewriteOptions().getRemapping());
    assertFalse(defaults.getGraphOptions().getRewriteOptions().getDisableMetaOptimizer());
    assertTrue(SessionOptions.defaults().grappler(false).toConfigProto().getGraphOptions()
        .getRewriteOptions().getDisableMetaOptimizer(), "grappler off as a whole");

    assertEquals(0, SessionOptions.tensorFlowDefaults().toConfigProto()
        .getInterOpParallelismThreads());
    assertThrows(IllegalArgumentException.class, () -> SessionOptions.defaults().interOpThreads(-2));
    assertThrows(IllegalArgumentException.class, () -> SessionOptions.defaults().intraOpThreads(-1));
  }

  @Test
  void optionsAreFixedOnceTheGraphIsBuilt() {
    try (Model model = denseModel()) {
      SessionOptions options = SessionOptions.defaults().remapper(false);
      assertSame(model, model.withSessionOptions(options));
      assertEquals(options, model.sessionOptions());
      model.predict(rows(1, 1), 1);
      assertThrows(IllegalStateException.class,
          () -> model.withSessionOptions(SessionOptions.defaults()));
    }
  }
}
