package dev.lamina.runtime.layers.rnn;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SeedStream;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.initializers.Initializers;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.layers.activations.Activation;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * What Keras 3's {@code RNN} layer does around its cell, for {@link SimpleRNN}, {@link LSTM} and
 * {@link GRU}: the time loop over {@code (batch, time, features)} float32 sequences, masks (a
 * masked step keeps the previous state and repeats the previous output, or gives zeros with
 * {@code zero_output_for_mask}, as Keras's backend {@code rnn} does), {@code go_backwards},
 * {@code return_sequences}, {@code return_state} (outputs {@code [output, *states]}, Keras's
 * order), initial states as extra inputs (Keras's {@code initial_state}) and the dropout masks
 * of {@code dropout} / {@code recurrent_dropout}, drawn once per call in {@code fit} only.
 *
 * <p>How the loop becomes a graph. TensorFlow Java differentiates through TensorFlow's C API,
 * which cannot differentiate a while loop (it aborts the process), so:
 *
 * <ul>
 *   <li>a known number of steps (a static time axis) is unrolled: one copy of the cell's ops per
 *       step, in {@code predict} and {@code fit} alike;
 *   <li>an unknown number (a {@code None} time axis) runs in a TensorFlow while loop in
 *       {@code predict} and {@code evaluate}, which gives the same numbers; in {@code fit} the
 *       loop is unrolled {@link Builder#maxSteps maxSteps} times (100 by default), the sequence
 *       padded to that length inside the graph and the padded steps masked out, so that any
 *       batch of at most {@code maxSteps} steps trains exactly as Keras does; a longer one fails
 *       the step with a message naming the layer.
 * </ul>
 *
 * <p>{@code stateful=True} is refused: Lamina's layers keep no state between batches.
 */
public abstract class RNN extends Layer {

  /** The unroll bound of {@code fit} on a time axis of unknown length, unless given. */
  public static final int DEFAULT_MAX_STEPS = 100;

  final int units;
  final String activation;
  final String recurrentActivation;
  final boolean useBias;
  final Initializer kernelInitializer;
  final Initializer recurrentInitializer;
  final Initializer biasInitializer;
  final Regularizer kernelRegularizer;
  final Regularizer recurrentRegularizer;
  final Regularizer biasRegularizer;
  final Regularizer activityRegularizer;
  final Constraint kernelConstraint;
  final Constraint recurrentConstraint;
  final Constraint biasConstraint;
  final double dropout;
  final double recurrentDropout;
  final Long seed;
  final boolean returnSequences;
  final boolean returnState;
  final boolean goBackwards;
  final boolean unroll;
  final boolean zeroOutputForMask;
  final int maxSteps;
  private long inputDim = -1;

  RNN(Builder<?, ?> b) {
    super(b.name);
    String kind = getClass().getSimpleName();
    if (b.units < 1) {
      throw new IllegalArgumentException(kind + " units must be at least 1, got " + b.units);
    }
    if (b.stateful) {
      throw new IllegalArgumentException(kind + ": stateful=True is not supported: Lamina's "
          + "layers keep no state from one batch to the next; pass the last states back as "
          + "initial states (return_state=True) instead");
    }
    for (double rate : new double[] {b.dropout, b.recurrentDropout}) {
      if (!(rate >= 0 && rate < 1)) {
        throw new IllegalArgumentException(kind + " dropout and recurrent_dropout must be in "
            + "[0, 1), got " + rate);
      }
    }
    if (b.maxSteps < 1) {
      throw new IllegalArgumentException(kind + " maxSteps must be at least 1, got "
          + b.maxSteps);
    }
    this.units = b.units;
    this.activation = b.activation;
    this.recurrentActivation = b.recurrentActivation;
    Activation.resolve(activation);
    Activation.resolve(recurrentActivation);
    this.useBias = b.useBias;
    this.kernelInitializer = b.kernelInitializer != null ? b.kernelInitializer
        : Initializers.glorotUniform((Long) null);
    this.recurrentInitializer = b.recurrentInitializer != null ? b.recurrentInitializer
        : Initializers.orthogonal(1.0, null);
    this.biasInitializer = b.biasInitializer != null ? b.biasInitializer : Initializer.zeros();
    this.kernelRegularizer = b.kernelRegularizer;
    this.recurrentRegularizer = b.recurrentRegularizer;
    this.biasRegularizer = b.biasRegularizer;
    this.activityRegularizer = b.activityRegularizer;
    this.kernelConstraint = b.kernelConstraint;
    this.recurrentConstraint = b.recurrentConstraint;
    this.biasConstraint = b.biasConstraint;
    this.dropout = b.dropout;
    this.recurrentDropout = b.recurrentDropout;
    this.seed = b.seed;
    this.returnSequences = b.returnSequences;
    this.returnState = b.returnState;
    this.goBackwards = b.goBackwards;
    this.unroll = b.unroll;
    this.zeroOutputForMask = b.zeroOutputForMask;
    this.maxSteps = b.maxSteps;
  }

  // --- what each cell says --------------------------------------------------------------------

  /** How many blocks of {@code units} columns the kernels have: 1, 4 (LSTM) or 3 (GRU). */
  abstract int gates();

  /** How many states of {@code units} the cell carries: 2 for LSTM ({@code h, c}), else 1. */
  abstract int stateCount();

  /** The bias's shape. */
  Shape biasShape() {
    return Shape.of((long) gates() * units);
  }

  /** The bias's initializer, from {@code bias_initializer}. */
  Initializer biasInitializerForBuild() {
    return biasInitializer;
  }

  /**
   * Whether {@code recurrent_dropout} makes Keras's cell use its implementation 1: one dropout
   * mask per gate, and split kernels.
   */
  boolean splitMasks() {
    return recurrentDropout != 0 && gates() > 1;
  }

  /**
   * One step of the cell from the input projection {@code xz} ({@code x · kernel} plus the input
   * bias, {@code (batch, gates * units)}) and the states; {@code recurrentMasks} null or one
   * (or one per gate) dropout mask of the recurrent input. Returns the output and new states.
   */
  abstract List<Operand<TFloat32>> step(Ops tf, Operand<TFloat32> xz,
      List<Operand<TFloat32>> states, Operand<TFloat32> recurrentKernel,
      Operand<TFloat32> bias, List<Operand<TFloat32>> recurrentMasks);

  /** Whether the input projection adds the whole bias (GRU with reset_after adds half of it). */
  Operand<TFloat32> inputBias(Ops tf, Operand<TFloat32> bias) {
    return bias;
  }

  /** The same layer under another name, direction and zero_output_for_mask: Bidirectional's. */
  abstract RNN copy(String name, boolean goBackwards, boolean zeroOutputForMask);

  // --- Keras's arguments ----------------------------------------------------------------------

  public int units() {
    return units;
  }

  public boolean returnSequences() {
    return returnSequences;
  }

  public boolean returnState() {
    return returnState;
  }

  public boolean goBackwards() {
    return goBackwards;
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("units", units);
    arguments.put("activation", activation);
    if (gates() > 1) {
      arguments.put("recurrent_activation", recurrentActivation);
    }
    arguments.put("use_bias", useBias);
    cellArguments(arguments);
    arguments.put("dropout", dropout);
    arguments.put("recurrent_dropout", recurrentDropout);
    arguments.put("return_sequences", returnSequences);
    arguments.put("return_state", returnState);
    arguments.put("go_backwards", goBackwards);
    arguments.put("unroll", unroll);
    return arguments;
  }

  /** The cell's own arguments (unit_forget_bias, reset_after). */
  void cellArguments(Map<String, Object> arguments) {}

  /**
   * What a saved model keeps: Keras's arguments, its initializers, regularizers and constraints
   * where set, the seed, {@code stateful}, {@code zero_output_for_mask}, and Lamina's {@code
   * max_steps} when it is not the default.
   */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>(arguments());
    config.put("stateful", false);
    config.put("zero_output_for_mask", zeroOutputForMask);
    config.put("seed", seed);
    Layers.putInitializer(config, "kernel_initializer", kernelInitializer);
    Layers.putInitializer(config, "recurrent_initializer", recurrentInitializer);
    Layers.putInitializer(config, "bias_initializer", biasInitializer);
    Layers.putRegularizer(config, "kernel_regularizer", kernelRegularizer);
    Layers.putRegularizer(config, "recurrent_regularizer", recurrentRegularizer);
    Layers.putRegularizer(config, "bias_regularizer", biasRegularizer);
    Layers.putRegularizer(config, "activity_regularizer", activityRegularizer);
    Layers.putConstraint(config, "kernel_constraint", kernelConstraint);
    Layers.putConstraint(config, "recurrent_constraint", recurrentConstraint);
    Layers.putConstraint(config, "bias_constraint", biasConstraint);
    if (maxSteps != DEFAULT_MAX_STEPS) {
      config.put("max_steps", maxSteps);
    }
    return config;
  }

  /** Keras keeps a recurrent layer's weights under its {@code cell}. */
  @Override
  public List<Map.Entry<String, Integer>> kerasWeightGroups() {
    return List.of(Map.entry("cell", weights().size()));
  }

  @Override
  public Regularizer activityRegularizer() {
    return activityRegularizer;
  }

  // --- shapes, weights, masks -----------------------------------------------------------------

  /** A weight the cell declares: Keras's name, shape, initializer, regularizer, constraint. */
  record WeightSpec(String name, Shape shape, Initializer initializer, Regularizer regularizer,
      Constraint constraint) {}

  /** The cell's weights for inputs of {@code inputDim} features, in Keras's order. */
  List<WeightSpec> weightSpecs(long inputDim) {
    List<WeightSpec> specs = new ArrayList<>();
    long width = (long) gates() * units;
    specs.add(new WeightSpec("kernel", Shape.of(inputDim, width), kernelInitializer,
        kernelRegularizer, kernelConstraint));
    specs.add(new WeightSpec("recurrent_kernel", Shape.of(units, width), recurrentInitializer,
        recurrentRegularizer, recurrentConstraint));
    if (useBias) {
      specs.add(new WeightSpec("bias", biasShape(), biasInitializerForBuild(), biasRegularizer,
          biasConstraint));
    }
    return specs;
  }

  /**
   * Checks a call's inputs ({@code sequences}, then the initial states if any) and returns the
   * number of input features.
   */
  long checkInputs(Layer who, List<SymbolicTensor<?>> inputs, int stateInputs) {
    if (inputs.size() != 1 && inputs.size() != 1 + stateInputs) {
      throw new IllegalArgumentException(who.describe() + " takes the sequences, or the "
          + "sequences and " + stateInputs + " initial state" + (stateInputs == 1 ? "" : "s")
          + ", got " + inputs.size() + " inputs");
    }
    SymbolicTensor<?> x = inputs.get(0);
    Shape shape = x.shape();
    if (x.dtype() != TFloat32.class) {
      throw new IllegalArgumentException(who.describe() + " takes float32 sequences, got "
          + Shapes.dtypeName(x.dtype()));
    }
    if (shape.isUnknown() || shape.numDimensions() != 3 || shape.get(2) == Shape.UNKNOWN_SIZE) {
      throw new IllegalArgumentException(who.describe() + " needs sequences of shape (batch, "
          + "time, features) with a known number of features, got " + Shapes.format(shape));
    }
    if (unroll && shape.get(1) == Shape.UNKNOWN_SIZE) {
      throw new IllegalArgumentException(who.describe() + ": cannot unroll an RNN whose time "
          + "axis is of unknown length, got " + Shapes.format(shape) + "; give the Input its "
          + "length");
    }
    for (int i = 1; i < inputs.size(); i++) {
      SymbolicTensor<?> state = inputs.get(i);
      Shape s = state.shape();
      if (state.dtype() != TFloat32.class || s.isUnknown() || s.numDimensions() != 2
          || s.get(1) != units) {
        throw new IllegalArgumentException(who.describe() + ": initial state " + (i - 1)
            + " must be float32 of shape (batch, " + units + "), got "
            + Shapes.format(s) + " " + Shapes.dtypeName(state.dtype()));
      }
    }
    return shape.get(2);
  }

  /** The output's shape, then each state's, for sequences of {@code shape}. */
  List<Shape> outputShapes(Shape shape) {
    List<Shape> shapes = new ArrayList<>();
    shapes.add(returnSequences ? Shape.of(shape.get(0), shape.get(1), units)
        : Shape.of(shape.get(0), units));
    if (returnState) {
      for (int i = 0; i < stateCount(); i++) {
        shapes.add(Shape.of(shape.get(0), units));
      }
    }
    return shapes;
  }

  @Override
  protected synchronized List<OutputSpec<?>> computeOutputs(List<SymbolicTensor<?>> inputs) {
    long dim = checkInputs(this, inputs, stateCount());
    if (inputDim >= 0 && inputDim != dim) {
      throw new IllegalArgumentException(describe() + " was built for sequences of " + inputDim
          + " features, got " + Shapes.format(inputs.get(0).shape()));
    }
    if (inputDim < 0) {
      inputDim = dim;
      for (WeightSpec spec : weightSpecs(dim)) {
        addWeight(spec.name(), spec.shape(), spec.initializer(), true, spec.regularizer(),
            spec.constraint());
      }
    }
    List<OutputSpec<?>> specs = new ArrayList<>();
    outputShapes(inputs.get(0).shape()).forEach(s -> specs.add(Layers.spec(s, TFloat32.class)));
    return specs;
  }

  @Override
  protected boolean usesInputMasks() {
    return true;
  }

  /** Keras's {@code compute_mask}: the input's mask for the sequence output, else none. */
  @Override
  protected List<MaskFunction> maskFunctions(List<SymbolicTensor<?>> inputs, int outputs) {
    List<MaskFunction> masks = new ArrayList<>(Collections.nCopies(outputs, null));
    if (returnSequences && inputs.get(0).mask().isPresent()) {
      masks.set(0, (tf, operands, inputMasks) -> tf.identity(inputMasks.get(0)));
    }
    return masks;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected List<Operand<?>> buildOutputs(Ops tf, List<Operand<?>> inputs,
      List<Operand<?>> weights, CallContext context) {
    List<Operand<TFloat32>> initial = new ArrayList<>();
    for (int i = 1; i < inputs.size(); i++) {
      initial.add((Operand<TFloat32>) inputs.get(i));
    }
    List<Operand<TFloat32>> w = new ArrayList<>();
    weights.forEach(o -> w.add((Operand<TFloat32>) o));
    List<Operand<TFloat32>> all = run(tf, (Operand<TFloat32>) inputs.get(0), context.mask(0),
        initial, w, context, describe());
    return new ArrayList<>(returnState ? all : all.subList(0, 1));
  }

  // --- the loop -------------------------------------------------------------------------------

  /**
   * The layer's computation: returns the output (the sequence or the last output) and the final
   * states. {@code mask} is a {@code (batch, time)} bool or null; {@code initial} empty for
   * zeros.
   */
  List<Operand<TFloat32>> run(Ops tf, Operand<TFloat32> x, Operand<TBool> mask,
      List<Operand<TFloat32>> initial, List<Operand<TFloat32>> weights, CallContext context,
      String who) {
    Operand<TFloat32> kernel = weights.get(0);
    Operand<TFloat32> recurrentKernel = weights.get(1);
    Operand<TFloat32> bias = useBias ? weights.get(2) : null;
    Operand<TInt64> batch = tf.slice(tf.shape(x, TInt64.class), tf.constant(new long[] {0}),
        tf.constant(new long[] {1}));
    List<Operand<TFloat32>> states = new ArrayList<>(initial);
    if (states.isEmpty()) {
      Operand<TFloat32> zeros = tf.fill(tf.concat(List.of(batch, tf.constant(new long[] {units})),
          tf.constant(0)), tf.constant(0f));
      for (int i = 0; i < stateCount(); i++) {
        states.add(zeros);
      }
    }
    // Keras's dropout masks: drawn once per call, input masks first, then recurrent ones.
    int perKind = splitMasks() ? gates() : 1;
    boolean inputDrop = context.training() && dropout > 0;
    boolean recurrentDrop = context.training() && recurrentDropout > 0;
    int draws = (dropout > 0 ? perKind : 0) + (recurrentDropout > 0 ? perKind : 0);
    int draw = 0;
    List<Operand<TFloat32>> inputMasks = null;
    List<Operand<TFloat32>> recurrentMasks = null;
    SeedStream seeds = context.seeds();
    if (inputDrop) {
      // The kernel's rows, not inputDim: Bidirectional's halves are never built themselves.
      Operand<TInt64> shape = tf.concat(List.of(batch,
          tf.constant(new long[] {kernel.shape().get(0)})), tf.constant(0));
      inputMasks = new ArrayList<>();
      for (int g = 0; g < perKind; g++) {
        inputMasks.add(dropoutMask(tf, shape, dropout,
            seed != null ? seeds.nextOfGenerator(seed, draws, draw++) : seeds.next()));
      }
    }
    if (recurrentDrop) {
      Operand<TInt64> shape = tf.concat(List.of(batch, tf.constant(new long[] {units})),
          tf.constant(0));
      recurrentMasks = new ArrayList<>();
      for (int g = 0; g < perKind; g++) {
        recurrentMasks.add(dropoutMask(tf, shape, recurrentDropout,
            seed != null ? seeds.nextOfGenerator(seed, draws, draw++) : seeds.next()));
      }
    }
    // The input projection of every step at once: (batch, time, gates * units).
    Operand<TFloat32> xz = project(tf, x, kernel, bias, inputMasks);
    Operand<TFloat32> steps = tf.linalg.transpose(xz, tf.constant(new int[] {1, 0, 2}));
    Operand<TBool> stepMask = mask == null ? null
        : tf.linalg.transpose(mask, tf.constant(new int[] {1, 0}));
    if (goBackwards) {
      steps = TimeSteps.backwards(tf, steps, 0);
      stepMask = TimeSteps.backwards(tf, stepMask, 0);
    }
    long time = x.shape().get(1);
    if (time == Shape.UNKNOWN_SIZE && !context.training()) {
      return looped(tf, steps, stepMask, states, recurrentKernel, bias);
    }
    List<Operand<TFloat32>> dropMasks = recurrentMasks;
    return TimeSteps.run(tf, steps, stepMask, 0, time, maxSteps,
        new long[] {-1, (long) gates() * units}, new long[] {units}, states, returnSequences,
        zeroOutputForMask, who, "the steps fit unrolls a time axis of unknown length to",
        (t, xt, current) -> step(t, xt, current, recurrentKernel, bias, dropMasks));
  }

  /** {@code stateless_dropout(ones, rate, seed)}, as Keras's TensorFlow backend draws it. */
  static Operand<TFloat32> dropoutMask(Ops tf, Operand<TInt64> shape, double rate,
      Operand<TInt64> seed) {
    Operand<TFloat32> uniform = tf.random.statelessRandomUniform(shape, seed, TFloat32.class);
    Operand<TFloat32> keep = tf.dtypes.cast(tf.math.greaterEqual(uniform,
        tf.constant((float) rate)), TFloat32.class);
    Operand<TFloat32> ones = tf.onesLike(uniform);
    return tf.math.mul(tf.math.mul(ones, tf.constant((float) (1 / (1 - rate)))), keep);
  }

  /** {@code x · kernel + input bias} for all steps, with the input dropout masks. */
  private Operand<TFloat32> project(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel,
      Operand<TFloat32> bias, List<Operand<TFloat32>> masks) {
    // The kernel's rows: the input's static shape may have lost the feature count (a
    // TimeDistributed before this layer reshapes through the run-time shape).
    long dim = kernel.shape().get(0);
    Operand<TInt64> shape = tf.shape(x, TInt64.class);
    List<Operand<TFloat32>> parts = new ArrayList<>();
    List<Operand<TFloat32>> kernels = masks != null && masks.size() > 1
        ? split(tf, kernel, masks.size(), 1) : List.of(kernel);
    for (int g = 0; g < kernels.size(); g++) {
      Operand<TFloat32> xs = x;
      if (masks != null) {
        xs = tf.math.mul(x, tf.expandDims(masks.get(g), tf.constant(1)));
      }
      Operand<TFloat32> flat = tf.reshape(xs, tf.constant(new long[] {-1, dim}));
      parts.add(tf.linalg.matMul(flat, kernels.get(g)));
    }
    Operand<TFloat32> z = parts.size() == 1 ? parts.get(0) : tf.concat(parts, tf.constant(1));
    Operand<TFloat32> b = bias == null ? null : inputBias(tf, bias);
    if (b != null) {
      z = tf.math.add(z, b);
    }
    Operand<TInt64> outShape = tf.concat(List.of(
        tf.slice(shape, tf.constant(new long[] {0}), tf.constant(new long[] {2})),
        tf.constant(new long[] {(long) gates() * units})), tf.constant(0));
    return tf.reshape(z, outShape);
  }

  static List<Operand<TFloat32>> split(Ops tf, Operand<TFloat32> x, int parts, int axis) {
    List<Operand<TFloat32>> out = new ArrayList<>();
    tf.split(tf.constant(axis), x, (long) parts).output().forEach(out::add);
    return out;
  }

  /**
   * {@code predict} on a time axis of unknown length: a TensorFlow while loop (TensorFlow's C
   * API builds it; it is never differentiated).
   */
  @SuppressWarnings("unchecked")
  private List<Operand<TFloat32>> looped(Ops tf, Operand<TFloat32> steps,
      Operand<TBool> stepMask, List<Operand<TFloat32>> states, Operand<TFloat32> recurrentKernel,
      Operand<TFloat32> bias) {
    Operand<TInt32> length = tf.reshape(tf.slice(tf.shape(steps), tf.constant(new int[] {0}),
        tf.constant(new int[] {1})), tf.constant(new int[0]));
    Operand<TFloat32> zeroOut = tf.zerosLike(states.get(0));
    Operand<TInt32> accShape = tf.concat(List.of(tf.reshape(length, tf.constant(new int[] {1})),
        tf.shape(zeroOut)), tf.constant(0));
    Operand<TFloat32> acc = tf.fill(accShape, tf.constant(0f));
    Operand<TBool> maskArg = stepMask != null ? stepMask : tf.constant(false);
    Operand<TFloat32> biasArg = bias != null ? bias : tf.constant(0f);
    List<Output<?>> loop = new ArrayList<>();
    loop.add(tf.constant(0).asOutput()); // 0: step
    loop.add(length.asOutput()); // 1
    loop.add(steps.asOutput()); // 2
    loop.add(maskArg.asOutput()); // 3
    loop.add(recurrentKernel.asOutput()); // 4
    loop.add(biasArg.asOutput()); // 5
    loop.add(zeroOut.asOutput()); // 6: previous output
    loop.add(acc.asOutput()); // 7: outputs so far
    int first = loop.size();
    states.forEach(s -> loop.add(s.asOutput())); // 8...: states
    boolean masked = stepMask != null;
    boolean withBias = bias != null;
    // The real graph (a model's Ops may build through a delegate environment).
    if (!(steps.env() instanceof Graph graph)) {
      throw new IllegalStateException(getClass().getSimpleName() + " runs a time axis of "
          + "unknown length in a TensorFlow while loop, which needs a graph, not "
          + steps.env());
    }
    String name = tf.scope().makeOpName("rnn_loop");
    Output<?>[] out = graph.whileLoop(loop.toArray(new Output<?>[0]),
        (g, in, cond) -> {
          Ops c = Ops.create(g);
          cond[0] = c.math.less((Operand<TInt32>) in[0], (Operand<TInt32>) in[1]).asOutput();
        },
        (g, in, body) -> {
          Ops b = Ops.create(g);
          Operand<TInt32> t = (Operand<TInt32>) in[0];
          Operand<TFloat32> xt = b.gather((Operand<TFloat32>) in[2], t, b.constant(0));
          List<Operand<TFloat32>> current = new ArrayList<>();
          for (int i = first; i < in.length; i++) {
            current.add((Operand<TFloat32>) in[i]);
          }
          List<Operand<TFloat32>> result = step(b, xt, current, (Operand<TFloat32>) in[4],
              withBias ? (Operand<TFloat32>) in[5] : null, null);
          if (masked) {
            result = TimeSteps.masked(b, b.gather((Operand<TBool>) in[3], t, b.constant(0)),
                result, (Operand<TFloat32>) in[6], current, zeroOutputForMask);
          }
          Operand<TFloat32> output = result.get(0);
          List<Operand<TFloat32>> next = result.subList(1, result.size());
          Operand<TFloat32> written = b.tensorScatterNdUpdate((Operand<TFloat32>) in[7],
              b.reshape(t, b.constant(new int[] {1, 1})), b.expandDims(output, b.constant(0)));
          body[0] = b.math.add(t, b.constant(1)).asOutput();
          for (int i = 1; i <= 5; i++) {
            body[i] = in[i];
          }
          body[6] = output.asOutput();
          body[7] = written.asOutput();
          for (int i = 0; i < next.size(); i++) {
            body[first + i] = next.get(i).asOutput();
          }
        }, name);
    List<Operand<TFloat32>> result = new ArrayList<>();
    Shape state = Shape.of(Shape.UNKNOWN_SIZE, units);
    if (returnSequences) {
      Operand<TFloat32> all = tf.linalg.transpose((Operand<TFloat32>) out[7],
          tf.constant(new int[] {1, 0, 2}));
      result.add(tf.ensureShape(all, Shape.of(Shape.UNKNOWN_SIZE, Shape.UNKNOWN_SIZE, units)));
    } else {
      result.add(tf.ensureShape((Operand<TFloat32>) out[6], state));
    }
    for (int i = first; i < out.length; i++) {
      result.add(tf.ensureShape((Operand<TFloat32>) out[i], state));
    }
    return result;
  }

  // --- the builder ----------------------------------------------------------------------------

  /** Keras's arguments common to the recurrent layers, with Keras's defaults. */
  public abstract static class Builder<B extends Builder<B, L>, L extends RNN>
      extends RecurrentBuilder<B> {
    final int units;
    String recurrentActivation = "sigmoid";

    Builder(int units) {
      this.units = units;
    }

    public abstract L build();
  }

  /** Copies the common arguments of {@code from} into {@code to}, with another direction. */
  static <B extends Builder<B, ?>> B copyInto(RNN from, B to, String name, boolean goBackwards,
      boolean zeroOutputForMask) {
    to.name = name;
    to.activation = from.activation;
    to.recurrentActivation = from.recurrentActivation;
    to.useBias = from.useBias;
    to.kernelInitializer = from.kernelInitializer;
    to.recurrentInitializer = from.recurrentInitializer;
    to.biasInitializer = from.biasInitializer;
    to.kernelRegularizer = from.kernelRegularizer;
    to.recurrentRegularizer = from.recurrentRegularizer;
    to.biasRegularizer = from.biasRegularizer;
    to.activityRegularizer = from.activityRegularizer;
    to.kernelConstraint = from.kernelConstraint;
    to.recurrentConstraint = from.recurrentConstraint;
    to.biasConstraint = from.biasConstraint;
    to.dropout = from.dropout;
    to.recurrentDropout = from.recurrentDropout;
    to.seed = from.seed;
    to.returnSequences = from.returnSequences;
    to.returnState = from.returnState;
    to.goBackwards = goBackwards;
    to.unroll = from.unroll;
    to.zeroOutputForMask = zeroOutputForMask;
    to.maxSteps = from.maxSteps;
    return to;
  }
}
