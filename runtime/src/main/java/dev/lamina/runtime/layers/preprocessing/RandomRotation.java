package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.SeedStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

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
 * Numeric inputs, cast to float32; channels_last batches of images. No weights; trains only
 * before every trainable weight ({@link AffineAugmentation}).
 */
public final class RandomRotation extends AffineAugmentation {

  private static final String TYPE = "RandomRotation";

  private final double lower;
  private final double upper;

  /** {@code RandomRotation(factor)}: Keras's defaults, unseeded. */
  public RandomRotation(double factor) {
    this(builder(factor));
  }

  private RandomRotation(Builder b) {
    super(b);
    this.lower = b.lower;
    this.upper = b.upper;
  }

  /**
   * A builder of {@code RandomRotation(factor)}: {@code factor} one number or a pair
   * {@code (lower, upper)}, fractions of a full turn.
   */
  public static Builder builder(double... factor) {
    return new Builder(factor);
  }

  /** Keras's arguments and defaults; each setter refuses what Keras refuses. */
  public static final class Builder extends AffineAugmentation.Builder<Builder> {
    private final double lower;
    private final double upper;

    private Builder(double[] factor) {
      super(TYPE);
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

    public RandomRotation build() {
      return new RandomRotation(this);
    }
  }

  /** Keras's arguments; {@code factor} as Keras writes it, the sorted pair. */
  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("factor", AffineTransforms.configValue(new double[] {lower, upper}));
    return withFillArguments(arguments);
  }

  @Override
  Operand<TFloat32> matrix(Ops tf, Operand<TFloat32> x, SeedStream seeds) {
    // Keras: angle = uniform((batch,), lower * 360, upper * 360) degrees, then radians
    Operand<TFloat32> angle = tf.expandDims(AffineTransforms.uniform(tf,
        AffineTransforms.batch(tf, x), draw(seeds, 1, 0), lower * 360.0, upper * 360.0),
        tf.constant(1));
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
    return AffineTransforms.columns(tf, List.of(a0, a1, a2, b0, b1, b2, zero, zero));
  }
}
