package dev.lamina.runtime;

import java.nio.charset.StandardCharsets;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniformInt;
import org.tensorflow.types.TInt64;

/**
 * Seeds for one layer call's random ops (Keras 3's {@code SeedGenerator}): each {@link #next()}
 * gives a new seed, a {@code [2]} int64 tensor for TensorFlow's stateless random ops
 * ({@code tf.random.statelessRandomUniform(shape, seed, dtype)} and the like), so that random
 * draws are reproducible and differ from one draw, step and call to the next.
 *
 * <p>In the pass {@code fit} runs, draw {@code i} of a call is {@code [salt + i, counter]}: the
 * counter is the training step ({@code optimizer.iterations}) times the layer's calls in the
 * model plus this call's index, as Keras's generator counts its draws; the salt is the layer's
 * own seed if it has one ({@link #next(long)}: Keras's {@code Dropout(seed=...)} draws
 * {@code [seed, step]}, as Keras does), else one mixed from {@code FitOptions.seed} and the layer's
 * name and call, so that the same seed, data and model train to the same weights. In
 * {@code predict} and {@code evaluate} a draw comes from a stateful op seeded the same way: the
 * draws of a model differ between runs and repeat from one loading of the model to the next.
 */
public final class SeedStream {

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  /** {@code tf.int32.max - 1}: Keras's TensorFlow backend reduces seeds modulo this. */
  private static final long KERAS_SEED_MODULUS = Integer.MAX_VALUE - 1L;

  private final Ops tf;
  private final TrainingPass training;
  private final long callSalt;
  private final int calls;
  private final int callIndex;
  private int drawn;

  /**
   * @param layerName the layer's name in the model
   * @param calls how many calls of the layer the model makes; {@code callIndex} is this one's
   */
  SeedStream(Ops tf, TrainingPass training, String layerName, int calls, int callIndex) {
    this.tf = tf;
    this.training = training;
    this.calls = calls;
    this.callIndex = callIndex;
    this.callSalt = mix(fnv(layerName), callIndex);
  }

  /** The next seed, salted from {@code FitOptions.seed} and the layer's name and call. */
  public Operand<TInt64> next() {
    int draw = drawn++;
    long salt = mix(callSalt, draw);
    if (training == null) {
      return stateful(salt);
    }
    Operand<TInt64> mixed = tf.math.add(
        tf.math.mul(training.baseSeed(), tf.constant(GOLDEN)), tf.constant(salt));
    return tf.stack(java.util.List.of(mixed, counter()));
  }

  /**
   * The next seed of a layer with a seed of its own (Keras's {@code seed=} argument): draw
   * {@code i} is {@code [seed + i, counter]}, whatever {@code FitOptions.seed} is.
   */
  public Operand<TInt64> next(long seed) {
    int draw = drawn++;
    if (training == null) {
      return stateful(mix(mix(seed, callIndex), draw));
    }
    // Keras's TensorFlow backend takes its seeds modulo 2^31 - 2 (_cast_seed), to int32
    return tf.stack(java.util.List.of(tf.constant(Math.floorMod(seed + draw, KERAS_SEED_MODULUS)),
        counter()));
  }

  /**
   * Draw {@code draw} of {@code draws} that each call of a layer with a seed of its own makes
   * from one Keras {@code SeedGenerator(seed)}, as Keras's recurrent layers draw their dropout
   * masks: in training step {@code k} it is {@code [seed, k * draws + draw]} (for a layer called
   * once per step; the counter runs over every call), since Keras's generator counts each draw.
   * Two layers with the same seed (the two halves of a {@code Bidirectional}) draw alike, as in
   * Keras. Does not advance {@link #next()}'s count.
   */
  public Operand<TInt64> nextOfGenerator(long seed, int draws, int draw) {
    if (training == null) {
      return stateful(mix(mix(mix(seed, callIndex), draws), draw));
    }
    Operand<TInt64> counted = tf.math.add(tf.math.mul(counter(), tf.constant((long) draws)),
        tf.constant((long) draw));
    return tf.stack(java.util.List.of(tf.constant(seed), counted));
  }

  private Operand<TInt64> counter() {
    Operand<TInt64> step = training.step();
    if (calls == 1) {
      return step;
    }
    return tf.math.add(tf.math.mul(step, tf.constant((long) calls)), tf.constant((long) callIndex));
  }

  /** A fresh pair per run, from a stateful op whose own seeds are fixed: reproducible per load. */
  private Operand<TInt64> stateful(long salt) {
    // TensorFlow's op seeds are ints; 0 for both would mean "random", so the second is odd.
    long seed = salt & 0x7fffffffL;
    long seed2 = ((salt >>> 33) & 0x7fffffffL) | 1;
    return tf.random.randomUniformInt(tf.constant(new long[] {2}), tf.constant(0L),
        tf.constant(Long.MAX_VALUE), RandomUniformInt.seed(seed).seed2(seed2));
  }

  /** SplitMix64's finaliser of {@code a} and {@code b}: distinct inputs, unrelated outputs. */
  private static long mix(long a, long b) {
    long z = a + GOLDEN * (b + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** FNV-1a of the name's UTF-8 bytes. */
  private static long fnv(String name) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
    }
    return hash;
  }
}
