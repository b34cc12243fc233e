package dev.lamina.runtime.layers.normalization;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code LayerNormalization(axis=-1, epsilon=1e-3, center=True, scale=True,
 * rms_scaling=False)}: each sample is normalised over {@code axis} by its own mean and variance,
 * then scaled by {@code gamma} and shifted by {@code beta} (one value per position of the
 * normalised axes). Computed as Keras's TensorFlow backend does: {@code inv = rsqrt(variance +
 * epsilon) * gamma; y = x * inv + (beta - mean * inv)}.
 *
 * <p>With {@code rms_scaling} (deprecated in Keras 3.15, kept for its files) Keras computes
 * {@code x * rsqrt(variance + epsilon) * gamma}: the variance about the mean, not the mean
 * square, no centring and no {@code beta}.
 *
 * <p>Weights, as Keras's {@code build} adds them: {@code gamma} (if {@code scale} or
 * {@code rms_scaling}), then {@code beta} (if {@code center} and not {@code rms_scaling}), both
 * trainable, of the shape of the normalised axes. Keras's regularizers and constraints of
 * {@code gamma} and {@code beta} apply in {@code fit} as in Keras.
 */
public final class LayerNormalization extends Layer {

  private final int[] axis;
  private final double epsilon;
  private final boolean center;
  private final boolean scale;
  private final boolean rmsScaling;
  private final Regularizer betaRegularizer;
  private final Regularizer gammaRegularizer;
  private final Constraint betaConstraint;
  private final Constraint gammaConstraint;
  private int[] builtAxes; // non-negative, sorted: fixed by the first apply
  private long[] builtDims;
  private int builtRank = -1;

  private LayerNormalization(Builder builder) {
    super(builder.name);
    if (builder.axis.length == 0) {
      throw new IllegalArgumentException("LayerNormalization needs at least one axis");
    }
    if (!(builder.epsilon >= 0) || Double.isInfinite(builder.epsilon)) {
      throw new IllegalArgumentException("LayerNormalization epsilon must be finite and not "
          + "negative, got " + builder.epsilon);
    }
    this.axis = builder.axis.clone();
    this.epsilon = builder.epsilon;
    this.center = builder.center;
    this.scale = builder.scale;
    this.rmsScaling = builder.rmsScaling;
    this.betaRegularizer = builder.betaRegularizer;
    this.gammaRegularizer = builder.gammaRegularizer;
    this.betaConstraint = builder.betaConstraint;
    this.gammaConstraint = builder.gammaConstraint;
  }

  /** {@code LayerNormalization()}: over the last axis, Keras's defaults. */
  public LayerNormalization() {
    this(builder());
  }

  /** All of Keras's options. */
  public static Builder builder() {
    return new Builder();
  }

  /** Applies the layer to float32 inputs; the output has their shape. */
  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  /** Keras's config once built: {@code axis} always a list. */
  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("axis", Layers.list(axis));
    arguments.put("epsilon", epsilon);
    arguments.put("center", center);
    arguments.put("scale", scale);
    arguments.put("rms_scaling", rmsScaling);
    return arguments;
  }

  /**
   * What a saved model keeps: the {@link #arguments()}, and Keras's {@code beta_regularizer},
   * {@code gamma_regularizer}, {@code beta_constraint} and {@code gamma_constraint} as Keras's
   * serialized objects, each one that is set.
   */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>(arguments());
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
    if (shape.isUnknown()) {
      throw new IllegalArgumentException(describe() + " needs inputs of known rank");
    }
    int rank = shape.numDimensions();
    int[] axes = Layers.axes(this, axis, rank);
    long[] dims = new long[axes.length];
    for (int i = 0; i < axes.length; i++) {
      dims[i] = shape.get(axes[i]);
      if (dims[i] == Shape.UNKNOWN_SIZE) {
        throw new IllegalArgumentException(describe() + " needs a known size on axis "
            + axes[i] + ", got inputs " + Shapes.format(shape));
      }
    }
    if (builtDims == null) {
      builtAxes = axes;
      builtDims = dims;
      builtRank = rank;
      // Keras's build: gamma, then beta, shaped as the normalised axes.
      if (scale || rmsScaling) {
        addWeight("gamma", Shape.of(dims), Initializer.constant(1f), true, gammaRegularizer,
            gammaConstraint);
      }
      if (center && !rmsScaling) {
        addWeight("beta", Shape.of(dims), Initializer.zeros(), true, betaRegularizer,
            betaConstraint);
      }
    } else if (rank != builtRank || !java.util.Arrays.equals(dims, builtDims)) {
      throw new IllegalArgumentException(describe() + " was built for sizes "
          + Shapes.format(builtDims) + " on its axes, got inputs " + Shapes.format(shape));
    }
    return Layers.spec(shape, TFloat32.class);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      boolean training) {
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    Operand<TInt32> axes = tf.constant(builtAxes);
    // gamma and beta reshaped to broadcast against the input: 1 on the other axes.
    long[] broadcast = new long[builtRank];
    java.util.Arrays.fill(broadcast, 1);
    for (int i = 0; i < builtAxes.length; i++) {
      broadcast[builtAxes[i]] = builtDims[i];
    }
    int w = 0;
    Operand<TFloat32> gamma = scale || rmsScaling
        ? tf.reshape(weights.get(w++), tf.constant(broadcast)) : null;
    Operand<TFloat32> beta = center && !rmsScaling
        ? tf.reshape(weights.get(w), tf.constant(broadcast)) : null;
    // tf.nn.moments, as Keras's TensorFlow backend calls it: the mean, and the mean squared
    // deviation from it with the mean's gradient stopped.
    Operand<TFloat32> mean = tf.math.mean(x, axes, Mean.keepDims(true));
    Operand<TFloat32> eps = tf.constant((float) epsilon);
    if (rmsScaling) {
      // Keras's ops.var (tf.math.reduce_variance): the mean's gradient is kept.
      Operand<TFloat32> variance = tf.math.mean(tf.math.square(tf.math.sub(x, mean)), axes,
          Mean.keepDims(true));
      Operand<TFloat32> y = tf.math.mul(x, tf.math.rsqrt(tf.math.add(variance, eps)));
      return gamma == null ? y : tf.math.mul(y, gamma);
    }
    Operand<TFloat32> variance = tf.math.mean(
        tf.math.squaredDifference(x, tf.stopGradient(mean)), axes, Mean.keepDims(true));
    Operand<TFloat32> inv = tf.math.rsqrt(tf.math.add(variance, eps));
    if (gamma != null) {
      inv = tf.math.mul(inv, gamma);
    }
    Operand<TFloat32> res = tf.math.mul(tf.math.neg(mean), inv);
    if (beta != null) {
      res = tf.math.add(res, beta);
    }
    return tf.math.add(tf.math.mul(x, inv), res);
  }

  /** Keras's LayerNormalization arguments. */
  public static final class Builder {
    private int[] axis = {-1};
    private double epsilon = 1e-3;
    private boolean center = true;
    private boolean scale = true;
    private boolean rmsScaling;
    private String name;
    private Regularizer betaRegularizer;
    private Regularizer gammaRegularizer;
    private Constraint betaConstraint;
    private Constraint gammaConstraint;

    private Builder() {}

    /** The axis or axes normalised over (batch included in the numbering); {@code -1}. */
    public Builder axis(int... axis) {
      this.axis = axis.clone();
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

    /** Keras's deprecated {@code rms_scaling}; false. */
    public Builder rmsScaling(boolean rmsScaling) {
      this.rmsScaling = rmsScaling;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
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

    public LayerNormalization build() {
      return new LayerNormalization(this);
    }
  }
}
