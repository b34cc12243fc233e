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
 * Keras's {@code RandomColorDegeneration(factor, value_range=(0, 255), data_format=None,
 * seed=None)}: in training ({@code fit}) each image of the batch draws {@code f} uniformly from
 * {@code [lower, upper]} and each value {@code x} becomes {@code x + f * (gray - x)}
 * ({@code gray}: the pixel's {@code rgb_to_grayscale}, {@code 0.2989 r + 0.5870 g + 0.1140 b}),
 * clipped to {@code value_range}. In {@code predict} and {@code evaluate} it is the identity
 * (Keras's {@code training=False}). As Keras's {@code _set_factor} with the bounds
 * {@code [-1, 1]}: one number {@code f} in {@code [-1, 1]} means {@code (-|f|, |f|)} (a negative
 * draw moves the colors away from gray, not as Keras's docstring says); a pair is sorted and
 * refused only if its first is above 1 or its second below -1. {@code value_range} is a pair of
 * numbers, sorted as Keras sorts it.
 *
 * <p>As Keras's TensorFlow backend: one uniform float32 {@code [batch, 1, 1, 1]} draw per call
 * from the call's {@link dev.lamina.runtime.SeedStream} (with a seed of its own, step {@code k}
 * draws {@code [seed, k]}, as Keras's {@code SeedGenerator(seed)}; without one, from
 * {@code FitOptions.seed}). Numeric inputs, cast to float32; channels_last batches of RGB images
 * (3 channels, as Keras requires). No weights; every op has a gradient, so the layer may also
 * sit after a weight.
 */
public final class RandomColorDegeneration extends RandomImageLayer {

  private static final String TYPE = "RandomColorDegeneration";

  private final double[] factor;
  private final double[] valueRange;

  /** {@code RandomColorDegeneration(factor)}: value_range (0, 255), unseeded. */
  public RandomColorDegeneration(double factor) {
    this(builder(factor));
  }

  private RandomColorDegeneration(Builder b) {
    super(b.name, b.seed);
    this.factor = b.factor;
    this.valueRange = b.valueRange;
  }

  /** A builder of {@code RandomColorDegeneration(factor)}: one number or a pair. */
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
      this.valueRange = AffineTransforms.sortedValueRange(TYPE, valueRange);
      return this;
    }

    public RandomColorDegeneration build() {
      return new RandomColorDegeneration(this);
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
    Operand<TFloat32> gray = AffineTransforms.grayscale(tf, x);
    Operand<TFloat32> out = tf.math.add(x, tf.math.mul(f, tf.math.sub(gray, x)));
    return AffineTransforms.clip(tf, out, valueRange[0], valueRange[1]);
  }
}
