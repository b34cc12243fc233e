package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.SeedStream;
import dev.lamina.runtime.SymbolicTensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code RandomErasing(factor=1.0, scale=(0.02, 0.33), fill_value=None,
 * value_range=(0, 255), seed=None, data_format=None)}: in training ({@code fit}) each image of
 * the batch draws a box and erases it with probability drawn from {@code factor}: a pair
 * {@code (mx, my)} uniform in {@code scale}, square-rooted; the box's width
 * {@code sqrt(mx) * width}, its left edge {@code u * (width - box width)} ({@code u} uniform in
 * {@code [0, 1)}), and likewise its height and top; a probability {@code p} uniform in
 * {@code factor}'s range and a threshold {@code t} in {@code [0, 1)}: where {@code t < p} the
 * pixels whose column {@code x} and row {@code y} have {@code left <= x < right} and
 * {@code top <= y < bottom} take the fill value, on every channel. The fill value is, without
 * {@code fill_value}, standard normal noise of the images' shape times {@code value_range[1]};
 * else the number, or three numbers, one per channel; either clipped to {@code value_range}.
 * In {@code predict} and {@code evaluate} it is the identity (Keras's {@code training=False}).
 * {@code factor} and {@code scale} as Keras's {@code _set_factor} with the bounds
 * {@code [0, 1]}: one number {@code f} in {@code [0, 1]} means {@code (0, f)}; a pair is sorted
 * and refused only if its first is above 1 or its second below 0. {@code value_range} is a pair
 * of numbers kept as given (Keras does not sort it).
 *
 * <p>As Keras's TensorFlow backend: from one {@code SeedGenerator}, in Keras's order, the
 * {@code [batch, 2]} scales, the lefts, the tops, the probabilities, the thresholds (uniform
 * float32) and, without {@code fill_value}, the noise ({@code stateless_normal}): with a seed of
 * its own, step {@code k} draws {@code [seed, n k + i]}, {@code n} = 6 draws (5 with a fill
 * value), as Keras's {@code SeedGenerator(seed)}; without one, from {@code FitOptions.seed}.
 * Numeric inputs, cast to float32; channels_last batches of images of known height and width,
 * any channels (three with three fill values). No weights; the selections have gradients, so
 * it trains after a weight.
 */
public final class RandomErasing extends RandomImageLayer {

  private static final String TYPE = "RandomErasing";

  private final double[] factor;
  private final double[] scale;
  private final double[] fillValue;
  private final double[] valueRange;

  /** {@code RandomErasing()}: Keras's defaults, unseeded. */
  public RandomErasing() {
    this(builder());
  }

  private RandomErasing(Builder b) {
    super(b.name, b.seed);
    this.factor = b.factor;
    this.scale = b.scale;
    this.fillValue = b.fillValue;
    this.valueRange = b.valueRange;
  }

  /** A builder with Keras's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Keras's arguments and defaults; each setter refuses what Keras refuses. */
  public static final class Builder extends RandomImageLayer.Builder<Builder> {
    private double[] factor = {0, 1};
    private double[] scale = {0.02, 0.33};
    private double[] fillValue;
    private double[] valueRange = {0, 255};

    private Builder() {}

    /** One number in [0, 1] or a pair (lower, upper), 1.0 by default: Keras's {@code factor}. */
    public Builder factor(double... factor) {
      this.factor = AffineTransforms.baseFactor(TYPE, factor, 0, 1);
      return this;
    }

    /**
     * One number in [0, 1] or a pair (lower, upper), (0.02, 0.33) by default: Keras's
     * {@code scale}, the range of each side's squared fraction of the image.
     */
    public Builder scale(double... scale) {
      this.scale = AffineTransforms.baseFactor(TYPE, "scale", scale, 0, 1);
      return this;
    }

    /**
     * Keras's {@code fill_value}: null (the default) for noise, one number, or three numbers
     * (one per channel of RGB images).
     */
    public Builder fillValue(double... fillValue) {
      if (fillValue != null && (fillValue.length != 1 && fillValue.length != 3
          || Arrays.stream(fillValue).anyMatch(Double::isNaN))) {
        throw new IllegalArgumentException(TYPE + " fill_value must be none, a number or a "
            + "list of three numbers, got " + Arrays.toString(fillValue));
      }
      this.fillValue = fillValue == null ? null : fillValue.clone();
      return this;
    }

    /** The images' range {@code (low, high)}, (0, 255) by default, as given. */
    public Builder valueRange(double... valueRange) {
      this.valueRange = AffineTransforms.requireValueRange(TYPE, valueRange);
      return this;
    }

    public RandomErasing build() {
      return new RandomErasing(this);
    }
  }

  /** Keras's arguments as its {@code get_config} writes them (factor and scale as pairs). */
  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("factor", AffineTransforms.pair(factor));
    arguments.put("scale", AffineTransforms.pair(scale));
    arguments.put("fill_value", AffineTransforms.configValue(fillValue));
    arguments.put("value_range", AffineTransforms.pair(valueRange));
    arguments.put("data_format", "channels_last");
    return arguments;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    OutputSpec<?> spec = super.computeOutput(inputs);
    var shape = inputs.get(0).shape();
    if (shape.get(1) < 0 || shape.get(2) < 0) {
      throw new IllegalArgumentException(TYPE + " needs images of known height and width, got "
          + "shape " + shape);
    }
    if (fillValue != null && fillValue.length == 3) {
      AffineTransforms.requireChannels(TYPE + " with three fill values", shape, 3);
    }
    return spec;
  }

  @Override
  protected Operand<TFloat32> augment(Ops tf, Operand<TFloat32> x, SeedStream seeds) {
    int draws = fillValue == null ? 6 : 5;
    // float32 scalars, as Keras multiplies the float32 ratios by the (int) sizes
    Operand<TFloat32> height = AffineTransforms.size(tf, x, 1);
    Operand<TFloat32> width = AffineTransforms.size(tf, x, 2);
    Operand<TInt32> batch = AffineTransforms.batch(tf, x);
    Operand<TFloat32> mix = tf.math.sqrt(AffineTransforms.uniform(tf,
        tf.concat(List.of(batch, tf.constant(new int[] {2})), tf.constant(0)),
        draw(seeds, draws, 0), scale[0], scale[1]));
    Operand<TFloat32> perImage = tf.reshape(mix, tf.constant(new int[] {-1, 1, 1, 2}));
    List<org.tensorflow.Output<TFloat32>> ratios = tf.split(tf.constant(3), perImage, 2L).output();
    Operand<TInt32> one = AffineTransforms.perImage(tf, x);
    List<Operand<TFloat32>> xs = bounds(tf, one, width, ratios.get(0), draw(seeds, draws, 1));
    List<Operand<TFloat32>> ys = bounds(tf, one, height, ratios.get(1), draw(seeds, draws, 2));
    Operand<TFloat32> probability = AffineTransforms.uniform(tf, one, draw(seeds, draws, 3),
        factor[0], factor[1]);
    Operand<TFloat32> threshold = AffineTransforms.uniform(tf, one, draw(seeds, draws, 4), 0, 1);
    Operand<TBool> apply = tf.math.less(threshold, probability);

    Operand<TFloat32> gridX = tf.reshape(tf.range(tf.constant(0f), width, tf.constant(1f)),
        tf.constant(new int[] {1, 1, -1, 1}));
    Operand<TFloat32> gridY = tf.reshape(tf.range(tf.constant(0f), height, tf.constant(1f)),
        tf.constant(new int[] {1, -1, 1, 1}));
    Operand<TBool> mask = tf.math.logicalAnd(tf.math.logicalAnd(
        tf.math.greaterEqual(gridX, xs.get(0)), tf.math.less(gridX, xs.get(1))),
        tf.math.logicalAnd(tf.math.greaterEqual(gridY, ys.get(0)), tf.math.less(gridY, ys.get(1))));

    Operand<TFloat32> fill;
    if (fillValue == null) {
      fill = tf.math.mul(AffineTransforms.normalLike(tf, x, draw(seeds, draws, 5)),
          tf.constant((float) valueRange[1]));
    } else {
      float[] values = new float[fillValue.length];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) fillValue[i];
      }
      fill = tf.math.mul(tf.onesLike(x), values.length == 1 ? tf.constant(values[0])
          : tf.constant(values));
    }
    fill = AffineTransforms.clip(tf, fill, valueRange[0], valueRange[1]);
    Operand<TFloat32> erased = tf.select(tf.math.logicalAnd(mask, apply), fill, x);
    return erased;
  }

  /**
   * Keras's {@code _compute_crop_bounds}: the box's length {@code ratio * length} and its start
   * {@code u * (length - box length)}, each {@code [batch, 1, 1, 1]}.
   */
  private static List<Operand<TFloat32>> bounds(Ops tf, Operand<TInt32> shape,
      Operand<TFloat32> length,
      Operand<TFloat32> ratio, Operand<org.tensorflow.types.TInt64> seed) {
    Operand<TFloat32> crop = tf.math.mul(ratio, length);
    Operand<TFloat32> start = tf.math.mul(AffineTransforms.uniform(tf, shape, seed, 0, 1),
        tf.math.sub(length, crop));
    return List.of(start, tf.math.add(start, crop));
  }
}
