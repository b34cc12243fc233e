package dev.lamina.runtime;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;

/**
 * Computes the mask of one call of a layer that has a mask function, from the call's
 * inputs and their masks, as Keras's {@code compute_mask(inputs, mask)}. It is a layer call of its
 * own, so the model builds the mask only if something uses it, and a mask can be a model output.
 * Its inputs are the layer's inputs followed by those of their masks that exist.
 */
final class MaskLayer extends Layer {

  private final Layer owner;
  private final MaskFunction function;
  private final boolean[] masked;
  /** Which output of the owner's call this masks, or -1 if the owner gives one output. */
  private final int output;

  private MaskLayer(Layer owner, MaskFunction function, boolean[] masked, int output) {
    super(null); // named after the owner by defaultName, and made unique by the model
    this.owner = owner;
    this.function = function;
    this.masked = masked;
    this.output = output;
  }

  /**
   * The mask {@code owner}'s {@code function} computes for its call on {@code inputs}, for the
   * call's output {@code output} (-1: the call's only output).
   */
  static SymbolicTensor<TBool> apply(Layer owner, MaskFunction function,
      List<SymbolicTensor<?>> inputs, int output) {
    boolean[] masked = new boolean[inputs.size()];
    List<SymbolicTensor<?>> all = new ArrayList<>(inputs);
    for (int i = 0; i < inputs.size(); i++) {
      masked[i] = inputs.get(i).mask().isPresent();
      inputs.get(i).mask().ifPresent(all::add);
    }
    return new MaskLayer(owner, function, masked, output)
        .applyTyped(all.toArray(SymbolicTensor<?>[]::new));
  }

  /** The layer whose mask this computes. */
  Layer owner() {
    return owner;
  }

  @Override
  public String typeName() {
    return owner.typeName() + ".mask";
  }

  @Override
  public String defaultName() {
    return owner.explicitName().orElse(owner.defaultName())
        + (output < 0 ? "" : "_" + output) + "_mask";
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    OutputSpec<?> spec = Tracer.trace(owner, inputs, owner.maskFunctionName(), this::build);
    if (spec.dtype() != TBool.class) {
      throw new IllegalArgumentException(owner.describe() + ": mask "
          + owner.maskFunctionName() + " must give TBool, got " + spec.dtype().getSimpleName());
    }
    return spec;
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> all) {
    int count = masked.length;
    List<Operand<?>> inputs = all.subList(0, count);
    List<Operand<TBool>> masks = new ArrayList<>(count);
    int next = count;
    for (boolean has : masked) {
      @SuppressWarnings("unchecked")
      Operand<TBool> mask = has ? (Operand<TBool>) all.get(next++) : null;
      masks.add(mask);
    }
    return function.build(tf, inputs, masks);
  }
}
