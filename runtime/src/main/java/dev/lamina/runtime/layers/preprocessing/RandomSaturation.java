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
 * Keras's {@code RandomSaturation(factor, value_range=(0, 255), data_format=None, seed=None)}:
 * in training ({@code fit}) each image of the batch draws {@code f} uniformly from
 * {@code [lower, upper]}; the images go to HSV as they are (not scaled to {@code [0, 1]}: Keras
 * does not), each saturation {@code s} becomes {@code s * f / (1 - f + 1e-7)} clipped to
 * {@code value_range}, and the images go back to RGB. In {@code predict} and {@code evaluate}
 * it is the identity (Keras's {@code training=False}). {@code factor} as Keras's base
 * {@code _set_factor} with the bounds {@code [-1, 1]}: one number {@code f} in {@code [-1, 1]}
 * means {@code (-|f|, |f|)}; a pair is sorted and refused only if its first is above 1 or its
 * second below -1. {@code value_range} is a pair of numbers, sorted as Keras sorts it.
 *
 * <p>As Keras's TensorFlow backend: one uniform float32 draw per image per call from the call's
 * {@link dev.lamina.runtime.SeedStream} (with a seed of its own, step {@code k} draws
 * {@code [seed, k]}, as Keras's {@code SeedGenerator(seed)}; without one, from
 * {@code FitOptions.seed}), TensorFlow's {@code RGBToHSV} and {@code HSVToRGB}. Numeric inputs,
 * cast to float32; channels_last batches of RGB images (3 channels). No weights; TensorFlow has
 * no gradient of {@code HSVToRGB} and no C++ one of {@code RGBToHSV}, so the layer trains only
 * before every trainable weight.
 */
public final class RandomSaturation extends RandomImageLayer {

  private static final String TYPE = "RandomSaturation";

  private final double[] factor;
  private final double[] valueRange;

  /** {@code RandomSaturation(factor)}: value_range (0, 255), unseeded. */
  public RandomSaturation(double factor) {
    this(builder(factor));
  }

  private RandomSaturation(Builder b) {
    super(b.name, b.seed);
    this.factor = b.factor;
    this.valueRange = b.valueRange;
  }

  /** A builder of {@code RandomSaturation(factor)}: one number or a pair. */
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

    /** {@code (low, high)}, (0, 255) by default: sorted; the saturation is clipped to it. */
    public Builder valueRange(double... valueRange) {
      this.valueRange = AffineTransforms.sortedValueRange(TYPE, valueRange);
      return this;
    }

    public RandomSaturation build() {
      return new RandomSaturation(this);
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
    Operand<TFloat32> f = AffineTransforms.uniform(tf, AffineTransforms.perImage(tf, x),
        draw(seeds, 1, 0), factor[0], factor[1]);
    // Keras: factor / (1 - factor + epsilon()), epsilon 1e-7
    Operand<TFloat32> adjust = tf.math.div(f,
        tf.math.add(tf.math.sub(tf.constant(1f), f), tf.constant(1e-7f)));
    Operand<TFloat32> hsv = AffineTransforms.changeChannel(tf,
        AffineTransforms.rgbToHsv(tf, x), 1, s -> AffineTransforms.clip(tf,
            tf.math.mul(s, adjust), valueRange[0], valueRange[1]));
    return AffineTransforms.hsvToRgb(tf, hsv);
  }
}
