package dev.lamina.runtime.layers.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.WithMask;
import dev.lamina.runtime.registry.LayerTypes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras 3 as the oracle for Identity ({@code tools/keras_core_layer_fixtures.py}, {@code
 * core_layers.json}): read from Keras's config through its registered type, it gives back what
 * Keras gave back (float32 and int32 inputs) and Keras's mask; again after a save and load.
 */
class IdentityTest {

  static final String FIXTURE = "core_layers.json";

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    return KerasLayerFixtures.cases(FIXTURE, "Identity");
  }

  /** The case's layer applied to its input (with its mask, where Keras had one). */
  private record Applied(Layer layer, List<SymbolicTensor<?>> inputs, SymbolicTensor<?> y,
      List<NdArray<?>> feeds) {}

  private static Applied apply(JsonObject c) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(c);
    JsonObject in = c.requireArray("inputs").requireObject(0);
    SymbolicTensor<?> x = KerasLayerFixtures.input(in);
    List<SymbolicTensor<?>> inputs = new ArrayList<>(List.of(x));
    List<NdArray<?>> feeds = new ArrayList<>(List.of(KerasLayerFixtures.array(in)));
    SymbolicTensor<?> arg = x;
    if (c.containsKey("input_masks")) {
      JsonObject mask = c.requireArray("input_masks").requireObject(0);
      long[] shape = mask.requireArray("shape").longs();
      var m = Input.of(TFloat32.class, java.util.Arrays.copyOfRange(shape, 1, shape.length));
      @SuppressWarnings("unchecked")
      SymbolicTensor<TFloat32> xf = (SymbolicTensor<TFloat32>) x;
      arg = new WithMask().apply(xf, m);
      inputs.add(m);
      int[] bits = mask.requireArray("values").ints();
      float[] values = new float[bits.length];
      for (int i = 0; i < bits.length; i++) {
        values[i] = bits[i];
      }
      feeds.add(NdArrays.wrap(Shape.of(shape), DataBuffers.of(values, true, false)));
    }
    return new Applied(layer, inputs, layer.call(arg), feeds);
  }

  private static void assertOutputs(JsonObject c, Model model, List<NdArray<?>> feeds,
      String what) throws IOException {
    List<NdArray<?>> results = model.predict(feeds);
    JsonObject expected = c.requireObject("outputs").requireArray("inference").requireObject(0);
    assertEquals(Shape.of(expected.requireArray("shape").longs()), results.get(0).shape(), what);
    if (expected.requireString("dtype").equals("int32")) {
      IntNdArray ints = (IntNdArray) results.get(0);
      int[] lamina = new int[Math.toIntExact(ints.size())];
      ints.copyTo(NdArrays.wrap(ints.shape(), DataBuffers.of(lamina, false, false)));
      assertArrayEquals(expected.requireArray("values").ints(), lamina, what);
    } else {
      // passed through: the very same floats
      assertArrayEquals(expected.requireArray("values").floats(),
          KerasLayerFixtures.floats(results.get(0)), what);
    }
    if (c.containsKey("mask")) {
      int[] keras = c.requireObject("mask").requireArray("values").ints();
      boolean[] lamina = KerasLayerFixtures.booleans(results.get(1));
      assertEquals(keras.length, lamina.length, what + ": mask size");
      for (int i = 0; i < keras.length; i++) {
        assertEquals(keras[i] != 0, lamina[i], what + ": mask[" + i + "]");
      }
    }
  }

  private static List<SymbolicTensor<?>> outputs(JsonObject c, SymbolicTensor<?> y) {
    if (c.containsKey("mask")) {
      return List.of(y, y.mask().orElseThrow(() -> new AssertionError("no mask; Keras's has one")));
    }
    assertTrue(y.mask().isEmpty(), "a mask; Keras's has none");
    return List.of(y);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void givesBackWhatKerasGaveBack(String id, JsonObject c) throws IOException {
    Applied a = apply(c);
    SymbolicTensor<?> x = a.inputs().get(0);
    assertEquals(x.shape(), a.y().shape(), id);
    assertEquals(x.dtype(), a.y().dtype(), id);
    assertTrue(a.layer().weights().isEmpty());
    try (Model model = Model.of(a.inputs(), outputs(c, a.y()))) {
      assertOutputs(c, model, a.feeds(), id);
    }
  }

  /** The cases without a mask: the test's mask layer is no type a file can name. */
  static Stream<Arguments> unmaskedCases() throws IOException {
    return cases().filter(a -> !((JsonObject) a.get()[1]).containsKey("input_masks"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unmaskedCases")
  void savesAndLoads(String id, JsonObject c) throws IOException {
    Applied a = apply(c);
    Path file = dir.resolve("identity.lamina");
    try (Model model = Model.of(a.inputs(), outputs(c, a.y()))) {
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      Layer back = loaded.layers().stream().filter(l -> l instanceof Identity).findFirst()
          .orElseThrow();
      assertEquals(Map.of(), back.config());
      assertEquals("identity", back.explicitName().orElseThrow());
      assertOutputs(c, loaded, a.feeds(), id + " after loading");
      assertTrue(loaded.summary().contains("(Identity)"), loaded.summary());
    }
  }

  /** Called on several tensors, as Keras on a list: each comes back, with its own mask. */
  @Test
  void passesEachOfSeveralInputsWithItsMask() throws IOException {
    var a = Input.of(TFloat32.class, 3);
    var b = Input.of(TInt32.class, 2, 2);
    var m = Input.of(TFloat32.class);
    var masked = new WithMask().apply(a, m);
    List<SymbolicTensor<?>> out = new Identity("both").callOutputs(masked, b);
    assertEquals(2, out.size());
    assertEquals(a.shape(), out.get(0).shape());
    assertEquals(TInt32.class, out.get(1).dtype());
    assertTrue(out.get(0).mask().isPresent());
    assertTrue(out.get(1).mask().isEmpty());
    try (Model model = Model.of(List.of(a, b, m), List.of(out.get(0), out.get(1),
        out.get(0).mask().orElseThrow()))) {
      float[] av = {1, -2, 3, 4, 5, 6};
      int[] bv = {1, 2, 3, 4, 5, 6, 7, 8};
      List<NdArray<?>> results = model.predict(List.of(
          NdArrays.wrap(Shape.of(2, 3), DataBuffers.of(av, true, false)),
          NdArrays.wrap(Shape.of(2, 2, 2), DataBuffers.of(bv, true, false)),
          NdArrays.wrap(Shape.of(2), DataBuffers.of(new float[] {0, 2}, true, false))));
      assertArrayEquals(av, KerasLayerFixtures.floats(results.get(0)));
      int[] bOut = new int[8];
      ((IntNdArray) results.get(1)).copyTo(NdArrays.wrap(Shape.of(2, 2, 2),
          DataBuffers.of(bOut, false, false)));
      assertArrayEquals(bv, bOut);
      assertArrayEquals(new boolean[] {false, true},
          KerasLayerFixtures.booleans(results.get(2)));
    }
  }

  @Test
  void isRegisteredUnderKerassName() {
    assertEquals(Identity.class, LayerTypes.byKerasClassName("Identity").orElseThrow()
        .layerClass());
    assertEquals("identity", new Identity().defaultName());
    assertEquals("Identity 'identity'", new Identity().describe());
    var x = Input.of(TFloat32.class, 2);
    var e = assertThrows(IllegalArgumentException.class,
        () -> new Identity().call(x, x));
    assertTrue(e.getMessage().contains("callOutputs"), e.getMessage());
  }
}
