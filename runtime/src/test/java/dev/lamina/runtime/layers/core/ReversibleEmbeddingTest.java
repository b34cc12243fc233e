package dev.lamina.runtime.layers.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.attention.AttentionLayersTest;
import dev.lamina.runtime.registry.KerasCall;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras 3 as the oracle for ReversibleEmbedding ({@code tools/keras_reversible_embedding_fixtures.py}
 * wrote {@code reversible_embedding.json}): the lookup (with {@code mask_zero}'s mask) and the
 * {@code reverse=True} projection (tied, untied, {@code logit_soft_cap}) predict Keras's outputs
 * to 1e-5; a model calling one layer both ways trains as Keras's for three steps (SGD and Adam
 * tied, SGD untied with a soft cap).
 */
class ReversibleEmbeddingTest {

  private static final String FIXTURE = "reversible_embedding.json";

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : KerasLayerFixtures.fixture(FIXTURE).requireArray("cases").objects()) {
      out.add(Arguments.of(c.requireString("id"), c));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void predictsAsKeras(String id, JsonObject c) throws IOException {
    Layer layer = ((KerasCall) KerasLayerFixtures.fromKerasConfig(c))
        .withCallOptions(c.requireObject("call"));
    JsonObject input = c.requireArray("inputs").requireObject(0);
    SymbolicTensor<?> x = KerasLayerFixtures.input(input);
    SymbolicTensor<?> y = layer.call(x);
    KerasLayerFixtures.setWeights(layer, c.requireArray("weights"));
    JsonObject expectedMask = c.optObject("output_mask");
    List<SymbolicTensor<?>> outputs = new ArrayList<>(List.of(y));
    if (expectedMask != null) {
      outputs.add(y.mask().orElseThrow(() -> new AssertionError(id + ": no mask")));
    } else {
      assertTrue(y.mask().isEmpty(), id + ": a mask Keras has not");
    }
    JsonObject want = c.requireArray("outputs").requireObject(0);
    try (Model model = Model.of(List.of(x), outputs)) {
      List<NdArray<?>> results = model.predict(List.of(KerasLayerFixtures.array(input)));
      assertEquals(Shape.of(want.requireArray("shape").longs()), results.get(0).shape(), id);
      KerasLayerFixtures.assertClose(want.requireArray("values").floats(),
          KerasLayerFixtures.floats(results.get(0)), id);
      if (expectedMask != null) {
        int[] keras = expectedMask.requireArray("values").ints();
        boolean[] lamina = KerasLayerFixtures.booleans(results.get(1));
        for (int i = 0; i < keras.length; i++) {
          assertEquals(keras[i] != 0, lamina[i], id + ": mask[" + i + "]");
        }
      }
    }
  }

  private static JsonObject training(String id) throws IOException {
    for (JsonObject c : KerasLayerFixtures.fixture(FIXTURE).requireArray("training").objects()) {
      if (c.requireString("id").equals(id)) {
        return c;
      }
    }
    throw new AssertionError("no training case " + id);
  }

  /** ids -> the embedding -> Dense(4, tanh) -> the same embedding, reversed. */
  private static Model tiedModel(ReversibleEmbedding embedding) {
    var ids = Input.of("ids", TInt32.class, 5);
    var h = dev.lamina.runtime.layers.core.Dense.builder(4).activation("tanh").name("dense")
        .build().apply(embedding.apply(ids));
    return Model.of(ids, embedding.reverse(h));
  }

  @Test
  void tiedTrainsAsKerasWithSgd() throws IOException {
    try (Model model = tiedModel(ReversibleEmbedding.builder(12, 4).name("embedding").build())) {
      assertEquals(3, model.weights().size()); // the embeddings once, shared by both calls
      AttentionLayersTest.assertTrainsAsKeras(training("tied_sgd"), model);
    }
  }

  @Test
  void tiedTrainsAsKerasWithAdam() throws IOException {
    try (Model model = tiedModel(ReversibleEmbedding.builder(12, 4).name("embedding").build())) {
      AttentionLayersTest.assertTrainsAsKeras(training("tied_adam"), model);
    }
  }

  @Test
  void untiedWithSoftCapTrainsAsKeras() throws IOException {
    try (Model model = tiedModel(ReversibleEmbedding.builder(12, 4).tieWeights(false)
        .logitSoftCap(3.0).name("embedding").build())) {
      AttentionLayersTest.assertTrainsAsKeras(training("untied_soft_cap_sgd"), model);
    }
  }

  @Test
  void savesAndLoads(@TempDir Path dir) throws IOException {
    ReversibleEmbedding embedding = ReversibleEmbedding.builder(12, 4).tieWeights(false)
        .logitSoftCap(2.5).maskZero(true).seed(3).name("embedding").build();
    NdArray<?> ids = NdArrays.wrap(Shape.of(2, 5), org.tensorflow.ndarray.buffer.DataBuffers.of(
        new int[] {1, 2, 0, 4, 5, 11, 0, 0, 3, 7}, true, false));
    Path file = dir.resolve("reversible.lamina");
    List<NdArray<?>> before;
    try (Model model = tiedModel(embedding)) {
      assertTrue(model.summary().contains("ReversibleEmbedding"), model.summary());
      before = model.predict(List.of(ids));
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      ReversibleEmbedding again = (ReversibleEmbedding) loaded.layers().stream()
          .filter(l -> l instanceof ReversibleEmbedding).findFirst().orElseThrow();
      assertEquals(embedding.config(), again.config());
      KerasLayerFixtures.assertClose(KerasLayerFixtures.floats(before.get(0)),
          KerasLayerFixtures.floats(loaded.predict(List.of(ids)).get(0)), "after loading");
    }
  }

  @Test
  void argumentsAndCallsAreChecked() {
    assertMessage(() -> new ReversibleEmbedding(0, 4), "input_dim");
    assertMessage(() -> ReversibleEmbedding.builder(3, 4).logitSoftCap(0.0).build(),
        "logit_soft_cap");
    assertMessage(() -> ReversibleEmbedding.builder(3, 4).reverseDtype("bfloat16").build(),
        "reverse_dtype");
    ReversibleEmbedding embedding = ReversibleEmbedding.builder(3, 4).name("emb").build();
    assertSame(embedding, embedding.withCallOptions(Map.of("reverse", true)));
    assertEquals(List.of("reverse"), embedding.perCallOptions());
    assertMessage(() -> embedding.withCallOptions(Map.of("reverse", "yes")), "reverse");
    assertMessage(() -> embedding.withCallOptions(Map.of("training", true)), "training");
    var wrong = Input.of(TFloat32.class, 5, 3);
    String m = assertMessage(() -> embedding.reverse(wrong), "'emb'");
    assertTrue(m.contains("output_dim"), m);
  }

  private static String assertMessage(Supplier<?> action, String part) {
    var e = assertThrows(IllegalArgumentException.class, action::get);
    assertTrue(e.getMessage().contains(part), e.getMessage());
    return e.getMessage();
  }
}
