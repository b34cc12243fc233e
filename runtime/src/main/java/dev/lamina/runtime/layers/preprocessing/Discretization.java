package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
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
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * Keras's {@code Discretization(bin_boundaries=None, num_bins=None, epsilon=0.01,
 * output_mode="int", sparse=False)}: float32 values bucketed by sorted {@code bin_boundaries}
 * (TensorFlow's {@code Bucketize}, as Keras's {@code digitize}: the bin of {@code x} is the
 * number of boundaries {@code <= x}, boundaries rounded to float32), then {@code int} (int32 bin
 * indices of the input's shape) or encoded as Keras's CategoryEncoding does into {@code
 * len(bin_boundaries) + 1} bins ({@code one_hot}, {@code multi_hot}, {@code count}; float32).
 *
 * <p>The boundaries are given, or learnt by {@link #adapt(FloatNdArray)} from {@code num_bins}
 * and {@code epsilon} with Keras's own approximate quantiles ({@code summarize}, {@code
 * merge_summaries}, {@code compress_summary}, {@code get_bin_boundaries}) for one array, as
 * {@code layer.adapt(array)}. No weights, no gradient; {@code sparse=True} is refused.
 */
public final class Discretization extends Layer {

  private final Integer numBins;
  private final double epsilon;
  private final String outputMode;
  private double[] binBoundaries;
  // The bins an encoded output was declared with, once called (0 before): adapt keeps them.
  private int encodedBins;

  private Discretization(Builder b) {
    super(b.name);
    if (!Hashing.MODES.contains(b.outputMode)) {
      throw new IllegalArgumentException("Discretization: output_mode must be one of 'int', "
          + "'one_hot', 'multi_hot' or 'count', got " + CategoryEncoding.quote(b.outputMode));
    }
    if (b.sparse) {
      throw new IllegalArgumentException("Discretization: sparse must be false: Lamina has no "
          + "sparse tensors");
    }
    if (b.numBins != null && b.numBins < 0) {
      throw new IllegalArgumentException("Discretization: num_bins must be >= 0, got "
          + b.numBins);
    }
    if (b.numBins != null && b.binBoundaries != null && !b.adapted) {
      throw new IllegalArgumentException("Discretization: set either num_bins or "
          + "bin_boundaries, not both");
    }
    if (b.numBins == null && b.binBoundaries == null) {
      throw new IllegalArgumentException("Discretization: set either num_bins or "
          + "bin_boundaries");
    }
    if (!(b.epsilon > 0) || b.epsilon > 1) {
      throw new IllegalArgumentException("Discretization: epsilon must be in (0, 1], got "
          + b.epsilon);
    }
    if (b.binBoundaries != null) {
      checkBoundaries(b.binBoundaries);
    }
    this.numBins = b.numBins;
    this.epsilon = b.epsilon;
    this.outputMode = b.outputMode;
    this.binBoundaries = b.binBoundaries == null ? null : b.binBoundaries.clone();
  }

  private static void checkBoundaries(double[] boundaries) {
    for (int i = 0; i < boundaries.length; i++) {
      if (!Double.isFinite(boundaries[i])
          || i > 0 && (float) boundaries[i] < (float) boundaries[i - 1]) {
        throw new IllegalArgumentException("Discretization: bin_boundaries must be finite and "
            + "sorted ascending (as float32), got " + Arrays.toString(boundaries));
      }
    }
  }

  /** {@code Discretization(bin_boundaries=...)}: int output. */
  public Discretization(double... binBoundaries) {
    this(builder().binBoundaries(binBoundaries));
  }

  /** All of Keras's options: set {@code binBoundaries} or {@code numBins}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Buckets float32 values: int32 bins for {@code int}, float32 otherwise. */
  public <R extends TType> SymbolicTensor<R> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  /** The boundaries in use (given or adapted), or null before {@code adapt}. */
  public synchronized double[] binBoundaries() {
    return binBoundaries == null ? null : binBoundaries.clone();
  }

  @Override
  public synchronized Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    List<Double> boundaries = null;
    if (binBoundaries != null) {
      boundaries = new ArrayList<>();
      for (double v : binBoundaries) {
        boundaries.add(v);
      }
    }
    arguments.put("bin_boundaries", boundaries);
    arguments.put("num_bins", numBins);
    arguments.put("epsilon", epsilon);
    arguments.put("output_mode", outputMode);
    arguments.put("sparse", false);
    return arguments;
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
    if (outputMode.equals("int")) {
      return Layers.spec(x.shape(), TInt32.class);
    }
    if (binBoundaries == null) {
      throw new IllegalArgumentException(describe() + ": output_mode '" + outputMode + "' needs "
          + "the number of bins, known only once bin_boundaries are given or adapt(data) found "
          + "them; adapt before calling the layer");
    }
    long[] in = x.shape().asArray();
    OutputSpec<?> spec = Layers.spec(CategoricalOutputs.shape(this,
        in.length == 0 ? new long[] {1} : in, outputMode, binBoundaries.length + 1),
        TFloat32.class);
    encodedBins = binBoundaries.length + 1;
    return spec;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected synchronized Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    if (binBoundaries == null) {
      throw new IllegalStateException(describe() + " has no bin_boundaries: pass them or call "
          + "adapt(data) before using the layer");
    }
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    List<Float> boundaries = new ArrayList<>();
    for (double v : binBoundaries) {
      boundaries.add((float) v);
    }
    Operand<TInt32> bins = tf.bucketize(x, boundaries);
    if (outputMode.equals("int")) {
      return bins;
    }
    Operand<TInt64> ids = tf.dtypes.cast(bins, TInt64.class);
    long[] in = x.shape().asArray();
    if (in.length == 0) {
      in = new long[] {1};
      ids = tf.reshape(ids, tf.constant(in));
    }
    return CategoricalOutputs.encode(tf, ids, in, outputMode, binBoundaries.length + 1, null);
  }

  /**
   * Keras's {@code adapt(data)} for one array: the bin boundaries from {@code num_bins}
   * approximate quantiles of all of {@code data}'s values, computed exactly as Keras 3.15's
   * {@code update_state} and {@code finalize_state} do (float32 summaries, NumPy's {@code interp}
   * in double). Models that use the layer see the boundaries in graphs built afterwards.
   *
   * @throws IllegalStateException if the layer was given bin_boundaries instead of num_bins,
   *     num_bins is 0, or an encoded output was declared with another number of bins
   * @throws IllegalArgumentException if data is empty or holds NaN
   */
  public synchronized void adapt(FloatNdArray data) {
    Objects.requireNonNull(data, "data");
    if (numBins == null) {
      throw new IllegalStateException(describe() + " was given bin_boundaries; only a layer "
          + "made with num_bins adapts");
    }
    if (numBins == 0) {
      throw new IllegalStateException(describe() + ": num_bins 0 cannot adapt (Keras divides "
          + "by it)");
    }
    float[] values = new float[Math.toIntExact(data.size())];
    data.copyTo(NdArrays.wrap(data.shape(), DataBuffers.of(values, false, false)));
    if (values.length == 0) {
      throw new IllegalArgumentException(describe() + " cannot adapt to no data");
    }
    for (float v : values) {
      if (Float.isNaN(v)) {
        throw new IllegalArgumentException(describe() + " cannot adapt to data holding NaN");
      }
    }
    float[][] summary = compress(summarize(values, epsilon), epsilon); // merge with an empty one
    float[][] last = compress(summary, 1.0 / numBins);
    double[] boundaries = new double[last[0].length - 1];
    for (int i = 0; i < boundaries.length; i++) {
      boundaries[i] = last[0][i];
    }
    if (encodedBins > 0 && boundaries.length + 1 != encodedBins) {
      throw new IllegalStateException(describe() + " was called with " + encodedBins + " bins "
          + "(output_mode '" + outputMode + "'); adapt found " + (boundaries.length + 1)
          + ", which would change its output's shape");
    }
    binBoundaries = boundaries;
  }

  /** {@link #adapt(FloatNdArray)} for {@code data[sample][feature]}. */
  public void adapt(float[][] data) {
    adapt(StdArrays.ndCopyOf(data));
  }

  /** {@link #adapt(FloatNdArray)} for {@code data[sample]}. */
  public void adapt(float[] data) {
    adapt(StdArrays.ndCopyOf(data));
  }

  /** Keras's {@code summarize}: every step-th sorted value, each weighing {@code step}. */
  private static float[][] summarize(float[] data, double epsilon) {
    float[] values = data.clone();
    Arrays.sort(values); // -0.0 before 0.0: NumPy keeps their order; equal values alike
    double numBuckets = 1.0 / epsilon;
    double increment = values.length / numBuckets;
    double step = Math.max(increment, 1);
    int start = (int) (step - 1);
    int stride = (int) step;
    int n = start >= values.length ? 0 : (values.length - 1 - start) / stride + 1;
    float[][] out = new float[2][n];
    for (int i = 0; i < n; i++) {
      out[0][i] = values[start + i * stride];
      out[1][i] = (float) step;
    }
    return out;
  }

  /** Keras's {@code compress_summary}: float32 in and out, the interpolation in double. */
  private static float[][] compress(float[][] summary, double epsilon) {
    int n = summary[0].length;
    if (n * epsilon < 1) {
      return summary;
    }
    int count = (int) Math.ceil(1.0 / epsilon); // np.arange(0.0, 1.0, epsilon)
    float[] cum = new float[n];
    float total = 0;
    for (int i = 0; i < n; i++) {
      total += summary[1][i];
      cum[i] = total;
    }
    double[] percentsOf = new double[n];
    double[] cumD = new double[n];
    double[] valuesD = new double[n];
    for (int i = 0; i < n; i++) {
      percentsOf[i] = cum[i] / cum[n - 1]; // float32 division
      cumD[i] = cum[i];
      valuesD[i] = summary[0][i];
    }
    float[][] out = new float[2][count];
    double previous = 0;
    for (int i = 0; i < count; i++) {
      double percent = epsilon + i * epsilon;
      out[0][i] = (float) interp(percent, percentsOf, valuesD);
      double weight = interp(percent, percentsOf, cumD);
      out[1][i] = (float) (weight - previous);
      previous = weight;
    }
    return out;
  }

  /** NumPy's {@code interp} of one point. */
  private static double interp(double x, double[] xp, double[] fp) {
    int n = xp.length;
    if (x < xp[0]) {
      return fp[0];
    }
    if (x > xp[n - 1]) {
      return fp[n - 1];
    }
    int j = 0; // the last index with xp[j] <= x
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (x >= xp[mid]) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    j = lo - 1;
    if (j == n - 1 || xp[j] == x) {
      return fp[j];
    }
    double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
    double result = slope * (x - xp[j]) + fp[j];
    if (Double.isNaN(result)) {
      result = slope * (x - xp[j + 1]) + fp[j + 1];
      if (Double.isNaN(result) && fp[j] == fp[j + 1]) {
        result = fp[j];
      }
    }
    return result;
  }

  /** Keras's Discretization arguments. */
  public static final class Builder {
    private double[] binBoundaries;
    private Integer numBins;
    private double epsilon = 0.01;
    private String outputMode = "int";
    private boolean sparse;
    private boolean adapted;
    private String name;

    private Builder() {}

    /** Keras's {@code bin_boundaries}: sorted; {@code n} boundaries make {@code n + 1} bins. */
    public Builder binBoundaries(double... binBoundaries) {
      this.binBoundaries = binBoundaries == null ? null : binBoundaries.clone();
      return this;
    }

    /** Keras's {@code num_bins}, for {@link Discretization#adapt(FloatNdArray)}. */
    public Builder numBins(Integer numBins) {
      this.numBins = numBins;
      return this;
    }

    /**
     * Both, as Keras's {@code from_config} reads an adapted layer's config: {@code num_bins}
     * and the boundaries adapt found.
     */
    public Builder adapted(int numBins, double... binBoundaries) {
      this.numBins = numBins;
      this.binBoundaries = binBoundaries.clone();
      this.adapted = true;
      return this;
    }

    /** Keras's {@code epsilon}: the summary's precision in adapt; 0.01. */
    public Builder epsilon(double epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    /** {@code int} (Keras's default), {@code one_hot}, {@code multi_hot} or {@code count}. */
    public Builder outputMode(String outputMode) {
      this.outputMode = outputMode;
      return this;
    }

    /** Keras's {@code sparse}: only false. */
    public Builder sparse(boolean sparse) {
      this.sparse = sparse;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Discretization build() {
      return new Discretization(this);
    }
  }
}
