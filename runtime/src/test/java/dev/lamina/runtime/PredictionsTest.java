package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.layers.core.Dense;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Typed results for several outputs, and Java-array predict with a batch size. The model: two
 * inputs a (2 features) and b (1 feature); output "sum" = a0 + a1 + b, output "pair" = (a0, 2·a1).
 * Expected values are that arithmetic done by hand.
 */
class PredictionsTest {

  private static final float[][] A = {{1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 10}};
  private static final float[][] B = {{0.5f}, {1}, {1.5f}, {2}, {2.5f}};

  private static Model model() {
    var a = Input.of(TFloat32.class, 2);
    var b = Input.of(TFloat32.class, 1);
    var both = new dev.lamina.runtime.layers.merging.Concatenate().apply(a, b);
    var sum = Dense.builder(1).name("sum").kernel(new float[][] {{1}, {1}, {1}})
        .bias(new float[] {0}).build().apply(both);
    var pair = Dense.builder(2).name("pair").kernel(new float[][] {{1, 0}, {0, 2}})
        .bias(new float[] {0, 0}).build().apply(a);
    return Model.of(List.of(a, b), List.of(sum, pair));
  }

  @Test
  void outputsComeTypedByNameAndByPosition() {
    try (Model model = model()) {
      Predictions out = model.predictOutputs(List.of(A, B), 2);
      assertEquals(List.of("sum", "pair"), out.names());
      assertEquals(2, out.size());
      float[][] sum = out.get("sum", float[][].class);
      assertArrayEquals(new float[][] {{3.5f}, {8}, {12.5f}, {17}, {21.5f}}, sum);
      float[][] pair = out.get(1, float[][].class);
      assertArrayEquals(new float[][] {{1, 4}, {3, 8}, {5, 12}, {7, 16}, {9, 20}}, pair);
    }
  }

  @Test
  void theBatchSizeDoesNotChangeTheResults() {
    try (Model model = model()) {
      for (int batch : new int[] {1, 2, 5, 32}) {
        List<Object> results = model.predict(List.of(A, B),
            List.of(float[][].class, float[][].class), batch);
        assertArrayEquals(new float[][] {{3.5f}, {8}, {12.5f}, {17}, {21.5f}},
            (float[][]) results.get(0), "batch " + batch);
      }
    }
  }

  @Test
  void oneInputOneOutputWithABatchSize() {
    var x = Input.of(TFloat32.class, 2);
    var y = Dense.builder(1).kernel(new float[][] {{2}, {-1}}).bias(new float[] {1}).build()
        .apply(x);
    try (Model model = Model.of(x, y)) {
      float[][] got = model.predict(A, float[][].class, 2);
      // 2·x0 − x1 + 1
      assertArrayEquals(new float[][] {{1}, {3}, {5}, {7}, {9}}, got);
      var error = assertThrows(IllegalArgumentException.class,
          () -> model.predict(A, float[][].class, 0));
      assertEquals("batchSize must be at least 1, got 0", error.getMessage());
    }
  }

  @Test
  void aWrongTypeOrNameIsAClearError() {
    try (Model model = model()) {
      Predictions out = model.predictOutputs(List.of(A, B), 32);
      var wrongName = assertThrows(IllegalArgumentException.class,
          () -> out.get("probs", float[][].class));
      assertEquals("No output is named 'probs'; the outputs are [sum, pair]",
          wrongName.getMessage());
      var wrongType = assertThrows(IllegalArgumentException.class,
          () -> out.get("pair", int[][].class));
      assertEquals(true, wrongType.getMessage().contains("output 1 'pair'"),
          wrongType.getMessage());
      var wrongCount = assertThrows(IllegalArgumentException.class,
          () -> model.predictOutputs(List.of((Object) A), 32));
      assertEquals("This model takes 2 input arrays; got 1", wrongCount.getMessage());
      // The trap: List.of(A) with A a float[][] is a list of A's five rows.
      var spread = assertThrows(IllegalArgumentException.class,
          () -> model.predictOutputs(List.of((Object[]) A), 32));
      assertEquals("This model takes 2 input arrays; got 5 (List.of(x) with a single array x "
          + "lists x's rows; write List.of((Object) x))", spread.getMessage());
    }
  }

  @Test
  void integerInputsConvertAsInPredict() {
    var ids = Input.of(TInt32.class, 1);
    var asFloat = dev.lamina.runtime.layers.core.Embedding.builder(3, 1)
        .embeddings(new float[] {10, 20, 30}).build().apply(ids);
    try (Model model = Model.of(ids, asFloat)) {
      Predictions out = model.predictOutputs(List.of((Object) new int[][] {{2}, {0}}), 1);
      assertArrayEquals(new float[][][] {{{30}}, {{10}}}, out.get(0, float[][][].class));
    }
  }
}
