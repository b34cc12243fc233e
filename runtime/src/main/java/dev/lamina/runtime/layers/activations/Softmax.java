package dev.lamina.runtime.layers.activations;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code Softmax(axis=-1)}: {@code exp(x) / sum(exp(x))} along {@code axis} (one axis,
 * or several: then over all of them together, as {@code exp(x - logsumexp(x, axes))}).
 *
 * <p>Masks, as Keras's {@code call(inputs, mask)}: masked positions (mask false) take -1e9
 * before the softmax and 0 after, so an all-masked row is all zeros. The mask broadcasts to the
 * input (each of its dimensions 1 or the input's). As in Keras, a call on a tensor that carries a
 * mask uses that mask ({@link #apply(SymbolicTensor)}, or a one-input {@link
 * #call(java.util.List)} as the Keras importer makes); {@link #apply(SymbolicTensor,
 * SymbolicTensor)} gives one explicitly, Keras's {@code Softmax()(x, mask=m)}, which a call by
 * {@code call} gives as the second input and which takes the place of any mask {@code x}
 * carries. The output carries the mask used ({@code supports_masking}).
 */
public final class Softmax extends Layer {

  /** Keras's {@code _large_negative_number} for float32 and wider. */
  private static final double MASKED = -1e9;

  private final int[] axis;

  /** {@code Softmax()}: on the last axis. */
  public Softmax() {
    this(null, -1);
  }

  /** {@code Softmax(name=name)}: on the last axis. */
  public Softmax(String name) {
    this(name, -1);
  }

  /**
   * @param name the layer's name, or {@code null} for a default one
   * @param axis the axis, or several axes, to normalize over (negative counts from the end; the
   *     batch is axis 0)
   */
  public Softmax(String name, int... axis) {
    super(name);
    if (axis == null || axis.length == 0) {
      throw new IllegalArgumentException("Softmax '" + (name == null ? "softmax" : name)
          + "' needs at least one axis");
    }
    this.axis = axis.clone();
  }

  /** Softmax of {@code x}, masked by {@code x}'s mask if it has one. */
  public <T extends TFloating> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  /** Softmax of {@code x} with Keras's {@code mask} argument (bool, or numbers: > 0.5 kept). */
  public <T extends TFloating> SymbolicTensor<T> apply(SymbolicTensor<T> x,
      SymbolicTensor<?> mask) {
    return applyTyped(x, mask);
  }

  /** The axes, as given. */
  public int[] axis() {
    return axis.clone();
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("axis", axis.length == 1 ? (Object) axis[0]
        : java.util.Arrays.stream(axis).boxed().toList());
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    if (inputs.size() != 1 && inputs.size() != 2) {
      throw new IllegalArgumentException(describe() + " takes an input and optionally its mask, "
          + "got " + inputs.size() + " inputs");
    }
    SymbolicTensor<?> x = inputs.get(0);
    if (!TFloating.class.isAssignableFrom(x.dtype())) {
      throw new IllegalArgumentException(describe() + " takes floating-point inputs, got "
          + Shapes.dtypeName(x.dtype()));
    }
    Shape shape = x.shape();
    if (shape.isUnknown()) {
      throw new IllegalArgumentException(describe() + " needs inputs of known rank");
    }
    int rank = shape.numDimensions();
    for (int a : axis) {
      if (a < -rank || a >= rank) {
        throw new IllegalArgumentException(describe() + ": axis " + a + " is out of range for "
            + "inputs " + Shapes.format(shape) + " (rank " + rank + ")");
      }
    }
    SymbolicTensor<?> mask = inputs.size() == 2 ? inputs.get(1) : x.mask().orElse(null);
    if (mask != null) {
      Shape m = mask.shape();
      if (mask.dtype() != TBool.class && !TNumber.class.isAssignableFrom(mask.dtype())) {
        throw new IllegalArgumentException(describe() + ": the mask must be bool or numbers, "
            + "got " + Shapes.dtypeName(mask.dtype()));
      }
      boolean fits = !m.isUnknown() && m.numDimensions() <= rank;
      for (int i = 1; fits && i <= m.numDimensions(); i++) {
        long md = m.get(m.numDimensions() - i);
        long xd = shape.get(rank - i);
        fits = md == Shape.UNKNOWN_SIZE || xd == Shape.UNKNOWN_SIZE || md == 1 || md == xd;
      }
      if (!fits) {
        throw new IllegalArgumentException(describe() + ": the mask must be broadcastable to "
            + "the input (no more dimensions; each 1 or the input's), got input "
            + Shapes.format(shape) + " and mask " + Shapes.format(m)
            + (inputs.size() == 2 ? "" : " (the mask its input carries)"));
      }
    }
    return Layers.spec(shape, x.dtype());
  }

  @Override
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    if (inputs.size() == 2) {
      return (tf, in, masks) -> boolMask(tf, in.get(1));
    }
    return inputs.get(0).mask().isPresent() ? (tf, in, masks) -> masks.get(0) : null;
  }

  /** The mask a one-input call's input carries, from the call's context. */
  @Override
  protected boolean usesInputMasks() {
    return true;
  }

  @SuppressWarnings("unchecked")
  private static Operand<TBool> boolMask(Ops tf, Operand<?> mask) {
    if (mask.type() == TBool.class) {
      return (Operand<TBool>) mask;
    }
    Operand<TNumber> numbers = (Operand<TNumber>) mask;
    return tf.math.greater(numbers, ActivationFunctions.scalar(tf, 0.5, numbers));
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      CallContext context) {
    Operand<TNumber> x = (Operand<TNumber>) (Operand) inputs.get(0);
    Operand<TBool> mask = inputs.size() == 2 ? boolMask(tf, inputs.get(1)) : context.mask(0);
    if (mask != null) {
      x = tf.select(mask, x, ActivationFunctions.scalar(tf, MASKED, x));
    }
    Operand<TNumber> y = axis.length == 1 ? ActivationFunctions.softmax(tf, x, axis[0])
        : ActivationFunctions.softmaxAxes(tf, x, axis);
    if (mask != null) {
      // zero where masked, also when a whole row is (softmax alone would give it 1/n)
      y = tf.select(mask, y, ActivationFunctions.scalar(tf, 0, y));
    }
    return y;
  }
}
