package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.SeedStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code Solarization(addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255),
 * seed=None)}: in training ({@code fit}) each image of the batch draws an addition {@code a}
 * uniformly from {@code [add_lower, add_upper * 255]} and a threshold {@code t} from
 * {@code [thr_lower, thr_upper * 255]} (Keras scales only the upper bounds by 255); the image is
 * mapped from {@code value_range} to {@code (0, 255)}, {@code a} added, clipped to
 * {@code [0, 255]}, each value {@code v} kept if {@code v < t} else made {@code 255 - v}, and
 * mapped back to {@code value_range}. In {@code predict} and {@code evaluate} it is the identity
 * (Keras's {@code training=False}). Each factor is as Keras's own {@code _set_factor}: one
 * number {@code f} in {@code [0, 1]} means {@code (0, f)}; a pair of numbers each in
 * {@code [0, 1]}, sorted. {@code value_range} is a pair of numbers, sorted as Keras sorts it.
 *
 * <p>As Keras's TensorFlow backend: two uniform float32 {@code [batch, 1, 1, 1]} draws per call,
 * the additions then the thresholds, from the call's {@link dev.lamina.runtime.SeedStream} (with
 * a seed of its own, step {@code k} draws {@code [seed, 2k]} and {@code [seed, 2k + 1]}, as
 * Keras's {@code SeedGenerator(seed)}; without one, from {@code FitOptions.seed}). Numeric
 * inputs, cast to float32; channels_last batches of images. No weights; every op has a
 * gradient, so the layer may also sit after a weight.
 */
public final class Solarization extends RandomImageLayer {

  private static final String TYPE = "Solarization";

  private final double[] additionFactor;
  private final double[] thresholdFactor;
  private final double[] valueRange;

  /** {@code Solarization()}: both factors 0, value_range (0, 255), unseeded. */
  public Solarization() {
    this(builder());
  }

  private Solarization(Builder b) {
    super(b.name, b.seed);
    this.additionFactor = b.additionFactor;
    this.thresholdFactor = b.thresholdFactor;
    this.valueRange = b.valueRange;
  }

  /** A builder of {@code Solarization()}: Keras's defaults unless set. */
  public static Builder builder() {
    return new Builder();
  }

  /** Keras's arguments and defaults; each setter refuses what Keras refuses. */
  public static final class Builder extends RandomImageLayer.Builder<Builder> {
    private double[] additionFactor = {0, 0};
    private double[] thresholdFactor = {0, 0};
    private double[] valueRange = {0, 255};

    private Builder() {}

    /** One number in [0, 1] or a pair of them: Keras's {@code addition_factor}. */
    public Builder additionFactor(double... factor) {
      this.additionFactor = factor("addition_factor", factor);
      return this;
    }

    /** One number in [0, 1] or a pair of them: Keras's {@code threshold_factor}. */
    public Builder thresholdFactor(double... factor) {
      this.thresholdFactor = factor("threshold_factor", factor);
      return this;
    }

    /** The images' range {@code (low, high)}, (0, 255) by default: sorted. */
    public Builder valueRange(double... valueRange) {
      this.valueRange = AffineTransforms.sortedValueRange(TYPE, valueRange);
      return this;
    }

    public Solarization build() {
      return new Solarization(this);
    }
  }

  /** Solarization's own {@code _set_factor}: (0, f) or a sorted pair, each in [0, 1]. */
  private static double[] factor(String argument, double[] factor) {
    double[] f = AffineTransforms.requireNumberOrPair(TYPE, argument, factor, "[0, 1]");
    for (double v : f) {
      if (v < 0 || v > 1) {
        throw new IllegalArgumentException(TYPE + " " + argument + " must be a number or a "
            + "pair (lower, upper) in the range [0, 1], got "
            + (f.length == 1 ? String.valueOf(f[0]) : Arrays.toString(f)));
      }
    }
    return f.length == 1 ? new double[] {0, f[0]}
        : new double[] {Math.min(f[0], f[1]), Math.max(f[0], f[1])};
  }

  /** Keras's arguments: each factor as Keras keeps it, {@code [lower, upper]}. */
  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("value_range", AffineTransforms.pair(valueRange));
    arguments.put("addition_factor", AffineTransforms.pair(additionFactor));
    arguments.put("threshold_factor", AffineTransforms.pair(thresholdFactor));
    arguments.put("data_format", "channels_last");
    return arguments;
  }

  @Override
  protected Operand<TFloat32> augment(Ops tf, Operand<TFloat32> x, SeedStream seeds) {
    Operand<TInt32> shape = AffineTransforms.perImage(tf, x);
    Operand<TFloat32> additions = AffineTransforms.uniform(tf, shape, draw(seeds, 2, 0),
        additionFactor[0], additionFactor[1] * 255);
    Operand<TFloat32> thresholds = AffineTransforms.uniform(tf, shape, draw(seeds, 2, 1),
        thresholdFactor[0], thresholdFactor[1] * 255);
    Operand<TFloat32> images = AffineTransforms.valueRange(tf, x, valueRange,
        AffineTransforms.RANGE_255);
    Operand<TFloat32> results = AffineTransforms.clip(tf, tf.math.add(images, additions), 0, 255);
    results = tf.select(tf.math.less(results, thresholds), results,
        tf.math.sub(tf.constant(255f), results));
    return AffineTransforms.valueRange(tf, results, AffineTransforms.RANGE_255, valueRange);
  }
}
