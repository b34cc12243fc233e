package dev.lamina.runtime.layers.merging;
import dev.lamina.runtime.layers.Layers;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

/**
 * Keras's merge layers {@code Add} and {@code Multiply}: two or more inputs of one dtype and one
 * shape, combined element by element (Keras also broadcasts; Lamina asks for equal shapes, which
 * is what the merge layers are for).
 */
abstract class ElementWise extends Layer {

  ElementWise(String name) {
    super(name);
  }

  /** Combines two operands. */
  abstract Operand<?> combine(Ops tf, Operand<?> a, Operand<?> b);

  @Override
  protected final OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    if (inputs.size() < 2) {
      throw new IllegalArgumentException(describe() + " needs at least 2 inputs, got "
          + inputs.size());
    }
    SymbolicTensor<?> first = inputs.get(0);
    Layers.requireNumbers(this, first);
    if (inputs.stream().anyMatch(input -> input.shape().isUnknown())) {
      throw new IllegalArgumentException(describe() + " needs inputs of known rank, got "
          + Layers.describe(inputs));
    }
    long[] merged = first.shape().asArray();
    for (SymbolicTensor<?> input : inputs.subList(1, inputs.size())) {
      boolean fits = input.dtype() == first.dtype()
          && input.shape().numDimensions() == first.shape().numDimensions();
      for (int i = 0; fits && i < merged.length; i++) {
        long a = merged[i];
        long b = input.shape().get(i);
        fits = a == Shape.UNKNOWN_SIZE || b == Shape.UNKNOWN_SIZE || a == b;
        merged[i] = a == Shape.UNKNOWN_SIZE ? b : a;
      }
      if (!fits) {
        throw new IllegalArgumentException(describe() + " needs inputs of one shape and dtype, "
            + "got " + Layers.describe(inputs));
      }
    }
    return Layers.spec(Shape.of(merged), first.dtype());
  }

  @Override
  protected final Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    Operand<?> result = inputs.get(0);
    for (Operand<?> next : inputs.subList(1, inputs.size())) {
      result = combine(tf, result, next);
    }
    return result;
  }
}
