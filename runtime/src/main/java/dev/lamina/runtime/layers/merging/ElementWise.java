package dev.lamina.runtime.layers.merging;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/**
 * Keras 3's {@code Merge} base class, for the element-wise merge layers ({@link Add},
 * {@link Subtract}, {@link Multiply}, {@link Average}, {@link Maximum}, {@link Minimum}): two or
 * more inputs of one dtype, combined element by element, left to right.
 *
 * <p>Shapes follow Keras's {@code Merge.build}: batch sizes that are known must be equal; the
 * other dimensions broadcast aligned on the right, a size of 1 stretching to the other size, and
 * an input of lower rank gains axes of size 1 right after the batch axis (Keras's
 * {@code expand_dims(x, axis=1)}), so {@code (batch, 4)} merges with {@code (batch, 3, 4)}.
 * Where Keras infers an unknown size against a known one, Lamina keeps the known one unless it
 * is 1.
 *
 * <p>Masks follow Keras's {@code Merge.compute_mask}: the output has a mask only if every input
 * has one, and it is their logical OR (a position counts if any input counts there). As in
 * Keras 3, {@link Multiply}, {@link Maximum} and {@link Minimum} also use the masks in their
 * values (except the masks of inputs of lower rank, which Keras expands into new tensors without
 * them): each input's mask covers the input without its last axis (Keras's
 * {@code expand_dims(mask, -1)}); a
 * position one input masks out counts as 1 for {@code Multiply}, which then zeroes the positions
 * no input counts if every input has a mask, and takes the other inputs' value for
 * {@code Maximum} and {@code Minimum} (Keras's {@code _apply_merge_op_and_or_mask}). The others
 * compute the same values with or without masks, as Keras's do.
 */
abstract class ElementWise extends Layer {

  ElementWise(String name) {
    super(name);
  }

  /** Combines two operands that broadcast against each other. */
  abstract Operand<?> combine(Ops tf, Operand<?> a, Operand<?> b);

  /** The exact number of inputs the layer takes, or 0 for two or more. */
  int exactInputs() {
    return 0;
  }

  /** Whether the layer needs a floating-point dtype rather than any number. */
  boolean needsFloats() {
    return false;
  }

  /** How a layer's values use its inputs' masks, as Keras 3's merge layers do. */
  enum MaskedValues {
    /** Not at all (Add, Subtract, Average). */
    NONE,
    /** Keras's {@code Multiply._merge_function}: masked out counts as 1, then zeroes. */
    PRODUCT,
    /** Keras's {@code _apply_merge_op_and_or_mask} (Maximum, Minimum). */
    PICK
  }

  /** How this layer's values use its inputs' masks. */
  MaskedValues maskedValues() {
    return MaskedValues.NONE;
  }

  @Override
  protected final boolean usesInputMasks() {
    return maskedValues() != MaskedValues.NONE;
  }

  /** The merged result, to which a layer may still apply a last step (Average divides). */
  Operand<?> finish(Ops tf, Operand<?> merged, int count) {
    return merged;
  }

  @Override
  protected final OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    if (exactInputs() > 0) {
      Layers.requireInputs(this, inputs, exactInputs());
    } else if (inputs.size() < 2) {
      throw new IllegalArgumentException(describe() + " needs at least 2 inputs, got "
          + inputs.size());
    }
    SymbolicTensor<?> first = inputs.get(0);
    Layers.requireNumbers(this, first);
    if (needsFloats() && !TFloating.class.isAssignableFrom(first.dtype())) {
      throw new IllegalArgumentException(describe() + " needs floating-point inputs, got "
          + Layers.describe(inputs));
    }
    for (SymbolicTensor<?> input : inputs) {
      if (input.dtype() != first.dtype()) {
        throw new IllegalArgumentException(describe() + " needs inputs of one dtype, got "
            + Layers.describe(inputs));
      }
      if (input.shape().isUnknown() || input.shape().numDimensions() < 1) {
        throw new IllegalArgumentException(describe() + " needs inputs with a batch axis and "
            + "known rank, got " + Layers.describe(inputs));
      }
    }
    Shape out = Shape.of(broadcast(inputs));
    if (usesInputMasks()) {
      for (SymbolicTensor<?> input : inputs) {
        if (input.shape().numDimensions() == out.numDimensions()) { // others are expanded
          input.mask().ifPresent(mask -> requireMaskFits(input, mask, inputs));
        }
      }
    }
    return Layers.spec(out, first.dtype());
  }

  /** Keras's {@code broadcast_to(expand_dims(mask, -1), shape(x))} must work. */
  private void requireMaskFits(SymbolicTensor<?> input, SymbolicTensor<?> mask,
      List<SymbolicTensor<?>> inputs) {
    Shape x = input.shape();
    Shape m = mask.shape();
    boolean fits = !m.isUnknown() && m.numDimensions() == x.numDimensions() - 1;
    for (int i = 0; fits && i < m.numDimensions(); i++) {
      long md = m.get(i);
      long xd = x.get(i);
      fits = md == Shape.UNKNOWN_SIZE || xd == Shape.UNKNOWN_SIZE || md == 1 || md == xd;
    }
    if (!fits) {
      throw new IllegalArgumentException(describe() + " uses its inputs' masks in its values, as "
          + "Keras 3 does, over each input without its last axis (Keras's expand_dims(mask, "
          + "-1)), so a mask needs one axis fewer than its input, each size 1 or the input's; "
          + "got mask " + Shapes.format(m) + " on input " + Shapes.format(x) + " (inputs "
          + Layers.describe(inputs) + ")");
    }
  }

  /** Keras's {@code Merge.compute_output_shape}, refusing what it refuses. */
  private long[] broadcast(List<SymbolicTensor<?>> inputs) {
    int rank = inputs.stream().mapToInt(t -> t.shape().numDimensions()).max().orElseThrow();
    long[] out = new long[rank];
    Arrays.fill(out, 1);
    out[0] = Shape.UNKNOWN_SIZE;
    for (SymbolicTensor<?> input : inputs) {
      long[] dims = input.shape().asArray();
      long batch = dims[0];
      if (out[0] != Shape.UNKNOWN_SIZE && batch != Shape.UNKNOWN_SIZE && batch != out[0]) {
        throw new IllegalArgumentException(describe() + " cannot merge inputs of different batch "
            + "sizes, got " + Layers.describe(inputs));
      }
      if (batch != Shape.UNKNOWN_SIZE) {
        out[0] = batch;
      }
      // Non-batch axes aligned on the right; missing ones are 1 (Keras expands at axis 1).
      for (int i = 1; i < dims.length; i++) {
        int at = rank - dims.length + i;
        long merged = merge(out[at], dims[i]);
        if (merged == CLASH) {
          throw new IllegalArgumentException(describe() + " cannot broadcast inputs of shapes "
              + shapes(inputs) + ": axis " + at + " of the output would be both " + out[at]
              + " and " + dims[i] + " (sizes must be equal or 1)");
        }
        out[at] = merged;
      }
    }
    return out;
  }

  private static final long CLASH = Long.MIN_VALUE;

  /** One axis's merged size, or {@link #CLASH} if neither is 1 and they differ. */
  private static long merge(long a, long b) {
    if (a == 1) {
      return b;
    }
    if (b == 1 || b == Shape.UNKNOWN_SIZE) {
      return a;
    }
    if (a == Shape.UNKNOWN_SIZE || a == b) {
      return b;
    }
    return CLASH;
  }

  private static String shapes(List<SymbolicTensor<?>> inputs) {
    List<String> out = new ArrayList<>();
    inputs.forEach(t -> out.add(Shapes.format(t.shape())));
    return String.join(", ", out);
  }

  /** Keras's {@code Merge.compute_mask}: the OR of the masks if every input has one. */
  @Override
  protected final MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    if (!inputs.stream().allMatch(input -> input.mask().isPresent())) {
      return null;
    }
    return (tf, operands, masks) -> {
      Operand<TBool> mask = masks.get(0);
      for (Operand<TBool> next : masks.subList(1, masks.size())) {
        mask = tf.math.logicalOr(mask, next);
      }
      return mask;
    };
  }

  @Override
  protected final Operand<?> build(Ops tf, List<Operand<?>> inputs,
      List<Operand<TFloat32>> weights, CallContext context) {
    int rank = inputs.stream().mapToInt(x -> x.shape().numDimensions()).max().orElseThrow();
    List<Operand<?>> expanded = new ArrayList<>(inputs.size());
    List<Operand<TBool>> masks = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      Operand<?> next = inputs.get(i);
      Operand<TBool> mask = usesInputMasks() ? context.mask(i) : null;
      // As Keras's Merge.call: size-1 axes after the batch axis until the ranks agree. The
      // expanded tensor is a new one, without the input's mask (Keras's expand_dims).
      for (int r = next.shape().numDimensions(); r < rank; r++) {
        next = tf.expandDims(next, tf.constant(1));
        mask = null;
      }
      expanded.add(next);
      // Keras's expand_dims(mask, -1); select broadcasts it as broadcast_to(.., shape(x)) does
      masks.add(mask == null ? null : tf.expandDims(mask, tf.constant(-1)));
    }
    switch (maskedValues()) {
      case PRODUCT:
        return product(tf, expanded, masks);
      case PICK:
        return pick(tf, expanded, masks);
      default:
        Operand<?> result = expanded.get(0);
        for (Operand<?> next : expanded.subList(1, expanded.size())) {
          result = combine(tf, result, next);
        }
        return finish(tf, result, inputs.size());
    }
  }

  /** Keras 3's {@code Multiply._merge_function}. */
  private Operand<?> product(Ops tf, List<Operand<?>> inputs, List<Operand<TBool>> masks) {
    boolean everyMasked = masks.stream().allMatch(java.util.Objects::nonNull);
    Operand<?> output = null;
    Operand<TBool> outputMask = null;
    for (int i = 0; i < inputs.size(); i++) {
      Operand<?> x = inputs.get(i);
      Operand<TBool> mask = masks.get(i);
      if (mask != null) {
        x = select(tf, mask, x, constant(tf, 1, x)); // masked out counts as 1
        if (everyMasked) {
          outputMask = outputMask == null ? mask : tf.math.logicalOr(outputMask, mask);
        }
      }
      output = output == null ? x : combine(tf, output, x);
    }
    if (everyMasked) {
      output = select(tf, outputMask, output, constant(tf, 0, output)); // no input counts: 0
    }
    return output;
  }

  /** Keras 3's {@code Merge._apply_merge_op_and_or_mask}. */
  private Operand<?> pick(Ops tf, List<Operand<?>> inputs, List<Operand<TBool>> masks) {
    Operand<?> output = inputs.get(0);
    Operand<TBool> outputMask = masks.get(0);
    for (int i = 1; i < inputs.size(); i++) {
      Operand<?> x = inputs.get(i);
      Operand<TBool> mask = masks.get(i);
      if (mask != null) {
        x = select(tf, mask, x, output);
      }
      if (outputMask != null) {
        output = select(tf, outputMask, output, x);
      }
      outputMask = mask != null && outputMask != null ? tf.math.logicalOr(outputMask, mask)
          : null;
      output = combine(tf, output, x);
    }
    return output;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Operand<?> select(Ops tf, Operand<TBool> mask, Operand<?> a, Operand<?> b) {
    return tf.select(mask, (Operand) a, (Operand) b);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Operand<?> constant(Ops tf, int value, Operand<?> like) {
    return tf.dtypes.cast(tf.constant(value), (Class) like.type());
  }
}
