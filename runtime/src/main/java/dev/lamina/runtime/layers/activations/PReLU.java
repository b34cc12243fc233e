package dev.lamina.runtime.layers.activations;

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
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code PReLU(alpha_initializer="zeros", shared_axes=None)}: {@code relu(x) - alpha *
 * relu(-x)} with a trainable {@code alpha} per input position (every axis but the batch), shared
 * along {@code shared_axes} (there its size is 1). As in Keras, the layer is built by its first
 * {@code apply}, which fixes alpha's shape; for float32 inputs. Keras's {@code
 * alpha_regularizer} and {@code alpha_constraint} apply in {@code fit} as in Keras.
 */
public final class PReLU extends Layer {

  private final float alphaInitial;
  private final int[] sharedAxes;
  private final Regularizer alphaRegularizer;
  private final Constraint alphaConstraint;
  private Shape inputShape; // fixed by the first apply

  private PReLU(Builder builder) {
    super(builder.name);
    this.alphaInitial = builder.alphaInitial;
    this.sharedAxes = builder.sharedAxes;
    this.alphaRegularizer = builder.alphaRegularizer;
    this.alphaConstraint = builder.alphaConstraint;
  }

  /** {@code PReLU()}: alpha starts at zero, one per input position. */
  public PReLU() {
    this(builder());
  }

  /** Keras's options. */
  public static Builder builder() {
    return new Builder();
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  /** Keras's {@code shared_axes}, or {@code null} for none. */
  public int[] sharedAxes() {
    return sharedAxes == null ? null : sharedAxes.clone();
  }

  /** The constant alpha starts at (Keras's {@code Zeros} or {@code Constant} initializer). */
  public float alphaInitial() {
    return alphaInitial;
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("alpha_initializer", alphaInitial == 0f
        ? Map.of("class_name", "Zeros", "config", Map.of())
        : Map.of("class_name", "Constant", "config", Map.of("value", (double) alphaInitial)));
    arguments.put("shared_axes",
        sharedAxes == null ? null : Arrays.stream(sharedAxes).boxed().toList());
    return arguments;
  }

  /**
   * What a saved model keeps: the {@link #arguments()}, and Keras's {@code alpha_regularizer}
   * and {@code alpha_constraint} as Keras's serialized objects, each one that is set.
   */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>(arguments());
    Layers.putRegularizer(config, "alpha_regularizer", alphaRegularizer);
    Layers.putConstraint(config, "alpha_constraint", alphaConstraint);
    return config;
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
    if (shape.isUnknown() || shape.numDimensions() < 2) {
      throw new IllegalArgumentException(describe() + " needs inputs of rank 2 or more (batch "
          + "first), got " + Shapes.format(shape));
    }
    int rank = shape.numDimensions();
    long[] alphaShape = Arrays.copyOfRange(shape.asArray(), 1, rank);
    if (sharedAxes != null) {
      for (int axis : sharedAxes) {
        if (axis < 1 || axis >= rank) {
          throw new IllegalArgumentException(describe() + ": shared axis " + axis + " is not an "
              + "axis of inputs " + Shapes.format(shape) + " other than the batch (1 to "
              + (rank - 1) + ")");
        }
        alphaShape[axis - 1] = 1;
      }
    }
    for (int i = 0; i < alphaShape.length; i++) {
      if (alphaShape[i] == Shape.UNKNOWN_SIZE) {
        throw new IllegalArgumentException(describe() + " needs a known size on axis " + (i + 1)
            + " (or that axis shared), got " + Shapes.format(shape));
      }
    }
    if (inputShape == null) {
      inputShape = shape;
      // Keras builds the layer on its first call: alpha's shape follows from the input's.
      addWeight("alpha", Shape.of(alphaShape), alphaInitial == 0f ? Initializer.zeros()
          : Initializer.constant(alphaInitial), true, alphaRegularizer, alphaConstraint);
    } else {
      Shape built = weights().get(0).shape();
      if (!built.equals(Shape.of(alphaShape))) {
        throw new IllegalArgumentException(describe() + " was built for inputs "
            + Shapes.format(inputShape) + " (alpha " + Shapes.format(built) + "), got "
            + Shapes.format(shape));
      }
    }
    return Layers.spec(shape, TFloat32.class);
  }

  @Override
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    return inputs.get(0).mask().isPresent() ? (tf, in, masks) -> masks.get(0) : null;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      boolean training) {
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    // Keras: relu(x) + (-alpha) * relu(-x); alpha broadcasts over the batch and shared axes.
    Operand<TFloat32> negative = tf.math.mul(tf.math.neg(weights.get(0)),
        tf.nn.relu(tf.math.neg(x)));
    return tf.math.add(tf.nn.relu(x), negative);
  }

  /** Keras's PReLU arguments. */
  public static final class Builder {
    private float alphaInitial;
    private int[] sharedAxes;
    private String name;
    private Regularizer alphaRegularizer;
    private Constraint alphaConstraint;

    private Builder() {}

    /** Keras's {@code alpha_regularizer}: its penalty of alpha joins the loss. */
    public Builder alphaRegularizer(Regularizer regularizer) {
      this.alphaRegularizer = regularizer;
      return this;
    }

    /** Keras's {@code alpha_constraint}: applied to alpha after each optimizer step. */
    public Builder alphaConstraint(Constraint constraint) {
      this.alphaConstraint = constraint;
      return this;
    }

    /** The constant alpha starts at: Keras's {@code Constant(value)}; zero by default. */
    public Builder alphaInitializer(float value) {
      if (!Float.isFinite(value)) {
        throw new IllegalArgumentException("PReLU alpha_initializer value is " + value
            + "; it must be finite");
      }
      this.alphaInitial = value;
      return this;
    }

    /** Axes (1 = the first after the batch) along which alpha is shared: one value for all. */
    public Builder sharedAxes(int... axes) {
      this.sharedAxes = axes == null || axes.length == 0 ? null : axes.clone();
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public PReLU build() {
      return new PReLU(this);
    }
  }
}
