package dev.lamina.runtime.layers.regularization;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SeedStream;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/**
 * What Keras's {@code SpatialDropout1D}, {@code SpatialDropout2D} and {@code SpatialDropout3D}
 * share (Keras's {@code BaseSpatialDropout}): in training ({@code fit}) whole feature maps are
 * dropped: each channel of each sample is zeroed with probability {@code rate} across all its
 * steps or pixels, and the rest are scaled by {@code 1 / (1 - rate)}; in {@code predict} and
 * {@code evaluate} the layer is the identity. The mask is Keras's: TensorFlow's
 * {@code stateless_dropout} with {@code noise_shape = (batch, 1, ..., 1, channels)}, its uniform
 * draw from the call's {@link SeedStream} ({@code [seed, step]} with a seed of the layer's own,
 * as Keras's {@code seed=}; else from {@code FitOptions.seed}). channels_last only.
 */
public abstract class BaseSpatialDropout extends Layer {

  private final double rate;
  /** Keras's {@code seed}, or null: the masks then follow {@code FitOptions.seed}. */
  private final Long seed;
  /** The input's rank, batch included: 3, 4 or 5. */
  private final int rank;

  BaseSpatialDropout(String name, double rate, Long seed, int rank) {
    super(name);
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(getClass().getSimpleName()
          + " rate must be in [0, 1], got " + rate);
    }
    this.rate = rate;
    this.seed = seed;
    this.rank = rank;
  }

  /** The fraction of feature maps dropped in training. */
  public final double rate() {
    return rate;
  }

  /** The layer's own seed, or null when its masks follow {@code FitOptions.seed}. */
  public final Long seed() {
    return seed;
  }

  /** Applies the layer: the output has the input's shape and dtype. */
  public <T extends TFloating> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    return RandomLayers.arguments("rate", rate);
  }

  /** Keras's {@code get_config}: the rate and the seed (null if none). */
  @Override
  public Map<String, Object> config() {
    return RandomLayers.configWithSeed(arguments(), seed);
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    if (x.shape().numDimensions() != rank) {
      throw new IllegalArgumentException(describe() + " takes " + rank + "-D inputs "
          + layout() + ", got " + Shapes.format(x.shape()));
    }
    if (!TFloating.class.isAssignableFrom(x.dtype())) {
      throw new IllegalArgumentException(describe() + " takes floating-point inputs, got "
          + Shapes.dtypeName(x.dtype()));
    }
    return Layers.spec(x.shape(), x.dtype());
  }

  /** {@code (batch, steps, channels)} and the like, for messages. */
  abstract String layout();

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
      return tf.zerosLike(x); // Keras's backend dropout, before any draw
    }
    return dropout(tf, (Operand<TFloating>) x, RandomLayers.nextSeed(context, seed));
  }

  /**
   * TensorFlow's {@code stateless_dropout(x, rate, noise_shape, seed)}: a uniform draw of the
   * input's dtype over {@code (batch, 1, ..., 1, channels)}, kept where it is at least
   * {@code rate}, the kept values scaled by {@code 1 / (1 - rate)}.
   */
  private <T extends TFloating> Operand<T> dropout(Ops tf, Operand<T> x, Operand<TInt64> seed) {
    Operand<TInt64> shape = tf.shape(x, TInt64.class);
    List<Operand<TInt64>> dims = new ArrayList<>(rank);
    dims.add(tf.gather(shape, tf.constant(new int[] {0}), tf.constant(0)));
    for (int i = 1; i < rank - 1; i++) {
      dims.add(tf.constant(new long[] {1}));
    }
    dims.add(tf.gather(shape, tf.constant(new int[] {rank - 1}), tf.constant(0)));
    Operand<TInt64> noiseShape = tf.concat(dims, tf.constant(0));
    Operand<T> uniform = tf.random.statelessRandomUniform(noiseShape, seed, x.type());
    Operand<T> scale = RandomLayers.constant(tf, 1 / (1 - rate), x.type());
    Operand<T> kept = tf.math.mul(x, scale);
    return tf.select(tf.math.greaterEqual(uniform, RandomLayers.constant(tf, rate, x.type())),
        kept, tf.zerosLike(kept));
  }
}
