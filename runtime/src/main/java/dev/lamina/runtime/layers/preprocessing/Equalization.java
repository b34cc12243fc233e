package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

/**
 * Keras 3's {@code Equalization(value_range=(0, 255), bins=256, data_format=None)}: histogram
 * equalization of each channel, not random. As in Keras 3.15.1, it is applied only in training
 * ({@code fit}: Keras's {@code transform_images} returns the images unchanged when
 * {@code training} is false, so {@code predict} and {@code evaluate} pass the images through).
 *
 * <p>In training, for each channel, over the whole batch at once as Keras's
 * {@code images[..., i]}: the values mapped from {@code value_range} to {@code (0, 255)} (float32,
 * {@code v * scale + offset}); a histogram of {@code bins} bins of
 * {@code int32((v - 0) * (bins - 1) / 255)} clipped to {@code [0, bins - 1]}; if at most one bin
 * is used the values stay; else the lookup table {@code clip(round((cdf - cdf_min) * 255 /
 * (cdf[-1] - cdf_min)), 0, 255)} (float64, a zero denominator taken as 1; {@code cdf_min} the
 * first non-zero {@code cdf}) at {@code int32(clip(v / 255 * (bins - 1), 0, bins - 1))}; then,
 * in float64, mapped back to {@code value_range} and cast to float32.
 *
 * <p>float32 channels_last batches of images. No weights; no gradient reaches the input through
 * the equalized values (a lookup), so it belongs at a model's input.
 */
public final class Equalization extends Layer {

  private static final String TYPE = "Equalization";

  private final double[] valueRange;
  private final int bins;

  /** {@code Equalization()}: value_range (0, 255), 256 bins. */
  public Equalization() {
    this(null, new double[] {0, 255}, 256);
  }

  /** {@code Equalization(value_range, bins)}; {@code name} null for a default. */
  public Equalization(String name, double[] valueRange, int bins) {
    super(name);
    this.valueRange = AffineTransforms.sortedValueRange(TYPE, valueRange);
    if (bins < 1) {
      throw new IllegalArgumentException("Equalization: bins must be a positive integer, got "
          + bins);
    }
    this.bins = bins;
  }

  public int bins() {
    return bins;
  }

  public double[] valueRange() {
    return valueRange.clone();
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("value_range", AffineTransforms.pair(valueRange));
    arguments.put("bins", bins);
    arguments.put("data_format", "channels_last");
    return arguments;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    if (inputs.get(0).dtype() != TFloat32.class) {
      throw new IllegalArgumentException(describe() + " takes float32 images (Keras passes "
          + "others through unchanged in inference, uncast), got "
          + Shapes.dtypeName(inputs.get(0).dtype()));
    }
    return Layers.spec(ImageLayers.requireImages(this, inputs.get(0)), TFloat32.class);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      boolean training) {
    Operand<TFloat32> images = (Operand<TFloat32>) inputs.get(0);
    if (!training) {
      return images;
    }
    long channels = images.shape().get(3);
    List<Operand<TFloat32>> out = new ArrayList<>();
    for (long c = 0; c < channels; c++) {
      Operand<TFloat32> channel = tf.squeeze(tf.slice(images,
          tf.constant(new long[] {0, 0, 0, c}), tf.constant(new long[] {-1, -1, -1, 1})),
          org.tensorflow.op.core.Squeeze.axis(List.of(3L)));
      out.add(tf.expandDims(equalize(tf, channel), tf.constant(-1)));
    }
    return channels == 1 ? out.get(0) : tf.concat(out, tf.constant(-1));
  }

  private Operand<TFloat32> equalize(Ops tf, Operand<TFloat32> channel) {
    double low = valueRange[0];
    double high = valueRange[1];
    // Keras's _scale_values to (0, 255): Python's scale and offset, float32 values.
    double scale = (255.0 - 0.0) / (high - low);
    double offset = 0.0 - low * scale;
    Operand<TFloat32> v = tf.math.add(tf.math.mul(channel, tf.constant((float) scale)),
        tf.constant((float) offset));
    // _custom_histogram_fixed_width(v, (0, 255), bins).
    Operand<TFloat32> scaled = tf.math.div(tf.math.mul(tf.math.sub(v, tf.constant(0f)),
        tf.constant((float) (bins - 1))), tf.constant(255f));
    Operand<TInt32> indices = clip(tf, tf.dtypes.cast(scaled, TInt32.class), bins - 1);
    Operand<TInt32> hist = tf.math.bincount(tf.reshape(indices, tf.constant(new long[] {-1})),
        tf.constant(bins), tf.zeros(tf.constant(new long[] {0}), TInt32.class));
    Operand<TInt32> zero = tf.constant(0);
    Operand<TInt32> used = tf.reduceSum(tf.dtypes.cast(tf.math.greater(hist, zero),
        TInt32.class), tf.constant(0));
    // _apply_equalization.
    Operand<TInt32> cdf = tf.math.cumsum(hist, tf.constant(0));
    Operand<TInt32> cdfMin = tf.min(tf.select(tf.math.greater(cdf, zero), cdf,
        tf.fill(tf.shape(cdf), tf.constant(Integer.MAX_VALUE))), tf.constant(0));
    Operand<TInt32> last = tf.reshape(tf.slice(cdf, tf.constant(new int[] {bins - 1}),
        tf.constant(new int[] {1})), tf.constant(new long[0]));
    Operand<TInt32> denominator = tf.math.sub(last, cdfMin);
    denominator = tf.select(tf.math.equal(denominator, zero), tf.constant(1), denominator);
    Operand<TFloat64> table = tf.math.div(
        tf.dtypes.cast(tf.math.mul(tf.math.sub(cdf, cdfMin), tf.constant(255)), TFloat64.class),
        tf.dtypes.cast(denominator, TFloat64.class));
    table = tf.math.maximum(tf.math.minimum(tf.math.round(table), tf.constant(255.0)),
        tf.constant(0.0));
    Operand<TFloat32> position = tf.math.mul(tf.math.div(v, tf.constant(255f)),
        tf.constant((float) (bins - 1)));
    Operand<TInt32> at = tf.dtypes.cast(tf.math.maximum(tf.math.minimum(position,
        tf.constant((float) (bins - 1))), tf.constant(0f)), TInt32.class);
    Operand<TFloat64> equalized = tf.gather(table, at, tf.constant(0));
    Operand<TBool> plain = tf.math.lessEqual(used, tf.constant(1));
    Operand<TFloat64> kept = tf.select(plain, tf.dtypes.cast(v, TFloat64.class), equalized);
    // Back to value_range, in float64 as Keras's (its where gives float64).
    double backScale = (high - low) / (255.0 - 0.0);
    double backOffset = low - 0.0 * backScale;
    Operand<TFloat64> back = tf.math.add(tf.math.mul(kept, tf.constant(backScale)),
        tf.constant(backOffset));
    return tf.dtypes.cast(back, TFloat32.class);
  }

  private static Operand<TInt32> clip(Ops tf, Operand<TInt32> x, int high) {
    return tf.math.maximum(tf.math.minimum(x, tf.constant(high)), tf.constant(0));
  }
}
