package dev.lamina.runtime.layers.regularization;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SeedStream;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/**
 * Keras's {@code AlphaDropout(rate, noise_shape=None, seed=None)}: the dropout that keeps the
 * mean and variance of SELU activations. In training ({@code fit}) each value is set, with
 * probability {@code rate}, to SELU's negative saturation {@code alpha' = -1.6733 * 1.0507}, and
 * then every value {@code v} becomes {@code a * v + b}, with {@code a = ((1 - rate) * (1 + rate *
 * alpha'^2))^-0.5} and {@code b = -a * alpha' * rate}; in {@code predict} and {@code evaluate}
 * the layer is the identity. The kept values are Keras's: a float32 uniform draw over
 * {@code noise_shape} (the input's shape by default; a {@link Shape#UNKNOWN_SIZE} entry takes the
 * input's size, as Keras's {@code None}) at least {@code rate}, its seed from the call's
 * {@link SeedStream}: {@code [seed, step]} with a seed of the layer's own, as Keras's
 * {@code seed=}; else from {@code FitOptions.seed}. The mask passes through.
 */
public final class AlphaDropout extends Layer {

  private static final double ALPHA = 1.6732632423543772848170429916717;
  private static final double SCALE = 1.0507009873554804934193349852946;

  private final double rate;
  /** Keras's {@code noise_shape}, {@link Shape#UNKNOWN_SIZE} for None; or null for the input's. */
  private final long[] noiseShape;
  /** Keras's {@code seed}, or null: the draws then follow {@code FitOptions.seed}. */
  private final Long seed;

  public AlphaDropout(double rate) {
    this(null, rate);
  }

  public AlphaDropout(String name, double rate) {
    this(name, rate, null, null);
  }

  /** A seeded layer, as Keras's {@code AlphaDropout(rate, seed=seed)}. */
  public AlphaDropout(String name, double rate, long seed) {
    this(name, rate, null, Long.valueOf(seed));
  }

  /**
   * Keras's {@code AlphaDropout(rate, noise_shape, seed)}.
   *
   * @param noiseShape the shape of the kept/dropped draw, batch included, each size 1 (shared
   *     along that axis), the input's size, or {@link Shape#UNKNOWN_SIZE} for the input's (Keras's
   *     {@code None}); null for the input's shape
   * @param seed the layer's seed, null for none
   * @throws IllegalArgumentException unless {@code rate} is in [0, 1], as Keras requires (a rate
   *     of 1 can predict but not train, as in Keras), or if a size is below -1 or 0
   */
  public AlphaDropout(String name, double rate, long[] noiseShape, Long seed) {
    super(name);
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("AlphaDropout rate must be in [0, 1], got " + rate);
    }
    if (noiseShape != null) {
      for (long size : noiseShape) {
        if (size == 0 || size < Shape.UNKNOWN_SIZE) {
          throw new IllegalArgumentException("AlphaDropout noise_shape "
              + Arrays.toString(noiseShape) + " has size " + size + "; each size is positive, "
              + "or -1 for the input's");
        }
      }
    }
    this.rate = rate;
    this.noiseShape = noiseShape == null ? null : noiseShape.clone();
    this.seed = seed;
  }

  /** The probability of dropping a value (or a slice of {@link #noiseShape()}). */
  public double rate() {
    return rate;
  }

  /** Keras's {@code noise_shape}, -1 for None; or null for the input's shape. */
  public long[] noiseShape() {
    return noiseShape == null ? null : noiseShape.clone();
  }

  /** The layer's own seed, or null when its draws follow {@code FitOptions.seed}. */
  public Long seed() {
    return seed;
  }

  /** Applies the layer: the output has the input's shape and dtype. */
  public <T extends TFloating> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("rate", rate);
    if (noiseShape != null) {
      arguments.put("noise_shape", noiseShapeList());
    }
    return arguments;
  }

  /** Keras's {@code get_config}: the rate, the seed (null if none) and the noise shape. */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("rate", rate);
    config.put("seed", seed);
    config.put("noise_shape", noiseShape == null ? null : noiseShapeList());
    return config;
  }

  private List<Long> noiseShapeList() {
    List<Long> list = new ArrayList<>(noiseShape.length);
    for (long size : noiseShape) {
      list.add(size == Shape.UNKNOWN_SIZE ? null : size);
    }
    return list;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    OutputSpec<?> spec = RandomLayers.sameAsFloatingInput(this, inputs);
    Shape shape = spec.shape();
    if (noiseShape != null) {
      boolean fits = noiseShape.length == shape.numDimensions();
      for (int i = 0; fits && i < noiseShape.length; i++) {
        fits = noiseShape[i] == Shape.UNKNOWN_SIZE || noiseShape[i] == 1
            || shape.get(i) == Shape.UNKNOWN_SIZE || shape.get(i) == noiseShape[i];
      }
      if (!fits) {
        throw new IllegalArgumentException(describe() + ": noise_shape "
            + Arrays.toString(noiseShape) + " does not fit input " + Shapes.format(shape)
            + "; give one size per axis, batch included: 1 to share the draw along the axis, "
            + "or -1 (None) for the input's size");
      }
    }
    return spec;
  }

  /** As Keras's ({@code supports_masking}): the input's mask passes through. */
  @Override
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    return Layers.passMask(inputs);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      CallContext context) {
    Operand<?> x = inputs.get(0);
    if (!context.training() || rate == 0) {
      return tf.identity(x);
    }
    if (rate == 1) {
      throw new IllegalArgumentException(describe() + ": rate 1 drops every value and leaves "
          + "no variance to restore, so the layer cannot train (Keras divides by zero); use a "
          + "rate below 1");
    }
    return dropout(tf, (Operand<TFloating>) x, RandomLayers.nextSeed(context, seed));
  }

  private <T extends TFloating> Operand<T> dropout(Ops tf, Operand<T> x, Operand<TInt64> seed) {
    Operand<TInt64> shape = tf.shape(x, TInt64.class);
    if (noiseShape != null) {
      List<Operand<TInt64>> dims = new ArrayList<>(noiseShape.length);
      for (int i = 0; i < noiseShape.length; i++) {
        dims.add(noiseShape[i] == Shape.UNKNOWN_SIZE
            ? tf.gather(shape, tf.constant(new int[] {i}), tf.constant(0))
            : tf.constant(new long[] {noiseShape[i]}));
      }
      shape = tf.concat(dims, tf.constant(0));
    }
    // Keras: ops.random.uniform(noise_shape) draws floatx (float32) whatever the input's dtype
    Operand<TFloat32> uniform = tf.random.statelessRandomUniform(shape, seed, TFloat32.class);
    Operand<T> kept = tf.dtypes.cast(
        tf.math.greaterEqual(uniform, tf.constant((float) rate)), x.type());
    double alphaP = -ALPHA * SCALE;
    double a = Math.pow((1 - rate) * (1 + rate * Math.pow(alphaP, 2)), -0.5);
    double b = -a * alphaP * rate;
    Class<T> type = x.type();
    Operand<T> dropped = tf.math.sub(RandomLayers.constant(tf, 1.0, type), kept);
    Operand<T> masked = tf.math.add(tf.math.mul(x, kept),
        tf.math.mul(RandomLayers.constant(tf, alphaP, type), dropped));
    return tf.math.add(tf.math.mul(RandomLayers.constant(tf, a, type), masked),
        RandomLayers.constant(tf, b, type));
  }
}
