package dev.lamina.runtime.layers.core;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.layers.activations.Activation;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code EinsumDense(equation, output_shape, activation=None, bias_axes=None,
 * kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
 * bias_regularizer=None, kernel_constraint=None, bias_constraint=None)}: {@code activation(
 * einsum(equation, x, kernel) + bias)}, for float32 inputs. The equation takes one of Keras's
 * three forms: {@code "ab,bc->ac"}, {@code "...ab,bc->...ac"} or {@code "ab...,bc->ac..."},
 * where the first operand is the input and the second the kernel (Keras's documented {@code
 * "abc,cde->abde"}, {@code "abcd,cde->abe"}, and MultiHeadAttention's projections among them);
 * any other equation is refused when the layer is made.
 *
 * <p>{@code output_shape} is the output's shape without the batch axis and without the axes the
 * ellipsis stands for; an unknown size ({@code null} in Keras, {@code -1} here) is taken from the
 * input. The weights, as Keras's {@code build} makes them from the equation: {@code kernel},
 * shaped by the kernel's labels (each sized by the output shape where the output has the label,
 * else by the input), and, with {@code bias_axes}, {@code bias}, shaped from the first bias
 * label of the output on (1 on the labels not in {@code bias_axes}, and on the axes a trailing
 * ellipsis stands for), so that it broadcasts against the output. Computed with TensorFlow's
 * {@code Einsum} op, as Keras's TensorFlow backend; training takes its registered gradient.
 *
 * <p>As Keras's, a fan-based kernel initializer ({@code glorot_uniform}, the default, {@code
 * he_normal}, {@code VarianceScaling}, ...) draws with fans from the kernel's axes that the input
 * and the output have, not from the kernel's shape alone. Keras's LoRA ({@code lora_rank}) and
 * quantization are not built. Keras's layer does not support masking: a mask on the input ends
 * here.
 */
public final class EinsumDense extends Layer {

  private static final Pattern PLAIN = Pattern.compile("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)");
  private static final Pattern LEFT = Pattern.compile("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)");
  private static final Pattern RIGHT =
      Pattern.compile("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0");

  private final String equation;
  private final String inputSpec;
  private final String weightSpec;
  private final String outputSpec;
  private final boolean leftElided;
  private final boolean elided; // an ellipsis at all
  private final long[] partialOutputShape; // -1 for Keras's None
  private final String activation;
  private final String biasAxes;
  private final long seed;
  private final Initializer kernelInitializer;
  private final Initializer biasInitializer;
  private final Regularizer kernelRegularizer;
  private final Regularizer biasRegularizer;
  private final Regularizer activityRegularizer;
  private final Constraint kernelConstraint;
  private final Constraint biasConstraint;
  // fixed by the first apply
  private int builtRank = -1;
  private long[] builtKernelShape;
  private long[] builtBiasShape;

  private EinsumDense(Builder b) {
    super(b.name);
    if (b.equation == null) {
      throw new IllegalArgumentException("EinsumDense needs an equation");
    }
    this.equation = b.equation;
    String dots = equation.replace("...", "0");
    Matcher m;
    if ((m = PLAIN.matcher(dots)).matches()) {
      leftElided = false;
      elided = false;
    } else if ((m = LEFT.matcher(dots)).matches()) {
      leftElided = true;
      elided = true;
    } else if ((m = RIGHT.matcher(dots)).matches()) {
      leftElided = false;
      elided = true;
    } else {
      throw new IllegalArgumentException("EinsumDense equation '" + equation + "' is not one "
          + "of Keras's forms [X],[Y]->[Z], ...[X],[Y]->...[Z] or [X]...,[Y]->[Z]... (X the "
          + "input's labels, Y the kernel's, Z the output's: letters, e.g. \"abc,cde->abde\")");
    }
    inputSpec = m.group(1);
    weightSpec = m.group(2);
    outputSpec = m.group(3);
    for (String spec : List.of(inputSpec, weightSpec, outputSpec)) {
      for (int i = 0; i < spec.length(); i++) {
        if (spec.indexOf(spec.charAt(i)) != i) {
          throw new IllegalArgumentException("EinsumDense equation '" + equation + "' repeats "
              + "the label '" + spec.charAt(i) + "' in '" + spec + "'; each label names one axis "
              + "of an operand here");
        }
      }
    }
    for (char c : outputSpec.toCharArray()) {
      if (inputSpec.indexOf(c) < 0 && weightSpec.indexOf(c) < 0) {
        throw new IllegalArgumentException("EinsumDense equation '" + equation + "': the "
            + "output's label '" + c + "' is neither in the input's '" + inputSpec
            + "' nor in the kernel's '" + weightSpec + "'");
      }
    }
    for (char c : weightSpec.toCharArray()) {
      if (inputSpec.indexOf(c) < 0 && outputSpec.indexOf(c) < 0) {
        throw new IllegalArgumentException("EinsumDense equation '" + equation + "': the "
            + "kernel's label '" + c + "' is neither in the input's '" + inputSpec
            + "' nor in the output's '" + outputSpec + "'; the kernel must be fully specified");
      }
    }
    if (b.outputShape == null) {
      throw new IllegalArgumentException("EinsumDense needs an output_shape");
    }
    this.partialOutputShape = b.outputShape.clone();
    for (long d : partialOutputShape) {
      if (d < -1 || d == 0) {
        throw new IllegalArgumentException("EinsumDense output_shape "
            + Arrays.toString(partialOutputShape) + " has a size " + d + "; sizes are 1 or "
            + "more, or -1 (Keras's None) for one taken from the input");
      }
    }
    int expected = leftElided ? outputSpec.length() : outputSpec.length() - 1;
    if (partialOutputShape.length != expected) {
      throw new IllegalArgumentException("EinsumDense output_shape "
          + Arrays.toString(partialOutputShape) + " has " + partialOutputShape.length
          + " sizes; equation '" + equation + "' needs " + expected + " (one per output label"
          + (leftElided ? "" : " after the batch's '" + outputSpec.charAt(0) + "'") + ")");
    }
    this.biasAxes = b.biasAxes == null || b.biasAxes.isEmpty() ? null : b.biasAxes;
    if (biasAxes != null) {
      for (char c : biasAxes.toCharArray()) {
        if (outputSpec.indexOf(c) < 0) {
          throw new IllegalArgumentException("EinsumDense bias_axes '" + biasAxes + "': the "
              + "label '" + c + "' is not in the output's '" + outputSpec + "'");
        }
      }
    }
    this.activation = b.activation;
    if (activation != null) {
      Activation.resolve(activation); // fails now for an unknown name
    }
    this.seed = b.seed;
    this.kernelInitializer = b.kernelInitializer != null ? b.kernelInitializer
        : Initializer.glorotUniform(seed);
    this.biasInitializer = b.biasInitializer != null ? b.biasInitializer : Initializer.zeros();
    this.kernelRegularizer = b.kernelRegularizer;
    this.biasRegularizer = b.biasRegularizer;
    this.activityRegularizer = b.activityRegularizer;
    this.kernelConstraint = b.kernelConstraint;
    this.biasConstraint = b.biasConstraint;
  }

  /** {@code EinsumDense(equation, output_shape)}: no bias, linear. */
  public EinsumDense(String equation, long... outputShape) {
    this(builder(equation, outputShape));
  }

  /**
   * All of Keras's options.
   *
   * @param outputShape the output's sizes after the batch axis and without the ellipsis's
   *     axes, {@code -1} for one taken from the input (Keras's {@code None})
   */
  public static Builder builder(String equation, long... outputShape) {
    return new Builder(equation, outputShape);
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  public String equation() {
    return equation;
  }

  /** Keras's config: {@code output_shape} a list, {@code null} for an unknown size. */
  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    List<Object> shape = new ArrayList<>();
    for (long d : partialOutputShape) {
      shape.add(d < 0 ? null : (Object) d);
    }
    arguments.put("output_shape", shape);
    arguments.put("equation", equation);
    arguments.put("activation", activation == null ? "linear" : activation);
    arguments.put("bias_axes", biasAxes);
    return arguments;
  }

  /**
   * What a saved model keeps: the {@link #arguments()}, and Keras's {@code kernel_initializer},
   * {@code bias_initializer}, {@code kernel_regularizer}, {@code bias_regularizer}, {@code
   * activity_regularizer}, {@code kernel_constraint} and {@code bias_constraint} as Keras's
   * serialized objects, each one that is set and that Keras can name.
   */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>(arguments());
    Layers.putInitializer(config, "kernel_initializer", kernelInitializer);
    Layers.putInitializer(config, "bias_initializer", biasInitializer);
    Layers.putRegularizer(config, "kernel_regularizer", kernelRegularizer);
    Layers.putRegularizer(config, "bias_regularizer", biasRegularizer);
    Layers.putRegularizer(config, "activity_regularizer", activityRegularizer);
    Layers.putConstraint(config, "kernel_constraint", kernelConstraint);
    Layers.putConstraint(config, "bias_constraint", biasConstraint);
    return config;
  }

  /** Keras's {@code activity_regularizer}, or {@code null}. */
  @Override
  public Regularizer activityRegularizer() {
    return activityRegularizer;
  }

  private boolean isGlu() {
    return activation != null && Activation.resolve(activation).equals("glu");
  }

  @Override
  protected synchronized OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    if (x.dtype() != TFloat32.class) {
      throw new IllegalArgumentException(describe() + " takes float32 inputs, got "
          + Shapes.dtypeName(x.dtype()));
    }
    Shape shape = x.shape();
    if (shape.isUnknown()) {
      throw new IllegalArgumentException(describe() + " needs inputs of known rank");
    }
    int rank = shape.numDimensions();
    int elidedCount = rank - inputSpec.length();
    if (!elided && elidedCount != 0 || elided && elidedCount < (leftElided ? 1 : 0)) {
      throw new IllegalArgumentException(describe() + ": the input's labels '" + inputSpec
          + "' need inputs of rank " + (elided ? (leftElided ? inputSpec.length() + 1
          + " or more (the ellipsis takes the batch)" : inputSpec.length() + " or more")
          : inputSpec.length()) + " (batch included), got " + Shapes.format(shape));
    }
    long[] in = shape.asArray();
    // Keras's _analyze_split_string: the full output shape as Keras states it (null: -1)
    List<Long> keras = new ArrayList<>();
    keras.add(in[0]);
    for (long d : partialOutputShape) {
      keras.add(d);
    }
    if (leftElided) {
      for (int i = 1; i < elidedCount; i++) {
        keras.add(i, in[i]);
      }
    } else {
      for (int i = rank - elidedCount; i < rank; i++) {
        keras.add(in[i]);
      }
    }
    int inOffset = leftElided ? elidedCount : 0;
    int outOffset = leftElided ? elidedCount : 0;
    for (int i = 0; i < inputSpec.length(); i++) {
      int o = outputSpec.indexOf(inputSpec.charAt(i));
      if (o >= 0) {
        long stated = keras.get(o + outOffset);
        long actual = in[i + inOffset];
        if (stated >= 0 && stated != actual) {
          throw new IllegalArgumentException(describe() + ": the input and output_shape differ "
              + "on the shared label '" + inputSpec.charAt(i) + "': the input has "
              + (actual < 0 ? "an unknown size" : actual) + ", output_shape " + stated
              + " (inputs " + Shapes.format(shape) + ")");
        }
      }
    }
    long[] kernel = new long[weightSpec.length()];
    for (int i = 0; i < kernel.length; i++) {
      char c = weightSpec.charAt(i);
      int o = outputSpec.indexOf(c);
      kernel[i] = o >= 0 ? keras.get(o + outOffset) : in[inputSpec.indexOf(c) + inOffset];
      if (kernel[i] < 0) {
        throw new IllegalArgumentException(describe() + ": the kernel's label '" + c
            + "' needs a known size, from " + (o >= 0 ? "output_shape" : "the input")
            + "; got inputs " + Shapes.format(shape) + " and output_shape "
            + Arrays.toString(partialOutputShape));
      }
    }
    long[] bias = null;
    if (biasAxes != null) {
      int first = outputSpec.length();
      for (char c : biasAxes.toCharArray()) {
        first = Math.min(first, outputSpec.indexOf(c));
      }
      List<Long> dims = new ArrayList<>();
      for (int i = first; i < outputSpec.length(); i++) {
        char c = outputSpec.charAt(i);
        long d = biasAxes.indexOf(c) >= 0 ? keras.get(i + outOffset) : 1;
        if (d < 0) {
          throw new IllegalArgumentException(describe() + ": the bias's label '" + c
              + "' needs a known size in output_shape " + Arrays.toString(partialOutputShape));
        }
        dims.add(d);
      }
      if (!leftElided) {
        for (int i = 0; i < elidedCount; i++) {
          dims.add(1L);
        }
      }
      bias = dims.stream().mapToLong(Long::longValue).toArray();
    }
    // The output's sizes: the input's where the input has the label, else the kernel's.
    long[] out = new long[rank - inputSpec.length() + outputSpec.length()];
    int o = 0;
    if (leftElided) {
      for (int i = 0; i < elidedCount; i++) {
        out[o++] = in[i];
      }
    }
    for (int i = 0; i < outputSpec.length(); i++) {
      char c = outputSpec.charAt(i);
      int at = inputSpec.indexOf(c);
      out[o++] = at >= 0 ? in[at + inOffset] : kernel[weightSpec.indexOf(c)];
    }
    if (!leftElided) {
      for (int i = rank - elidedCount; i < rank; i++) {
        out[o++] = in[i];
      }
    }
    if (isGlu()) {
      long last = out[out.length - 1];
      if (last < 0 || last % 2 != 0) {
        throw new IllegalArgumentException(describe() + ": the glu activation splits the last "
            + "axis in two halves, so it must have a known, even size, got " + last);
      }
      out[out.length - 1] = last / 2;
    }
    if (builtRank < 0) {
      builtRank = rank;
      builtKernelShape = kernel;
      builtBiasShape = bias;
      addWeight("kernel", Shape.of(kernel), withFanAxes(kernelInitializer), true,
          kernelRegularizer, kernelConstraint);
      if (bias != null) {
        addWeight("bias", Shape.of(bias), biasInitializer, true, biasRegularizer,
            biasConstraint);
      }
    } else if (rank != builtRank || !Arrays.equals(kernel, builtKernelShape)
        || !Arrays.equals(bias, builtBiasShape)) {
      throw new IllegalArgumentException(describe() + " was built for a kernel "
          + Shapes.format(builtKernelShape) + " from inputs of rank " + builtRank + ", got "
          + Shapes.format(shape));
    }
    return Layers.spec(Shape.of(out), TFloat32.class);
  }

  private static final List<String> FAN_BASED = List.of("VarianceScaling", "GlorotUniform",
      "GlorotNormal", "HeUniform", "HeNormal", "LecunUniform", "LecunNormal");

  /**
   * Keras's {@code _update_kernel_initializer}: a fan-based initializer without {@code
   * input_axes} and {@code output_axes} draws with the kernel's axes that the input and the
   * output have (its fans are the products of their sizes), its seed kept. The layer's config
   * keeps the initializer as given, as Keras's does.
   */
  private Initializer withFanAxes(Initializer initializer) {
    Map<String, Object> object = initializer.config();
    if (object == null || !FAN_BASED.contains(object.get("class_name"))
        || !(object.get("config") instanceof Map<?, ?> given)
        || given.get("input_axes") != null && given.get("output_axes") != null) {
      return initializer;
    }
    List<Integer> in = new ArrayList<>();
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < weightSpec.length(); i++) {
      (outputSpec.indexOf(weightSpec.charAt(i)) >= 0 ? out : in).add(i);
    }
    Map<String, Object> config = new LinkedHashMap<>();
    given.forEach((k, v) -> config.put((String) k, v));
    config.put("input_axes", in);
    config.put("output_axes", out);
    Map<String, Object> updated = new LinkedHashMap<>(object);
    updated.put("config", config);
    return Initializer.get(updated);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      boolean training) {
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    Operand<TFloat32> y = tf.linalg.einsum(List.of(x, weights.get(0)), equation);
    if (biasAxes != null) {
      y = tf.math.add(y, weights.get(1));
    }
    return activation == null ? y : Activation.apply(tf, activation, y);
  }

  /** Keras's EinsumDense arguments. */
  public static final class Builder {
    private final String equation;
    private final long[] outputShape;
    private String activation;
    private String biasAxes;
    private long seed = ThreadLocalRandom.current().nextLong();
    private String name;
    private Initializer kernelInitializer;
    private Initializer biasInitializer;
    private Regularizer kernelRegularizer;
    private Regularizer biasRegularizer;
    private Regularizer activityRegularizer;
    private Constraint kernelConstraint;
    private Constraint biasConstraint;

    private Builder(String equation, long[] outputShape) {
      this.equation = equation;
      this.outputShape = outputShape == null ? null : outputShape.clone();
    }

    /** A Keras activation name, e.g. {@code "relu"}; none (linear) by default. */
    public Builder activation(String activation) {
      this.activation = "linear".equals(activation) ? null : activation;
      return this;
    }

    /** The output labels that get a bias, e.g. {@code "de"}; none by default (no bias). */
    public Builder biasAxes(String biasAxes) {
      this.biasAxes = biasAxes;
      return this;
    }

    /** The seed of the Glorot-uniform kernel; random by default, as Keras. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** Keras's {@code kernel_initializer}: {@code glorot_uniform} from {@link #seed}. */
    public Builder kernelInitializer(Initializer initializer) {
      this.kernelInitializer = initializer;
      return this;
    }

    /** Keras's {@code kernel_initializer} by name, e.g. {@code "he_normal"}, unseeded. */
    public Builder kernelInitializer(String name) {
      return kernelInitializer(Initializer.get(name));
    }

    /** Keras's {@code bias_initializer}: {@code zeros} by default. */
    public Builder biasInitializer(Initializer initializer) {
      this.biasInitializer = initializer;
      return this;
    }

    /** Keras's {@code bias_initializer} by name, e.g. {@code "ones"}. */
    public Builder biasInitializer(String name) {
      return biasInitializer(Initializer.get(name));
    }

    /** Keras's {@code kernel_regularizer}: its penalty of the kernel joins the loss. */
    public Builder kernelRegularizer(Regularizer regularizer) {
      this.kernelRegularizer = regularizer;
      return this;
    }

    /** Keras's {@code bias_regularizer}. */
    public Builder biasRegularizer(Regularizer regularizer) {
      this.biasRegularizer = regularizer;
      return this;
    }

    /**
     * Keras's {@code activity_regularizer}: its penalty of the layer's output, divided by the
     * batch size, joins the loss.
     */
    public Builder activityRegularizer(Regularizer regularizer) {
      this.activityRegularizer = regularizer;
      return this;
    }

    /** Keras's {@code kernel_constraint}: applied to the kernel after each optimizer step. */
    public Builder kernelConstraint(Constraint constraint) {
      this.kernelConstraint = constraint;
      return this;
    }

    /** Keras's {@code bias_constraint}: applied to the bias after each optimizer step. */
    public Builder biasConstraint(Constraint constraint) {
      this.biasConstraint = constraint;
      return this;
    }

    public EinsumDense build() {
      return new EinsumDense(this);
    }
  }
}
