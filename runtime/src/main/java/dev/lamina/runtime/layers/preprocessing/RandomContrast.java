package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.SeedStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code RandomContrast(factor, value_range=(0, 255), seed=None)}: in training
 * ({@code fit}) each image of the batch gets its own contrast factor {@code c}, drawn uniformly
 * from {@code [1 - lower, 1 + upper]}, and each value {@code x} of a channel becomes
 * {@code (x - mean) * c + mean} ({@code mean}: the channel's mean over the image's height, then
 * width), clipped to {@code value_range}; in {@code predict} and {@code evaluate} it is the
 * identity (Keras's {@code training=False}). As Keras's {@code _set_factor} with the bounds
 * {@code [0, 1]}: one number {@code f} in {@code [0, 1]} means {@code (lower, upper) = (0, f)}
 * (so the factor is drawn from {@code [1, 1 + f]}, not as Keras's docstring says); a pair is
 * sorted and refused only if its first is above 1 or its second below 0. {@code value_range}
 * is used as given (not sorted): the clip is {@code maximum(minimum(x, high), low)}, as
 * {@code tf.clip_by_value}.
 *
 * <p>As Keras's TensorFlow backend: one uniform float32 {@code [batch, 1, 1, 1]} draw per call
 * from the call's {@link dev.lamina.runtime.SeedStream} (with a seed of its own, step {@code k}
 * draws {@code [seed, k]}, as Keras's {@code SeedGenerator(seed)}; without one, from
 * {@code FitOptions.seed}). Numeric inputs, cast to float32; channels_last batches of images.
 * No weights; every op has a gradient, so the layer may also sit after a weight.
 */
public final class RandomContrast extends RandomImageLayer {

  private static final String TYPE = "RandomContrast";

  private final double[] factor;
  private final double[] valueRange;

  /** {@code RandomContrast(factor)}: value_range (0, 255), unseeded. */
  public RandomContrast(double factor) {
    this(builder(factor));
  }

  private RandomContrast(Builder b) {
    super(b.name, b.seed);
    this.factor = b.factor;
    this.valueRange = b.valueRange;
  }

  /** A builder of {@code RandomContrast(factor)}: one number or a pair (lower, upper). */
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

    /** The images' range {@code (low, high)}, (0, 255) by default: the output is clipped to it. */
    public Builder valueRange(double... valueRange) {
      this.valueRange = AffineTransforms.requireValueRange(TYPE, valueRange);
      return this;
    }

    public RandomContrast build() {
      return new RandomContrast(this);
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
    Operand<TFloat32> contrast = AffineTransforms.uniform(tf, shape,
        draw(seeds, 1, 0), 1.0 - factor[0], 1.0 + factor[1]);
    // Keras's _adjust_contrast: the mean over the height, then over the width
    Operand<TFloat32> mean = tf.math.mean(tf.math.mean(x, tf.constant(1),
        Mean.keepDims(true)), tf.constant(2), Mean.keepDims(true));
    Operand<TFloat32> out = tf.math.add(tf.math.mul(tf.math.sub(x, mean), contrast), mean);
    return AffineTransforms.clip(tf, out, valueRange[0], valueRange[1]);
  }
}
