package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.SeedStream;
import dev.lamina.runtime.SymbolicTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code RandomHue(factor, value_range=(0, 255), data_format=None, seed=None)}: in
 * training ({@code fit}) each image of the batch draws a sign and a factor {@code f} in
 * {@code [lower, upper]}; the images, scaled from {@code value_range} to {@code [0, 1]}, go to
 * HSV, each hue {@code h} becomes {@code h + sign * f * 0.5} (less 1 where above 1, plus 1
 * where below 0), and the images go back to RGB, clipped to {@code [0, 1]} and scaled back to
 * {@code value_range}. In {@code predict} and {@code evaluate} it is the identity (Keras's
 * {@code training=False}). {@code factor} as Keras's base {@code _set_factor} with the bounds
 * {@code [0, 1]}: one number {@code f} in {@code [0, 1]} means {@code (0, f)}; a pair is sorted
 * and refused only if its first is above 1 or its second below 0. {@code value_range} is a pair
 * of numbers kept as given (Keras does not sort it).
 *
 * <p>As Keras's TensorFlow backend: two uniform float32 draws per image per call, in Keras's
 * order: {@code invert} in {@code [0, 1)} (sign -1 where above 0.5, else 1), then {@code f}
 * (with a seed of its own, step {@code k} draws {@code [seed, 2k]} and {@code [seed, 2k + 1]},
 * as Keras's {@code SeedGenerator(seed)}; without one, from {@code FitOptions.seed});
 * TensorFlow's {@code RGBToHSV} and {@code HSVToRGB}. Numeric inputs, cast to float32;
 * channels_last batches of RGB images (3 channels). No weights; TensorFlow has no gradient of
 * {@code HSVToRGB} and no C++ one of {@code RGBToHSV}, so the layer trains only before every
 * trainable weight.
 */
public final class RandomHue extends RandomImageLayer {

  private static final String TYPE = "RandomHue";
  private static final double[] UNIT = {0, 1};

  private final double[] factor;
  private final double[] valueRange;

  /** {@code RandomHue(factor)}: value_range (0, 255), unseeded. */
  public RandomHue(double factor) {
    this(builder(factor));
  }

  private RandomHue(Builder b) {
    super(b.name, b.seed);
    this.factor = b.factor;
    this.valueRange = b.valueRange;
  }

  /** A builder of {@code RandomHue(factor)}: one number or a pair. */
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

    /** The images' range {@code (low, high)}, (0, 255) by default, as given. */
    public Builder valueRange(double... valueRange) {
      this.valueRange = AffineTransforms.requireValueRange(TYPE, valueRange);
      return this;
    }

    public RandomHue build() {
      return new RandomHue(this);
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
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    OutputSpec<?> spec = super.computeOutput(inputs);
    AffineTransforms.requireChannels(TYPE, inputs.get(0).shape(), 3);
    return spec;
  }

  @Override
  protected Operand<TFloat32> augment(Ops tf, Operand<TFloat32> x, SeedStream seeds) {
    // Keras's order of draws: invert, then factor
    Operand<TFloat32> invert = AffineTransforms.uniform(tf, AffineTransforms.perImage(tf, x),
        draw(seeds, 2, 0), 0, 1);
    Operand<TFloat32> one = AffineTransforms.filled(tf, invert, 1f);
    Operand<TFloat32> sign = tf.select(tf.math.greater(invert, tf.constant(0.5f)),
        tf.math.neg(one), one);
    Operand<TFloat32> f = AffineTransforms.uniform(tf, AffineTransforms.perImage(tf, x),
        draw(seeds, 2, 1), factor[0], factor[1]);
    Operand<TFloat32> adjust = tf.math.mul(tf.math.mul(sign, f), tf.constant(0.5f));
    Operand<TFloat32> unit = AffineTransforms.valueRange(tf, x, valueRange, UNIT);
    Operand<TFloat32> hsv = AffineTransforms.changeChannel(tf,
        AffineTransforms.rgbToHsv(tf, unit), 0, h -> {
          Operand<TFloat32> moved = tf.math.add(h, adjust);
          moved = tf.select(tf.math.greater(moved, tf.constant(1f)),
              tf.math.sub(moved, tf.constant(1f)), moved);
          return tf.select(tf.math.less(moved, tf.constant(0f)),
              tf.math.add(moved, tf.constant(1f)), moved);
        });
    Operand<TFloat32> rgb = AffineTransforms.clip(tf, AffineTransforms.hsvToRgb(tf, hsv), 0, 1);
    return AffineTransforms.valueRange(tf, rgb, UNIT, valueRange);
  }
}
