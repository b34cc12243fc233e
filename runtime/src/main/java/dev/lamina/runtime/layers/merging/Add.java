package dev.lamina.runtime.layers.merging;

import dev.lamina.runtime.SymbolicTensor;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** Keras's {@code Add()}: the element-wise sum of its inputs. */
public final class Add extends ElementWise {

  public Add() {
    this(null);
  }

  public Add(String name) {
    super(name);
  }

  @SafeVarargs
  public final <T extends TNumber> SymbolicTensor<T> apply(SymbolicTensor<T>... inputs) {
    return applyTyped(inputs);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  Operand<?> combine(Ops tf, Operand<?> a, Operand<?> b) {
    return tf.math.add((Operand) a, (Operand) b);
  }
}
