package dev.lamina.runtime.layers.normalization;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code RMSNormalization(axis=-1, epsilon=1e-6)}: each sample divided by its root mean
 * square over {@code axis}, then multiplied by a trainable {@code scale}. Computed as Keras's
 * {@code ops.rms_normalization} does: {@code x * rsqrt(mean(square(x), axis, keepdims=True) +
 * epsilon) * scale}. Unlike {@code LayerNormalization} it subtracts no mean and has no offset.
 *
 * <p>One weight, as Keras's {@code build} adds it: {@code scale}, trainable, starting at ones,
 * of the sizes of the normalised axes in the order of Keras's sorted {@code axis} list. As in
 * Keras, {@code scale} is multiplied as it is, so it lines up with the input's trailing axes:
 * the intended layout when the normalised axes are the last ones (the default). Another {@code
 * axis} is accepted only where Keras's product keeps the input's shape, and then computes what
 * Keras computes. Keras's layer does not support masking: a mask on the input ends here.
 */
public final class RMSNormalization extends Layer {

  private final int[] axis; // as given; sorted, as Keras's build sorts a list
  private final double epsilon;
  private long[] builtDims; // fixed by the first apply
  private int builtRank = -1;

  private RMSNormalization(Builder builder) {
    super(builder.name);
    if (builder.axis.length == 0) {
      throw new IllegalArgumentException("RMSNormalization needs at least one axis");
    }
    if (!(builder.epsilon >= 0) || Double.isInfinite(builder.epsilon)) {
      throw new IllegalArgumentException("RMSNormalization epsilon must be finite and not "
          + "negative, got " + builder.epsilon);
    }
    this.axis = builder.axis.clone();
    Arrays.sort(this.axis);
    this.epsilon = builder.epsilon;
  }

  /** {@code RMSNormalization()}: over the last axis, epsilon {@code 1e-6}. */
  public RMSNormalization() {
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
    return arguments;
  }

  public double epsilon() {
    return epsilon;
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
    Layers.axes(this, axis, rank); // fails now for an axis out of range or given twice
    // Keras's build: scale's shape is input_shape[a] for a in the sorted axis list.
    long[] dims = new long[axis.length];
    for (int i = 0; i < axis.length; i++) {
      int a = axis[i] < 0 ? axis[i] + rank : axis[i];
      dims[i] = shape.get(a);
      if (dims[i] == Shape.UNKNOWN_SIZE) {
        throw new IllegalArgumentException(describe() + " needs a known size on axis " + a
            + ", got inputs " + Shapes.format(shape));
      }
    }
    // Keras multiplies by scale as it is: it broadcasts against the trailing axes.
    for (int j = 1; j <= dims.length; j++) {
      long d = dims[dims.length - j];
      long s = shape.get(rank - j);
      if (d != 1 && d != s) {
        throw new IllegalArgumentException(describe() + ": scale has the sizes "
            + Shapes.format(dims) + " of the normalised axes, and Keras multiplies it against "
            + "the input's last " + dims.length + " axes, which do not match them in "
            + Shapes.format(shape) + "; normalise over the last axes instead");
      }
    }
    if (builtDims == null) {
      builtDims = dims;
      builtRank = rank;
      addWeight("scale", Shape.of(dims), Initializer.ones(), true);
    } else if (rank != builtRank || !Arrays.equals(dims, builtDims)) {
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
    int[] axes = Layers.axes(this, axis, x.shape().numDimensions());
    Operand<TFloat32> meanSquare = tf.math.mean(tf.math.square(x), tf.constant(axes),
        Mean.keepDims(true));
    Operand<TFloat32> rrms = tf.math.rsqrt(tf.math.add(meanSquare,
        tf.constant((float) epsilon)));
    return tf.math.mul(tf.math.mul(x, rrms), weights.get(0));
  }

  /** Keras's RMSNormalization arguments. */
  public static final class Builder {
    private int[] axis = {-1};
    private double epsilon = 1e-6;
    private String name;

    private Builder() {}

    /** The axis or axes normalised over (batch included in the numbering); {@code -1}. */
    public Builder axis(int... axis) {
      this.axis = axis.clone();
      return this;
    }

    /** Added to the mean square; {@code 1e-6}. */
    public Builder epsilon(double epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public RMSNormalization build() {
      return new RMSNormalization(this);
    }
  }
}
