package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.CallReplay.Call;
import dev.lamina.runtime.CallReplay.Ref;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.core.Embedding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The one replay of layer calls (Lamina's files and the Keras importer use it): calls numbered
 * per layer in list order, applied in listed or dependency order, and each kind of bad reference
 * or cycle handed to the caller to phrase.
 */
class CallReplayTest {

  /** Applies calls to the layers by name, recording the order; errors are plain messages. */
  private static final class Recorder implements CallReplay.Handler<String, IllegalStateException> {
    final Map<String, Layer> layers;
    final List<Integer> applied = new ArrayList<>();

    Recorder(Map<String, Layer> layers) {
      this.layers = layers;
    }

    @Override
    public List<SymbolicTensor<?>> apply(int index, Call<String> call,
        List<SymbolicTensor<?>> inputs) {
      applied.add(index);
      return layers.get(call.layer()).callOutputs(inputs);
    }

    @Override
    public IllegalStateException unknownLayer(Ref<String> ref) {
      return new IllegalStateException("unknown " + ref.layer() + " at " + ref.where());
    }

    @Override
    public IllegalStateException noSuchCall(Ref<String> ref, int calls) {
      return new IllegalStateException("no call " + ref.call() + " of " + calls + " at "
          + ref.where());
    }

    @Override
    public IllegalStateException notMadeYet(Ref<String> ref) {
      return new IllegalStateException("not made " + ref.layer() + " " + ref.call() + " at "
          + ref.where());
    }

    @Override
    public IllegalStateException noSuchOutput(Ref<String> ref, int outputs) {
      return new IllegalStateException("no output " + ref.output() + " of " + outputs + " at "
          + ref.where());
    }

    @Override
    public IllegalStateException noMask(Ref<String> ref) {
      return new IllegalStateException("no mask at " + ref.where());
    }

    @Override
    public IllegalStateException cycle(int index, Call<String> call) {
      return new IllegalStateException("cycle at " + index + " " + call.where());
    }
  }

  private static Ref<String> ref(String layer, int call, String where) {
    return Ref.of(layer, call, 0, where);
  }

  private static Call<String> call(String layer, String where, Ref<String> input) {
    return new Call<>(layer, List.of(input), where);
  }

  @Test
  void callsListedOutOfOrderAreAppliedAsTheirInputsAllowTiesInListOrder() {
    var x = Input.of("x", TFloat32.class, 2);
    Dense a = Dense.builder(3).build();
    Dense b = Dense.builder(4).build();
    Dense c = Dense.builder(5).build();
    Recorder recorder = new Recorder(Map.of("a", a, "b", b, "c", c));
    // b uses a; c and a use x. Ready at first: a (listed 2nd) and c (3rd); a goes first, which
    // makes b (1st) ready, and the ready call listed first goes next: b, then c.
    var replay = CallReplay.inDependencyOrder(Map.of("x", x), List.of(
        call("b", "n0", ref("a", 0, "r0")),
        call("a", "n1", ref("x", 0, "r1")),
        call("c", "n2", ref("x", 0, "r2"))), recorder);
    assertEquals(List.of(1, 0, 2), recorder.applied);
    assertEquals(3, replay.resolutions());
    SymbolicTensor<?> out = replay.resolve(ref("b", 0, "out"));
    assertEquals(4, out.shape().get(1));
    assertSame(x, replay.resolve(ref("x", 0, "in")));
    assertSame(out, replay.outputs("b", 0).get(0));
  }

  @Test
  void aLayersCallsAreNumberedInListOrder() {
    var x = Input.of("x", TFloat32.class, 2);
    Dense shared = Dense.builder(2).build();
    Recorder recorder = new Recorder(Map.of("d", shared));
    var replay = CallReplay.inListedOrder(Map.of("x", x), List.of(
        call("d", "n0", ref("x", 0, "r0")),
        call("d", "n1", ref("d", 0, "r1"))), recorder);
    SymbolicTensor<?> first = replay.resolve(ref("d", 0, "o0"));
    SymbolicTensor<?> second = replay.resolve(ref("d", 1, "o1"));
    assertSame(first, second.producer().inputs().get(0));
    var e = assertThrows(IllegalStateException.class, () -> replay.resolve(ref("d", 2, "o2")));
    assertEquals("no call 2 of 2 at o2", e.getMessage());
  }

  @Test
  void aCycleIsHandedToTheCallerAtItsFirstCallInTheList() {
    var x = Input.of("x", TFloat32.class, 2);
    Recorder recorder = new Recorder(Map.of("a", Dense.builder(2).build(),
        "b", Dense.builder(2).build(), "c", Dense.builder(2).build()));
    var e = assertThrows(IllegalStateException.class, () -> CallReplay.inDependencyOrder(
        Map.of("x", x), List.of(
            call("c", "n0", ref("x", 0, "r0")),
            call("a", "n1", ref("b", 0, "r1")),
            call("b", "n2", ref("a", 0, "r2"))), recorder));
    assertEquals("cycle at 1 n1", e.getMessage());
    assertEquals(List.of(0), recorder.applied);
    // A call on its own output is a cycle too.
    var self = assertThrows(IllegalStateException.class, () -> CallReplay.inDependencyOrder(
        Map.of("x", x), List.of(call("a", "n0", ref("a", 0, "r0"))), recorder));
    assertEquals("cycle at 0 n0", self.getMessage());
  }

  @Test
  void inListedOrderAUseOfALaterOrOwnCallIsNotMadeYet() {
    var x = Input.of("x", TFloat32.class, 2);
    Recorder recorder = new Recorder(Map.of("a", Dense.builder(2).build(),
        "b", Dense.builder(2).build()));
    var later = assertThrows(IllegalStateException.class, () -> CallReplay.inListedOrder(
        Map.of("x", x), List.of(
            call("b", "n0", ref("a", 0, "r0")),
            call("a", "n1", ref("x", 0, "r1"))), recorder));
    assertEquals("not made a 0 at r0", later.getMessage());
    var own = assertThrows(IllegalStateException.class, () -> CallReplay.inListedOrder(
        Map.of("x", x), List.of(call("a", "n0", ref("a", 0, "r0"))), recorder));
    assertEquals("not made a 0 at r0", own.getMessage());
    assertTrue(recorder.applied.isEmpty());
  }

  @Test
  void badReferencesAreHandedToTheCaller() {
    var x = Input.of("x", TFloat32.class, 2);
    Recorder recorder = new Recorder(Map.of("a", Dense.builder(2).build()));
    for (boolean listed : new boolean[] {true, false}) {
      assertEquals("unknown zz at r0", replayFails(listed, x, recorder,
          call("a", "n0", ref("zz", 0, "r0"))));
      assertEquals("no call 1 of 1 at r0", replayFails(listed, x, recorder,
          call("a", "n0", ref("x", 1, "r0"))));
      assertEquals("no call -1 of 1 at r0", replayFails(listed, x, recorder,
          call("a", "n0", ref("x", -1, "r0"))));
      assertEquals("no output 1 of 1 at r0", replayFails(listed, x, recorder,
          call("a", "n0", Ref.of("x", 0, 1, "r0"))));
      assertEquals("no mask at r0", replayFails(listed, x, recorder,
          call("a", "n0", new Ref<>("x", 0, 0, true, "r0"))));
    }
    assertThrows(IllegalArgumentException.class, () -> CallReplay.inListedOrder(Map.of("x", x),
        List.of(call("x", "n0", ref("x", 0, "r0"))), recorder));
  }

  private static String replayFails(boolean listed, SymbolicTensor<?> x, Recorder recorder,
      Call<String> call) {
    return assertThrows(IllegalStateException.class, () -> {
      if (listed) {
        CallReplay.inListedOrder(Map.of("x", x), List.of(call), recorder);
      } else {
        CallReplay.inDependencyOrder(Map.of("x", x), List.of(call), recorder);
      }
    }).getMessage();
  }

  @Test
  void aReferenceToAMaskGivesTheMaskOfThatOutput() {
    var ids = Input.of("ids", TInt32.class, 3);
    Embedding embedding = Embedding.builder(5, 2).maskZero(true).build();
    Recorder recorder = new Recorder(Map.of("e", embedding));
    var replay = CallReplay.inListedOrder(Map.of("ids", ids),
        List.of(call("e", "n0", ref("ids", 0, "r0"))), recorder);
    SymbolicTensor<?> out = replay.resolve(ref("e", 0, "o"));
    assertSame(out.mask().orElseThrow(), replay.resolve(new Ref<>("e", 0, 0, true, "m")));
  }
}
