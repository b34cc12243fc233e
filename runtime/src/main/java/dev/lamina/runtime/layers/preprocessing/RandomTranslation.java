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
public final class RandomTranslation extends Layer {

  private static final String TYPE = "RandomTranslation";

  private final double[] heightFactor;
  private final double[] widthFactor;
  private final String fillMode;
  private final String interpolation;
  private final Long seed;
  private final double fillValue;

  /** {@code RandomTranslation(height_factor, width_factor)}: Keras's defaults, unseeded. */
  public RandomTranslation(double heightFactor, double widthFactor) {
    this(builder(heightFactor, widthFactor));
  }

  private RandomTranslation(Builder b) {
    super(b.name);
    this.heightFactor = b.heightFactor;
    this.widthFactor = b.widthFactor;
    this.fillMode = b.fillMode;
    this.interpolation = b.interpolation;
    this.seed = b.seed;
    this.fillValue = b.fillValue;
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

  /** Keras's {@code _set_factor}: the factor as given, checked. */
  private static double[] checked(String argument, double[] factor) {
    double[] f = AffineTransforms.requireNumberOrPair(TYPE, argument, factor, "[-1, 1]");
    for (double v : f) {
      if (v > 1 || v < -1) {
        throw new IllegalArgumentException(TYPE + " " + argument + " must be a number or a "
            + "pair (lower, upper) in the range [-1, 1], got "
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
    private double[] heightFactor;
    private double[] widthFactor;
    private String name;
    private String fillMode = "reflect";
    private String interpolation = "bilinear";
    private Long seed;
    private double fillValue;

    private Builder(double[] heightFactor, double[] widthFactor) {
      heightFactor(heightFactor);
      widthFactor(widthFactor);
    }

    public Builder name(String name) {
      this.name = name;
      return this;
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

    public RandomTranslation build() {
      return new RandomTranslation(this);
    }
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<? extends TNumber> x) {
    return applyTyped(x);
  }

  /** Keras's arguments, the factors as given (a number or a pair). */
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

  /** The arguments and the seed (null if none), so that a loaded model shifts as the saved. */
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
    Operand<TInt32> shape = tf.concat(List.of(AffineTransforms.batch(tf, x),
        tf.constant(new int[] {1})), tf.constant(0));
    // Keras: the height's draw first, each times the image's size
    Operand<TFloat32> dy = tf.math.mul(AffineTransforms.uniform(tf, shape,
        AffineTransforms.seed(context.seeds(), seed, 2, 0),
        lower(heightFactor), upper(heightFactor)), AffineTransforms.size(tf, x, 1));
    Operand<TFloat32> dx = tf.math.mul(AffineTransforms.uniform(tf, shape,
        AffineTransforms.seed(context.seeds(), seed, 2, 1),
        lower(widthFactor), upper(widthFactor)), AffineTransforms.size(tf, x, 2));
    // Keras's _get_translation_matrix: [1, 0, -dx, 0, 1, -dy, 0, 0]
    Operand<TFloat32> one = AffineTransforms.filled(tf, dx, 1f);
    Operand<TFloat32> zero = AffineTransforms.filled(tf, dx, 0f);
    Operand<TFloat32> matrix = AffineTransforms.columns(tf,
        List.of(one, zero, tf.math.neg(dx), zero, one, tf.math.neg(dy), zero, zero));
    return AffineTransforms.transform(tf, x, matrix, interpolation, fillMode, fillValue);
  }
}
