package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.SeedStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code RandomBrightness(factor, value_range=(0, 255), seed=None)}: in training
 * ({@code fit}) each image of the batch gets its own delta, drawn uniformly from
 * {@code [lower, upper]} and scaled by {@code high - low} of {@code value_range}, added to every
 * value; the result is clipped to {@code value_range}. In {@code predict} and {@code evaluate}
 * it is the identity (Keras's {@code training=False}). As Keras's {@code _set_factor} with the
 * bounds {@code [-1, 1]}: one number {@code f} in {@code [-1, 1]} means {@code (-|f|, |f|)}; a
 * pair is sorted and refused only if its first is above 1 or its second below -1.
 * {@code value_range} is a pair of numbers, sorted as Keras sorts it.
 *
 * <p>As Keras's TensorFlow backend: one uniform float32 {@code [batch, 1, 1, 1]} draw per call
 * from the call's {@link dev.lamina.runtime.SeedStream} (with a seed of its own, step {@code k}
 * draws {@code [seed, k]}, as Keras's {@code SeedGenerator(seed)}; without one, from
 * {@code FitOptions.seed}), times {@code high - low}. Numeric inputs, cast to float32;
 * channels_last batches of images. No weights; every op has a gradient, so the layer may also
 * sit after a weight.
 */
public final class RandomBrightness extends RandomImageLayer {

  private static final String TYPE = "RandomBrightness";

  private final double[] factor;
  private final double[] valueRange;

  /** {@code RandomBrightness(factor)}: value_range (0, 255), unseeded. */
  public RandomBrightness(double factor) {
    this(builder(factor));
  }

  private RandomBrightness(Builder b) {
    super(b.name, b.seed);
    this.factor = b.factor;
    this.valueRange = b.valueRange;
  }

  /** A builder of {@code RandomBrightness(factor)}: one number or a pair (lower, upper). */
  public static Builder builder(double... factor) {
    return new Builder(factor);
  }

  /** Keras's arguments and defaults; each setter refuses what Keras refuses. */
  public static final class Builder extends RandomImageLayer.Builder<Builder> {
    private double[] factor;
    private double[] valueRange = {0, 255};

    private Builder(double[] factor) {
      factor(factor);
    }

    /** One number in [-1, 1] or a pair (lower, upper): Keras's {@code factor}. */
    public Builder factor(double... factor) {
      this.factor = AffineTransforms.baseFactor(TYPE, factor, -1, 1);
      return this;
    }

    /** The images' range {@code (low, high)}, (0, 255) by default: sorted; the output is clipped
     * to it. */
    public Builder valueRange(double... valueRange) {
      double[] range = AffineTransforms.requireValueRange(TYPE, valueRange);
      // Keras: sorted(value_range)
      this.valueRange = new double[] {Math.min(range[0], range[1]),
          Math.max(range[0], range[1])};
      return this;
    }

    public RandomBrightness build() {
      return new RandomBrightness(this);
    }
  }

  /** Keras's arguments: the factor as Keras keeps it, {@code [lower, upper]}. */
  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("factor", AffineTransforms.pair(factor));
    arguments.put("value_range", AffineTransforms.pair(valueRange));
    arguments.put("data_format", "channels_last");
    return arguments;
  }

  @Override
  protected Operand<TFloat32> augment(Ops tf, Operand<TFloat32> x, SeedStream seeds) {
    Operand<TInt32> shape = tf.concat(List.of(AffineTransforms.batch(tf, x),
        tf.constant(new int[] {1, 1, 1})), tf.constant(0));
    // Keras: uniform(factor) * (high - low), added, clipped
    Operand<TFloat32> delta = tf.math.mul(AffineTransforms.uniform(tf, shape,
        draw(seeds, 1, 0), factor[0], factor[1]),
        tf.constant((float) (valueRange[1] - valueRange[0])));
    return AffineTransforms.clip(tf, tf.math.add(x, delta), valueRange[0], valueRange[1]);
  }
}
