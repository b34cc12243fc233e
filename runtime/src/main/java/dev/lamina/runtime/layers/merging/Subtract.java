package dev.lamina.runtime.layers.merging;

import dev.lamina.runtime.SymbolicTensor;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code Subtract()}: the element-wise difference of exactly two inputs, the first minus
 * the second.
 *
 * <p>As Keras 3's {@code Merge}: known batch sizes must be equal; the other axes broadcast aligned
 * on the right (a size of 1 stretches; an input of lower rank gains size-1 axes after the batch
 * axis), so {@code (batch, 4)} merges with {@code (batch, 3, 1)} into {@code (batch, 3, 4)}.
 * Where Keras infers an unknown size against a known one, Lamina keeps the known size unless it
 * is 1. The output has a mask only if every input has one: their logical OR.
 */
public final class Subtract extends ElementWise {

  /** A layer the model names. */
  public Subtract() {
    this(null);
  }

  /** A layer named {@code name} (Keras's {@code name=}); {@code null} lets the model name it. */
  public Subtract(String name) {
    super(name);
  }

  /** Merges exactly two inputs: {@code inputs[0] - inputs[1]}. */
  @SafeVarargs
  public final <T extends TNumber> SymbolicTensor<T> apply(SymbolicTensor<T>... inputs) {
    return applyTyped(inputs);
  }

  @Override
  int exactInputs() {
    return 2;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  Operand<?> combine(Ops tf, Operand<?> a, Operand<?> b) {
    return tf.math.sub((Operand) a, (Operand) b);
  }
}
