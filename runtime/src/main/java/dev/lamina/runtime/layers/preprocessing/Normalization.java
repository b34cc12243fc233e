package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.layers.Layers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code Normalization(axis=-1, mean=None, variance=None, invert=False)}: {@code (x -
 * mean) / max(sqrt(variance), 1e-7)}, or with {@code invert} {@code mean + x * max(sqrt(variance),
 * 1e-7)}, with one mean and variance per position of the kept {@code axis} (none kept: one for
 * all; batch included in the numbering).
 *
 * <p>The mean and variance are either given (saved in the configuration, as Keras does; the
 * layer then has no weights) or learnt by {@link #adapt(FloatNdArray)}: then they are the
 * non-trainable weights {@code mean} and {@code variance} (zeros and ones until adapted), saved
 * with the model, followed by Keras's non-trainable {@code count}, an int64 scalar as Keras
 * declares it ({@code dtype="int"}, int64 on TensorFlow), which {@code adapt} leaves at 0, so that
 * weights line up one to one with Keras's.
 */
public final class Normalization extends Layer {

  /** Keras's {@code backend.epsilon()}: the least divisor. */
  private static final float EPSILON = 1e-7f;

  private final int[] axis;
  private final float[] givenMean;
  private final float[] givenVariance;
  private final long[] givenShape;
  private final boolean invert;
  // Fixed by the first apply or adapt, whichever comes first.
  private int builtRank = -1;
  private int[] keepAxes;
  private long[] keepDims;
  private float[] adaptedMean;
  private float[] adaptedVariance;

  private Normalization(String name, int[] axis, float[] mean, float[] variance, long[] shape,
      boolean invert) {
    super(name);
    this.axis = axis.clone();
    this.invert = invert;
    this.givenMean = mean;
    this.givenVariance = variance;
    this.givenShape = shape;
    if (shape != null) {
      if (mean.length != variance.length || mean.length != Shapes.knownElements(shape,
          "Normalization's mean", Shapes.MAX_WEIGHT_ELEMENTS)) {
        throw new IllegalArgumentException("Normalization: mean and variance need "
            + Shapes.format(shape) + " values each, got " + mean.length + " and "
            + variance.length);
      }
      if (shape.length > axis.length) {
        throw new IllegalArgumentException("Normalization: the rank of mean ("
            + shape.length + ") must not exceed the number of axes (" + axis.length + ")");
      }
    }
  }

  /** {@code Normalization()}: the last axis kept, to be adapted. */
  public Normalization() {
    this(null, new int[] {-1}, null, null, null, false);
  }

  /** All of Keras's options. */
  public static Builder builder() {
    return new Builder();
  }

  /** Applies the layer to float32 inputs; the output has their shape. */
  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("axis", Layers.list(axis));
    arguments.put("invert", invert);
    arguments.put("mean", givenShape == null ? null : nested(givenMean, givenShape));
    arguments.put("variance", givenShape == null ? null : nested(givenVariance, givenShape));
    return arguments;
  }

  /** Keras's {@code np.array(mean).tolist()}: a number, or nested lists. */
  private static Object nested(float[] values, long[] shape) {
    if (shape.length == 0) {
      return (double) values[0];
    }
    return nested(values, shape, 0, 0);
  }

  private static List<Object> nested(float[] values, long[] shape, int dim, int start) {
    int stride = 1;
    for (int d = dim + 1; d < shape.length; d++) {
      stride *= (int) shape[d];
    }
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < shape[dim]; i++) {
      list.add(dim == shape.length - 1 ? (Object) (double) values[start + i]
          : nested(values, shape, dim + 1, start + i * stride));
    }
    return list;
  }

  /** As Keras's ({@code supports_masking}): the input's mask passes through. */
  @Override
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    return Layers.passMask(inputs);
  }

  @Override
  protected synchronized OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    if (x.dtype() != TFloat32.class) {
      throw new IllegalArgumentException(describe() + " takes float32 inputs, got "
          + Shapes.dtypeName(x.dtype()));
    }
    if (x.shape().isUnknown()) {
      throw new IllegalArgumentException(describe() + " needs inputs of known rank");
    }
    fix(x.shape().asArray(), "inputs");
    return Layers.spec(x.shape(), TFloat32.class);
  }

  /**
   * Keras's {@code build}: fixes the rank and the kept axes' sizes from the first shape it sees
   * (of inputs or of adapted data), declares the weights, and checks every later shape.
   */
  private void fix(long[] shape, String what) {
    int rank = shape.length;
    if (builtRank >= 0) {
      boolean same = rank == builtRank;
      for (int i = 0; same && i < keepAxes.length; i++) {
        same = shape[keepAxes[i]] == keepDims[i];
      }
      if (!same) {
        throw new IllegalArgumentException(describe() + " was built for "
            + Shapes.format(expected()) + " (kept axes " + Arrays.toString(keepAxes) + "), got "
            + what + " " + Shapes.format(shape));
      }
      return;
    }
    int[] keep = Layers.axes(this, axis, rank);
    long[] dims = new long[keep.length];
    for (int i = 0; i < keep.length; i++) {
      dims[i] = shape[keep[i]];
      if (dims[i] < 0) {
        throw new IllegalArgumentException(describe() + " needs a known size on kept axis "
            + keep[i] + ", got " + what + " " + Shapes.format(shape));
      }
    }
    if (givenShape != null) {
      // Keras lines the given statistics up with the last kept axes; each size must fit.
      for (int i = 1; i <= givenShape.length; i++) {
        long size = dims[dims.length - i];
        long given = givenShape[givenShape.length - i];
        if (given != size && given != 1) {
          throw new IllegalArgumentException(describe() + ": mean and variance of shape "
              + Shapes.format(givenShape) + " do not fit the kept axes' sizes "
              + Shapes.format(dims) + " of " + what + " " + Shapes.format(shape));
        }
      }
    }
    builtRank = rank;
    keepAxes = keep;
    keepDims = dims;
    if (givenShape == null) {
      addWeight("mean", Shape.of(dims),
          adaptedMean != null ? Initializer.of(adaptedMean) : Initializer.zeros(), false);
      addWeight("variance", Shape.of(dims),
          adaptedVariance != null ? Initializer.of(adaptedVariance) : Initializer.constant(1f),
          false);
      addWeight("count", Shape.scalar(), TInt64.class, Initializer.zeros(), false);
    }
  }

  /** The built rank with the kept sizes, -1 elsewhere, for messages. */
  private long[] expected() {
    long[] dims = new long[builtRank];
    Arrays.fill(dims, -1);
    for (int i = 0; i < keepAxes.length; i++) {
      dims[keepAxes[i]] = keepDims[i];
    }
    return dims;
  }

  /**
   * Keras's {@code adapt(data)} on an array: {@code mean} and {@code variance} (the population
   * variance) of {@code data} over every axis but the kept ones, computed in double precision
   * and stored as float32. The samples are along the first axis and the rest as the layer's
   * inputs; models that use the layer see the values from their next batch.
   *
   * @throws IllegalStateException if the layer was given its mean and variance
   * @throws IllegalArgumentException if the data's shape does not fit the layer's inputs
   */
  public synchronized void adapt(FloatNdArray data) {
    Objects.requireNonNull(data, "data");
    if (givenShape != null) {
      throw new IllegalStateException(describe() + " was given its mean and variance; only a "
          + "layer without them adapts");
    }
    long[] shape = data.shape().asArray();
    if (data.size() == 0) {
      throw new IllegalArgumentException(describe() + " cannot adapt to no data, got shape "
          + Shapes.format(shape));
    }
    boolean built = builtRank >= 0;
    int[] keep = built ? keepAxes : Layers.axes(this, axis, shape.length);
    if (built) {
      fix(shape, "data");
    }
    // Flat index of each value's kept position (row-major over the kept axes).
    long[] strides = new long[shape.length];
    long kept = 1;
    for (int i = keep.length - 1; i >= 0; i--) {
      strides[keep[i]] = kept;
      kept *= shape[keep[i]];
    }
    int groups = Math.toIntExact(kept);
    long perGroup = data.size() / groups;
    float[] values = new float[Math.toIntExact(data.size())];
    data.copyTo(NdArrays.wrap(data.shape(), DataBuffers.of(values, false, false)));
    int[] group = new int[values.length];
    long[] index = new long[shape.length];
    for (int v = 0; v < values.length; v++) {
      long g = 0;
      for (int d = 0; d < shape.length; d++) {
        g += index[d] * strides[d];
      }
      group[v] = (int) g;
      for (int d = shape.length - 1; d >= 0; d--) { // next row-major index
        if (++index[d] < shape[d]) {
          break;
        }
        index[d] = 0;
      }
    }
    double[] sum = new double[groups];
    for (int v = 0; v < values.length; v++) {
      sum[group[v]] += values[v];
    }
    double[] mean = new double[groups];
    for (int g = 0; g < groups; g++) {
      mean[g] = sum[g] / perGroup;
    }
    // np.var: the mean of squared deviations from the mean (two passes, as NumPy).
    double[] squares = new double[groups];
    for (int v = 0; v < values.length; v++) {
      double deviation = values[v] - mean[group[v]];
      squares[group[v]] += deviation * deviation;
    }
    float[] meanValues = new float[groups];
    float[] varianceValues = new float[groups];
    for (int g = 0; g < groups; g++) {
      meanValues[g] = (float) mean[g];
      varianceValues[g] = (float) (squares[g] / perGroup);
    }
    if (built) {
      List<Weight> weights = weights();
      weights.get(0).assign(meanValues);
      weights.get(1).assign(varianceValues);
    } else {
      adaptedMean = meanValues;
      adaptedVariance = varianceValues;
      fix(shape, "data"); // declares the weights with the adapted values, as Keras's adapt
    }
  }

  /** {@link #adapt(FloatNdArray)} for samples of one axis: {@code data[sample][feature]}. */
  public void adapt(float[][] data) {
    adapt(StdArrays.ndCopyOf(data));
  }

  /** {@link #adapt(FloatNdArray)} for samples of two axes. */
  public void adapt(float[][][] data) {
    adapt(StdArrays.ndCopyOf(data));
  }

  /** The mean and variance in use, row-major over the kept axes (adapted or given). */
  public synchronized List<float[]> meanAndVariance() {
    if (givenShape != null) {
      return List.of(givenMean.clone(), givenVariance.clone());
    }
    if (builtRank < 0) {
      throw new IllegalStateException(describe() + " is neither adapted nor applied yet");
    }
    return List.of(weights().get(0).values(), weights().get(1).values());
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      boolean training) {
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    Operand<TFloat32> mean;
    Operand<TFloat32> variance;
    if (givenShape != null) {
      // Keras's build: the given values' dims on the last kept axes, 1 elsewhere.
      long[] expanded = new long[builtRank];
      Arrays.fill(expanded, 1);
      for (int i = 1; i <= givenShape.length; i++) {
        expanded[keepAxes[keepAxes.length - i]] = givenShape[givenShape.length - i];
      }
      Shape shape = Shape.of(expanded);
      mean = tf.constant(NdArrays.wrap(shape,
          DataBuffers.of(givenMean, true, false)));
      variance = tf.constant(NdArrays.wrap(shape,
          DataBuffers.of(givenVariance, true, false)));
    } else {
      // Keras's finalize_state: the weights reshaped to broadcast (1 on the reduced axes).
      long[] dims = expected();
      for (int i = 0; i < dims.length; i++) {
        dims[i] = Math.max(dims[i], 1);
      }
      mean = tf.reshape(weights.get(0), tf.constant(dims));
      variance = tf.reshape(weights.get(1), tf.constant(dims));
    }
    Operand<TFloat32> scale = tf.math.maximum(tf.math.sqrt(variance), tf.constant(EPSILON));
    return invert ? tf.math.add(mean, tf.math.mul(x, scale))
        : tf.math.div(tf.math.sub(x, mean), scale);
  }

  /** Keras's Normalization arguments. */
  public static final class Builder {
    private int[] axis = {-1};
    private boolean invert;
    private float[] mean;
    private float[] variance;
    private long[] shape;
    private String name;

    private Builder() {}

    /** The kept axis or axes (batch included in the numbering); none for Keras's None; -1. */
    public Builder axis(int... axis) {
      this.axis = axis.clone();
      return this;
    }

    /** Keras's {@code invert}: map normalised values back; false. */
    public Builder invert(boolean invert) {
      this.invert = invert;
      return this;
    }

    /**
     * Given statistics instead of {@code adapt}: row-major values of {@code shape} (empty for
     * a scalar), lined up with the last kept axes as Keras does.
     */
    public Builder meanAndVariance(float[] mean, float[] variance, long... shape) {
      this.mean = mean.clone();
      this.variance = variance.clone();
      this.shape = shape.clone();
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Normalization build() {
      return new Normalization(name, axis, mean, variance, shape, invert);
    }
  }
}
