package dev.lamina.runtime.layers.merging;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.family.TType;

/**
 * Keras's {@code Concatenate(axis=-1)}: joins inputs of one dtype along {@code axis} (counted on
 * the full shape, batch included; negative counts from the end). All other sizes must match.
 */
public final class Concatenate extends Layer {

  private final int axis;

  /** Along the last axis, as Keras's default. */
  public Concatenate() {
    this(-1);
  }

  public Concatenate(int axis) {
    this(null, axis);
  }

  public Concatenate(String name, int axis) {
    super(name);
    this.axis = axis;
  }

  /** Joins two or more inputs. */
  @SafeVarargs
  public final <T extends TType> SymbolicTensor<T> apply(SymbolicTensor<T>... inputs) {
    return applyTyped(inputs);
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("axis", axis);
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    if (inputs.size() < 2) {
      throw new IllegalArgumentException(describe() + " needs at least 2 inputs, got "
          + inputs.size());
    }
    SymbolicTensor<?> first = inputs.get(0);
    int rank = first.shape().numDimensions();
    int at = axis < 0 ? rank + axis : axis;
    if (first.shape().isUnknown() || at < 0 || at >= rank) {
      throw new IllegalArgumentException(describe() + ": axis " + axis + " is out of range for "
          + "inputs of shape " + Shapes.format(first.shape()));
    }
    long[] out = first.shape().asArray();
    for (SymbolicTensor<?> input : inputs.subList(1, inputs.size())) {
      if (input.dtype() != first.dtype()) {
        throw new IllegalArgumentException(describe() + ": inputs must share one dtype, got "
            + Layers.describe(inputs));
      }
      Shape shape = input.shape();
      boolean fits = shape.numDimensions() == rank;
      for (int i = 0; fits && i < rank; i++) {
        long a = out[i];
        long b = shape.get(i);
        if (i == at) {
          out[i] = a == Shape.UNKNOWN_SIZE || b == Shape.UNKNOWN_SIZE ? Shape.UNKNOWN_SIZE : a + b;
        } else {
          fits = a == Shape.UNKNOWN_SIZE || b == Shape.UNKNOWN_SIZE || a == b;
          out[i] = a == Shape.UNKNOWN_SIZE ? b : a;
        }
      }
      if (!fits) {
        throw new IllegalArgumentException(describe() + ": inputs must match in every dimension "
            + "except the concatenation axis " + axis + ", got " + Layers.describe(inputs));
      }
    }
    return Layers.spec(Shape.of(out), first.dtype());
  }

  /**
   * Keras's {@code Concatenate.compute_mask}: none if no input has a mask; otherwise each input's
   * mask (all true where an input has none, broadcast over the last axis where it is one rank
   * short) joined on the axis, and a position kept if any of its values is.
   */
  @Override
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    if (inputs.stream().noneMatch(input -> input.mask().isPresent())) {
      return null;
    }
    return (tf, operands, masks) -> {
      List<Operand<TBool>> full = new ArrayList<>();
      for (int i = 0; i < operands.size(); i++) {
        Operand<?> input = operands.get(i);
        Operand<TBool> mask = masks.get(i);
        if (mask == null) {
          mask = tf.fill(tf.shape(input), tf.constant(true));
        } else if (mask.shape().numDimensions() < input.shape().numDimensions()) {
          mask = tf.broadcastTo(tf.expandDims(mask, tf.constant(-1)), tf.shape(input));
        }
        full.add(mask);
      }
      return tf.reduceAny(tf.concat(full, tf.constant(axis)), tf.constant(-1));
    };
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    return tf.concat((Iterable) new ArrayList<>(inputs), tf.constant(axis));
  }
}
