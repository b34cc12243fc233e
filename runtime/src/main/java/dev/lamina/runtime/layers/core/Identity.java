package dev.lamina.runtime.layers.core;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/**
 * Keras's {@code Identity()}: returns its input unchanged, as a placeholder where no operation
 * is to be performed. Any dtype and shape; called on several tensors (Keras's list input) it
 * gives each back as an output of its own, in order. Each output keeps its input's mask
 * ({@code supports_masking}, as Keras). No arguments besides the name, no weights.
 */
public final class Identity extends Layer {

  /** {@code Identity()}. */
  public Identity() {
    this(null);
  }

  /** {@code Identity(name=name)}; {@code name} may be null. */
  public Identity(String name) {
    super(name);
  }

  /** The input, unchanged: same shape, dtype and mask. */
  public <T extends TType> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  @Override
  protected List<OutputSpec<?>> computeOutputs(List<SymbolicTensor<?>> inputs) {
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException(describe() + " needs at least one input");
    }
    List<OutputSpec<?>> specs = new ArrayList<>(inputs.size());
    for (SymbolicTensor<?> x : inputs) {
      specs.add(Layers.spec(x.shape(), x.dtype()));
    }
    return specs;
  }

  /** Each output's mask is its input's (Keras's {@code compute_mask} of a passing layer). */
  @Override
  protected List<MaskFunction> maskFunctions(List<SymbolicTensor<?>> inputs, int outputs) {
    List<MaskFunction> masks = new ArrayList<>(outputs);
    for (int i = 0; i < outputs; i++) {
      int input = i;
      masks.add(inputs.get(i).mask().isEmpty() ? null
          : (tf, operands, given) -> tf.identity(given.get(input)));
    }
    return masks;
  }

  @Override
  protected List<Operand<?>> buildOutputs(Ops tf, List<Operand<?>> inputs,
      List<Operand<?>> weights, CallContext context) {
    List<Operand<?>> outputs = new ArrayList<>(inputs.size());
    for (Operand<?> x : inputs) {
      outputs.add(tf.identity(x));
    }
    return outputs;
  }
}
