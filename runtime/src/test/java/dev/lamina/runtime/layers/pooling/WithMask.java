package dev.lamina.runtime.layers.pooling;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Test-only: passes {@code x} through with the mask {@code m != 0} attached, as the fixture's
 * {@code backend.set_keras_mask} does in Keras, so pooling layers see masked inputs.
 */
final class WithMask extends Layer {

  WithMask() {
    super(null);
  }

  SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x, SymbolicTensor<TFloat32> m) {
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
    return (tf, operands, masks) ->
        tf.math.notEqual((Operand<TFloat32>) operands.get(1), tf.constant(0f));
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    return tf.identity(inputs.get(0));
  }
}
