package dev.lamina.runtime.layers.core;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Any;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code Masking(mask_value=0.0)}: marks the steps whose features all equal {@code
 * mask_value} as padding. Its output mask is {@code any(x != mask_value, axis=-1)} (a step is
 * kept if any of its features differs), and the output is the input with the masked steps'
 * features set to 0, as Keras's {@code call} does. Inputs of rank 2 or more, of any number type.
 */
public final class Masking extends Layer {

  private final double maskValue;

  /** {@code Masking()}: masks the all-zero steps. */
  public Masking() {
    this(null, 0.0);
  }

  /** {@code Masking(mask_value=maskValue, name=name)}; {@code name} may be null. */
  public Masking(String name, double maskValue) {
    super(name);
    if (Double.isNaN(maskValue)) {
      throw new IllegalArgumentException("Masking mask_value is NaN, which no value equals");
    }
    this.maskValue = maskValue;
  }

  public <T extends TNumber> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  public double maskValue() {
    return maskValue;
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("mask_value", maskValue);
    return arguments;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    Layers.requireNumbers(this, x);
    if (x.shape().isUnknown() || x.shape().numDimensions() < 2) {
      throw new IllegalArgumentException(describe() + " needs inputs of rank 2 or more "
          + "(batch, ..., features), got " + Shapes.format(x.shape()));
    }
    return Layers.spec(x.shape(), x.dtype());
  }

  /** Keras's {@code compute_mask}: {@code any(x != mask_value, axis=-1)}. */
  @Override
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    return (tf, operands, masks) -> kept(tf, operands.get(0), false);
  }

  @SuppressWarnings("unchecked")
  private Operand<TBool> kept(Ops tf, Operand<?> input, boolean keepDims) {
    Operand<TNumber> x = (Operand<TNumber>) input;
    return tf.any(tf.math.notEqual(x, tf.dtypes.cast(tf.constant(maskValue), x.type())),
        tf.constant(-1), Any.keepDims(keepDims));
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      boolean training) {
    Operand<TNumber> x = (Operand<TNumber>) inputs.get(0);
    return tf.select(kept(tf, x, true), x, tf.zerosLike(x));
  }
}
