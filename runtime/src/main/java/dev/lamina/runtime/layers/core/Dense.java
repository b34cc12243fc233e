package dev.lamina.runtime.layers.core;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.layers.activations.Activation;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code Dense(units, activation=None, use_bias=True)}: {@code activation(x · kernel +
 * bias)} on the last axis, for float32 inputs. The kernel starts Glorot-uniform (from a seed, so a
 * seeded layer is reproducible) and the bias at zero, as Keras's defaults, unless other
 * initializers or initial values are given. Keras's regularizers and constraints of the kernel,
 * the bias and the output apply in {@code fit} as in Keras. The weights are TensorFlow variables of each model that uses the layer.
 *
 * <p>As in Keras, the layer is built by its first {@code apply}: that fixes the size of the last
 * input dimension, and a later {@code apply} to another size is an error.
 */
public final class Dense extends Layer {

  private final int units;
  private final String activation;
  private final boolean useBias;
  private final long seed;
  private final float[][] initialKernel;
  private final float[] initialBias;
  private final Initializer kernelInitializer;
  private final Initializer biasInitializer;
  private final Regularizer kernelRegularizer;
  private final Regularizer biasRegularizer;
  private final Regularizer activityRegularizer;
  private final Constraint kernelConstraint;
  private final Constraint biasConstraint;
  private long inputDim = -1; // fixed by the first apply

  private Dense(Builder builder) {
    super(builder.name);
    if (builder.units < 1) {
      throw new IllegalArgumentException("Dense units must be at least 1, got " + builder.units);
    }
    this.units = builder.units;
    this.activation = builder.activation;
    if (activation != null) {
      Activation.resolve(activation); // fails now for an unknown name
      if (isGlu() && units % 2 != 0) {
        throw new IllegalArgumentException("Dense units is " + units + "; the glu activation "
            + "splits the units in two halves, so it must be even");
      }
    }
    this.useBias = builder.useBias;
    this.seed = builder.seed;
    this.initialKernel = builder.kernel;
    this.initialBias = builder.bias;
    this.kernelInitializer = builder.kernelInitializer != null ? builder.kernelInitializer
        : Initializer.glorotUniform(seed);
    this.biasInitializer = builder.biasInitializer != null ? builder.biasInitializer
        : Initializer.zeros();
    this.kernelRegularizer = builder.kernelRegularizer;
    this.biasRegularizer = builder.biasRegularizer;
    this.activityRegularizer = builder.activityRegularizer;
    this.kernelConstraint = builder.kernelConstraint;
    this.biasConstraint = builder.biasConstraint;
    if (initialBias != null && initialBias.length != units) {
      throw new IllegalArgumentException("Dense bias needs " + units + " values, got "
          + initialBias.length);
    }
  }

  private boolean isGlu() {
    return activation != null && Activation.resolve(activation).equals("glu");
  }

  /** {@code Dense(units)}: linear, with bias. */
  public Dense(int units) {
    this(builder(units));
  }

  /** {@code Dense(units, activation=...)}. */
  public Dense(int units, String activation) {
    this(builder(units).activation(activation));
  }

  /** All of Keras's options. */
  public static Builder builder(int units) {
    return new Builder(units);
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("units", units);
    arguments.put("activation", activation == null ? "linear" : activation);
    arguments.put("use_bias", useBias);
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

  @Override
  protected synchronized OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    Shape shape = x.shape();
    if (x.dtype() != TFloat32.class) {
      throw new IllegalArgumentException(describe() + " takes float32 inputs, got "
          + Shapes.dtypeName(x.dtype()));
    }
    if (shape.isUnknown() || shape.numDimensions() < 2
        || shape.get(shape.numDimensions() - 1) == Shape.UNKNOWN_SIZE) {
      throw new IllegalArgumentException(describe() + " needs inputs of rank 2 or more with a "
          + "known last dimension, got " + Shapes.format(shape));
    }
    long last = shape.get(shape.numDimensions() - 1);
    if (inputDim >= 0 && inputDim != last) {
      throw new IllegalArgumentException(describe() + " was built for inputs with " + inputDim
          + " features on the last axis, got " + Shapes.format(shape));
    }
    if (initialKernel != null && (initialKernel.length != last || initialKernel[0].length != units)) {
      throw new IllegalArgumentException(describe() + ": the initial kernel is "
          + initialKernel.length + "x" + initialKernel[0].length + " but inputs " + Shapes.format(shape)
          + " need " + last + "x" + units);
    }
    if (inputDim < 0) {
      inputDim = last;
      // Keras builds a layer on its first call: the weights' shapes follow from the input's.
      addWeight("kernel", Shape.of(inputDim, units),
          initialKernel != null ? Initializer.of(kernelValues()) : kernelInitializer,
          true, kernelRegularizer, kernelConstraint);
      if (useBias) {
        addWeight("bias", Shape.of(units),
            initialBias != null ? Initializer.of(initialBias) : biasInitializer, true,
            biasRegularizer, biasConstraint);
      }
    }
    long[] out = shape.asArray();
    // glu halves the last axis (Keras's Dense reports units there, but computes units / 2)
    out[out.length - 1] = isGlu() ? units / 2 : units;
    return Layers.spec(Shape.of(out), TFloat32.class);
  }

  /** As Keras's ({@code supports_masking}): the input's mask passes through. */
  @Override
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    return Layers.passMask(inputs);
  }

  /** The given initial kernel, row-major (inputDim × units). */
  private float[] kernelValues() {
    float[] values = new float[Math.toIntExact(inputDim * units)];
    for (int i = 0; i < inputDim; i++) {
      System.arraycopy(initialKernel[i], 0, values, i * units, units);
    }
    return values;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      boolean training) {
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    Operand<TFloat32> kernel = weights.get(0);
    Operand<TFloat32> y;
    if (x.shape().numDimensions() == 2) {
      y = tf.linalg.matMul(x, kernel);
    } else {
      // Keras's Dense on rank > 2: the same kernel on the last axis of every position.
      Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, inputDim}));
      Operand<TInt64> leading = tf.slice(tf.shape(x, TInt64.class), tf.constant(new long[] {0}),
          tf.constant(new long[] {x.shape().numDimensions() - 1}));
      y = tf.reshape(tf.linalg.matMul(flat, kernel),
          tf.concat(List.of(leading, tf.constant(new long[] {units})), tf.constant(0)));
    }
    if (useBias) {
      y = tf.nn.biasAdd(y, weights.get(1));
    }
    return activation == null
        ? y : Activation.apply(tf, activation, y);
  }

  /** Keras's Dense arguments. */
  public static final class Builder {
    private final int units;
    private String activation;
    private boolean useBias = true;
    private long seed = ThreadLocalRandom.current().nextLong();
    private float[][] kernel;
    private float[] bias;
    private String name;
    private Initializer kernelInitializer;
    private Initializer biasInitializer;
    private Regularizer kernelRegularizer;
    private Regularizer biasRegularizer;
    private Regularizer activityRegularizer;
    private Constraint kernelConstraint;
    private Constraint biasConstraint;

    private Builder(int units) {
      this.units = units;
    }

    /** A Keras activation name, e.g. {@code "relu"}; none (linear) by default. */
    public Builder activation(String activation) {
      this.activation = "linear".equals(activation) ? null : activation;
      return this;
    }

    public Builder useBias(boolean useBias) {
      this.useBias = useBias;
      return this;
    }

    /** The seed of the Glorot-uniform kernel; random by default, as Keras. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Initial kernel values, inputDim rows of units values (Keras's {@code Constant}). */
    public Builder kernel(float[][] kernel) {
      if (kernel.length == 0) {
        throw new IllegalArgumentException("Dense kernel needs at least one row");
      }
      this.kernel = kernel.clone();
      for (int i = 0; i < kernel.length; i++) {
        if (kernel[i] == null || kernel[i].length != units) {
          throw new IllegalArgumentException("Dense kernel rows need " + units + " values (one "
              + "per unit); row " + i + " has " + (kernel[i] == null ? "none" : kernel[i].length));
        }
        this.kernel[i] = kernel[i].clone();
      }
      return this;
    }

    /** Initial bias values, one per unit. */
    public Builder bias(float[] bias) {
      this.bias = bias.clone();
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * Keras's {@code kernel_initializer}: {@code glorot_uniform} from {@link #seed} by default;
     * {@link #kernel(float[][])} values, if given, take precedence.
     */
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

    /** Keras's {@code kernel_regularizer} by name: {@code "l1"}, {@code "l2"}, {@code "l1_l2"}. */
    public Builder kernelRegularizer(String name) {
      return kernelRegularizer(Regularizer.get(name));
    }

    /** Keras's {@code bias_regularizer}. */
    public Builder biasRegularizer(Regularizer regularizer) {
      this.biasRegularizer = regularizer;
      return this;
    }

    /** Keras's {@code bias_regularizer} by name. */
    public Builder biasRegularizer(String name) {
      return biasRegularizer(Regularizer.get(name));
    }

    /**
     * Keras's {@code activity_regularizer}: its penalty of the layer's output, divided by the
     * batch size, joins the loss.
     */
    public Builder activityRegularizer(Regularizer regularizer) {
      this.activityRegularizer = regularizer;
      return this;
    }

    /** Keras's {@code activity_regularizer} by name. */
    public Builder activityRegularizer(String name) {
      return activityRegularizer(Regularizer.get(name));
    }

    /** Keras's {@code kernel_constraint}: applied to the kernel after each optimizer step. */
    public Builder kernelConstraint(Constraint constraint) {
      this.kernelConstraint = constraint;
      return this;
    }

    /** Keras's {@code kernel_constraint} by name, e.g. {@code "non_neg"}. */
    public Builder kernelConstraint(String name) {
      return kernelConstraint(Constraint.get(name));
    }

    /** Keras's {@code bias_constraint}. */
    public Builder biasConstraint(Constraint constraint) {
      this.biasConstraint = constraint;
      return this;
    }

    /** Keras's {@code bias_constraint} by name. */
    public Builder biasConstraint(String name) {
      return biasConstraint(Constraint.get(name));
    }

    public Dense build() {
      return new Dense(this);
    }
  }
}
