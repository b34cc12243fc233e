package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

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
public final class RandomZoom extends Layer {

  private static final String TYPE = "RandomZoom";

  private final double[] heightFactor;
  private final double[] widthFactor;
  private final String fillMode;
  private final String interpolation;
  private final Long seed;
  private final double fillValue;

  /** {@code RandomZoom(height_factor)}: the same zoom both ways, Keras's defaults, unseeded. */
  public RandomZoom(double heightFactor) {
    this(builder(heightFactor));
  }

  private RandomZoom(Builder b) {
    super(b.name);
    this.heightFactor = b.heightFactor;
    this.widthFactor = b.widthFactor;
    this.fillMode = b.fillMode;
    this.interpolation = b.interpolation;
    this.seed = b.seed;
    this.fillValue = b.fillValue;
  }

  /** A builder of {@code RandomZoom(height_factor)}: one number or a pair (lower, upper). */
  public static Builder builder(double... heightFactor) {
    return new Builder(heightFactor);
  }

  /** Keras's {@code _set_factor}: the factor as given, checked, and its sorted bounds. */
  private static double[] checked(String argument, double[] factor) {
    double[] f = AffineTransforms.requireNumberOrPair(TYPE, argument, factor, "(-1, 1]");
    for (double v : f) {
      if (v > 1 || v <= -1) {
        throw new IllegalArgumentException(TYPE + " " + argument + " must be a number or a "
            + "pair (lower, upper) in the range (-1, 1], got "
            + (f.length == 1 ? String.valueOf(f[0]) : Arrays.toString(f)));
      }
    }
    return f;
  }

  private static double lower(double[] f) {
    return f.length == 1 ? -Math.abs(f[0]) : Math.min(f[0], f[1]);
  }

  private static double upper(double[] f) {
    return f.length == 1 ? Math.abs(f[0]) : Math.max(f[0], f[1]);
  }

  /** Keras's arguments and defaults; each setter refuses what Keras refuses. */
  public static final class Builder {
    private final double[] heightFactor;
    private double[] widthFactor;
    private String name;
    private String fillMode = "reflect";
    private String interpolation = "bilinear";
    private Long seed;
    private double fillValue;

    private Builder(double[] heightFactor) {
      this.heightFactor = checked("height_factor", heightFactor);
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * One number or a pair (lower, upper) for the horizontal zoom; none (Keras's default, also
     * by {@code null}) zooms both ways by the height's factor.
     */
    public Builder widthFactor(double... widthFactor) {
      this.widthFactor = widthFactor == null ? null : checked("width_factor", widthFactor);
      return this;
    }

    /** {@code "reflect"} (Keras's default), {@code "wrap"}, {@code "constant"} or
     * {@code "nearest"}. */
    public Builder fillMode(String fillMode) {
      this.fillMode = AffineTransforms.requireFillMode(TYPE, fillMode);
      return this;
    }

    /** {@code "bilinear"} (Keras's default) or {@code "nearest"}. */
    public Builder interpolation(String interpolation) {
      this.interpolation = AffineTransforms.requireInterpolation(TYPE, interpolation);
      return this;
    }

    /** Keras's {@code seed}: draws as Keras's layer with that seed; null for none. */
    public Builder seed(Long seed) {
      this.seed = seed;
      return this;
    }

    /** The value of points outside the image with {@code fill_mode="constant"}. */
    public Builder fillValue(double fillValue) {
      this.fillValue = fillValue;
      return this;
    }

    public RandomZoom build() {
      return new RandomZoom(this);
    }
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<? extends TNumber> x) {
    return applyTyped(x);
  }

  /** Keras's arguments, the factors as given (a number or a pair; width None if not given). */
  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("height_factor", AffineTransforms.configValue(heightFactor));
    arguments.put("width_factor", AffineTransforms.configValue(widthFactor));
    arguments.put("fill_mode", fillMode);
    arguments.put("interpolation", interpolation);
    arguments.put("fill_value", fillValue);
    arguments.put("data_format", "channels_last");
    return arguments;
  }

  /** The arguments and the seed (null if none), so that a loaded model zooms as the saved. */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>(arguments());
    config.put("seed", seed);
    return config;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    return Layers.spec(ImageLayers.requireImages(this, inputs.get(0)), TFloat32.class);
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      CallContext context) {
    Operand<TFloat32> x = ImageLayers.floats(tf, inputs.get(0));
    if (!context.training()) {
      return tf.identity(x);
    }
    int draws = widthFactor == null ? 1 : 2;
    Operand<TInt32> shape = tf.concat(List.of(AffineTransforms.batch(tf, x),
        tf.constant(new int[] {1})), tf.constant(0));
    Operand<TFloat32> zy = AffineTransforms.uniform(tf, shape,
        AffineTransforms.seed(context.seeds(), seed, draws, 0),
        1.0 + lower(heightFactor), 1.0 + upper(heightFactor));
    Operand<TFloat32> zx = widthFactor == null ? zy : AffineTransforms.uniform(tf, shape,
        AffineTransforms.seed(context.seeds(), seed, draws, 1),
        1.0 + lower(widthFactor), 1.0 + upper(widthFactor));
    // Keras's _get_zoom_matrix: offsets ((size - 1) / 2) * (1 - zoom)
    Operand<TFloat32> one = tf.constant(1f);
    Operand<TFloat32> two = tf.constant(2f);
    Operand<TFloat32> xOffset = tf.math.mul(tf.math.div(
        tf.math.sub(AffineTransforms.size(tf, x, 2), one), two), tf.math.sub(one, zx));
    Operand<TFloat32> yOffset = tf.math.mul(tf.math.div(
        tf.math.sub(AffineTransforms.size(tf, x, 1), one), two), tf.math.sub(one, zy));
    Operand<TFloat32> zero = AffineTransforms.filled(tf, zx, 0f);
    Operand<TFloat32> matrix = AffineTransforms.columns(tf,
        List.of(zx, zero, xOffset, zero, zy, yOffset, zero, zero));
    return AffineTransforms.transform(tf, x, matrix, interpolation, fillMode, fillValue);
  }
}
