package dev.lamina.runtime.layers.normalization;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.BuiltInLayerTypes;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Keras 3's {@code BatchNormalization(axis=-1, momentum=0.99, epsilon=0.001, center=True,
 * scale=True)}: normalises each feature along {@code axis}. In {@code fit} it uses the batch's
 * mean and (biased) variance and updates the moving statistics as Keras does,
 * {@code moving = moving * momentum + batch * (1 - momentum)}, once per step; in {@code predict},
 * {@code evaluate} and whenever the layer is frozen ({@code setTrainable(false)}, as Keras 3) it
 * uses the moving statistics. The output is TensorFlow's
 * {@code x * inv + (beta - mean * inv)} with {@code inv = gamma / sqrt(variance + epsilon)}.
 *
 * <p>Weights, in Keras's order: {@code gamma} (if scale, ones), {@code beta} (if center, zeros),
 * {@code moving_mean} (zeros) and {@code moving_variance} (ones), the last two non-trainable.
 * Keras's regularizers and constraints of {@code gamma} and {@code beta} apply in {@code fit}
 * as in Keras.
 *
 * <p>Masks, as Keras 3's {@code call(inputs, training, mask)}: when the input carries a mask, the
 * batch statistics in {@code fit} count only the positions it keeps (Keras's {@code _moments}
 * with a mask: {@code sum(x * m) / (sum(m) + 1e-7)} and likewise the variance, the mask covering
 * the input without its last axis); every position is then normalised with them, and the output
 * carries the mask on ({@code supports_masking}). The mask needs one axis fewer than the input,
 * as Keras requires.
 */
public final class BatchNormalization extends Layer {

  /** The type: Keras's class name and arguments. */
  public static final LayerType<BatchNormalization> TYPE = LayerType.of("BatchNormalization",
      BatchNormalization.class, BatchNormalization::fromConfig);

  private final int axis;
  private final double momentum;
  private final double epsilon;
  private final boolean center;
  private final boolean scale;
  private final Regularizer betaRegularizer;
  private final Regularizer gammaRegularizer;
  private final Constraint betaConstraint;
  private final Constraint gammaConstraint;
  /** The normalised axis of the built input, non-negative; -1 until built. */
  private int builtAxis = -1;

  private BatchNormalization(Builder b) {
    super(b.name);
    this.axis = b.axis;
    this.momentum = b.momentum;
    this.epsilon = b.epsilon;
    this.center = b.center;
    this.scale = b.scale;
    this.betaRegularizer = b.betaRegularizer;
    this.gammaRegularizer = b.gammaRegularizer;
    this.betaConstraint = b.betaConstraint;
    this.gammaConstraint = b.gammaConstraint;
  }

  /** Keras's defaults: axis -1, momentum 0.99, epsilon 0.001, center and scale. */
  public BatchNormalization() {
    this(builder());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Applies the layer. */
  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("axis", axis);
    arguments.put("momentum", momentum);
    arguments.put("epsilon", epsilon);
    arguments.put("center", center);
    arguments.put("scale", scale);
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

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    if (x.dtype() != TFloat32.class) {
      throw new IllegalArgumentException(describe() + " takes float32 inputs, got "
          + Shapes.dtypeName(x.dtype()));
    }
    Shape shape = x.shape();
    if (x.mask().isPresent()) {
      requireMaskFits(shape, x.mask().get().shape());
    }
    int rank = shape.isUnknown() ? -1 : shape.numDimensions();
    int resolved = axis < 0 ? rank + axis : axis;
    if (rank < 2 || resolved < 1 || resolved >= rank) {
      throw new IllegalArgumentException(describe() + ": axis " + axis + " is not a feature "
          + "axis of an input of shape " + Shapes.format(shape));
    }
    long features = shape.get(resolved);
    if (features < 1) {
      throw new IllegalArgumentException(describe() + " needs a known size on axis " + axis
          + ", got " + Shapes.format(shape));
    }
    if (builtAxis < 0) {
      builtAxis = resolved;
      Shape weight = Shape.of(features);
      if (scale) {
        addWeight("gamma", weight, Initializer.constant(1f), true, gammaRegularizer,
            gammaConstraint);
      }
      if (center) {
        addWeight("beta", weight, Initializer.zeros(), true, betaRegularizer, betaConstraint);
      }
      addWeight("moving_mean", weight, Initializer.zeros(), false);
      addWeight("moving_variance", weight, Initializer.constant(1f), false);
    } else if (resolved != builtAxis || weights().get(weights().size() - 1).shape().get(0)
        != features) {
      throw new IllegalArgumentException(describe() + " was built for " + weights()
          .get(weights().size() - 1).shape().get(0) + " features on axis " + builtAxis
          + ", got " + Shapes.format(shape));
    }
    return Layers.spec(shape, TFloat32.class);
  }

  /** Keras's check, and what its {@code broadcast_to(expand_dims(mask, -1), shape(x))} needs. */
  private void requireMaskFits(Shape x, Shape m) {
    boolean fits = !x.isUnknown() && !m.isUnknown() && m.numDimensions() == x.numDimensions() - 1;
    for (int i = 0; fits && i < m.numDimensions(); i++) {
      long md = m.get(i);
      long xd = x.get(i);
      fits = md == Shape.UNKNOWN_SIZE || xd == Shape.UNKNOWN_SIZE || md == 1 || md == xd;
    }
    if (!fits) {
      throw new IllegalArgumentException(describe() + ": the mask its input carries must have "
          + "one dimension less than the input (Keras's rule), each size 1 or the input's; got "
          + "mask " + Shapes.format(m) + " on input " + Shapes.format(x));
    }
  }

  /** The input's mask passes on, as Keras's {@code supports_masking}. */
  @Override
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    return inputs.get(0).mask().isPresent() ? (tf, in, masks) -> masks.get(0) : null;
  }

  /** The batch statistics in training count only the positions the input's mask keeps. */
  @Override
  protected boolean usesInputMasks() {
    return true;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      CallContext context) {
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    int next = 0;
    Operand<TFloat32> gamma = scale ? weights.get(next++) : null;
    Operand<TFloat32> beta = center ? weights.get(next++) : null;
    Operand<TFloat32> movingMean = weights.get(next++);
    Operand<TFloat32> movingVariance = weights.get(next);
    int rank = x.shape().numDimensions();
    Operand<TFloat32> mean;
    Operand<TFloat32> variance;
    if (context.training() && isTrainable()) {
      // tf.nn.moments over every axis but the feature axis: the mean, then the mean squared
      // difference from it (a biased variance), with the mean's gradient stopped there.
      List<Integer> reduced = new ArrayList<>();
      for (int i = 0; i < rank; i++) {
        if (i != builtAxis) {
          reduced.add(i);
        }
      }
      Operand<TInt32> axes = tf.constant(reduced.stream().mapToInt(Integer::intValue).toArray());
      Operand<TBool> mask = context.mask(0);
      Operand<TFloat32> batchMean;
      Operand<TFloat32> batchVariance;
      if (mask == null) {
        batchMean = tf.math.mean(x, axes, Mean.keepDims(true));
        batchVariance = tf.math.mean(
            tf.math.squaredDifference(x, tf.stopGradient(batchMean)), axes, Mean.keepDims(true));
      } else {
        // Keras 3's _moments with a mask: weighted by the kept positions, no gradient stopped.
        Operand<TBool> kept = tf.broadcastTo(tf.expandDims(mask, tf.constant(-1)), tf.shape(x));
        Operand<TFloat32> zero = tf.constant(0f);
        Operand<TFloat32> count = tf.math.add(
            tf.reduceSum(tf.dtypes.cast(kept, TFloat32.class), axes, ReduceSum.keepDims(true)),
            tf.constant(1e-7f)); // Keras's backend.epsilon()
        batchMean = tf.math.div(
            tf.reduceSum(tf.select(kept, x, zero), axes, ReduceSum.keepDims(true)), count);
        Operand<TFloat32> difference = tf.select(kept, tf.math.sub(x, batchMean), zero);
        batchVariance = tf.math.div(tf.reduceSum(tf.math.square(difference), axes,
            ReduceSum.keepDims(true)), count);
      }
      mean = tf.reshape(batchMean, tf.constant(new long[] {-1}));
      variance = tf.reshape(batchVariance, tf.constant(new long[] {-1}));
      Operand<TFloat32> m = tf.constant((float) momentum);
      Operand<TFloat32> rest = tf.constant((float) (1.0 - momentum));
      List<Weight> own = weights();
      context.update(own.get(own.size() - 2),
          tf.math.add(tf.math.mul(movingMean, m), tf.math.mul(mean, rest)));
      context.update(own.get(own.size() - 1),
          tf.math.add(tf.math.mul(movingVariance, m), tf.math.mul(variance, rest)));
    } else {
      mean = movingMean;
      variance = movingVariance;
    }
    // tf.nn.batch_normalization, with the statistics shaped to broadcast along the axis.
    long[] broadcast = new long[rank];
    java.util.Arrays.fill(broadcast, 1);
    broadcast[builtAxis] = -1;
    Operand<TInt64> to = tf.constant(broadcast);
    Operand<TFloat32> inv = tf.math.rsqrt(tf.math.add(variance, tf.constant((float) epsilon)));
    if (gamma != null) {
      inv = tf.math.mul(inv, gamma);
    }
    Operand<TFloat32> shift = tf.math.neg(tf.math.mul(mean, inv));
    if (beta != null) {
      shift = tf.math.sub(beta, tf.math.mul(mean, inv));
    }
    return tf.math.add(tf.math.mul(x, tf.reshape(inv, to)), tf.reshape(shift, to));
  }

  private static BatchNormalization fromConfig(String name, LayerConfig c)
      throws ModelFormatException {
    Builder b = builder().name(name).axis(c.optInt("axis", -1))
        .momentum(c.optDouble("momentum", 0.99)).epsilon(c.optDouble("epsilon", 1e-3))
        .center(c.optBoolean("center", true)).scale(c.optBoolean("scale", true))
        .betaRegularizer(BuiltInLayerTypes.regularizer(c, "beta_regularizer"))
        .gammaRegularizer(BuiltInLayerTypes.regularizer(c, "gamma_regularizer"))
        .betaConstraint(BuiltInLayerTypes.constraint(c, "beta_constraint"))
        .gammaConstraint(BuiltInLayerTypes.constraint(c, "gamma_constraint"));
    // Initial values do not matter once weights load; the rest only at Keras's defaults.
    c.ignore("beta_initializer", "gamma_initializer", "moving_mean_initializer",
        "moving_variance_initializer", "renorm_momentum");
    c.requireDefault("renorm_clipping", null);
    c.requireDefault("synchronized", false);
    c.requireDefault("renorm", false);
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw c.error(e.getMessage().contains("epsilon") ? "epsilon" : "momentum", e.getMessage());
    }
  }

  /** Keras's arguments. */
  public static final class Builder {
    private String name;
    private int axis = -1;
    private double momentum = 0.99;
    private double epsilon = 1e-3;
    private boolean center = true;
    private boolean scale = true;
    private Regularizer betaRegularizer;
    private Regularizer gammaRegularizer;
    private Constraint betaConstraint;
    private Constraint gammaConstraint;

    private Builder() {}

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

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** The feature axis (Keras's {@code axis}): -1, the last, by default. */
    public Builder axis(int axis) {
      this.axis = axis;
      return this;
    }

    public Builder momentum(double momentum) {
      this.momentum = momentum;
      return this;
    }

    public Builder epsilon(double epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    /** Whether to add the learnt offset {@code beta}. */
    public Builder center(boolean center) {
      this.center = center;
      return this;
    }

    /** Whether to multiply by the learnt {@code gamma}. */
    public Builder scale(boolean scale) {
      this.scale = scale;
      return this;
    }

    public BatchNormalization build() {
      if (!(momentum >= 0 && momentum <= 1)) {
        throw new IllegalArgumentException("BatchNormalization momentum must be in [0, 1], got "
            + momentum);
      }
      if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
        throw new IllegalArgumentException("BatchNormalization epsilon must be positive, got "
            + epsilon);
      }
      return new BatchNormalization(this);
    }
  }
}
