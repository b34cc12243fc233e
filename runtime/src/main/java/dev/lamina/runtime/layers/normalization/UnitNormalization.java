package dev.lamina.runtime.layers.normalization;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code UnitNormalization(axis=-1)}: each sample scaled to unit L2 norm over
 * {@code axis}. As Keras's {@code ops.normalize(x, order=2, epsilon=1e-12)}: {@code x *
 * min(rsqrt(sum(x²)), 1e12)}, so an all-zero slice stays zero. No weights.
 */
public final class UnitNormalization extends Layer {

  /** Keras's epsilon: the inverse norm is capped at its inverse. */
  private static final double EPSILON = 1e-12;

  private final int[] axis;

  /** Over the last axis. */
  public UnitNormalization() {
    this(null, -1);
  }

  /**
   * @param name the layer's name, or null for the default
   * @param axis the axis or axes (batch included in the numbering) to normalise over
   */
  public UnitNormalization(String name, int... axis) {
    super(name);
    if (axis.length == 0) {
      throw new IllegalArgumentException("UnitNormalization needs at least one axis");
    }
    this.axis = axis.clone();
  }

  /** Applies the layer to float32 inputs; the output has their shape. */
  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  /** Keras's config: {@code axis} an int when there is one, else a list. */
  @Override
  public Map<String, Object> arguments() {
    return Map.of("axis", axis.length == 1 ? (Object) axis[0] : Layers.list(axis));
  }

  /** As Keras's ({@code supports_masking}): the input's mask passes through. */
  @Override
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    return Layers.passMask(inputs);
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    if (x.dtype() != TFloat32.class) {
      throw new IllegalArgumentException(describe() + " takes float32 inputs, got "
          + Shapes.dtypeName(x.dtype()));
    }
    if (x.shape().isUnknown()) {
      throw new IllegalArgumentException(describe() + " needs inputs of known rank");
    }
    Layers.axes(this, axis, x.shape().numDimensions()); // fails now for a bad axis
    return Layers.spec(x.shape(), TFloat32.class);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    int[] axes = Layers.axes(this, axis, x.shape().numDimensions());
    Operand<TFloat32> squareSum = tf.reduceSum(tf.math.square(x), tf.constant(axes),
        ReduceSum.keepDims(true));
    Operand<TFloat32> inverseNorm = tf.math.minimum(tf.math.rsqrt(squareSum),
        tf.constant((float) (1.0 / EPSILON)));
    return tf.math.mul(x, inverseNorm);
  }
}
