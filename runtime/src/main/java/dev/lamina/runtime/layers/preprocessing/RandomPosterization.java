package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.SeedStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * Keras's {@code RandomPosterization(factor, value_range=(0, 255), data_format=None,
 * seed=None)}: in training ({@code fit}) each image of the batch draws a number of bits
 * {@code b} uniformly from the integers {@code [lower, upper)} (upper excluded, as Keras's
 * {@code randint}; always {@code lower} when both are equal); the image is mapped from
 * {@code value_range} to {@code (0, 255)}, cast to uint8 (truncated) and each value keeps its
 * {@code b} highest bits ({@code (v >> (8 - b)) << (8 - b)}, the shift in uint8 arithmetic as
 * Keras's), then cast back to float32 and mapped back to {@code value_range}. In
 * {@code predict} and {@code evaluate} it is the identity (Keras's {@code training=False}).
 * As Keras's {@code _set_factor} with the bounds {@code [1, 8]}: one number {@code f} in
 * {@code [1, 8]} means {@code (1, f)}; a pair is sorted and refused only if its first is above 8
 * or its second below 1. Each must be an integer (Keras fails at its first call otherwise).
 * {@code value_range} is a pair of numbers, sorted as Keras sorts it; values outside it are not
 * clipped before the uint8 cast (as Keras).
 *
 * <p>As Keras's TensorFlow backend: one uniform int64 {@code [batch]} draw per call
 * ({@code StatelessRandomUniformInt}; none when {@code lower == upper}) from the call's
 * {@link dev.lamina.runtime.SeedStream} (with a seed of its own, step {@code k} draws
 * {@code [seed, k]}, as Keras's {@code SeedGenerator(seed)}; without one, from
 * {@code FitOptions.seed}). Numeric inputs, cast to float32; channels_last batches of images.
 * No weights. The uint8 cast and the bit shifts have no gradient: after a trainable weight the
 * model cannot be trained (its training step fails naming the layer and the op); right after
 * the input, where augmentation sits, it trains.
 */
public final class RandomPosterization extends RandomImageLayer {

  private static final String TYPE = "RandomPosterization";

  private final long[] factor;
  private final double[] valueRange;

  /** {@code RandomPosterization(factor)}: value_range (0, 255), unseeded. */
  public RandomPosterization(int factor) {
    this(builder(factor));
  }

  private RandomPosterization(Builder b) {
    super(b.name, b.seed);
    this.factor = b.factor;
    this.valueRange = b.valueRange;
  }

  /** A builder of {@code RandomPosterization(factor)}: one integer or a pair (lower, upper). */
  public static Builder builder(double... factor) {
    return new Builder(factor);
  }

  /** Keras's arguments and defaults; each setter refuses what Keras refuses. */
  public static final class Builder extends RandomImageLayer.Builder<Builder> {
    private long[] factor;
    private double[] valueRange = {0, 255};

    private Builder(double[] factor) {
      factor(factor);
    }

    /** One integer in [1, 8] or a pair of integers (lower, upper): Keras's {@code factor}. */
    public Builder factor(double... factor) {
      double[] f = AffineTransforms.baseFactor(TYPE, factor, 1, 8);
      for (double v : f) {
        if (v != Math.rint(v)) {
          throw new IllegalArgumentException(TYPE + " factor must be integers (numbers of "
              + "bits; Keras's randint takes no fractions), got " + Arrays.toString(factor));
        }
      }
      this.factor = new long[] {(long) f[0], (long) f[1]};
      return this;
    }

    /** The images' range {@code (low, high)}, (0, 255) by default: sorted. */
    public Builder valueRange(double... valueRange) {
      this.valueRange = AffineTransforms.sortedValueRange(TYPE, valueRange);
      return this;
    }

    public RandomPosterization build() {
      return new RandomPosterization(this);
    }
  }

  /** Keras's arguments: the factor as Keras keeps it, {@code [lower, upper]} integers. */
  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("factor", java.util.List.of(factor[0], factor[1]));
    arguments.put("value_range", AffineTransforms.pair(valueRange));
    arguments.put("data_format", "channels_last");
    return arguments;
  }

  @Override
  protected Operand<TFloat32> augment(Ops tf, Operand<TFloat32> x, SeedStream seeds) {
    Operand<TUint8> bits;
    if (factor[0] != factor[1]) {
      Operand<TInt64> drawn = tf.random.statelessRandomUniformInt(AffineTransforms.batch(tf, x),
          draw(seeds, 1, 0), tf.constant(factor[0]), tf.constant(factor[1]));
      bits = tf.dtypes.cast(drawn, TUint8.class);
    } else {
      bits = tf.dtypes.cast(tf.fill(AffineTransforms.batch(tf, x), tf.constant(factor[0])),
          TUint8.class);
    }
    // uint8 arithmetic, as Keras's _MAX_FACTOR - factor
    Operand<TUint8> shift = tf.reshape(tf.math.sub(
        tf.dtypes.cast(tf.constant(8), TUint8.class), bits), AffineTransforms.perImage(tf, x));
    Operand<TUint8> images = tf.dtypes.cast(AffineTransforms.valueRange(tf, x, valueRange,
        AffineTransforms.RANGE_255), TUint8.class);
    images = tf.bitwise.leftShift(tf.bitwise.rightShift(images, shift), shift);
    return AffineTransforms.valueRange(tf, tf.dtypes.cast(images, TFloat32.class),
        AffineTransforms.RANGE_255, valueRange);
  }
}
