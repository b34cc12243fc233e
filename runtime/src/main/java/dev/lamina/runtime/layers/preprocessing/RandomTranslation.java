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
 * Keras's {@code RandomTranslation(height_factor, width_factor, fill_mode="reflect",
 * interpolation="bilinear", seed=None, fill_value=0.0, data_format=None)}: in training
 * ({@code fit}) each image of the batch is shifted by its own amounts, vertically by a fraction
 * of its height drawn uniformly from {@code height_factor}'s range (positive: down) and
 * horizontally by a fraction of its width from {@code width_factor}'s (positive: right); in
 * {@code predict} and {@code evaluate} it is the identity (Keras's {@code training=False}). Each
 * factor is one number {@code f} (meaning {@code (-|f|, |f|)}) or a pair {@code (lower, upper)}
 * (sorted), every number in {@code [-1, 1]}. Points that fall outside the image are filled by
 * {@code fill_mode} ({@code "reflect"}, {@code "wrap"}, {@code "constant"} with
 * {@code fill_value}, or {@code "nearest"}); sampling is {@code "bilinear"} or
 * {@code "nearest"}.
 *
 * <p>As Keras's TensorFlow backend: two uniform float32 {@code [batch, 1]} draws from the call's
 * {@link dev.lamina.runtime.SeedStream}, the height's then the width's (with a seed of its own,
 * step {@code k} draws {@code [seed, 2k]} and {@code [seed, 2k + 1]}, as Keras's
 * {@code SeedGenerator(seed)}; without one, from {@code FitOptions.seed}), each times the image's
 * height or width; Keras's matrix {@code [1, 0, -dx, 0, 1, -dy, 0, 0]} and
 * {@code ImageProjectiveTransformV3}. Numeric inputs, cast to float32; channels_last batches of
 * images. No weights. TensorFlow has no C++ gradient of {@code ImageProjectiveTransformV3}:
 * after a trainable weight the model cannot be trained (compiling its training step fails naming
 * this layer); right after the input, as augmentation is used, it trains.
 */
public final class RandomTranslation extends AffineAugmentation {

  private static final String TYPE = "RandomTranslation";

  private final double[] heightFactor;
  private final double[] widthFactor;

  /** {@code RandomTranslation(height_factor, width_factor)}: Keras's defaults, unseeded. */
  public RandomTranslation(double heightFactor, double widthFactor) {
    this(builder(heightFactor, widthFactor));
  }

  private RandomTranslation(Builder b) {
    super(b);
    this.heightFactor = b.heightFactor;
    this.widthFactor = b.widthFactor;
  }

  /**
   * A builder of {@code RandomTranslation(height_factor, width_factor)} with single numbers;
   * {@link Builder#heightFactor} and {@link Builder#widthFactor} take pairs.
   */
  public static Builder builder(double heightFactor, double widthFactor) {
    return new Builder(new double[] {heightFactor}, new double[] {widthFactor});
  }

  /** A builder with either factor a number ({@code {f}}) or a pair ({@code {lower, upper}}). */
  public static Builder builder(double[] heightFactor, double[] widthFactor) {
    return new Builder(heightFactor, widthFactor);
  }

  /** Keras's {@code _set_factor}: the factor as given, each number in [-1, 1]. */
  private static double[] checked(String argument, double[] factor) {
    return AffineTransforms.requireEachIn(TYPE, argument, factor, "[-1, 1]",
        v -> v >= -1 && v <= 1);
  }

  /** Keras's arguments and defaults; each setter refuses what Keras refuses. */
  public static final class Builder extends AffineAugmentation.Builder<Builder> {
    private double[] heightFactor;
    private double[] widthFactor;

    private Builder(double[] heightFactor, double[] widthFactor) {
      super(TYPE);
      heightFactor(heightFactor);
      widthFactor(widthFactor);
    }

    /** One number or a pair (lower, upper), fractions of the height. */
    public Builder heightFactor(double... heightFactor) {
      this.heightFactor = checked("height_factor", heightFactor);
      return this;
    }

    /** One number or a pair (lower, upper), fractions of the width. */
    public Builder widthFactor(double... widthFactor) {
      this.widthFactor = checked("width_factor", widthFactor);
      return this;
    }

    public RandomTranslation build() {
      return new RandomTranslation(this);
    }
  }

  /** Keras's arguments, the factors as given (a number or a pair). */
  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("height_factor", AffineTransforms.configValue(heightFactor));
    arguments.put("width_factor", AffineTransforms.configValue(widthFactor));
    return withFillArguments(arguments);
  }

  @Override
  Operand<TFloat32> matrix(Ops tf, Operand<TFloat32> x, SeedStream seeds) {
    Operand<TInt32> shape = tf.concat(List.of(AffineTransforms.batch(tf, x),
        tf.constant(new int[] {1})), tf.constant(0));
    // Keras: the height's draw first, each times the image's size
    Operand<TFloat32> dy = tf.math.mul(AffineTransforms.uniform(tf, shape,
        draw(seeds, 2, 0),
        AffineTransforms.lower(heightFactor), AffineTransforms.upper(heightFactor)), AffineTransforms.size(tf, x, 1));
    Operand<TFloat32> dx = tf.math.mul(AffineTransforms.uniform(tf, shape,
        draw(seeds, 2, 1),
        AffineTransforms.lower(widthFactor), AffineTransforms.upper(widthFactor)), AffineTransforms.size(tf, x, 2));
    // Keras's _get_translation_matrix: [1, 0, -dx, 0, 1, -dy, 0, 0]
    Operand<TFloat32> one = AffineTransforms.filled(tf, dx, 1f);
    Operand<TFloat32> zero = AffineTransforms.filled(tf, dx, 0f);
    return AffineTransforms.columns(tf,
        List.of(one, zero, tf.math.neg(dx), zero, one, tf.math.neg(dy), zero, zero));
  }
}
