package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.SeedStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code RandomInvert(factor=1.0, value_range=(0, 255), seed=None, data_format=None)}:
 * in training ({@code fit}) each image of the batch draws a probability {@code p} uniformly from
 * {@code [lower, upper]} and a threshold {@code t} uniformly from {@code [0, 1)}; if
 * {@code t < p} each value {@code x} becomes {@code high - x} ({@code high} the second of
 * {@code value_range}; nothing is clipped). In {@code predict} and {@code evaluate} it is the
 * identity (Keras's {@code training=False}). As Keras's {@code _set_factor} with the bounds
 * {@code [0, 1]}: one number {@code f} in {@code [0, 1]} means {@code (0, f)} (so the default 1.0
 * inverts about half the images, not all); a pair is sorted and refused only if its first is
 * above 1 or its second below 0. {@code value_range} is kept as given (Keras neither sorts nor
 * checks it; Lamina requires a pair of numbers).
 *
 * <p>As Keras's TensorFlow backend: two uniform float32 {@code [batch]} draws per call, the
 * probability then the threshold, from the call's {@link dev.lamina.runtime.SeedStream} (with a
 * seed of its own, step {@code k} draws {@code [seed, 2k]} and {@code [seed, 2k + 1]}, as Keras's
 * {@code SeedGenerator(seed)}; without one, from {@code FitOptions.seed}). Numeric inputs, cast
 * to float32; channels_last batches of images. No weights; every op (sub, select) has a gradient,
 * so the layer may also sit after a weight.
 */
public final class RandomInvert extends RandomImageLayer {

  private static final String TYPE = "RandomInvert";

  private final double[] factor;
  private final double[] valueRange;

  /** {@code RandomInvert()}: factor 1.0, value_range (0, 255), unseeded. */
  public RandomInvert() {
    this(builder());
  }

  private RandomInvert(Builder b) {
    super(b.name, b.seed);
    this.factor = b.factor;
    this.valueRange = b.valueRange;
  }

  /** A builder of {@code RandomInvert()}: factor 1.0 and value_range (0, 255) unless set. */
  public static Builder builder() {
    return new Builder();
  }

  /** Keras's arguments and defaults; each setter refuses what Keras refuses. */
  public static final class Builder extends RandomImageLayer.Builder<Builder> {
    private double[] factor = {0, 1};
    private double[] valueRange = {0, 255};

    private Builder() {}

    /** One number in [0, 1] or a pair (lower, upper): Keras's {@code factor}. */
    public Builder factor(double... factor) {
      this.factor = AffineTransforms.baseFactor(TYPE, factor, 0, 1);
      return this;
    }

    /** The images' range {@code (low, high)}, (0, 255) by default: kept as given. */
    public Builder valueRange(double... valueRange) {
      this.valueRange = AffineTransforms.requireValueRange(TYPE, valueRange);
      return this;
    }

    public RandomInvert build() {
      return new RandomInvert(this);
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
    Operand<TFloat32> p = AffineTransforms.uniform(tf, AffineTransforms.batch(tf, x),
        draw(seeds, 2, 0), factor[0], factor[1]);
    Operand<TFloat32> t = AffineTransforms.uniform(tf, AffineTransforms.batch(tf, x),
        draw(seeds, 2, 1), 0, 1);
    Operand<TBool> apply = tf.reshape(tf.math.less(t, p), AffineTransforms.perImage(tf, x));
    return tf.select(apply, tf.math.sub(tf.constant((float) valueRange[1]), x), x);
  }
}
