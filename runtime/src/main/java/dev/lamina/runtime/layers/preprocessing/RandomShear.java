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
 * Keras's {@code RandomShear(x_factor=0.0, y_factor=0.0, interpolation="bilinear",
 * fill_mode="reflect", fill_value=0.0, data_format=None, seed=None)}: in training ({@code fit})
 * each image of the batch is sheared by its own factors {@code (sx, sy)}: each output point
 * {@code (x, y)} samples the input at {@code (x + sx y, sy x + y)} (about the top-left corner,
 * as Keras's matrix {@code [1, sx, 0, sy, 1, 0, 0, 0]}); in {@code predict} and
 * {@code evaluate} it is the identity (Keras's {@code training=False}). Each factor is one
 * number {@code f} in {@code [0, 1]}, meaning {@code (-f, f)}, or a pair of numbers each in
 * {@code [0, 1]}, sorted (Keras's {@code _set_factor_with_name}); Keras's {@code get_config}
 * writes the pair. Points outside the image are filled by {@code fill_mode} ({@code "reflect"},
 * {@code "wrap"}, {@code "constant"} with {@code fill_value}, {@code "nearest"}); sampling is
 * {@code "bilinear"} or {@code "nearest"}.
 *
 * <p>As Keras's TensorFlow backend: three uniform float32 {@code [batch, 1]} draws per call, in
 * Keras's order: {@code invert} in {@code [0, 1)} ({@code -1} where above 0.5, else 1), then
 * {@code sy}, then {@code sx} (with a seed of its own, step {@code k} draws
 * {@code [seed, 3k]}, {@code [seed, 3k + 1]}, {@code [seed, 3k + 2]}, as Keras's
 * {@code SeedGenerator(seed)}; without one, from {@code FitOptions.seed}); both factors are
 * multiplied by {@code invert}. Numeric inputs, cast to float32; channels_last batches of
 * images. No weights; trains only before every trainable weight ({@link AffineAugmentation}).
 */
public final class RandomShear extends AffineAugmentation {

  private static final String TYPE = "RandomShear";

  private final double[] xFactor;
  private final double[] yFactor;

  /** {@code RandomShear(x_factor, y_factor)}: Keras's other defaults, unseeded. */
  public RandomShear(double xFactor, double yFactor) {
    this(builder().xFactor(xFactor).yFactor(yFactor));
  }

  private RandomShear(Builder b) {
    super(b);
    this.xFactor = b.xFactor;
    this.yFactor = b.yFactor;
  }

  /** A builder of {@code RandomShear()}: both factors 0 until set. */
  public static Builder builder() {
    return new Builder();
  }

  /** Keras's arguments and defaults; each setter refuses what Keras refuses. */
  public static final class Builder extends AffineAugmentation.Builder<Builder> {
    private double[] xFactor = {-0.0, 0.0};
    private double[] yFactor = {-0.0, 0.0};

    private Builder() {
      super(TYPE);
    }

    /** One number in [0, 1] (meaning {@code (-f, f)}) or a pair each in [0, 1]. */
    public Builder xFactor(double... xFactor) {
      this.xFactor = factor("x_factor", xFactor);
      return this;
    }

    /** One number in [0, 1] (meaning {@code (-f, f)}) or a pair each in [0, 1]. */
    public Builder yFactor(double... yFactor) {
      this.yFactor = factor("y_factor", yFactor);
      return this;
    }

    private static double[] factor(String argument, double[] factor) {
      double[] f = AffineTransforms.requireEachIn(TYPE, argument, factor, "[0, 1]",
          v -> v >= 0 && v <= 1);
      return f.length == 1 ? new double[] {-Math.abs(f[0]), Math.abs(f[0])}
          : new double[] {Math.min(f[0], f[1]), Math.max(f[0], f[1])};
    }

    public RandomShear build() {
      return new RandomShear(this);
    }
  }

  /** Keras's arguments; each factor as Keras writes it, the pair {@code [lower, upper]}. */
  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("x_factor", AffineTransforms.pair(xFactor));
    arguments.put("y_factor", AffineTransforms.pair(yFactor));
    return withFillArguments(arguments);
  }

  @Override
  Operand<TFloat32> matrix(Ops tf, Operand<TFloat32> x, SeedStream seeds) {
    Operand<TInt32> shape = tf.concat(List.of(AffineTransforms.batch(tf, x),
        tf.constant(new int[] {1})), tf.constant(0));
    // Keras's order of draws: invert, shear_y, shear_x
    Operand<TFloat32> invert = AffineTransforms.uniform(tf, shape, draw(seeds, 3, 0), 0, 1);
    Operand<TFloat32> sy = AffineTransforms.uniform(tf, shape, draw(seeds, 3, 1),
        yFactor[0], yFactor[1]);
    Operand<TFloat32> sx = AffineTransforms.uniform(tf, shape, draw(seeds, 3, 2),
        xFactor[0], xFactor[1]);
    Operand<TFloat32> one = AffineTransforms.filled(tf, invert, 1f);
    Operand<TFloat32> sign = tf.select(tf.math.greater(invert, tf.constant(0.5f)),
        tf.math.neg(one), one);
    Operand<TFloat32> zero = AffineTransforms.filled(tf, invert, 0f);
    return AffineTransforms.columns(tf, List.of(one, tf.math.mul(sx, sign), zero,
        tf.math.mul(sy, sign), one, zero, zero, zero));
  }
}
