package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.SeedStream;
import dev.lamina.runtime.SymbolicTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code RandomPerspective(factor=1.0, scale=1.0, interpolation="bilinear",
 * fill_value=0.0, seed=None, data_format=None)}: in training ({@code fit}) each image of the
 * batch draws a probability {@code p} in {@code factor}'s range, a threshold {@code t} in
 * {@code [0, 1)} and, for each of its four corners {@code (0, 0)}, {@code (w - 1, 0)},
 * {@code (0, h - 1)}, {@code (w - 1, h - 1)}, two offsets {@code d} uniform in
 * {@code [-scale / 2, scale / 2]}: each corner {@code c} moves to {@code c + c d}; where
 * {@code t < p} the image is warped by the homography that takes the moved corners to the
 * original ones (points outside the image read {@code fill_value}). In {@code predict} and
 * {@code evaluate} it is the identity (Keras's {@code training=False}). {@code factor} as
 * Keras's {@code _set_factor} with the bounds {@code [0, 1]}: one number {@code f} in
 * {@code [0, 1]} means {@code (0, f)}; a pair is sorted and refused only if its first is above
 * 1 or its second below 0. {@code scale} is a number in {@code [0, 1]}; {@code interpolation}
 * {@code "bilinear"} or {@code "nearest"}.
 *
 * <p>As Keras's TensorFlow backend ({@code image.perspective_transform}): three uniform float32
 * draws per call in Keras's order (probabilities, thresholds, the {@code [batch, 4, 2]} offsets;
 * with a seed of its own, step {@code k} draws {@code [seed, 3k + i]}, as Keras's
 * {@code SeedGenerator(seed)}; without one, from {@code FitOptions.seed});
 * {@code compute_homography_matrix}'s 8x8 system solved by {@code MatrixSolve};
 * {@code ImageProjectiveTransformV3} with fill mode {@code CONSTANT}. Numeric inputs, cast to
 * float32; channels_last batches of images of known height and width, any channels. No
 * weights; TensorFlow has no C++ gradient of {@code ImageProjectiveTransformV3}, so the layer
 * trains only before every trainable weight.
 */
public final class RandomPerspective extends RandomImageLayer {

  private static final String TYPE = "RandomPerspective";

  private final double[] factor;
  private final double scale;
  private final String interpolation;
  private final double fillValue;

  /** {@code RandomPerspective()}: Keras's defaults, unseeded. */
  public RandomPerspective() {
    this(builder());
  }

  private RandomPerspective(Builder b) {
    super(b.name, b.seed);
    this.factor = b.factor;
    this.scale = b.scale;
    this.interpolation = b.interpolation;
    this.fillValue = b.fillValue;
  }

  /** A builder with Keras's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Keras's arguments and defaults; each setter refuses what Keras refuses. */
  public static final class Builder extends RandomImageLayer.Builder<Builder> {
    private double[] factor = {0, 1};
    private double scale = 1.0;
    private String interpolation = "bilinear";
    private double fillValue = 0.0;

    private Builder() {}

    /** One number in [0, 1] or a pair (lower, upper), 1.0 by default: Keras's {@code factor}. */
    public Builder factor(double... factor) {
      this.factor = AffineTransforms.baseFactor(TYPE, factor, 0, 1);
      return this;
    }

    /** A number in [0, 1], 1.0 by default: Keras's {@code scale} of the corners' offsets. */
    public Builder scale(double scale) {
      if (!(scale >= 0 && scale <= 1)) {
        throw new IllegalArgumentException(TYPE + " scale must be a number in the range "
            + "[0, 1], got " + scale);
      }
      this.scale = scale;
      return this;
    }

    /** {@code "bilinear"} (the default) or {@code "nearest"}. */
    public Builder interpolation(String interpolation) {
      this.interpolation = AffineTransforms.requireInterpolation(TYPE, interpolation);
      return this;
    }

    /** The value of points outside the image, 0 by default. */
    public Builder fillValue(double fillValue) {
      this.fillValue = fillValue;
      return this;
    }

    public RandomPerspective build() {
      return new RandomPerspective(this);
    }
  }

  /** Keras's arguments as its {@code get_config} writes them. */
  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("factor", AffineTransforms.pair(factor));
    arguments.put("scale", scale);
    arguments.put("interpolation", interpolation);
    arguments.put("fill_value", fillValue);
    arguments.put("data_format", "channels_last");
    return arguments;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    OutputSpec<?> spec = super.computeOutput(inputs);
    var shape = inputs.get(0).shape();
    if (shape.get(1) < 0 || shape.get(2) < 0) {
      throw new IllegalArgumentException(TYPE + " needs images of known height and width, got "
          + "shape " + shape);
    }
    return spec;
  }

  @Override
  protected Operand<TFloat32> augment(Ops tf, Operand<TFloat32> x, SeedStream seeds) {
    Operand<TInt32> one = AffineTransforms.perImage(tf, x);
    Operand<TFloat32> probability = AffineTransforms.uniform(tf, one, draw(seeds, 3, 0),
        factor[0], factor[1]);
    Operand<TFloat32> threshold = AffineTransforms.uniform(tf, one, draw(seeds, 3, 1), 0, 1);
    Operand<TBool> apply = tf.math.less(threshold, probability);
    // [batch, 4, 2] offsets, read as [batch, 8]: corner i's x at 2i, its y at 2i + 1
    Operand<TFloat32> offsets = tf.reshape(AffineTransforms.uniform(tf,
        tf.concat(List.of(AffineTransforms.batch(tf, x), tf.constant(new int[] {4, 2})),
            tf.constant(0)), draw(seeds, 3, 2), -0.5 * scale, 0.5 * scale),
        tf.constant(new int[] {-1, 8}));
    List<org.tensorflow.Output<TFloat32>> d = tf.split(tf.constant(1), offsets, 8L).output();
    Operand<TFloat32> w1 = tf.math.sub(AffineTransforms.size(tf, x, 2), tf.constant(1f));
    Operand<TFloat32> h1 = tf.math.sub(AffineTransforms.size(tf, x, 1), tf.constant(1f));
    Operand<TFloat32> zero = tf.constant(0f);
    List<Operand<TFloat32>> corners = List.of(zero, zero, w1, zero, zero, h1, w1, h1);

    Operand<TFloat32> ones = AffineTransforms.filled(tf, d.get(0), 1f);
    Operand<TFloat32> zeros = AffineTransforms.filled(tf, d.get(0), 0f);
    List<Operand<TFloat32>> rows = new ArrayList<>();
    List<Operand<TFloat32>> target = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Operand<TFloat32> sx = tf.math.mul(ones, corners.get(2 * i));
      Operand<TFloat32> sy = tf.math.mul(ones, corners.get(2 * i + 1));
      // Keras: end = start + start * factor
      Operand<TFloat32> ex = tf.math.add(sx, tf.math.mul(sx, d.get(2 * i)));
      Operand<TFloat32> ey = tf.math.add(sy, tf.math.mul(sy, d.get(2 * i + 1)));
      rows.add(AffineTransforms.columns(tf, List.of(ex, ey, ones, zeros, zeros, zeros,
          tf.math.mul(tf.math.neg(sx), ex), tf.math.mul(tf.math.neg(sx), ey))));
      rows.add(AffineTransforms.columns(tf, List.of(zeros, zeros, zeros, ex, ey, ones,
          tf.math.mul(tf.math.neg(sy), ex), tf.math.mul(tf.math.neg(sy), ey))));
      target.add(sx);
      target.add(sy);
    }
    Operand<TFloat32> matrix = tf.stack(rows, Stack.axis(1L));
    Operand<TFloat32> vector = tf.expandDims(AffineTransforms.columns(tf, target),
        tf.constant(-1));
    Operand<TFloat32> homography = tf.reshape(tf.linalg.solve(matrix, vector),
        tf.constant(new int[] {-1, 8}));
    Operand<TFloat32> warped = AffineTransforms.transform(tf, x, homography, interpolation,
        "constant", fillValue);
    return tf.select(apply, warped, x);
  }
}
