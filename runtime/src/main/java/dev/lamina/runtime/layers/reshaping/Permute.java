package dev.lamina.runtime.layers.reshaping;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/**
 * Keras's {@code Permute(dims)}: reorders each sample's axes. {@code dims} numbers the axes from 1
 * (the batch axis stays first): {@code new Permute(2, 1)} swaps the two axes of a sequence.
 */
public final class Permute extends Layer {

  private final int[] dims;

  /** {@code new Permute(2, 1)} is Keras's {@code Permute((2, 1))}. */
  public Permute(int... dims) {
    this(null, dims);
  }

  /** A named permutation. */
  public Permute(String name, int... dims) {
    super(name);
    this.dims = dims.clone();
    int[] sorted = dims.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] != i + 1) {
        throw new IllegalArgumentException("Permute's dims must be a permutation of 1.."
            + dims.length + " (the batch axis is not counted), got " + Arrays.toString(dims));
      }
    }
    if (dims.length == 0) {
      throw new IllegalArgumentException("Permute needs at least one axis in dims");
    }
  }

  /** Applies the layer; the output has the input\'s dtype. */
  public <T extends TType> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("dims", Arrays.stream(dims).asLongStream().toArray());
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    Shape shape = ReshapingArgs.requireRank(this, inputs.get(0), dims.length + 1,
        "(batch and " + dims.length + " axes, as dims)");
    long[] out = new long[dims.length + 1];
    out[0] = shape.get(0);
    for (int i = 0; i < dims.length; i++) {
      out[i + 1] = shape.get(dims[i]);
    }
    return Layers.spec(Shape.of(out), inputs.get(0).dtype());
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    int[] perm = new int[dims.length + 1];
    for (int i = 0; i < dims.length; i++) {
      perm[i + 1] = dims[i];
    }
    return tf.linalg.transpose(inputs.get(0), tf.constant(perm));
  }
}
