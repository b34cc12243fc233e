package dev.lamina.runtime.layers.merging;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * Keras's {@code Dot(axes, normalize=False)}: the dot product of two samples along one axis of
 * each, sample by sample (Keras's {@code batch_dot}).
 *
 * <p>{@code axes} counts on the full shape, batch included, and may be negative (from the end);
 * one value names the same axis of both inputs, a pair one axis of each. The batch axis cannot
 * be summed over. The output's shape is the first input's without its summed axis, followed by
 * the second's without its batch and summed axes; an output of only the batch axis gains an axis
 * of size 1 ({@code (batch, n)} with {@code (batch, n)} gives {@code (batch, 1)}). With
 * {@code normalize}, each input is first L2-normalized along its summed axis as Keras does
 * ({@code x * min(1 / sqrt(sum(x^2)), 1e7)}), making the output the cosine similarity.
 *
 * <p>As in Keras, the output has no mask. Keras refuses inputs whose summed axes are not known to
 * be equal; Lamina accepts a size it does not know yet, and TensorFlow checks it when data flows.
 */
public final class Dot extends Layer {

  /** Keras's {@code backend.epsilon()}, the floor {@code normalize} puts under the norm. */
  private static final double EPSILON = 1e-7;

  private final int[] axes;
  private final boolean normalize;

  /** The dot product along axis {@code axes} of both inputs. */
  public Dot(int axes) {
    this(null, axes, false);
  }

  /** The dot product along axis {@code axes} of both inputs, normalized first if asked. */
  public Dot(int axes, boolean normalize) {
    this(null, axes, normalize);
  }

  /** As {@link #Dot(int, boolean)}, named {@code name} (or {@code null} to let the model name it). */
  public Dot(String name, int axes, boolean normalize) {
    this(name, new int[] {axes}, normalize);
  }

  /**
   * The dot product along axis {@code axis1} of the first input and {@code axis2} of the second,
   * named {@code name} (or {@code null}).
   */
  public Dot(String name, int axis1, int axis2, boolean normalize) {
    this(name, new int[] {axis1, axis2}, normalize);
  }

  private Dot(String name, int[] axes, boolean normalize) {
    super(name);
    this.axes = axes;
    this.normalize = normalize;
    for (int axis : axes) {
      if (axis == 0) {
        throw new IllegalArgumentException(describe() + ": axis 0 is the batch axis; the dot "
            + "product cannot sum over it");
      }
    }
  }

  /** Keras's {@code axes}: one axis for both inputs, or one for each. */
  public int[] axes() {
    return axes.clone();
  }

  /** Keras's {@code normalize}. */
  public boolean normalize() {
    return normalize;
  }

  /** The dot product of two inputs of one floating-point dtype. */
  public <T extends TFloating> SymbolicTensor<T> apply(SymbolicTensor<T> x, SymbolicTensor<T> y) {
    return applyTyped(x, y);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    // Keras writes an int, or a pair as a list.
    arguments.put("axes", axes.length == 1 ? (Object) axes[0] : List.of(axes[0], axes[1]));
    arguments.put("normalize", normalize);
    return arguments;
  }

  /** The summed axis of each input, counted from 0, for inputs of these ranks. */
  private int[] resolve(int rank1, int rank2) {
    int a = axes[0];
    int b = axes.length == 1 ? axes[0] : axes[1];
    return new int[] {a < 0 ? a + rank1 : a, b < 0 ? b + rank2 : b};
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 2);
    Shape s1 = inputs.get(0).shape();
    Shape s2 = inputs.get(1).shape();
    if (inputs.get(0).dtype() != inputs.get(1).dtype()
        || !TFloating.class.isAssignableFrom(inputs.get(0).dtype())) {
      throw new IllegalArgumentException(describe() + " needs two inputs of one floating-point "
          + "dtype, got " + Layers.describe(inputs));
    }
    if (s1.isUnknown() || s2.isUnknown() || s1.numDimensions() < 2 || s2.numDimensions() < 2) {
      throw new IllegalArgumentException(describe() + " needs inputs of known rank 2 or more "
          + "(batch included), got " + Layers.describe(inputs));
    }
    int[] at = resolve(s1.numDimensions(), s2.numDimensions());
    if (at[0] < 1 || at[0] >= s1.numDimensions() || at[1] < 1 || at[1] >= s2.numDimensions()) {
      throw new IllegalArgumentException(describe() + ": axes " + Arrays.toString(axes)
          + " must name a non-batch axis of each input, got " + Layers.describe(inputs));
    }
    long n1 = s1.get(at[0]);
    long n2 = s2.get(at[1]);
    if (n1 != Shape.UNKNOWN_SIZE && n2 != Shape.UNKNOWN_SIZE && n1 != n2) {
      throw new IllegalArgumentException(describe() + ": the summed axes differ in size, " + n1
          + " (axis " + at[0] + " of the first input) and " + n2 + " (axis " + at[1]
          + " of the second), got " + Layers.describe(inputs));
    }
    long b1 = s1.get(0);
    long b2 = s2.get(0);
    if (b1 != Shape.UNKNOWN_SIZE && b2 != Shape.UNKNOWN_SIZE && b1 != b2) {
      throw new IllegalArgumentException(describe() + " cannot take inputs of different batch "
          + "sizes, got " + Layers.describe(inputs));
    }
    List<Long> out = new ArrayList<>();
    out.add(b1 != Shape.UNKNOWN_SIZE ? b1 : b2);
    out.addAll(rest(s1, at[0]));
    out.addAll(rest(s2, at[1]));
    if (out.size() == 1) {
      out.add(1L);
    }
    return Layers.spec(Shape.of(out.stream().mapToLong(Long::longValue).toArray()),
        inputs.get(0).dtype());
  }

  /** A shape's sizes but its batch axis and {@code skip}. */
  private static List<Long> rest(Shape shape, int skip) {
    List<Long> out = new ArrayList<>();
    for (int i = 1; i < shape.numDimensions(); i++) {
      if (i != skip) {
        out.add(shape.get(i));
      }
    }
    return out;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    Operand x = inputs.get(0);
    Operand y = inputs.get(1);
    int rx = x.shape().numDimensions();
    int ry = y.shape().numDimensions();
    int[] at = resolve(rx, ry);
    if (normalize) {
      x = l2Normalize(tf, x, at[0]);
      y = l2Normalize(tf, y, at[1]);
    }
    // x to (batch, other axes..., summed axis), y to (batch, summed axis, other axes...).
    int[] px = new int[rx];
    int[] py = new int[ry];
    for (int i = 0, k = 0; i < rx; i++) {
      if (i != at[0]) {
        px[k++] = i;
      }
    }
    px[rx - 1] = at[0];
    py[0] = 0;
    py[1] = at[1];
    for (int i = 1, k = 2; i < ry; i++) {
      if (i != at[1]) {
        py[k++] = i;
      }
    }
    x = tf.linalg.transpose(x, tf.constant(px));
    y = tf.linalg.transpose(y, tf.constant(py));
    // Both as rank 3, (batch, m, n) and (batch, n, k), for one batched product (batch, m, k).
    Operand<TInt32> batch = size(tf, x, 0);
    List<Operand<TInt32>> xOthers = sizes(tf, x, 1, rx - 1);
    List<Operand<TInt32>> yOthers = sizes(tf, y, 2, ry);
    Operand<TInt32> n = size(tf, x, rx - 1);
    x = tf.reshape(x, tf.stack(List.of(batch, product(tf, xOthers), n)));
    y = tf.reshape(y, tf.stack(List.of(batch, n, product(tf, yOthers))));
    Operand<?> z = tf.train.batchMatMul(x, y, x.type());
    List<Operand<TInt32>> out = new ArrayList<>();
    out.add(batch);
    out.addAll(xOthers);
    out.addAll(yOthers);
    if (out.size() == 1) {
      out.add(tf.constant(1));
    }
    return tf.reshape(z, tf.stack(out));
  }

  /** Keras's {@code ops.normalize(x, axis, order=2)}: {@code x * min(rsqrt(sum(x^2)), 1/eps)}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Operand l2Normalize(Ops tf, Operand x, int axis) {
    Operand sum = tf.reduceSum(tf.math.square(x), tf.constant(axis),
        org.tensorflow.op.core.ReduceSum.keepDims(true));
    Operand cap = tf.dtypes.cast(tf.constant(1 / EPSILON), x.type());
    return tf.math.mul(x, tf.math.minimum(tf.math.rsqrt(sum), cap));
  }

  /** Axis {@code axis}'s size: a constant where the static shape knows it. */
  private static Operand<TInt32> size(Ops tf, Operand<?> x, int axis) {
    long known = x.shape().get(axis);
    if (known != Shape.UNKNOWN_SIZE) {
      return tf.constant((int) known);
    }
    return tf.gather(tf.shape(x), tf.constant(axis), tf.constant(0));
  }

  private static List<Operand<TInt32>> sizes(Ops tf, Operand<?> x, int from, int to) {
    List<Operand<TInt32>> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(size(tf, x, i));
    }
    return out;
  }

  private static Operand<TInt32> product(Ops tf, List<Operand<TInt32>> sizes) {
    Operand<TInt32> out = tf.constant(1);
    for (Operand<TInt32> size : sizes) {
      out = tf.math.mul(out, size);
    }
    return out;
  }
}
