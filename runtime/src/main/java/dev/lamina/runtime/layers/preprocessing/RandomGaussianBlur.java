package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.SeedStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code RandomGaussianBlur(factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255),
 * data_format=None, seed=None)}: in training ({@code fit}) each image of the batch draws a blur
 * probability {@code p} in {@code [lower, upper]} of {@code factor} and a threshold {@code t}
 * in {@code [0, 1)}, and the batch draws one pair of standard deviations {@code (s0, s1)} in
 * {@code sigma}'s range, plus {@code 1e-6}; where {@code t < p} the image is blurred with
 * Keras's Gaussian kernel (each channel convolved, zero-padded to the same size), and the whole
 * batch is clipped to {@code value_range}. In {@code predict} and {@code evaluate} it is the
 * identity (Keras's {@code training=False}). {@code factor} and {@code sigma} as Keras's
 * {@code _set_factor} with the bounds {@code [0, 1]}: one number {@code f} in {@code [0, 1]}
 * means {@code (0, f)}; a pair is sorted and refused only if its first is above 1 or its second
 * below 0. {@code kernel_size} is one odd number or a pair of odd numbers. {@code value_range}
 * is a pair of numbers kept as given (Keras does not sort it).
 *
 * <p>As Keras's TensorFlow backend ({@code image.gaussian_blur}): the kernel is the outer
 * product of the one-dimensional kernels {@code exp(-0.5 (x / s)^2)} normalised to sum 1,
 * {@code x = 0 .. n - 1} less {@code (n - 1) / 2}, the first of size {@code kernel_size[1]} with
 * {@code s1}, the second of size {@code kernel_size[0]} with {@code s0}, read as a
 * {@code kernel_size[0] x kernel_size[1]} kernel; {@code DepthwiseConv2dNative}, stride 1,
 * {@code SAME}. Three uniform float32 draws per call, in Keras's order (probabilities,
 * thresholds, sigmas; with a seed of its own, step {@code k} draws {@code [seed, 3k]},
 * {@code [seed, 3k + 1]}, {@code [seed, 3k + 2]}, as Keras's {@code SeedGenerator(seed)};
 * without one, from {@code FitOptions.seed}). Numeric inputs, cast to float32; channels_last
 * batches of images with any number of channels. No weights.
 */
public final class RandomGaussianBlur extends RandomImageLayer {

  private static final String TYPE = "RandomGaussianBlur";

  private final double[] factor;
  private final int[] kernelSize;
  private final double[] sigma;
  private final double[] valueRange;

  /** {@code RandomGaussianBlur()}: Keras's defaults, unseeded. */
  public RandomGaussianBlur() {
    this(builder());
  }

  private RandomGaussianBlur(Builder b) {
    super(b.name, b.seed);
    this.factor = b.factor;
    this.kernelSize = b.kernelSize;
    this.sigma = b.sigma;
    this.valueRange = b.valueRange;
  }

  /** A builder with Keras's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Keras's arguments and defaults; each setter refuses what Keras refuses. */
  public static final class Builder extends RandomImageLayer.Builder<Builder> {
    private double[] factor = {0, 1};
    private int[] kernelSize = {3, 3};
    private double[] sigma = {0, 1};
    private double[] valueRange = {0, 255};

    private Builder() {}

    /** One number in [0, 1] or a pair (lower, upper), 1.0 by default: Keras's {@code factor}. */
    public Builder factor(double... factor) {
      this.factor = AffineTransforms.baseFactor(TYPE, factor, 0, 1);
      return this;
    }

    /** One odd number or a pair of odd numbers, 3 by default: Keras's {@code kernel_size}. */
    public Builder kernelSize(int... kernelSize) {
      if (kernelSize == null || kernelSize.length < 1 || kernelSize.length > 2) {
        throw new IllegalArgumentException(TYPE + " kernel_size must be an odd number or a pair "
            + "of odd numbers, got " + (kernelSize == null ? "none"
            : java.util.Arrays.toString(kernelSize)));
      }
      for (int k : kernelSize) {
        if (k % 2 == 0 || k < 1) {
          throw new IllegalArgumentException(TYPE + " kernel_size must be a positive odd "
              + "number or a pair of them, got " + java.util.Arrays.toString(kernelSize));
        }
      }
      this.kernelSize = kernelSize.length == 1 ? new int[] {kernelSize[0], kernelSize[0]}
          : kernelSize.clone();
      return this;
    }

    /** One number in [0, 1] or a pair (lower, upper), 1.0 by default: Keras's {@code sigma}. */
    public Builder sigma(double... sigma) {
      this.sigma = AffineTransforms.baseFactor(TYPE, "sigma", sigma, 0, 1);
      return this;
    }

    /** The images' range {@code (low, high)}, (0, 255) by default, as given; the output is
     * clipped to it. */
    public Builder valueRange(double... valueRange) {
      this.valueRange = AffineTransforms.requireValueRange(TYPE, valueRange);
      return this;
    }

    public RandomGaussianBlur build() {
      return new RandomGaussianBlur(this);
    }
  }

  /** Keras's arguments as its {@code get_config} writes them (factor and sigma as pairs). */
  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("factor", AffineTransforms.pair(factor));
    arguments.put("kernel_size", List.of(kernelSize[0], kernelSize[1]));
    arguments.put("sigma", AffineTransforms.pair(sigma));
    arguments.put("value_range", AffineTransforms.pair(valueRange));
    arguments.put("data_format", "channels_last");
    return arguments;
  }

  @Override
  protected Operand<TFloat32> augment(Ops tf, Operand<TFloat32> x, SeedStream seeds) {
    // [batch, 1, 1, 1]: the same draws as Keras's [batch], one per image against the images
    Operand<TInt32> batch = AffineTransforms.perImage(tf, x);
    Operand<TFloat32> probability = AffineTransforms.uniform(tf, batch, draw(seeds, 3, 0),
        factor[0], factor[1]);
    Operand<TFloat32> threshold = AffineTransforms.uniform(tf, batch, draw(seeds, 3, 1), 0, 1);
    Operand<TBool> apply = tf.math.less(threshold, probability);
    Operand<TFloat32> sigmas = tf.math.add(AffineTransforms.uniform(tf,
        tf.constant(new int[] {2}), draw(seeds, 3, 2), sigma[0], sigma[1]),
        tf.constant(1e-6f));
    Operand<TFloat32> blurred = AffineTransforms.depthwise(tf, x,
        gaussianKernel(tf, sigmas, kernelSize));
    Operand<TFloat32> chosen = tf.select(apply, blurred, x);
    return AffineTransforms.clip(tf, chosen, valueRange[0], valueRange[1]);
  }

  /** Keras's {@code _create_gaussian_kernel}, {@code [k0, k1]} before it is tiled. */
  private static Operand<TFloat32> gaussianKernel(Ops tf, Operand<TFloat32> sigmas,
      int[] size) {
    Operand<TFloat32> kx = kernel1d(tf, size[0],
        tf.slice(sigmas, tf.constant(new int[] {0}), tf.constant(new int[] {1})));
    Operand<TFloat32> ky = kernel1d(tf, size[1],
        tf.slice(sigmas, tf.constant(new int[] {1}), tf.constant(new int[] {1})));
    // tensordot(ky, kx, axes=0): [k1, k0], then reshaped to (k0, k1)
    Operand<TFloat32> outer = tf.math.mul(tf.reshape(ky, tf.constant(new int[] {size[1], 1})),
        tf.reshape(kx, tf.constant(new int[] {1, size[0]})));
    return tf.reshape(outer, tf.constant(new int[] {size[0], size[1]}));
  }

  private static Operand<TFloat32> kernel1d(Ops tf, int size, Operand<TFloat32> sigma) {
    float[] xs = new float[size];
    float half = ((float) size - 1f) / 2f;
    for (int i = 0; i < size; i++) {
      xs[i] = (float) i - half;
    }
    Operand<TFloat32> k = tf.math.exp(tf.math.mul(tf.constant(-0.5f),
        tf.math.pow(tf.math.div(tf.constant(xs), sigma), tf.constant(2f))));
    return tf.math.div(k, tf.reduceSum(k, tf.constant(0)));
  }
}
