package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.SeedStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code RandomFlip(mode="horizontal_and_vertical", seed=None, data_format=None)}: in
 * training ({@code fit}) each image of the batch is flipped, with probability one half, left to
 * right ({@code "horizontal"}), top to bottom ({@code "vertical"}) or both with the same draw
 * ({@code "horizontal_and_vertical"}); in {@code predict} and {@code evaluate} it is the
 * identity (Keras's {@code training=False}). Numeric inputs, cast to float32 as Keras casts to its
 * compute dtype; channels_last batches of images. One draw per call, from the call's
 * {@link SeedStream}: a uniform {@code [batch, 1, 1, 1]} float32 tensor, flipping where it is
 * at most 0.5. With a seed of its own, step {@code k} draws from the stateless seed
 * {@code [seed, k]}, as Keras's {@code RandomFlip(seed=seed)} does; without one, from
 * {@code FitOptions.seed}. No weights.
 */
public final class RandomFlip extends RandomImageLayer {

  /** Keras's modes. */
  public static final String HORIZONTAL = "horizontal";
  public static final String VERTICAL = "vertical";
  public static final String HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical";

  private final String mode;

  /** {@code RandomFlip()}: both ways, unseeded. */
  public RandomFlip() {
    this(null, HORIZONTAL_AND_VERTICAL, null);
  }

  /** {@code RandomFlip(mode)}, unseeded. */
  public RandomFlip(String mode) {
    this(null, mode, null);
  }

  /** {@code RandomFlip(mode, seed=seed)}: draws as Keras's layer with that seed. */
  public RandomFlip(String mode, long seed) {
    this(null, mode, Long.valueOf(seed));
  }

  /** {@code RandomFlip(mode, seed=seed, name=name)}, {@code seed} null for none. */
  public RandomFlip(String name, String mode, Long seed) {
    super(name, seed);
    if (!HORIZONTAL.equals(mode) && !VERTICAL.equals(mode)
        && !HORIZONTAL_AND_VERTICAL.equals(mode)) {
      throw new IllegalArgumentException("RandomFlip mode must be 'horizontal', 'vertical' or "
          + "'horizontal_and_vertical', got '" + mode + "'");
    }
    this.mode = mode;
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("mode", mode);
    arguments.put("data_format", "channels_last");
    return arguments;
  }

  @Override
  protected Operand<TFloat32> augment(Ops tf, Operand<TFloat32> x, SeedStream seeds) {
    Operand<TInt64> draw = seed() == null ? seeds.next() : seeds.next(seed());
    Operand<TInt32> flipsShape = tf.concat(List.of(
        tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {1})),
        tf.constant(new int[] {1, 1, 1})), tf.constant(0));
    // Keras: flips = uniform(shape=(batch, 1, 1, 1), seed) <= 0.5, broadcast by where
    Operand<org.tensorflow.types.TBool> flips = tf.broadcastTo(tf.math.lessEqual(
        tf.random.statelessRandomUniform(flipsShape, draw, TFloat32.class), tf.constant(0.5f)),
        tf.shape(x));
    Operand<TFloat32> out = x;
    if (!mode.equals(VERTICAL)) {
      out = tf.select(flips, tf.reverse(out, tf.constant(new int[] {2})), out);
    }
    if (!mode.equals(HORIZONTAL)) {
      out = tf.select(flips, tf.reverse(out, tf.constant(new int[] {1})), out);
    }
    return out;
  }
}
