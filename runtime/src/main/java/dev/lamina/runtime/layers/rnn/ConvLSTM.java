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
import dev.lamina.runtime.layers.convolutional.ConvolutionOps;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras 3's {@code ConvLSTM1D}, {@code ConvLSTM2D} and {@code ConvLSTM3D} (channels_last): an LSTM
 * whose input and recurrent transformations are convolutions (3D's computed as {@code Conv3D}'s,
 * with ops TensorFlow's C API differentiates). Inputs {@code (batch, time, spatial..., channels)};
 * weights {@code kernel (kernel_size..., channels, 4 filters)}, {@code recurrent_kernel
 * (kernel_size..., filters, 4 filters)} and {@code bias (4 filters)}, gates {@code i, f, c, o},
 * kept under {@code cell} in Keras's files. The input convolution has the layer's {@code strides},
 * {@code padding} and {@code dilation_rate}; the recurrent one is stride 1, {@code same}. States
 * {@code [h, c]} of shape {@code (batch, output spatial..., filters)}.
 *
 * <p>The steps are unrolled, so that {@code fit} differentiates them: a known number of steps
 * exactly, an unknown one (a {@code None} time axis) to {@link Builder#maxSteps maxSteps} (100
 * by default), the sequences padded to that length inside the graph and the padded steps
 * keeping output and states, in {@code predict} and {@code fit} alike; a longer batch fails
 * naming the layer. Masks, {@code return_sequences}, {@code
 * return_state}, {@code go_backwards} and {@code zero_output_for_mask} are Keras's, and so are
 * {@code dropout} / {@code recurrent_dropout}: four masks each (one per gate) of one step's
 * input / state, drawn once per call in {@code fit} as Keras's cell draws them ({@code seed}:
 * Keras's SeedGenerator's draws). Initial states {@code [h, c]} are extra inputs (Keras's {@code
 * initial_state}). Not supported, refused clearly: {@code stateful=True} and
 * channels_first.
 */
public abstract class ConvLSTM extends Layer {

  private final int rank;
  private final int filters;
  private final int[] kernelSize;
  private final int[] strides;
  private final String padding;
  private final int[] dilationRate;
  private final String activation;
  private final String recurrentActivation;
  private final boolean useBias;
  private final Initializer kernelInitializer;
  private final Initializer recurrentInitializer;
  private final Initializer biasInitializer;
  private final boolean unitForgetBias;
  private final Regularizer kernelRegularizer;
  private final Regularizer recurrentRegularizer;
  private final Regularizer biasRegularizer;
  private final Regularizer activityRegularizer;
  private final Constraint kernelConstraint;
  private final Constraint recurrentConstraint;
  private final Constraint biasConstraint;
  private final double dropout;
  private final double recurrentDropout;
  private final Long seed;
  private final boolean returnSequences;
  private final boolean returnState;
  private final boolean goBackwards;
  private final boolean unroll;
  private final boolean zeroOutputForMask;
  private final int maxSteps;
  private long channels = -1;

  ConvLSTM(int rank, Builder<?, ?> b) {
    super(b.name);
    this.rank = rank;
    String kind = "ConvLSTM" + rank + "D";
    if (b.filters < 1) {
      throw new IllegalArgumentException(kind + " filters must be at least 1, got " + b.filters);
    }
    this.filters = b.filters;
    this.kernelSize = tuple(kind, "kernel_size", b.kernelSize, rank);
    this.strides = tuple(kind, "strides", b.strides, rank);
    this.dilationRate = tuple(kind, "dilation_rate", b.dilationRate, rank);
    if (Arrays.stream(strides).anyMatch(s -> s > 1)
        && Arrays.stream(dilationRate).anyMatch(d -> d > 1)) {
      throw new IllegalArgumentException(kind + ": strides > 1 with dilation_rate > 1 is not "
          + "supported (as in Keras); got strides " + Arrays.toString(strides)
          + " and dilation_rate " + Arrays.toString(dilationRate));
    }
    String pad = b.padding == null ? "" : b.padding.toLowerCase(Locale.ROOT);
    if (!pad.equals("valid") && !pad.equals("same")) {
      throw new IllegalArgumentException(kind + " padding is '" + b.padding + "'; it must be "
          + "'valid' or 'same'");
    }
    this.padding = pad;
    if (!"channels_last".equals(b.dataFormat)) {
      throw new IllegalArgumentException(kind + ": data_format '" + b.dataFormat + "' is not "
          + "supported; Lamina's convolutions are channels_last");
    }
    if (b.stateful) {
      throw new IllegalArgumentException(kind + ": stateful=True is not supported: Lamina's "
          + "layers keep no state from one batch to the next");
    }
    for (double rate : new double[] {b.dropout, b.recurrentDropout}) {
      if (!(rate >= 0 && rate < 1)) {
        throw new IllegalArgumentException(kind + " dropout and recurrent_dropout must be in "
            + "[0, 1), got " + rate);
      }
    }
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
    this.unitForgetBias = b.unitForgetBias;
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
    if (b.maxSteps < 1) {
      throw new IllegalArgumentException(kind + " maxSteps must be at least 1, got "
          + b.maxSteps);
    }
    this.maxSteps = b.maxSteps;
  }

  private static int[] tuple(String kind, String what, int[] values, int rank) {
    if (values == null || (values.length != 1 && values.length != rank)) {
      throw new IllegalArgumentException(kind + " " + what + " must be an int or " + rank
          + " ints, got " + (values == null ? "none" : Arrays.toString(values)));
    }
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      out[i] = values[values.length == 1 ? 0 : i];
      if (out[i] < 1) {
        throw new IllegalArgumentException(kind + " " + what + " must be 1 or more, got "
            + Arrays.toString(values));
      }
    }
    return out;
  }

  private static List<Long> asList(int[] values) {
    List<Long> out = new ArrayList<>();
    for (int v : values) {
      out.add((long) v);
    }
    return List.copyOf(out);
  }

  public int filters() {
    return filters;
  }

  public boolean returnSequences() {
    return returnSequences;
  }

  public boolean returnState() {
    return returnState;
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("filters", filters);
    arguments.put("kernel_size", asList(kernelSize));
    arguments.put("strides", asList(strides));
    arguments.put("padding", padding);
    arguments.put("data_format", "channels_last");
    arguments.put("dilation_rate", asList(dilationRate));
    arguments.put("activation", activation);
    arguments.put("recurrent_activation", recurrentActivation);
    arguments.put("use_bias", useBias);
    arguments.put("unit_forget_bias", unitForgetBias);
    arguments.put("dropout", dropout);
    arguments.put("recurrent_dropout", recurrentDropout);
    arguments.put("return_sequences", returnSequences);
    arguments.put("return_state", returnState);
    arguments.put("go_backwards", goBackwards);
    arguments.put("unroll", unroll);
    return arguments;
  }

  /** What a saved model keeps: the arguments, initializers, regularizers, constraints, seed. */
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
    if (maxSteps != RNN.DEFAULT_MAX_STEPS) {
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

  /** Keras's: {@code bias_initializer} for each gate, but ones for the forget gate. */
  private Initializer biasInitializerForBuild() {
    if (!unitForgetBias) {
      return biasInitializer;
    }
    Initializer base = biasInitializer;
    int u = filters;
    return shape -> {
      float[] out = new float[4 * u];
      System.arraycopy(base.values(Shape.of(u)), 0, out, 0, u);
      Arrays.fill(out, u, 2 * u, 1f);
      System.arraycopy(base.values(Shape.of(2L * u)), 0, out, 2 * u, 2 * u);
      return out;
    };
  }

  // --- shapes ---------------------------------------------------------------------------------

  private long[] outputSpatial(Shape shape) {
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      out[i] = ConvolutionOps.outputSize(shape.get(i + 2), kernelSize[i], strides[i],
          dilationRate[i], padding);
    }
    return out;
  }

  private Shape stateShape(long batch, long[] spatial) {
    long[] dims = new long[rank + 2];
    dims[0] = batch;
    System.arraycopy(spatial, 0, dims, 1, rank);
    dims[rank + 1] = filters;
    return Shape.of(dims);
  }

  @Override
  protected synchronized List<OutputSpec<?>> computeOutputs(List<SymbolicTensor<?>> inputs) {
    if (inputs.size() != 1 && inputs.size() != 3) {
      throw new IllegalArgumentException(describe() + " takes the sequences, or the sequences "
          + "and 2 initial states (h, c), got " + inputs.size() + " inputs");
    }
    SymbolicTensor<?> x = inputs.get(0);
    Shape shape = x.shape();
    if (x.dtype() != TFloat32.class) {
      throw new IllegalArgumentException(describe() + " takes float32 sequences, got "
          + Shapes.dtypeName(x.dtype()));
    }
    if (shape.isUnknown() || shape.numDimensions() != rank + 3) {
      throw new IllegalArgumentException(describe() + " needs sequences of shape (batch, time, "
          + (rank == 1 ? "steps" : rank == 2 ? "rows, cols" : "depth, rows, cols")
          + ", channels), got " + Shapes.format(shape));
    }
    for (int i = 2; i < rank + 3; i++) {
      if (shape.get(i) == Shape.UNKNOWN_SIZE) {
        throw new IllegalArgumentException(describe() + " needs static spatial and channel "
            + "sizes (as Keras), got " + Shapes.format(shape));
      }
    }
    if (unroll && shape.get(1) == Shape.UNKNOWN_SIZE) {
      throw new IllegalArgumentException(describe() + ": cannot unroll an RNN whose time axis "
          + "is of unknown length, got " + Shapes.format(shape) + "; give the Input its "
          + "length");
    }
    long in = shape.get(rank + 2);
    if (channels >= 0 && channels != in) {
      throw new IllegalArgumentException(describe() + " was built for inputs with " + channels
          + " channels, got " + Shapes.format(shape));
    }
    long[] spatial = outputSpatial(shape);
    for (long s : spatial) {
      if (s < 1) {
        throw new IllegalArgumentException(describe() + ": the input " + Shapes.format(shape)
            + " is too small for kernel_size " + Arrays.toString(kernelSize) + " with padding '"
            + padding + "'");
      }
    }
    if (channels < 0) {
      channels = in;
      long[] kernelShape = new long[rank + 2];
      long[] recurrentShape = new long[rank + 2];
      for (int i = 0; i < rank; i++) {
        kernelShape[i] = kernelSize[i];
        recurrentShape[i] = kernelSize[i];
      }
      kernelShape[rank] = in;
      kernelShape[rank + 1] = 4L * filters;
      recurrentShape[rank] = filters;
      recurrentShape[rank + 1] = 4L * filters;
      addWeight("kernel", Shape.of(kernelShape), kernelInitializer, true, kernelRegularizer,
          kernelConstraint);
      addWeight("recurrent_kernel", Shape.of(recurrentShape), recurrentInitializer, true,
          recurrentRegularizer, recurrentConstraint);
      if (useBias) {
        addWeight("bias", Shape.of(4L * filters), biasInitializerForBuild(), true,
            biasRegularizer, biasConstraint);
      }
    }
    Shape state = stateShape(shape.get(0), spatial);
    for (int i = 1; i < inputs.size(); i++) {
      SymbolicTensor<?> s = inputs.get(i);
      if (s.dtype() != TFloat32.class || s.shape().isUnknown()
          || !s.shape().tail().equals(state.tail())) {
        throw new IllegalArgumentException(describe() + ": initial state " + (i - 1)
            + " must be float32 of shape " + Shapes.format(stateShape(Shape.UNKNOWN_SIZE,
                spatial)) + ", got " + Shapes.format(s.shape()) + " "
            + Shapes.dtypeName(s.dtype()));
      }
    }
    List<OutputSpec<?>> specs = new ArrayList<>();
    if (returnSequences) {
      long[] dims = new long[rank + 3];
      dims[0] = shape.get(0);
      dims[1] = shape.get(1);
      System.arraycopy(spatial, 0, dims, 2, rank);
      dims[rank + 2] = filters;
      specs.add(Layers.spec(Shape.of(dims), TFloat32.class));
    } else {
      specs.add(Layers.spec(state, TFloat32.class));
    }
    if (returnState) {
      specs.add(Layers.spec(state, TFloat32.class));
      specs.add(Layers.spec(state, TFloat32.class));
    }
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

  // --- the computation ------------------------------------------------------------------------

  @Override
  @SuppressWarnings("unchecked")
  protected List<Operand<?>> buildOutputs(Ops tf, List<Operand<?>> inputs,
      List<Operand<?>> weights, CallContext context) {
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    Operand<TFloat32> kernel = (Operand<TFloat32>) weights.get(0);
    Operand<TFloat32> recurrentKernel = (Operand<TFloat32>) weights.get(1);
    Operand<TFloat32> bias = useBias ? (Operand<TFloat32>) weights.get(2) : null;
    Operand<TBool> mask = context.mask(0);
    Shape shape = x.shape();
    boolean known = shape.get(1) != Shape.UNKNOWN_SIZE;
    // The time axis as a one-element int64 vector, read at run time when unknown.
    Operand<TInt64> timeVector = tf.slice(tf.shape(x, TInt64.class), tf.constant(new long[] {1}),
        tf.constant(new long[] {1}));
    long[] spatial = outputSpatial(shape);
    // 1D as 2-D convolutions over a height of one, as Keras's TensorFlow backend; 2D as 2-D;
    // 3D as Conv3D's computation (ConvolutionOps.conv3d). One step's spatial sizes, in and out:
    long[] inSizes = rank == 1 ? new long[] {1, shape.get(2)}
        : Arrays.copyOfRange(shape.asArray(), 2, rank + 2);
    long[] outSizes = rank == 1 ? new long[] {1, spatial[0]} : spatial.clone();
    int channelAxis = inSizes.length + 1;
    long g = 4L * filters;
    Operand<TFloat32> inputKernel = tf.reshape(kernel, tf.constant(kernelDims(channels, g)));
    Operand<TFloat32> stateKernel = tf.reshape(recurrentKernel,
        tf.constant(kernelDims(filters, g)));
    // Keras's dropout masks (dropout_mask_count = 4: one per gate), drawn once per call, the
    // inputs' four then the recurrent state's four, each of one step's shape; fit only.
    boolean inputDrop = context.training() && dropout > 0;
    boolean recurrentDrop = context.training() && recurrentDropout > 0;
    int draws = (dropout > 0 ? 4 : 0) + (recurrentDropout > 0 ? 4 : 0);
    int draw = 0;
    SeedStream seeds = context.seeds();
    Operand<TInt64> batch = tf.slice(tf.shape(x, TInt64.class), tf.constant(new long[] {0}),
        tf.constant(new long[] {1}));
    List<Operand<TFloat32>> inputMasks = null;
    if (inputDrop) {
      Operand<TInt64> maskShape = tf.concat(List.of(batch,
          tf.constant(append(inSizes, channels))), tf.constant(0));
      inputMasks = new ArrayList<>();
      for (int gate = 0; gate < 4; gate++) {
        inputMasks.add(RNN.dropoutMask(tf, maskShape, dropout,
            seed != null ? seeds.nextOfGenerator(seed, draws, draw++) : seeds.next()));
      }
    }
    List<Operand<TFloat32>> recurrentMasks = null;
    if (recurrentDrop) {
      Operand<TInt64> maskShape = tf.concat(List.of(batch,
          tf.constant(append(outSizes, filters))), tf.constant(0));
      recurrentMasks = new ArrayList<>();
      for (int gate = 0; gate < 4; gate++) {
        recurrentMasks.add(RNN.dropoutMask(tf, maskShape, recurrentDropout,
            seed != null ? seeds.nextOfGenerator(seed, draws, draw++) : seeds.next()));
      }
    }
    // The input convolution of every step at once: (batch * time, spatial..., channels).
    long[] flatShape = append(prepend(-1, inSizes), channels);
    Operand<TFloat32> xz;
    if (inputMasks == null) {
      xz = convolve(tf, tf.reshape(x, tf.constant(flatShape)), inputKernel, channels, g, false);
    } else {
      Operand<TFloat32> x5 = tf.reshape(x, tf.concat(List.of(tf.constant(new long[] {-1}),
          timeVector, tf.constant(append(inSizes, channels))), tf.constant(0)));
      List<Operand<TFloat32>> kernels = split(tf, inputKernel, channelAxis);
      List<Operand<TFloat32>> parts = new ArrayList<>();
      for (int gate = 0; gate < 4; gate++) {
        Operand<TFloat32> dropped = tf.math.mul(x5, tf.expandDims(inputMasks.get(gate),
            tf.constant(1)));
        parts.add(convolve(tf, tf.reshape(dropped, tf.constant(flatShape)), kernels.get(gate),
            channels, filters, false));
      }
      xz = tf.concat(parts, tf.constant(channelAxis));
    }
    if (bias != null) {
      xz = tf.nn.biasAdd(xz, bias);
    }
    xz = tf.reshape(xz, tf.concat(List.of(tf.constant(new long[] {-1}), timeVector,
        tf.constant(append(outSizes, g))), tf.constant(0)));
    Operand<TBool> stepMask = mask;
    if (goBackwards) {
      xz = TimeSteps.backwards(tf, xz, 1);
      stepMask = TimeSteps.backwards(tf, stepMask, 1);
    }
    // Zero states, or the initial ones, filters wide.
    long[] four = append(prepend(-1, outSizes), filters);
    List<Operand<TFloat32>> states = new ArrayList<>();
    if (inputs.size() == 3) {
      states.add(tf.reshape((Operand<TFloat32>) inputs.get(1), tf.constant(four)));
      states.add(tf.reshape((Operand<TFloat32>) inputs.get(2), tf.constant(four)));
    } else {
      Operand<TFloat32> zeros = tf.fill(tf.concat(List.of(batch,
          tf.constant(append(outSizes, filters))), tf.constant(0)), tf.constant(0f));
      states.add(zeros);
      states.add(zeros);
    }
    List<Operand<TFloat32>> dropMasks = recurrentMasks;
    TimeSteps.Cell cell = (t, xt, hc) -> {
      Operand<TFloat32> h = hc.get(0);
      Operand<TFloat32> c = hc.get(1);
      Operand<TFloat32> hz;
      if (dropMasks == null) {
        hz = convolve(t, h, stateKernel, filters, g, true);
      } else {
        List<Operand<TFloat32>> kernels = split(t, stateKernel, channelAxis);
        List<Operand<TFloat32>> parts = new ArrayList<>();
        for (int gate = 0; gate < 4; gate++) {
          parts.add(convolve(t, t.math.mul(h, dropMasks.get(gate)), kernels.get(gate), filters,
              filters, true));
        }
        hz = t.concat(parts, t.constant(channelAxis));
      }
      List<Operand<TFloat32>> z = split(t, t.math.add(xt, hz), channelAxis);
      Operand<TFloat32> i = Activation.apply(t, recurrentActivation, z.get(0));
      Operand<TFloat32> f = Activation.apply(t, recurrentActivation, z.get(1));
      Operand<TFloat32> carry = t.math.add(t.math.mul(f, c),
          t.math.mul(i, Activation.apply(t, activation, z.get(2))));
      Operand<TFloat32> o = Activation.apply(t, recurrentActivation, z.get(3));
      Operand<TFloat32> out = t.math.mul(o, Activation.apply(t, activation, carry));
      return List.of(out, out, carry);
    };
    long[] tail = new long[rank + 1];
    System.arraycopy(spatial, 0, tail, 0, rank);
    tail[rank] = filters;
    List<Operand<TFloat32>> all = TimeSteps.run(tf, xz, stepMask, 1,
        known ? shape.get(1) : -1, maxSteps, append(prepend(-1, outSizes), g), tail, states,
        returnSequences, zeroOutputForMask, describe(),
        "the steps a time axis of unknown length is unrolled to", cell);
    Shape state = stateShape(-1, spatial);
    List<Operand<?>> result = new ArrayList<>();
    result.add(returnSequences ? all.get(0)
        : tf.reshape(all.get(0), tf.constant(state.asArray())));
    if (returnState) {
      result.add(tf.reshape(all.get(1), tf.constant(state.asArray())));
      result.add(tf.reshape(all.get(2), tf.constant(state.asArray())));
    }
    return result;
  }

  /** The four gates' parts of {@code x} along its last axis, {@code axis}. */
  private static List<Operand<TFloat32>> split(Ops tf, Operand<TFloat32> x, int axis) {
    List<Operand<TFloat32>> out = new ArrayList<>();
    tf.split(tf.constant(axis), x, 4L).output().forEach(out::add);
    return out;
  }

  /**
   * A kernel's shape for {@link #convolve}: {@code (rows, cols, in, out)} (1D: a height of one),
   * or 3D's {@code (depth, rows, cols, in, out)}.
   */
  private long[] kernelDims(long in, long out) {
    long[] dims = new long[rank == 1 ? 4 : rank + 2];
    int at = 0;
    if (rank == 1) {
      dims[at++] = 1;
    }
    for (int k : kernelSize) {
      dims[at++] = k;
    }
    dims[at++] = in;
    dims[at] = out;
    return dims;
  }

  /**
   * The input convolution (the layer's strides, padding and dilation) or, {@code recurrent},
   * the recurrent one (stride 1, {@code same}), of {@code x} {@code (batch, spatial..., in)}
   * with a kernel of {@link #kernelDims kernelDims(in, out)}.
   */
  private Operand<TFloat32> convolve(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel,
      long in, long out, boolean recurrent) {
    String pad = recurrent ? "same" : padding;
    if (rank == 3) {
      int[] ones = {1, 1, 1};
      return ConvolutionOps.conv3d(tf, x, kernel, in, out, kernelSize,
          recurrent ? ones : strides, recurrent ? ones : dilationRate, pad);
    }
    int[] stride2 = recurrent ? new int[] {1, 1}
        : rank == 1 ? new int[] {1, strides[0]} : strides.clone();
    int[] dilation2 = recurrent ? new int[] {1, 1}
        : rank == 1 ? new int[] {1, dilationRate[0]} : dilationRate.clone();
    return ConvolutionOps.conv2d(tf, x, kernel, kernelDims(in, out), stride2, dilation2, pad);
  }

  private static long[] prepend(long value, long[] dims) {
    long[] out = new long[dims.length + 1];
    out[0] = value;
    System.arraycopy(dims, 0, out, 1, dims.length);
    return out;
  }

  private static long[] append(long[] dims, long value) {
    long[] out = Arrays.copyOf(dims, dims.length + 1);
    out[dims.length] = value;
    return out;
  }

  // --- the builder ----------------------------------------------------------------------------

  /** Keras's ConvLSTM arguments, with Keras's defaults. */
  public abstract static class Builder<B extends Builder<B, L>, L extends ConvLSTM>
      extends RecurrentBuilder<B> {
    final int filters;
    final int[] kernelSize;
    int[] strides = {1};
    String padding = "valid";
    String dataFormat = "channels_last";
    int[] dilationRate = {1};
    String recurrentActivation = "sigmoid";
    boolean unitForgetBias = true;

    Builder(int filters, int[] kernelSize) {
      this.filters = filters;
      this.kernelSize = kernelSize == null ? null : kernelSize.clone();
    }

    /** Keras's {@code strides} of the input convolution: 1 by default. */
    public B strides(int... strides) {
      this.strides = strides.clone();
      return self();
    }

    /** Keras's {@code padding} of the input convolution: {@code valid} or {@code same}. */
    public B padding(String padding) {
      this.padding = padding;
      return self();
    }

    /** Keras's {@code data_format}: only {@code channels_last} (the default). */
    public B dataFormat(String dataFormat) {
      this.dataFormat = dataFormat;
      return self();
    }

    public B dilationRate(int... dilationRate) {
      this.dilationRate = dilationRate.clone();
      return self();
    }

    /** Keras's {@code recurrent_activation}: {@code sigmoid} by default. */
    public B recurrentActivation(String activation) {
      this.recurrentActivation = activation == null ? "linear" : activation;
      return self();
    }

    /** Keras's {@code unit_forget_bias}: true by default (the forget gate's bias starts at 1). */
    public B unitForgetBias(boolean unitForgetBias) {
      this.unitForgetBias = unitForgetBias;
      return self();
    }

    public abstract L build();
  }
}
