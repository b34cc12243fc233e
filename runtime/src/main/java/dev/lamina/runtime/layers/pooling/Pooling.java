package dev.lamina.runtime.layers.pooling;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TNumber;

/**
 * What Keras's windowed pooling layers share ({@code MaxPooling1D/2D/3D}, {@code
 * AveragePooling1D/2D/3D}), channels_last: a window of {@code pool_size} slides by {@code
 * strides} over the spatial axes, {@code padding} "valid" (whole windows only) or "same" (output
 * size {@code ceil(size / stride)}; averages over the values in the input only, not the padding,
 * as Keras and TensorFlow's AvgPool and AvgPool3D). One-dimensional pooling runs as
 * two-dimensional on an added axis of size 1, as Keras's TensorFlow backend does;
 * three-dimensional pooling runs as TensorFlow's MaxPool3D and AvgPool3D (both with gradients in
 * TensorFlow Java's C API; MaxPool3D has no float64 kernel, so MaxPooling3D refuses float64).
 */
public abstract class Pooling extends Layer {

  /** Keras's padding names. */
  public static final List<String> PADDINGS = List.of("valid", "same");

  private final boolean max;
  private final int[] poolSize;
  private final int[] strides;
  private final String padding;

  Pooling(String name, boolean max, int[] poolSize, int[] strides, String padding) {
    super(name);
    this.max = max;
    String layer = getClass().getSimpleName();
    int dims = poolSize == null ? 0 : poolSize.length;
    this.poolSize = positive(layer, "pool_size", poolSize, dims);
    this.strides = positive(layer, "strides", strides == null ? poolSize : strides, dims);
    if (padding == null || !PADDINGS.contains(padding)) {
      throw new IllegalArgumentException(layer + "'s padding must be 'valid' or 'same', got "
          + (padding == null ? "null" : "'" + padding + "'"));
    }
    this.padding = padding;
  }

  private static int[] positive(String layer, String what, int[] values, int dims) {
    if (values == null || values.length != dims || dims == 0) {
      throw new IllegalArgumentException(layer + " needs " + dims + " " + what + ", got "
          + (values == null ? "null" : Arrays.toString(values)));
    }
    for (int v : values) {
      if (v < 1) {
        throw new IllegalArgumentException(layer + "'s " + what + " must be 1 or more, got "
            + Arrays.toString(values));
      }
    }
    return values.clone();
  }

  /** Applies the layer; the output has the input's dtype. */
  public <T extends TFloating> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  /** The window's size per spatial axis. */
  public int[] poolSize() {
    return poolSize.clone();
  }

  /** The window's step per spatial axis. */
  public int[] strides() {
    return strides.clone();
  }

  /** "valid" or "same". */
  public String padding() {
    return padding;
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("pool_size", Arrays.stream(poolSize).asLongStream().toArray());
    out.put("strides", Arrays.stream(strides).asLongStream().toArray());
    out.put("padding", padding);
    return out;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    int rank = poolSize.length + 2;
    Shape shape = x.shape();
    if (shape.isUnknown() || shape.numDimensions() != rank) {
      throw new IllegalArgumentException(describe() + " needs an input of rank " + rank + " "
          + layout(rank) + ", got " + Shapes.format(shape));
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
    for (int i = 0; i < poolSize.length; i++) {
      long size = shape.get(i + 1);
      if (size == Shape.UNKNOWN_SIZE) {
        continue;
      }
      if (padding.equals("same")) {
        out[i + 1] = (size + strides[i] - 1) / strides[i];
      } else if (size < poolSize[i]) {
        throw new IllegalArgumentException(describe() + ": with padding 'valid' the window "
            + poolSize[i] + " does not fit in axis " + (i + 1) + " of size " + size + " (input "
            + Shapes.format(shape) + ")");
      } else {
        out[i + 1] = (size - poolSize[i]) / strides[i] + 1;
      }
    }
    return Layers.spec(Shape.of(out), x.dtype());
  }

  /** What a sample of {@code rank} axes holds, channels_last, for messages. */
  static String layout(int rank) {
    return switch (rank) {
      case 3 -> "(batch, steps, features)";
      case 4 -> "(batch, rows, cols, channels)";
      default -> "(batch, dim1, dim2, dim3, channels)";
    };
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    Operand<TNumber> x = (Operand<TNumber>) (Operand) inputs.get(0);
    String tfPadding = padding.toUpperCase(java.util.Locale.ROOT);
    if (poolSize.length == 3) {
      List<Long> window = asList(new long[] {1, poolSize[0], poolSize[1], poolSize[2], 1});
      List<Long> step = asList(new long[] {1, strides[0], strides[1], strides[2], 1});
      return max
          ? tf.nn.maxPool3d(x, window, step, tfPadding)
          : tf.nn.avgPool3d(x, window, step, tfPadding);
    }
    boolean oneD = poolSize.length == 1;
    if (oneD) {
      x = tf.expandDims(x, tf.constant(1));
    }
    long[] window = {1, 1, 1, 1};
    long[] step = {1, 1, 1, 1};
    for (int i = 0; i < poolSize.length; i++) {
      int axis = oneD ? 2 : i + 1;
      window[axis] = poolSize[i];
      step[axis] = strides[i];
    }
    Operand<TNumber> y = max
        ? tf.nn.maxPool(x, tf.constant(toInts(window)), tf.constant(toInts(step)), tfPadding)
        : tf.nn.avgPool(x, asList(window), asList(step), tfPadding);
    return oneD ? tf.squeeze(y, org.tensorflow.op.core.Squeeze.axis(List.of(1L))) : y;
  }

  private static int[] toInts(long[] values) {
    return Arrays.stream(values).mapToInt(Math::toIntExact).toArray();
  }

  private static List<Long> asList(long[] values) {
    return Arrays.stream(values).boxed().toList();
  }
}
