package dev.lamina.runtime.layers.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.pooling.GlobalAveragePooling1D;
import dev.lamina.runtime.registry.LayerTypes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Keras 3 as the oracle for GroupQueryAttention ({@code tools/keras_gqa_fixtures.py} wrote
 * {@code group_query_attention.json}): each case's layer is read from Keras's config (under the
 * class name Keras's files record, {@code GroupQueryAttention}) with its call options, takes Keras's weights and
 * predicts Keras's outputs, scores and output mask to 1e-5; three training steps with dropout
 * match Keras's losses and weights.
 */
class GroupQueryAttentionTest {

  private static final String FIXTURE = "group_query_attention.json";

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
    assertEquals("GroupQueryAttention", c.requireString("class_name"));
    AttentionLayersTest.assertPredictsAsKeras(id, c);
  }

  @Test
  void trainsAsKeras() throws IOException {
    JsonObject c = KerasLayerFixtures.fixture(FIXTURE).requireArray("training").objects().get(0);
    var x = Input.of("x", TFloat32.class, 4, 6);
    GroupQueryAttention gqa = GroupQueryAttention.builder(3, 4, 2).dropout(0.25).seed(7L)
        .name("gqa").build();
    var h = new GlobalAveragePooling1D("pool", false).apply(gqa.apply(x, x));
    try (Model model = Model.of(x, Dense.builder(2).name("dense").build().apply(h))) {
      AttentionLayersTest.assertTrainsAsKeras(c, model);
    }
  }

  @Test
  void savesAndLoads(@TempDir Path dir) throws IOException {
    var x = Input.of("x", TFloat32.class, 5, 4);
    var v = Input.of("v", TFloat32.class, 3, 2);
    GroupQueryAttention gqa = GroupQueryAttention.builder(3, 4, 2).useGate(true)
        .useCausalMask(true).returnAttentionScores(true).dropout(0.1).seed(4L).name("gqa")
        .build();
    List<SymbolicTensor<?>> out = gqa.applyWithScores(x, v, null, null);
    var windowed = GroupQueryAttention.builder(2, 2, 1).useBias(false).slidingWindow(2)
        .name("window").build().apply(x);
    FloatNdArray xs = NdArrays.ofFloats(Shape.of(2, 5, 4));
    FloatNdArray vs = NdArrays.ofFloats(Shape.of(2, 3, 2));
    xs.scalars().forEachIndexed((i, s) -> s.setFloat((float) Math.sin(i[0] + 0.3 * i[1]
        + 0.7 * i[2])));
    vs.scalars().forEachIndexed((i, s) -> s.setFloat((float) Math.cos(i[0] - 0.2 * i[1]
        + 0.5 * i[2])));
    List<NdArray<?>> data = List.of(xs, vs);
    Path file = dir.resolve("gqa.lamina");
    List<NdArray<?>> before;
    try (Model model = Model.of(List.of(x, v), List.of(out.get(0), out.get(1), windowed))) {
      assertEquals("[-1, 4, 5, 3]", Arrays.toString(out.get(1).shape().asArray()));
      assertEquals("[-1, 5, 4]", Arrays.toString(out.get(0).shape().asArray()));
      // query 4x4x3 + 4x3, key 2x2x3 + 2x3, gate 4x4x3 + 4x3, value 2x2x3 + 2x3, output 4x3x4 + 4
      assertEquals(48 + 12 + 12 + 6 + 48 + 12 + 12 + 6 + 48 + 4, gqa.countParams());
      assertTrue(model.summary().contains("GroupQueryAttention"), model.summary());
      before = model.predict(data);
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      GroupQueryAttention gqa2 = (GroupQueryAttention) loaded.layers().stream()
          .filter(l -> l instanceof GroupQueryAttention g && g.numQueryHeads() == 4)
          .findFirst().orElseThrow();
      assertEquals(gqa.config(), gqa2.config());
      List<NdArray<?>> after = loaded.predict(data);
      for (int i = 0; i < before.size(); i++) {
        KerasLayerFixtures.assertClose(KerasLayerFixtures.floats(before.get(i)),
            KerasLayerFixtures.floats(after.get(i)), "output " + i + " after loading");
      }
    }
  }

  @Test
  void registeredUnderTheNameKerasFilesRecord() {
    assertEquals("GroupQueryAttention", AttentionTypes.GROUP_QUERY_ATTENTION.kerasClassName());
    assertEquals(AttentionTypes.GROUP_QUERY_ATTENTION,
        LayerTypes.byKerasClassName("GroupQueryAttention").orElseThrow());
  }

  @Test
  void callOptionsAreKerasCallArguments() {
    GroupQueryAttention gqa = new GroupQueryAttention(4, 2, 1);
    assertEquals(List.of("query", "value", "key", "attention_mask"), gqa.tensorParameters());
    assertEquals("value", gqa.fallback("key"));
    GroupQueryAttention causal = gqa.withCallOptions(Map.of("use_causal_mask", true,
        "return_attention_scores", true));
    assertEquals(true, causal.config().get("use_causal_mask"));
    assertEquals(true, causal.config().get("return_attention_scores"));
    assertMessage(() -> gqa.withCallOptions(Map.of("training", true)), "training");
  }

  @Test
  void badArgumentsNameTheArgument() {
    assertMessage(() -> new GroupQueryAttention(2, 3, 2), "num_query_heads must be divisible "
        + "by num_key_value_heads");
    assertMessage(() -> new GroupQueryAttention(0, 2, 2), "head_dim");
    assertMessage(() -> new GroupQueryAttention(2, 0, 1), "num_query_heads");
    assertMessage(() -> new GroupQueryAttention(2, 2, 0), "num_key_value_heads");
    assertMessage(() -> GroupQueryAttention.builder(2, 2, 1).dropout(1.0).build(), "dropout");
    assertMessage(() -> GroupQueryAttention.builder(2, 2, 1).slidingWindow(0).build(),
        "sliding_window");
    assertMessage(() -> GroupQueryAttention.builder(2, 2, 1).flashAttention(true).build(),
        "flash_attention");
    var q = Input.of(TFloat32.class, 4, 3);
    var v = Input.of(TFloat32.class, 6, 5);
    var k = Input.of(TFloat32.class, 7, 2);
    GroupQueryAttention gqa = GroupQueryAttention.builder(2, 2, 1).name("gqa").build();
    String m = assertMessage(() -> gqa.apply(q, v, k, null), "'gqa'");
    assertTrue(m.contains("key"), m);
    var rank4 = Input.of(TFloat32.class, 2, 3, 4);
    assertMessage(() -> gqa.apply(rank4, rank4), "rank 3");
  }

  private static String assertMessage(Supplier<?> action, String part) {
    var e = assertThrows(IllegalArgumentException.class, action::get);
    assertTrue(e.getMessage().contains(part), e.getMessage());
    return e.getMessage();
  }
}
