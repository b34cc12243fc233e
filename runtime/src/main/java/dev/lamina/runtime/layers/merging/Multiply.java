package dev.lamina.runtime.layers.merging;

import dev.lamina.runtime.SymbolicTensor;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code Multiply()}: the element-wise product of two or more inputs.
 *
 * <p>As Keras 3's {@code Merge}: known batch sizes must be equal; the other axes broadcast aligned
 * on the right (a size of 1 stretches; an input of lower rank gains size-1 axes after the batch
 * axis), so {@code (batch, 4)} merges with {@code (batch, 3, 1)} into {@code (batch, 3, 4)}.
 * Where Keras infers an unknown size against a known one, Lamina keeps the known size unless it
 * is 1. The output has a mask only if every input has one: their logical OR.
 *
 * <p>Masks as Keras 3's {@code Multiply}: each input's mask covers the input without its last
 * axis; a position an input masks out counts as 1, and if every input has a mask, positions no
 * input counts are 0. As in Keras, the mask of an input of lower rank than the output is not
 * used (Keras expands it into a new tensor without the mask).
 */
public final class Multiply extends ElementWise {

  /** A layer the model names. */
  public Multiply() {
    this(null);
  }

  /** A layer named {@code name} (Keras's {@code name=}); {@code null} lets the model name it. */
  public Multiply(String name) {
    super(name);
  }

  /** Merges two or more inputs. */
  @SafeVarargs
  public final <T extends TNumber> SymbolicTensor<T> apply(SymbolicTensor<T>... inputs) {
    return applyTyped(inputs);
  }

  @Override
  MaskedValues maskedValues() {
    return MaskedValues.PRODUCT;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  Operand<?> combine(Ops tf, Operand<?> a, Operand<?> b) {
    return tf.math.mul((Operand) a, (Operand) b);
  }
}
