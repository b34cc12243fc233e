package dev.lamina.runtime.layers.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.normalization.LayerNormalization;
import dev.lamina.runtime.layers.normalization.UnitNormalization;
import dev.lamina.runtime.layers.preprocessing.Normalization;
import dev.lamina.runtime.layers.preprocessing.Rescaling;
import dev.lamina.runtime.layers.reshaping.Flatten;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** Keras's Embedding: every fixture case (mask included), training, int64 ids, save and load. */
class EmbeddingTest {

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    return KerasLayerFixtures.cases("Embedding");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesKeras(String id, JsonObject testCase) throws IOException {
    KerasLayerFixtures.assertMatchesKeras(testCase);
  }

  private static Model embeddingFlattenDense() {
    var x = Input.of(TInt32.class, 5);
    var y = Dense.builder(2).seed(1).build().apply(
        new Flatten().apply(Embedding.builder(10, 4).seed(0).build().apply(x)));
    return Model.of(x, y);
  }

  /** Gradients flow through the lookup (TensorFlow's GatherV2 gradient) as Keras's do. */
  @Test
  void trainsAsKerasWithSgd() throws IOException {
    JsonObject testCase = KerasLayerFixtures.training("embedding_flatten/SGD");
    try (Model model = embeddingFlattenDense()) {
      KerasLayerFixtures.assertTrainsAsKeras(testCase, model,
          KerasLayerFixtures.javaArray(testCase.requireObject("x")));
    }
  }

  /**
   * Keras's TensorFlow backend hands Adam (RMSprop, Adagrad) the embeddings' gradient as {@code tf.IndexedSlices},
   * one slice per looked-up index, and its {@code ops.square} squares each slice before the
   * duplicates are summed: where a batch repeats an index (every index repeats in this batch),
   * Keras's second moment adds the squared slices rather than squaring their sum. Lamina's
   * Embedding declares its lookup ({@code CallContext.lookedUp}) and training squares slice by
   * slice too, so all three steps match Keras's weights.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"Adam", "RMSprop", "Adagrad"})
  void trainsAsKerasSquaringEachLookedUpRow(String optimizer) throws IOException {
    JsonObject testCase = KerasLayerFixtures.training("embedding_flatten/" + optimizer);
    try (Model model = embeddingFlattenDense()) {
      KerasLayerFixtures.assertTrainsAsKeras(testCase, model,
          KerasLayerFixtures.javaArray(testCase.requireObject("x")));
    }
  }

  @Test
  void int64IndicesReadTheSameRows() {
    // Row i of the matrix is (i, 10 i).
    float[] matrix = {0, 0, 1, 10, 2, 20, 3, 30};
    var embedding = Embedding.builder(4, 2).embeddings(matrix).maskZero(true).build();
    var x = Input.of(TInt64.class, 3);
    var y = embedding.apply(x);
    try (Model model = Model.of(List.of(x), List.of(y, y.mask().orElseThrow()))) {
      List<NdArray<?>> out = model.predict(List.of(NdArrays.wrap(Shape.of(1, 3),
          DataBuffers.of(new long[] {3, 0, -1}, true, false))));
      // -1 reads the last row, as Keras's ops.take; only index 0 is masked.
      assertArrayEquals(new float[] {3, 30, 0, 0, 3, 30}, KerasLayerFixtures.floats(out.get(0)));
      assertArrayEquals(new boolean[] {true, false, true},
          KerasLayerFixtures.booleans(out.get(1)));
    }
  }

  /** Keras's normalisation and rescaling layers pass a mask through (supports_masking). */
  @Test
  void theMaskPassesThroughTheNormalisationLayers() {
    var x = Input.of(TInt32.class, 3);
    var e = Embedding.builder(4, 2).seed(3).maskZero(true).build().apply(x);
    var y = new Rescaling(2).apply(new UnitNormalization().apply(
        new LayerNormalization().apply(new Normalization().apply(e))));
    try (Model model = Model.of(List.of(x), List.of(y.mask().orElseThrow()))) {
      List<NdArray<?>> out = model.predict(List.of(NdArrays.wrap(Shape.of(2, 3),
          DataBuffers.of(new int[] {0, 1, 2, 3, 0, 0}, true, false))));
      assertArrayEquals(new boolean[] {false, true, true, true, false, false},
          KerasLayerFixtures.booleans(out.get(0)));
    }
  }

  /** As in Keras on CPU: TensorFlow's gather refuses it, with the index and the range. */
  @Test
  void anIndexPastTheEndFailsWhenTheBatchRuns() {
    var x = Input.of(TInt32.class, 2);
    try (Model model = Model.of(x, new Embedding(3, 2).apply(x))) {
      var e = assertThrows(RuntimeException.class,
          () -> model.predict(new int[][] {{1, 3}}, float[][][].class));
      assertTrue(e.getMessage().contains("indices[0,1] = 3 is not in [0, 3)"), e.getMessage());
    }
  }

  @Test
  void refusesFloatIndices() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new Embedding(3, 2).call(Input.of(TFloat32.class, 2)));
    assertTrue(e.getMessage().contains("takes int32 or int64 indices, got float32"),
        e.getMessage());
  }

  @Test
  void savesAndLoadsBitForBit() throws IOException {
    var x = Input.of(TInt32.class, 3);
    var embedding = Embedding.builder(5, 2).seed(11).maskZero(true).name("emb").build();
    Path file = dir.resolve("embedding.lamina");
    int[][] data = {{1, 4, 0}, {2, 2, 3}};
    float[][][] before;
    try (Model model = Model.of(x, embedding.apply(x))) {
      before = model.predict(data, float[][][].class);
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      Embedding layer = (Embedding) loaded.layers().stream()
          .filter(l -> l instanceof Embedding).findFirst().orElseThrow();
      assertEquals(embedding.arguments(), layer.arguments());
      assertArrayEquals(embedding.weights().get(0).values(), layer.weights().get(0).values());
      float[][][] after = loaded.predict(data, float[][][].class);
      for (int i = 0; i < data.length; i++) {
        for (int j = 0; j < 3; j++) {
          assertArrayEquals(before[i][j], after[i][j]);
        }
      }
    }
  }
}
