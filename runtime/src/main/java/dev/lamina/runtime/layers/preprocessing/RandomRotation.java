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
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code RandomRotation(factor, fill_mode="reflect", interpolation="bilinear",
 * seed=None, fill_value=0.0, data_format=None)}: in training ({@code fit}) each image of the
 * batch is rotated about its centre by its own angle, drawn uniformly from
 * {@code [lower * 360, upper * 360)} degrees (positive: counter-clockwise); in {@code predict}
 * and {@code evaluate} it is the identity (Keras's {@code training=False}). {@code factor} is a
 * fraction of a full turn: one number {@code f} in {@code [-1, 1]} means
 * {@code (-|f|, |f|)}; a pair {@code (lower, upper)} is sorted, and refused, as Keras refuses
 * it, only if its first is above 1 or its second below -1. Points that fall outside the image
 * are filled by {@code fill_mode}: {@code "reflect"} ({@code d c b a | a b c d | d c b a}),
 * {@code "wrap"}, {@code "constant"} ({@code fill_value}) or {@code "nearest"}; sampling is
 * {@code "bilinear"} or {@code "nearest"}.
 *
 * <p>As Keras's TensorFlow backend: one draw per call from the call's
 * {@link dev.lamina.runtime.SeedStream}, a uniform float32 {@code [batch]} tensor of angles
 * (with a seed of its own, step {@code k} draws from {@code [seed, k]}, as Keras's
 * {@code SeedGenerator(seed)}; without one, from {@code FitOptions.seed}), Keras's affine matrix
 * {@code [cos, -sin, cx - cx cos + cy sin, sin, cos, cy - cx sin - cy cos, 0, 0]} with
 * {@code (cx, cy) = ((width - 1) / 2, (height - 1) / 2)}, and {@code ImageProjectiveTransformV3}.
 * Numeric inputs, cast to float32; channels_last batches of images. No weights. TensorFlow has
 * no C++ gradient of {@code ImageProjectiveTransformV3}: after a trainable weight the model
 * cannot be trained (compiling its training step fails naming this layer); right after the
 * input, as augmentation is used, it trains.
 */
public final class RandomRotation extends Layer {

  private static final String TYPE = "RandomRotation";

  private final double lower;
  private final double upper;
  private final String fillMode;
  private final String interpolation;
  private final Long seed;
  private final double fillValue;

  /** {@code RandomRotation(factor)}: Keras's defaults, unseeded. */
  public RandomRotation(double factor) {
    this(builder(factor));
  }

  private RandomRotation(Builder b) {
    super(b.name);
    this.lower = b.lower;
    this.upper = b.upper;
    this.fillMode = b.fillMode;
    this.interpolation = b.interpolation;
    this.seed = b.seed;
    this.fillValue = b.fillValue;
  }

  /**
   * A builder of {@code RandomRotation(factor)}: {@code factor} one number or a pair
   * {@code (lower, upper)}, fractions of a full turn.
   */
  public static Builder builder(double... factor) {
    return new Builder(factor);
  }

  /** Keras's arguments and defaults; each setter refuses what Keras refuses. */
  public static final class Builder {
    private final double lower;
    private final double upper;
    private String name;
    private String fillMode = "reflect";
    private String interpolation = "bilinear";
    private Long seed;
    private double fillValue;

    private Builder(double[] factor) {
      double[] f = AffineTransforms.requireNumberOrPair(TYPE, "factor", factor, "[-1, 1]");
      if (f.length == 1) {
        if (f[0] < -1 || f[0] > 1) {
          throw outOfRange(f);
        }
        this.lower = Math.max(-Math.abs(f[0]), -1);
        this.upper = Math.abs(f[0]);
      } else {
        // Keras's check of a pair: only the first above 1 or the second below -1
        if (f[0] > 1 || f[1] < -1) {
          throw outOfRange(f);
        }
        this.lower = Math.min(f[0], f[1]);
        this.upper = Math.max(f[0], f[1]);
      }
    }

    private static IllegalArgumentException outOfRange(double[] f) {
      return new IllegalArgumentException(TYPE + " factor must be a number or a pair (lower, "
          + "upper) in the range [-1, 1], got "
          + (f.length == 1 ? String.valueOf(f[0]) : Arrays.toString(f)));
    }

    public Builder name(String name) {
      this.name = name;
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

    public RandomRotation build() {
      return new RandomRotation(this);
    }
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<? extends TNumber> x) {
    return applyTyped(x);
  }

  /** Keras's arguments; {@code factor} as Keras writes it, the sorted pair. */
  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("factor", AffineTransforms.configValue(new double[] {lower, upper}));
    arguments.put("fill_mode", fillMode);
    arguments.put("interpolation", interpolation);
    arguments.put("fill_value", fillValue);
    arguments.put("data_format", "channels_last");
    return arguments;
  }

  /** The arguments and the seed (null if none), so that a loaded model rotates as the saved. */
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
    // Keras: angle = uniform((batch,), lower * 360, upper * 360) degrees, then radians
    Operand<TFloat32> angle = tf.expandDims(AffineTransforms.uniform(tf,
        AffineTransforms.batch(tf, x), AffineTransforms.seed(context.seeds(), seed, 1, 0),
        lower * 360.0, upper * 360.0), tf.constant(1));
    angle = tf.math.mul(angle, tf.constant((float) (Math.PI / 180.0)));
    Operand<TFloat32> cx = tf.math.mul(tf.constant(0.5f),
        tf.math.sub(AffineTransforms.size(tf, x, 2), tf.constant(1f)));
    Operand<TFloat32> cy = tf.math.mul(tf.constant(0.5f),
        tf.math.sub(AffineTransforms.size(tf, x, 1), tf.constant(1f)));
    Operand<TFloat32> cos = tf.math.cos(angle);
    Operand<TFloat32> sin = tf.math.sin(angle);
    // Keras's _compute_affine_matrix without translation, scale 1 and shear 0:
    // a2 = tx + cx - cx * a0 - cy * a1, b2 = ty + cy - cx * b0 - cy * b1, with tx = ty = 0
    Operand<TFloat32> a0 = cos;
    Operand<TFloat32> a1 = tf.math.neg(sin);
    Operand<TFloat32> b0 = sin;
    Operand<TFloat32> b1 = cos;
    Operand<TFloat32> a2 = tf.math.sub(tf.math.sub(cx, tf.math.mul(cx, a0)), tf.math.mul(cy, a1));
    Operand<TFloat32> b2 = tf.math.sub(tf.math.sub(cy, tf.math.mul(cx, b0)), tf.math.mul(cy, b1));
    Operand<TFloat32> zero = AffineTransforms.filled(tf, a0, 0f);
    Operand<TFloat32> matrix = AffineTransforms.columns(tf,
        List.of(a0, a1, a2, b0, b1, b2, zero, zero));
    return AffineTransforms.transform(tf, x, matrix, interpolation, fillMode, fillValue);
  }
}
