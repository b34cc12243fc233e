package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.registry.LayerType;
import dev.lamina.runtime.registry.LayerTypes;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.DoubleNdArray;
import org.tensorflow.ndarray.LongNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Weights of other dtypes than float32, through a layer type written here as a user writes one:
 * an int64 counter that {@code fit} updates through {@link Layer.CallContext#update} and a
 * float64 scale, kept exact by fit, predict, save and load.
 */
class TypedWeightsTest {

  @TempDir
  Path dir;

  /**
   * {@code x * float32(scale)}, and in training {@code seen += batch size}: Keras's pattern of a
   * non-trainable int64 counter ({@code add_weight(dtype="int64", trainable=False)} and
   * {@code assign_add} in {@code call}) beside a float64 weight.
   */
  static final class SampleCounter extends Layer {
    static final LayerType<SampleCounter> TYPE = LayerType.of("SampleCounter",
        "lamina_test>SampleCounter", SampleCounter.class,
        (name, config) -> new SampleCounter(name));

    static {
      LayerTypes.register(TYPE);
    }

    SampleCounter(String name) {
      super(name);
    }

    @Override
    protected synchronized OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
      long features = inputs.get(0).shape().get(1);
      if (weights().isEmpty()) {
        addWeight("seen", Shape.scalar(), TInt64.class, Initializer.zeros(), false);
        addWeight("scale", Shape.of(features), TFloat64.class, Initializer.ones(), false);
      }
      return new OutputSpec<>(inputs.get(0).shape(), TFloat32.class);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
        CallContext context) {
      Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
      Operand<TInt64> seen = weight(weights, 0, TInt64.class);
      Operand<TFloat64> scale = weight(weights, 1, TFloat64.class);
      if (context.training()) {
        Operand<TInt64> batch = tf.gather(tf.shape(x, TInt64.class), tf.constant(0),
            tf.constant(0));
        context.update(weights().get(0), tf.math.add(seen, batch));
      }
      return tf.math.mul(x, tf.dtypes.cast(scale, TFloat32.class));
    }
  }

  /** 1/3 and 0.1 in double precision: neither is a float32, so a float32 detour would show. */
  private static final double[] SCALE = {1.0 / 3, 0.1};

  private static DoubleNdArray scale() {
    return NdArrays.wrap(Shape.of(2), DataBuffers.of(SCALE.clone(), true, false));
  }

  private static long seen(Weight weight) {
    return ((LongNdArray) weight.array()).getLong();
  }

  @Test
  void anInt64CounterCountsSamplesInFitAndAFloat64WeightStaysExact() throws Exception {
    var x = Input.of(TFloat32.class, 2);
    var counter = new SampleCounter("counter");
    var scaled = counter.call(x);
    Dense head = Dense.builder(1).kernel(new float[][] {{1}, {1}}).bias(new float[] {0}).build();
    Weight seen = counter.weights().get(0);
    Weight scale = counter.weights().get(1);
    assertEquals("int64", seen.dtype());
    assertEquals(TInt64.class, seen.dtypeClass());
    assertEquals("float64", scale.dtype());
    assertEquals(TFloat64.class, scale.dtypeClass());
    scale.assign(scale());
    float[][] features = new float[10][2];
    float[][] targets = new float[10][1];
    for (int i = 0; i < 10; i++) {
      features[i][0] = i;
      features[i][1] = -i;
    }
    Path file = dir.resolve("typed.lamina");
    float[][] predicted;
    try (Model model = Model.of(x, head.call(scaled)); Model scaledOnly = Model.of(x, scaled)) {
      model.compile(new Sgd(0.01), Losses.meanSquaredError());
      // 10 samples in batches of 4 (4, 4, 2) for 3 epochs: 30 samples seen.
      model.fit(features, targets, new FitOptions().epochs(3).batchSize(4).verbose(0));
      assertEquals(30L, seen(seen));
      assertEquals(scale(), scale.array()); // non-trainable and never updated: as assigned
      // Evaluate and predict run training off: the counter stays.
      model.evaluate(features, targets);
      predicted = scaledOnly.predict(features, float[][].class);
      assertEquals(30L, seen(seen));
      // float32(1/3) * x and float32(0.1) * x, in float32 as TensorFlow multiplies.
      for (int i = 0; i < 10; i++) {
        assertEquals((float) (1.0 / 3) * i, predicted[i][0]);
        assertEquals((float) 0.1 * -i, predicted[i][1]);
      }
      model.trainOnBatch(new float[][] {{1, 1}}, new float[][] {{0}});
      assertEquals(31L, seen(seen));
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      List<Weight> weights = loaded.weights();
      assertEquals(31L, seen(weights.get(0)));
      assertEquals(scale(), weights.get(1).array()); // bitwise: equals compares the doubles
      try (Model scaledOnly = Model.of(loaded.inputs().get(0),
          loaded.getLayer("counter").call(loaded.inputs().get(0)))) {
        assertArrayEquals(predicted[3], scaledOnly.predict(features, float[][].class)[3]);
      }
      // Training resumes from the saved count.
      loaded.fit(features, targets, new FitOptions().epochs(1).batchSize(5).verbose(0));
      assertEquals(41L, seen(weights.get(0)));
      List<NdArray<?>> arrays = loaded.getWeightArrays();
      assertInstanceOf(LongNdArray.class, arrays.get(0));
      assertInstanceOf(DoubleNdArray.class, arrays.get(1));
    }
  }

  @Test
  void theFloat32ApiRefusesOtherDtypesAndTheGeneralOneTakesThem() {
    var x = Input.of(TFloat32.class, 2);
    var counter = new SampleCounter(null);
    try (Model model = Model.of(x, counter.call(x))) {
      Weight seen = counter.weights().get(0);
      var e = assertThrows(IllegalStateException.class, seen::values);
      assertTrue(e.getMessage().contains("weight 'seen' is int64; values() is for float32 "
          + "weights: use array()"), e.getMessage());
      e = assertThrows(IllegalStateException.class, model::getWeights);
      assertTrue(e.getMessage().contains("use getWeightArrays()"), e.getMessage());
      var wrongType = assertThrows(IllegalArgumentException.class,
          () -> seen.assign((NdArray<?>) NdArrays.scalarOf(1f)));
      assertTrue(wrongType.getMessage().contains("is int64; pass a LongNdArray"),
          wrongType.getMessage());
      model.setWeightArrays(List.of(NdArrays.scalarOf(7L), scale()));
      assertEquals(7L, seen(seen));
      // Predict pushes the new float64 values into the model's variables.
      float[][] y = model.predict(new float[][] {{3, 10}}, float[][].class);
      assertArrayEquals(new float[] {(float) (1.0 / 3) * 3, (float) 0.1 * 10}, y[0]);
    }
  }

  /** A layer declaring what Keras does not allow, or Lamina does not hold. */
  static final class Declares extends Layer {
    private final Runnable declare;

    Declares(java.util.function.Consumer<Declares> declare) {
      super(null);
      this.declare = () -> declare.accept(this);
    }

    void add(String name, Class<? extends org.tensorflow.types.family.TType> dtype,
        boolean trainable) {
      addWeight(name, Shape.of(2), dtype, Initializer.zeros(), trainable);
    }

    void addWithInitializer() {
      addWeight("n", Shape.of(2), TInt64.class, Initializer.constant(0.5f), false);
    }

    @Override
    protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
      return inputs.get(0);
    }

    @Override
    protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
      declare.run();
      return new OutputSpec<>(inputs.get(0).shape(), TFloat32.class);
    }
  }

  @Test
  void badDeclarationsAreRefusedNamingTheLayerAndWeight() {
    var x = Input.of(TFloat32.class, 2);
    var trainableInt = assertThrows(IllegalArgumentException.class,
        () -> new Declares(l -> l.add("steps", TInt32.class, true)).call(x));
    assertTrue(trainableInt.getMessage().contains("weight 'steps' is int32; a trainable weight "
        + "must be floating"), trainableInt.getMessage());
    var half = assertThrows(IllegalArgumentException.class,
        () -> new Declares(l -> l.add("w", TFloat16.class, false)).call(x));
    assertTrue(half.getMessage().contains("weight 'w' is float16; weights are float32, "
        + "float64, int32 or int64"), half.getMessage());
    var fraction = new Declares(l -> l.addWithInitializer());
    fraction.call(x);
    var e = assertThrows(IllegalStateException.class, () -> fraction.weights().get(0).array());
    assertTrue(e.getMessage().contains("the initializer of int64 weight 'n' gave value 0 is "
        + "0.5, which an integer dtype cannot hold"), e.getMessage());
  }

  @Test
  void aTrainableFloat64WeightIsRefusedAtCompileUntilFrozen() {
    var x = Input.of(TFloat32.class, 2);
    var layer = new Declares(l -> l.add("w", TFloat64.class, true));
    try (Model model = Model.of(x, layer.call(x))) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> model.compile(new Sgd(0.1), Losses.meanSquaredError()));
      assertTrue(e.getMessage().contains("is trainable and float64; Lamina's optimizers train "
          + "float32 weights only"), e.getMessage());
      layer.setTrainable(false);
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
    }
  }

  /**
   * A SavedModel of a layer with int64 and float64 weights: the variables keep their dtypes
   * (TensorFlow's own loader restores them), the conventions hold, and it serves what Lamina
   * predicts: {@code x * float32(scale)}.
   */
  @Test
  void aSavedModelKeepsEachVariablesDtype() throws Exception {
    var x = Input.of("features", TFloat32.class, 2);
    var counter = new SampleCounter("counter");
    Path export = dir.resolve("typed-export");
    try (Model model = Model.of(x, counter.call(x))) {
      counter.weights().get(0).assign(NdArrays.scalarOf(12L));
      counter.weights().get(1).assign(scale());
      model.exportSavedModel(export);
    }
    SavedModelConventions.assertFollowed(export);
    try (var bundle = org.tensorflow.SavedModelBundle.load(export.toString(), "serve");
        var input = TFloat32.tensorOf(org.tensorflow.ndarray.StdArrays.ndCopyOf(
            new float[][] {{3, 10}}));
        var result = bundle.function("serving_default").call(Map.of("features", input))) {
      TFloat32 served = (TFloat32) result.get("counter").orElseThrow();
      assertEquals((float) (1.0 / 3) * 3, served.getFloat(0, 0));
      assertEquals((float) 0.1 * 10, served.getFloat(0, 1));
      // The restored variables, read in TensorFlow's own session: int64 12 and the doubles.
      try (var read = bundle.session().runner().fetch("weights/read0").fetch("weights/read1")
          .run()) {
        assertEquals(12L, ((org.tensorflow.types.TInt64) read.get(0)).getLong());
        assertEquals(scale(), read.get(1));
      }
    }
  }
}
