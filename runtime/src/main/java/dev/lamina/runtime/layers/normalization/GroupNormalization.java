package dev.lamina.runtime.layers.normalization;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code GroupNormalization(groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
 * beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
 * gamma_regularizer=None, beta_constraint=None, gamma_constraint=None)}: the channels on {@code
 * axis} are split into {@code groups} groups of consecutive channels, and each sample is
 * normalised per group by the mean and variance over the group's channels and every other
 * non-batch axis, then scaled by {@code gamma} and shifted by {@code beta} (one value per
 * channel). {@code groups=-1} makes one group per channel (instance normalization), {@code
 * groups=1} is layer normalization over all non-batch axes. The same in {@code fit} as in
 * {@code predict}: there are no moving statistics.
 *
 * <p>Computed as Keras's {@code _apply_normalization} with its TensorFlow backend: the input is
 * reshaped to put {@code (groups, channels / groups)} in place of the channel axis; {@code
 * tf.nn.moments} over the reshaped axes but the batch and group axes (the variance about the
 * mean with the mean's gradient stopped); {@code inv = rsqrt(variance + epsilon) * gamma; y = x *
 * inv + (beta - mean * inv)}; reshaped back.
 *
 * <p>Weights, as Keras's {@code build} adds them: {@code gamma} (if {@code scale}), then {@code
 * beta} (if {@code center}), both trainable, of shape {@code (channels,)}. Keras's initializers,
 * regularizers and constraints of {@code gamma} and {@code beta} apply as in Keras. The input's
 * mask passes through unused ({@code supports_masking}, as Keras).
 */
public final class GroupNormalization extends Layer {

  private final int groups;
  private final int axis;
  private final double epsilon;
  private final boolean center;
  private final boolean scale;
  private final Initializer betaInitializer;
  private final Initializer gammaInitializer;
  private final Regularizer betaRegularizer;
  private final Regularizer gammaRegularizer;
  private final Constraint betaConstraint;
  private final Constraint gammaConstraint;
  // fixed by the first apply
  private int builtGroups = -1;
  private int builtAxis = -1;
  private int builtRank = -1;
  private long builtChannels = -1;

  private GroupNormalization(Builder b) {
    super(b.name);
    if (b.groups == 0 || b.groups < -1) {
      throw new IllegalArgumentException("GroupNormalization's groups must be a positive integer "
          + "(or -1 for instance normalization), got " + b.groups);
    }
    if (!(b.epsilon >= 0) || Double.isInfinite(b.epsilon)) {
      throw new IllegalArgumentException("GroupNormalization's epsilon must be finite and not "
          + "negative, got " + b.epsilon);
    }
    this.groups = b.groups;
    this.axis = b.axis;
    this.epsilon = b.epsilon;
    this.center = b.center;
    this.scale = b.scale;
    this.betaInitializer = b.betaInitializer != null ? b.betaInitializer : Initializer.zeros();
    this.gammaInitializer = b.gammaInitializer != null ? b.gammaInitializer : Initializer.ones();
    this.betaRegularizer = b.betaRegularizer;
    this.gammaRegularizer = b.gammaRegularizer;
    this.betaConstraint = b.betaConstraint;
    this.gammaConstraint = b.gammaConstraint;
  }

  /** {@code GroupNormalization(groups)} over the last axis, Keras's other defaults. */
  public GroupNormalization(int groups) {
    this(builder().groups(groups));
  }

  /** All of Keras's options; {@code groups} 32 unless set. */
  public static Builder builder() {
    return new Builder();
  }

  /** Applies the layer to float32 inputs; the output has their shape. */
  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  /** The number of groups: as given, or once built with {@code -1}, the number of channels. */
  public synchronized int groups() {
    return builtGroups > 0 ? builtGroups : groups;
  }

  /** Keras's config: {@code groups} as Keras writes it once built ({@code -1} resolved). */
  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("groups", groups());
    arguments.put("axis", axis);
    arguments.put("epsilon", epsilon);
    arguments.put("center", center);
    arguments.put("scale", scale);
    return arguments;
  }

  /**
   * What a saved model keeps: the {@link #arguments()}, and Keras's {@code beta_initializer},
   * {@code gamma_initializer} (when Keras can name them), {@code beta_regularizer}, {@code
   * gamma_regularizer}, {@code beta_constraint} and {@code gamma_constraint} (each one that is
   * set), as Keras's serialized objects.
   */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>(arguments());
    Layers.putInitializer(config, "beta_initializer", betaInitializer);
    Layers.putInitializer(config, "gamma_initializer", gammaInitializer);
    Layers.putRegularizer(config, "beta_regularizer", betaRegularizer);
    Layers.putRegularizer(config, "gamma_regularizer", gammaRegularizer);
    Layers.putConstraint(config, "beta_constraint", betaConstraint);
    Layers.putConstraint(config, "gamma_constraint", gammaConstraint);
    return config;
  }

  /** As Keras's ({@code supports_masking}): the input's mask passes through. */
  @Override
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    return Layers.passMask(inputs);
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
    if (shape.isUnknown() || shape.numDimensions() < 2) {
      throw new IllegalArgumentException(describe() + " needs inputs of known rank 2 or more, "
          + "got " + Shapes.format(shape));
    }
    int rank = shape.numDimensions();
    int a = axis < 0 ? axis + rank : axis;
    if (a < 1 || a >= rank) {
      throw new IllegalArgumentException(describe() + ": axis " + axis + " is "
          + (a == 0 ? "the batch axis" : "out of range") + " for inputs " + Shapes.format(shape));
    }
    long channels = shape.get(a);
    if (channels == Shape.UNKNOWN_SIZE) {
      throw new IllegalArgumentException(describe() + ": axis " + axis + " needs a known size, "
          + "got inputs " + Shapes.format(shape));
    }
    long g = groups == -1 ? channels : groups;
    if (channels < g) {
      throw new IllegalArgumentException(describe() + ": the number of groups (" + g
          + ") cannot be more than the number of channels (" + channels + ") on axis " + axis
          + " of inputs " + Shapes.format(shape));
    }
    if (channels % g != 0) {
      throw new IllegalArgumentException(describe() + ": the number of channels (" + channels
          + ") on axis " + axis + " must be a multiple of the number of groups (" + g + "), "
          + "inputs " + Shapes.format(shape));
    }
    if (builtRank < 0) {
      builtGroups = Math.toIntExact(g);
      builtAxis = a;
      builtRank = rank;
      builtChannels = channels;
      // Keras's build: gamma, then beta, one value per channel.
      if (scale) {
        addWeight("gamma", Shape.of(channels), gammaInitializer, true, gammaRegularizer,
            gammaConstraint);
      }
      if (center) {
        addWeight("beta", Shape.of(channels), betaInitializer, true, betaRegularizer,
            betaConstraint);
      }
    } else if (rank != builtRank || a != builtAxis || channels != builtChannels) {
      throw new IllegalArgumentException(describe() + " was built for inputs of rank "
          + builtRank + " with " + builtChannels + " channels on axis " + builtAxis + ", got "
          + Shapes.format(shape));
    }
    return Layers.spec(shape, TFloat32.class);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      boolean training) {
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    Shape shape = x.shape();
    long perGroup = builtChannels / builtGroups;
    // The grouped shape: (groups, channels / groups) in place of the channel axis.
    boolean known = true;
    for (int i = 1; i < builtRank; i++) {
      known &= shape.get(i) != Shape.UNKNOWN_SIZE;
    }
    Operand<TInt64> grouped;
    Operand<TInt64> original;
    if (known) {
      long[] dims = shape.asArray();
      dims[0] = -1;
      grouped = tf.constant(insertGroups(dims, perGroup));
      original = tf.constant(dims);
    } else {
      original = tf.shape(x, TInt64.class);
      Operand<TInt64> before = tf.slice(original, tf.constant(new long[] {0}),
          tf.constant(new long[] {builtAxis}));
      Operand<TInt64> after = tf.slice(original, tf.constant(new long[] {builtAxis + 1}),
          tf.constant(new long[] {builtRank - builtAxis - 1}));
      grouped = tf.concat(List.of(before, tf.constant(new long[] {builtGroups, perGroup}),
          after), tf.constant(0));
    }
    Operand<TFloat32> reshaped = tf.reshape(x, grouped);
    // Reduced: every axis of the grouped input but the batch and the group axis.
    int[] axes = new int[builtRank - 1];
    for (int i = 1, k = 0; i <= builtRank; i++) {
      if (i != builtAxis) {
        axes[k++] = i;
      }
    }
    Operand<TInt32> reduced = tf.constant(axes);
    // tf.nn.moments, as Keras's TensorFlow backend calls it.
    Operand<TFloat32> mean = tf.math.mean(reshaped, reduced, Mean.keepDims(true));
    Operand<TFloat32> variance = tf.math.mean(
        tf.math.squaredDifference(reshaped, tf.stopGradient(mean)), reduced,
        Mean.keepDims(true));
    long[] ones = new long[builtRank];
    Arrays.fill(ones, 1);
    Operand<TInt64> broadcast = tf.constant(insertGroups(ones, perGroup));
    Operand<TFloat32> inv = tf.math.rsqrt(tf.math.add(variance, tf.constant((float) epsilon)));
    int w = 0;
    if (scale) {
      inv = tf.math.mul(inv, tf.reshape(weights.get(w++), broadcast));
    }
    Operand<TFloat32> res = tf.math.mul(tf.math.neg(mean), inv);
    if (center) {
      res = tf.math.add(res, tf.reshape(weights.get(w), broadcast));
    }
    Operand<TFloat32> y = tf.math.add(tf.math.mul(reshaped, inv), res);
    return tf.reshape(y, original);
  }

  /** {@code dims} with the channel axis's size split into {@code (groups, perGroup)}. */
  private long[] insertGroups(long[] dims, long perGroup) {
    long[] out = new long[dims.length + 1];
    for (int i = 0, k = 0; i < dims.length; i++) {
      if (i == builtAxis) {
        out[k++] = builtGroups;
        out[k++] = perGroup;
      } else {
        out[k++] = dims[i];
      }
    }
    return out;
  }

  /** Keras's GroupNormalization arguments. */
  public static final class Builder {
    private int groups = 32;
    private int axis = -1;
    private double epsilon = 1e-3;
    private boolean center = true;
    private boolean scale = true;
    private String name;
    private Initializer betaInitializer;
    private Initializer gammaInitializer;
    private Regularizer betaRegularizer;
    private Regularizer gammaRegularizer;
    private Constraint betaConstraint;
    private Constraint gammaConstraint;

    private Builder() {}

    /** The number of groups, dividing the channels; {@code -1}: one per channel; 32. */
    public Builder groups(int groups) {
      this.groups = groups;
      return this;
    }

    /** The channel axis (batch included in the numbering); {@code -1}. */
    public Builder axis(int axis) {
      this.axis = axis;
      return this;
    }

    /** Added to the variance; {@code 1e-3}. */
    public Builder epsilon(double epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    /** Whether to add {@code beta}; true. */
    public Builder center(boolean center) {
      this.center = center;
      return this;
    }

    /** Whether to multiply by {@code gamma}; true. */
    public Builder scale(boolean scale) {
      this.scale = scale;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** Keras's {@code beta_initializer}; {@code zeros}. */
    public Builder betaInitializer(Initializer initializer) {
      this.betaInitializer = initializer;
      return this;
    }

    /** Keras's {@code beta_initializer} by name, e.g. {@code "ones"}. */
    public Builder betaInitializer(String name) {
      return betaInitializer(Initializer.get(name));
    }

    /** Keras's {@code gamma_initializer}; {@code ones}. */
    public Builder gammaInitializer(Initializer initializer) {
      this.gammaInitializer = initializer;
      return this;
    }

    /** Keras's {@code gamma_initializer} by name, e.g. {@code "zeros"}. */
    public Builder gammaInitializer(String name) {
      return gammaInitializer(Initializer.get(name));
    }

    /** Keras's {@code beta_regularizer}: its penalty of {@code beta} joins the loss. */
    public Builder betaRegularizer(Regularizer regularizer) {
      this.betaRegularizer = regularizer;
      return this;
    }

    /** Keras's {@code gamma_regularizer}: its penalty of {@code gamma} joins the loss. */
    public Builder gammaRegularizer(Regularizer regularizer) {
      this.gammaRegularizer = regularizer;
      return this;
    }

    /** Keras's {@code beta_constraint}: applied to {@code beta} after each optimizer step. */
    public Builder betaConstraint(Constraint constraint) {
      this.betaConstraint = constraint;
      return this;
    }

    /** Keras's {@code gamma_constraint}: applied to {@code gamma} after each optimizer step. */
    public Builder gammaConstraint(Constraint constraint) {
      this.gammaConstraint = constraint;
      return this;
    }

    public GroupNormalization build() {
      return new GroupNormalization(this);
    }
  }
}
