package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.layers.core.Embedding;
import dev.lamina.runtime.layers.normalization.BatchNormalization;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@link Layer.CallContext#inputMasks()}: a layer that declares {@link Layer#usesInputMasks()}
 * sees each input's mask in the inference and the training pass; a model builds a mask only if
 * a call reads it or it is an output.
 */
class CallContextMasksTest {

  @TempDir
  Path dir;

  private static final float[][] X = {{1, 2, 3}, {4, 5, 6}};
  private static final boolean[][] KEPT = {{true, false, true}, {false, true, true}};

  /** x * w where the mask keeps a position, 0 elsewhere; w a trainable scalar, first 1. */
  private static final class ZeroMasked extends Layer {
    final List<Boolean> trainingSeen = new ArrayList<>();

    ZeroMasked() {
      super(null);
    }

    @Override
    protected boolean usesInputMasks() {
      return true;
    }

    @Override
    protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
      if (weights().isEmpty()) {
        addWeight("w", Shape.of(1), Initializer.constant(1f), true);
      }
      return new OutputSpec<>(inputs.get(0).shape(), TFloat32.class);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
        CallContext context) {
      trainingSeen.add(context.training());
      assertEquals(1, context.inputMasks().size());
      Operand<TFloat32> x = tf.math.mul((Operand<TFloat32>) inputs.get(0), weights.get(0));
      Operand<TBool> mask = context.mask(0);
      return mask == null ? x : tf.select(mask, x, tf.zerosLike(x));
    }
  }

  /** Its first input, carrying its second as the mask; counts how often the mask is built. */
  private static final class WithMask extends Layer {
    final AtomicInteger maskBuilds = new AtomicInteger();

    WithMask() {
      super(null);
    }

    @Override
    protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
      return new OutputSpec<>(inputs.get(0).shape(), inputs.get(0).dtype());
    }

    @Override
    protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
      return (tf, in, masks) -> {
        maskBuilds.incrementAndGet();
        @SuppressWarnings("unchecked")
        Operand<TBool> mask = (Operand<TBool>) in.get(1);
        return tf.identity(mask);
      };
    }

    @Override
    protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
      return inputs.get(0);
    }
  }

  /** Reads no masks. */
  private static final class Plain extends Layer {
    Plain() {
      super(null);
    }

    @Override
    protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
      return new OutputSpec<>(inputs.get(0).shape(), inputs.get(0).dtype());
    }

    @Override
    protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
      return tf.identity(inputs.get(0));
    }
  }

  /** Declares no masks, yet asks for them. */
  private static final class Nosy extends Layer {
    Nosy() {
      super(null);
    }

    @Override
    protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
      return new OutputSpec<>(inputs.get(0).shape(), inputs.get(0).dtype());
    }

    @Override
    protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
        CallContext context) {
      context.inputMasks();
      return inputs.get(0);
    }
  }

  private static List<NdArray<?>> data() {
    FloatNdArray x = NdArrays.ofFloats(Shape.of(2, 3));
    NdArray<Boolean> m = NdArrays.ofBooleans(Shape.of(2, 3));
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        x.setFloat(X[i][j], i, j);
        m.setObject(KEPT[i][j], i, j);
      }
    }
    return List.of(x, m);
  }

  private static float[] flat(NdArray<?> array) {
    FloatNdArray floats = (FloatNdArray) array;
    float[] out = new float[(int) floats.size()];
    floats.copyTo(NdArrays.wrap(floats.shape(), DataBuffers.of(out, false, false)));
    return out;
  }

  @Test
  void aLayerThatReadsMasksSeesItsInputsMaskInPredictAndInTraining() {
    var x = Input.of(TFloat32.class, 3);
    var m = Input.of(TBool.class, 3);
    WithMask masking = new WithMask();
    ZeroMasked layer = new ZeroMasked();
    SymbolicTensor<?> y = layer.call(masking.call(x, m));
    try (Model model = Model.of(List.of(x, m), List.of(y))) {
      assertArrayEquals(new float[] {1, 0, 3, 0, 5, 6}, flat(model.predict(data()).get(0)));
      model.compile(new Sgd(0.01), Losses.get("mean_squared_error", false));
      // The training pass's forward values, before the step: mean of the kept squares.
      Map<String, Double> logs = model.trainOnBatch(data(), List.of(NdArrays.ofFloats(
          Shape.of(2, 3))));
      assertEquals((1 + 9 + 25 + 36) / 6.0, logs.get("loss"), 1e-5);
      assertTrue(layer.trainingSeen.contains(true), "built for the training pass");
      assertTrue(layer.trainingSeen.contains(false), "built for the inference pass");
    }
  }

  @Test
  void anInputWithoutAMaskGivesNull() {
    var x = Input.of(TFloat32.class, 3);
    try (Model model = Model.of(x, new ZeroMasked().call(x))) {
      FloatNdArray data = (FloatNdArray) data().get(0);
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, flat(model.predict(data)));
    }
  }

  @Test
  void aMaskNoCallReadsIsNotBuilt() {
    var x = Input.of(TFloat32.class, 3);
    var m = Input.of(TBool.class, 3);
    WithMask masking = new WithMask();
    SymbolicTensor<?> carried = masking.call(x, m);
    int traced = masking.maskBuilds.get(); // apply traces the mask function once
    SymbolicTensor<?> y = new Plain().call(carried);
    try (Model model = Model.of(List.of(x, m), List.of(y))) {
      model.predict(data());
      assertEquals(traced, masking.maskBuilds.get(), "mask built for a model that never uses it");
    }
    try (Model model = Model.of(List.of(x, m), List.of(new ZeroMasked().call(carried)))) {
      model.predict(data());
      assertEquals(traced + 1, masking.maskBuilds.get(), "mask built once for its reader");
    }
  }

  @Test
  void aLayerThatDoesNotDeclareItGetsAClearError() {
    var x = Input.of(TFloat32.class, 3);
    var m = Input.of(TBool.class, 3);
    SymbolicTensor<?> y = new Nosy().call(new WithMask().call(x, m));
    try (Model model = Model.of(List.of(x, m), List.of(y))) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> model.predict(data()));
      assertTrue(e.getMessage().contains("usesInputMasks()"), e.getMessage());
    }
  }

  /**
   * A registered masking layer (Embedding, mask_zero) into BatchNormalization, which reads the
   * mask: the model trains, saves and loads (the mask is made again by replaying the calls) and
   * predicts the same.
   */
  @Test
  void aModelWhoseLayersReadMasksSavesAndLoads() throws Exception {
    var ids = Input.of(TInt32.class, 4);
    var e = Embedding.builder(5, 2).maskZero(true).build().apply(ids);
    var y = new BatchNormalization().apply(e);
    assertTrue(y.mask().isPresent());
    var indices = NdArrays.wrap(Shape.of(2, 4), DataBuffers.of(new int[] {1, 2, 0, 0, 3, 4, 1,
        0}, true, false));
    Path file = dir.resolve("masked.lamina");
    float[] before;
    try (Model model = Model.of(ids, y)) {
      model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
      model.trainOnBatch(List.of(indices), List.of(NdArrays.ofFloats(Shape.of(2, 4, 2))));
      before = flat(model.predict(List.of(indices)).get(0));
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      assertArrayEquals(before, flat(loaded.predict(List.of(indices)).get(0)));
      assertFalse(loaded.summary().isEmpty());
    }
  }
}
