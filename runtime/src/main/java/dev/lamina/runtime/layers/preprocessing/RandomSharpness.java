package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.SeedStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code RandomSharpness(factor, value_range=(0, 255), data_format=None, seed=None)}:
 * in training ({@code fit}) each image of the batch draws {@code f} uniformly from
 * {@code [lower, upper]} and becomes {@code x + (1 - 2 f) * (blur - x)}, clipped to
 * {@code value_range} ({@code blur}: each channel convolved, zero-padded to the same size, with
 * Keras's kernel {@code [[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13}; {@code f = 0} blurs,
 * {@code 0.5} keeps, {@code 1} sharpens). In {@code predict} and {@code evaluate} it is the
 * identity (Keras's {@code training=False}). {@code factor} as Keras's base {@code _set_factor}
 * with the bounds {@code [0, 1]}: one number {@code f} in {@code [0, 1]} means {@code (0, f)}; a
 * pair is sorted and refused only if its first is above 1 or its second below 0.
 * {@code value_range} is a pair of numbers, sorted as Keras sorts it.
 *
 * <p>As Keras's TensorFlow backend: one uniform float32 draw per image per call from the call's
 * {@link dev.lamina.runtime.SeedStream} (with a seed of its own, step {@code k} draws
 * {@code [seed, k]}, as Keras's {@code SeedGenerator(seed)}; without one, from
 * {@code FitOptions.seed}) and {@code DepthwiseConv2dNative}, stride 1, {@code SAME}. Numeric
 * inputs, cast to float32; channels_last batches of images with any number of channels. No
 * weights.
 */
public final class RandomSharpness extends RandomImageLayer {

  private static final String TYPE = "RandomSharpness";
  private static final float A = (float) (1.0 / 13.0);
  private static final float B = (float) (5.0 / 13.0);

  private final double[] factor;
  private final double[] valueRange;

  /** {@code RandomSharpness(factor)}: value_range (0, 255), unseeded. */
  public RandomSharpness(double factor) {
    this(builder(factor));
  }

  private RandomSharpness(Builder b) {
    super(b.name, b.seed);
    this.factor = b.factor;
    this.valueRange = b.valueRange;
  }

  /** A builder of {@code RandomSharpness(factor)}: one number or a pair. */
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

    /** One number in [0, 1] or a pair (lower, upper): Keras's {@code factor}. */
    public Builder factor(double... factor) {
      this.factor = AffineTransforms.baseFactor(TYPE, factor, 0, 1);
      return this;
    }

    /** The images' range {@code (low, high)}, (0, 255) by default: sorted; the output is clipped
     * to it. */
    public Builder valueRange(double... valueRange) {
      this.valueRange = AffineTransforms.sortedValueRange(TYPE, valueRange);
      return this;
    }

    public RandomSharpness build() {
      return new RandomSharpness(this);
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
    Operand<TFloat32> f = AffineTransforms.uniform(tf, AffineTransforms.perImage(tf, x),
        draw(seeds, 1, 0), factor[0], factor[1]);
    Operand<TFloat32> sharpness = tf.math.mul(f, tf.constant(2f));
    // Keras: the 3x3 kernel reshaped to (3, 3, 1, 1) and tiled over the channels
    Operand<TFloat32> smoothed = AffineTransforms.depthwise(tf, x, tf.constant(new float[][] {
        {A, A, A}, {A, B, A}, {A, A, A}}));
    Operand<TFloat32> out = tf.math.add(x, tf.math.mul(
        tf.math.sub(tf.constant(1f), sharpness), tf.math.sub(smoothed, x)));
    return AffineTransforms.clip(tf, out, valueRange[0], valueRange[1]);
  }
}
