package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.SeedStream;
import dev.lamina.runtime.SymbolicTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code RandomGrayscale(factor=0.5, data_format=None, seed=None)}: in training
 * ({@code fit}) each image of the batch draws {@code u} uniformly from {@code [0, 1)} and, if
 * {@code u < factor}, becomes its grayscale ({@code rgb_to_grayscale}: {@code 0.2989 r +
 * 0.5870 g + 0.1140 b}, repeated on the three channels); a one-channel image stays as it is.
 * In {@code predict} and {@code evaluate} it is the identity (Keras's {@code training=False}).
 * {@code factor} is one number in {@code [0, 1]}, as Keras checks it.
 *
 * <p>As Keras's TensorFlow backend: one uniform float32 {@code [batch]} draw per call from the
 * call's {@link dev.lamina.runtime.SeedStream} (with a seed of its own, step {@code k} draws
 * {@code [seed, k]}, as Keras's {@code SeedGenerator(seed)}; without one, from
 * {@code FitOptions.seed}). Keras's {@code get_config} does not write the seed, so a layer
 * imported from a {@code .keras} file is unseeded; Lamina's own saved config keeps it. Numeric
 * inputs, cast to float32 first; channels_last batches of images with 1 or 3 channels. No
 * weights; every op (MatMul, select) has a gradient, so the layer may also sit after a weight.
 */
public final class RandomGrayscale extends RandomImageLayer {

  private static final String TYPE = "RandomGrayscale";

  private final double factor;

  /** {@code RandomGrayscale()}: factor 0.5, unseeded. */
  public RandomGrayscale() {
    this(builder());
  }

  /** {@code RandomGrayscale(factor)}: unseeded. */
  public RandomGrayscale(double factor) {
    this(builder().factor(factor));
  }

  private RandomGrayscale(Builder b) {
    super(b.name, b.seed);
    this.factor = b.factor;
  }

  /** A builder of {@code RandomGrayscale()}, factor 0.5 unless set. */
  public static Builder builder() {
    return new Builder();
  }

  /** Keras's arguments and defaults; each setter refuses what Keras refuses. */
  public static final class Builder extends RandomImageLayer.Builder<Builder> {
    private double factor = 0.5;

    private Builder() {}

    /** The probability that an image is made gray: a number in [0, 1]. */
    public Builder factor(double factor) {
      if (!(factor >= 0 && factor <= 1)) {
        throw new IllegalArgumentException(TYPE + " factor must be a number in the range "
            + "[0, 1], got " + factor);
      }
      this.factor = factor;
      return this;
    }

    public RandomGrayscale build() {
      return new RandomGrayscale(this);
    }
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("factor", factor);
    arguments.put("data_format", "channels_last");
    return arguments;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    OutputSpec<?> spec = super.computeOutput(inputs);
    AffineTransforms.requireChannels(TYPE, inputs.get(0).shape(), 1, 3);
    return spec;
  }

  @Override
  protected Operand<TFloat32> augment(Ops tf, Operand<TFloat32> x, SeedStream seeds) {
    Operand<TFloat32> u = AffineTransforms.uniform(tf, AffineTransforms.batch(tf, x),
        draw(seeds, 1, 0), 0, 1);
    Operand<TBool> apply = tf.reshape(tf.math.less(u, tf.constant((float) factor)),
        AffineTransforms.perImage(tf, x));
    return tf.select(apply, tf.broadcastTo(AffineTransforms.grayscale(tf, x), tf.shape(x)), x);
  }
}
