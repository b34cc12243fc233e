package dev.lamina.runtime.layers.pooling;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TNumber;

/**
 * What Keras's adaptive pooling layers share ({@code AdaptiveMaxPooling1D/2D/3D}, {@code
 * AdaptiveAveragePooling1D/2D/3D}), channels_last: each spatial axis of size {@code in} is cut
 * into {@code output_size} bins, bin {@code i} covering {@code [floor(i * in / out), ceil((i + 1)
 * * in / out))}, and each bin gives its largest value or its average.
 *
 * <p>As Keras 3.15's TensorFlow backend ({@code _adaptive_*_pool*d}, "two-pool gather"): per
 * spatial axis in turn, the input is pooled along that axis with stride 1 by a window of {@code
 * small = ceil(in / out)} and by one of {@code big = small + 1}, the two concatenated on the
 * axis, and each bin gathered from the one of its size at its start. A 3D bin is thus pooled
 * axis by axis, as Keras does (the same maximum; the same average up to float rounding). The
 * bins are computed when the graph is built, so every spatial size must be known then (Keras
 * retraces per input shape; Lamina refuses an unknown size, naming the layer), and a layer
 * called more than once takes the same spatial sizes each time (the first call's; another is
 * refused).
 *
 * <p>Where Keras's TensorFlow backend cannot run, when {@code big} exceeds the axis ({@code
 * output_size} 1 on an axis of 2 or more, or an axis of size 1), no bin has the big size; Lamina
 * then leaves the big window out and gives the bins above (a whole-axis maximum or average for
 * {@code output_size} 1), where Keras 3.15.1's TensorFlow backend stops the process with a
 * floating point exception in TensorFlow's pooling kernel.
 *
 * <p>Gradients: MaxPool, AvgPool, MaxPool3D, AvgPool3D, ConcatV2 and GatherV2 all have them in
 * TensorFlow Java's C API. MaxPool3D has no float64 kernel, so AdaptiveMaxPooling3D refuses
 * float64, as MaxPooling3D does.
 */
public abstract class AdaptivePooling extends Layer {

  private final boolean max;
  private final int[] outputSize;
  /** The spatial sizes of the input, from the first call: the bins are cut for them. */
  private long[] inputSize;

  AdaptivePooling(String name, boolean max, int dims, int[] outputSize) {
    super(name);
    this.max = max;
    String layer = getClass().getSimpleName();
    if (outputSize == null || outputSize.length != dims) {
      throw new IllegalArgumentException(layer + "'s output_size must be " + (dims == 1
          ? "an int" : "an int or " + dims + " ints") + ", got "
          + (outputSize == null ? "null" : outputSize.length + " ints "
          + Arrays.toString(outputSize)));
    }
    for (int v : outputSize) {
      if (v < 1) {
        throw new IllegalArgumentException(layer + "'s output_size must be 1 or more on every "
            + "axis, got " + Arrays.toString(outputSize));
      }
    }
    this.outputSize = outputSize.clone();
  }

  /** {@code size} on each of {@code dims} axes. */
  static int[] repeat(int size, int dims) {
    int[] out = new int[dims];
    Arrays.fill(out, size);
    return out;
  }

  /** Applies the layer; the output has the input's dtype. */
  public <T extends TFloating> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  /** The number of bins per spatial axis. */
  public int[] outputSize() {
    return outputSize.clone();
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("output_size", Arrays.stream(outputSize).asLongStream().toArray());
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    int rank = outputSize.length + 2;
    Shape shape = x.shape();
    if (shape.isUnknown() || shape.numDimensions() != rank) {
      throw new IllegalArgumentException(describe() + " needs an input of rank " + rank + " "
          + Pooling.layout(rank) + ", got " + Shapes.format(shape));
    }
    if (!TFloating.class.isAssignableFrom(x.dtype())) {
      throw new IllegalArgumentException(describe() + " takes floating-point inputs, got "
          + Shapes.dtypeName(x.dtype()));
    }
    if (max && rank == 5 && x.dtype() == TFloat64.class) {
      throw new IllegalArgumentException(describe() + " takes float16, bfloat16 or float32 "
          + "inputs (TensorFlow's MaxPool3D has no float64 kernel), got float64");
    }
    long[] out = shape.asArray();
    for (int i = 0; i < outputSize.length; i++) {
      if (shape.get(i + 1) == Shape.UNKNOWN_SIZE) {
        throw new IllegalArgumentException(describe() + " needs every spatial size known to "
            + "compute its bins, as Keras's TensorFlow backend does; axis " + (i + 1)
            + " of its input " + Shapes.format(shape) + " is unknown");
      }
      out[i + 1] = outputSize[i];
    }
    long[] spatial = Arrays.copyOfRange(shape.asArray(), 1, rank - 1);
    if (inputSize != null && !Arrays.equals(inputSize, spatial)) {
      throw new IllegalArgumentException(describe() + " cuts its bins for the spatial sizes "
          + Arrays.toString(inputSize) + " of its first call; a call on "
          + Shapes.format(shape) + " needs a layer of its own");
    }
    inputSize = spatial;
    return Layers.spec(Shape.of(out), x.dtype());
  }

  /**
   * Keras's {@code _compute_static_gather_indices}: for each of {@code out} bins of an axis of
   * {@code in}, its index in the concatenation of the small-window pool ({@code in - small + 1}
   * positions, at least 1) and the big-window pool.
   */
  static int[] gatherIndices(int in, int out) {
    int small = (in + out - 1) / out;
    int big = small + 1;
    int smallLength = Math.max(1, in - small + 1);
    int[] indices = new int[out];
    for (int i = 0; i < out; i++) {
      long start = Math.min((long) i * in / out, in - 1);
      long end = Math.min(((long) (i + 1) * in + out - 1) / out, in);
      indices[i] = Math.toIntExact(end - start == big ? start + smallLength : start);
    }
    return indices;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    Operand<TNumber> x = (Operand<TNumber>) (Operand) inputs.get(0);
    // the sizes computeOutput saw: TensorFlow's shape inference may have lost them (after a
    // Dense on a sequence, for one)
    boolean oneD = outputSize.length == 1;
    int rank = oneD ? 4 : outputSize.length + 2;
    if (oneD) {
      // (batch, 1, steps, channels), pooled as 2D as Keras's tf.nn.pool does
      x = tf.expandDims(x, tf.constant(1));
    }
    for (int i = 0; i < outputSize.length; i++) {
      int axis = oneD ? 2 : i + 1;
      int in = Math.toIntExact(inputSize[i]);
      int out = outputSize[i];
      int small = (in + out - 1) / out;
      int[] indices = gatherIndices(in, out);
      int smallLength = Math.max(1, in - small + 1);
      boolean usesBig = Arrays.stream(indices).anyMatch(index -> index >= smallLength);
      List<Operand<TNumber>> parts = new ArrayList<>();
      parts.add(pool(tf, x, rank, axis, small));
      if (usesBig) {
        parts.add(pool(tf, x, rank, axis, small + 1));
      }
      Operand<TNumber> combined = parts.size() == 1 ? parts.get(0)
          : tf.concat(parts, tf.constant(axis));
      x = tf.gather(combined, tf.constant(indices), tf.constant(axis));
    }
    return oneD ? tf.squeeze(x, Squeeze.axis(List.of(1L))) : x;
  }

  /** Pools {@code x} (rank 4 or 5) along {@code axis} by a window of {@code size}, stride 1. */
  private Operand<TNumber> pool(Ops tf, Operand<TNumber> x, int rank, int axis, int size) {
    long[] window = new long[rank];
    long[] step = new long[rank];
    Arrays.fill(window, 1);
    Arrays.fill(step, 1);
    window[axis] = size;
    List<Long> windowList = Arrays.stream(window).boxed().toList();
    List<Long> stepList = Arrays.stream(step).boxed().toList();
    if (rank == 5) {
      return max
          ? tf.nn.maxPool3d(x, windowList, stepList, "VALID")
          : tf.nn.avgPool3d(x, windowList, stepList, "VALID");
    }
    return max
        ? tf.nn.maxPool(x, tf.constant(Arrays.stream(window).mapToInt(Math::toIntExact)
            .toArray()), tf.constant(Arrays.stream(step).mapToInt(Math::toIntExact).toArray()),
            "VALID")
        : tf.nn.avgPool(x, windowList, stepList, "VALID");
  }
}
