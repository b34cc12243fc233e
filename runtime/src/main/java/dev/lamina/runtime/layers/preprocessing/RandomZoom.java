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
 * Keras's {@code RandomZoom(height_factor, width_factor=None, fill_mode="reflect",
 * interpolation="bilinear", seed=None, fill_value=0.0, data_format=None)}: in training
 * ({@code fit}) each image of the batch is zoomed about its centre, vertically by a factor drawn
 * uniformly from {@code [1 + lower, 1 + upper)} of {@code height_factor} and horizontally from
 * {@code width_factor}'s (or by the same factor, keeping the aspect ratio, if
 * {@code width_factor} is None); a factor above 1 zooms out, below 1 in. In {@code predict} and
 * {@code evaluate} it is the identity (Keras's {@code training=False}). Each factor is one number
 * {@code f} (meaning {@code (-|f|, |f|)}) or a pair {@code (lower, upper)} (sorted), every number
 * in {@code (-1, 1]}. Points that fall outside the image are filled by {@code fill_mode}
 * ({@code "reflect"}, {@code "wrap"}, {@code "constant"} with {@code fill_value}, or
 * {@code "nearest"}); sampling is {@code "bilinear"} or {@code "nearest"}.
 *
 * <p>As Keras's TensorFlow backend: uniform float32 {@code [batch, 1]} draws from the call's
 * {@link dev.lamina.runtime.SeedStream}, the height's first, then the width's if
 * {@code width_factor} is given (with a seed of its own, step {@code k} draws
 * {@code [seed, 2k]} and {@code [seed, 2k + 1]}, or {@code [seed, k]} for one draw, as Keras's
 * {@code SeedGenerator(seed)}; without one, from {@code FitOptions.seed}); Keras's matrix
 * {@code [zx, 0, (width - 1) / 2 (1 - zx), 0, zy, (height - 1) / 2 (1 - zy), 0, 0]} and
 * {@code ImageProjectiveTransformV3}. Numeric inputs, cast to float32; channels_last batches of
 * images. No weights. TensorFlow has no C++ gradient of {@code ImageProjectiveTransformV3}:
 * after a trainable weight the model cannot be trained (compiling its training step fails naming
 * this layer); right after the input, as augmentation is used, it trains.
 */
public final class RandomZoom extends AffineAugmentation {

  private static final String TYPE = "RandomZoom";

  private final double[] heightFactor;
  private final double[] widthFactor;

  /** {@code RandomZoom(height_factor)}: the same zoom both ways, Keras's defaults, unseeded. */
  public RandomZoom(double heightFactor) {
    this(builder(heightFactor));
  }

  private RandomZoom(Builder b) {
    super(b);
    this.heightFactor = b.heightFactor;
    this.widthFactor = b.widthFactor;
  }

  /** A builder of {@code RandomZoom(height_factor)}: one number or a pair (lower, upper). */
  public static Builder builder(double... heightFactor) {
    return new Builder(heightFactor);
  }

  /** Keras's {@code _set_factor}: the factor as given, each number in (-1, 1]. */
  private static double[] checked(String argument, double[] factor) {
    return AffineTransforms.requireEachIn(TYPE, argument, factor, "(-1, 1]",
        v -> v > -1 && v <= 1);
  }

  /** Keras's arguments and defaults; each setter refuses what Keras refuses. */
  public static final class Builder extends AffineAugmentation.Builder<Builder> {
    private final double[] heightFactor;
    private double[] widthFactor;

    private Builder(double[] heightFactor) {
      super(TYPE);
      this.heightFactor = checked("height_factor", heightFactor);
    }

    /**
     * One number or a pair (lower, upper) for the horizontal zoom; none (Keras's default, also
     * by {@code null}) zooms both ways by the height's factor.
     */
    public Builder widthFactor(double... widthFactor) {
      this.widthFactor = widthFactor == null ? null : checked("width_factor", widthFactor);
      return this;
    }

    public RandomZoom build() {
      return new RandomZoom(this);
    }
  }

  /** Keras's arguments, the factors as given (a number or a pair; width None if not given). */
  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("height_factor", AffineTransforms.configValue(heightFactor));
    arguments.put("width_factor", AffineTransforms.configValue(widthFactor));
    return withFillArguments(arguments);
  }

  @Override
  Operand<TFloat32> matrix(Ops tf, Operand<TFloat32> x, SeedStream seeds) {
    int draws = widthFactor == null ? 1 : 2;
    Operand<TInt32> shape = tf.concat(List.of(AffineTransforms.batch(tf, x),
        tf.constant(new int[] {1})), tf.constant(0));
    Operand<TFloat32> zy = AffineTransforms.uniform(tf, shape,
        draw(seeds, draws, 0),
        1.0 + AffineTransforms.lower(heightFactor), 1.0 + AffineTransforms.upper(heightFactor));
    Operand<TFloat32> zx = widthFactor == null ? zy : AffineTransforms.uniform(tf, shape,
        draw(seeds, draws, 1),
        1.0 + AffineTransforms.lower(widthFactor), 1.0 + AffineTransforms.upper(widthFactor));
    // Keras's _get_zoom_matrix: offsets ((size - 1) / 2) * (1 - zoom)
    Operand<TFloat32> one = tf.constant(1f);
    Operand<TFloat32> two = tf.constant(2f);
    Operand<TFloat32> xOffset = tf.math.mul(tf.math.div(
        tf.math.sub(AffineTransforms.size(tf, x, 2), one), two), tf.math.sub(one, zx));
    Operand<TFloat32> yOffset = tf.math.mul(tf.math.div(
        tf.math.sub(AffineTransforms.size(tf, x, 1), one), two), tf.math.sub(one, zy));
    Operand<TFloat32> zero = AffineTransforms.filled(tf, zx, 0f);
    return AffineTransforms.columns(tf,
        List.of(zx, zero, xOffset, zero, zy, yOffset, zero, zero));
  }
}
