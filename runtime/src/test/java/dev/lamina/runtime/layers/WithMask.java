package dev.lamina.runtime.layers;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Test-only: passes {@code x} through with a mask attached, as the fixtures'
 * {@code backend.set_keras_mask} does in Keras, so layers see masked inputs. The mask is the
 * second input itself when it is bool, else where it is not 0.
 */
public final class WithMask extends Layer {

  public WithMask() {
    super(null);
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x, SymbolicTensor<?> m) {
    return applyTyped(x, m);
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 2);
    return Layers.spec(inputs.get(0).shape(), inputs.get(0).dtype());
  }

  @Override
  @SuppressWarnings("unchecked")
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    return (tf, operands, masks) -> operands.get(1).type() == TBool.class
        ? (Operand<TBool>) operands.get(1)
        : tf.math.notEqual((Operand<TFloat32>) operands.get(1), tf.constant(0f));
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    return tf.identity(inputs.get(0));
  }
}
