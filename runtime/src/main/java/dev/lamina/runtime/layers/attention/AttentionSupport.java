package dev.lamina.runtime.layers.attention;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SeedStream;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/** What the attention layers share: masks, dropout, call options. */
final class AttentionSupport {

  private AttentionSupport() {}

  /** Keras's {@code ops.cast(mask, "bool")}: a bool mask as is, numbers true where not 0. */
  @SuppressWarnings("unchecked")
  static Operand<TBool> bool(Ops tf, Operand<?> mask) {
    if (mask == null || mask.type() == TBool.class) {
      return (Operand<TBool>) mask;
    }
    Operand<TNumber> numbers = (Operand<TNumber>) mask;
    return tf.math.notEqual(numbers, tf.zerosLike(numbers));
  }

  /** {@code a & b}, either possibly null. */
  static Operand<TBool> and(Ops tf, Operand<TBool> a, Operand<TBool> b) {
    return a == null ? b : b == null ? a : tf.math.logicalAnd(a, b);
  }

  /**
   * Keras's {@code _compute_causal_mask}: {@code (1, T, S)}, true where the row (query step)
   * is at least the column (key step).
   */
  static Operand<TBool> causalMask(Ops tf, Operand<TInt32> queryLength,
      Operand<TInt32> valueLength) {
    Operand<TInt32> rows = tf.reshape(tf.range(tf.constant(0), queryLength, tf.constant(1)),
        tf.constant(new int[] {1, -1, 1}));
    Operand<TInt32> cols = tf.reshape(tf.range(tf.constant(0), valueLength, tf.constant(1)),
        tf.constant(new int[] {1, 1, -1}));
    return tf.math.greaterEqual(rows, cols);
  }

  /**
   * Keras's {@code _compute_attention_mask} (MultiHeadAttention's and GroupedQueryAttention's):
   * the query's mask {@code [B, T, 1]}, the value's and key's {@code [B, 1, S]}, with {@code
   * causal} the causal mask {@code [1, T, S]}, with a {@code slidingWindow} the band {@code |t -
   * s| < slidingWindow} {@code [1, T, S]}, and the attention mask, combined with a logical and;
   * null if none.
   */
  static Operand<TBool> attentionMask(Ops tf, Operand<TFloat32> query, Operand<TFloat32> value,
      Operand<TBool> queryMask, Operand<TBool> valueMask, Operand<TBool> keyMask,
      Operand<TBool> attentionMask, boolean causal, Integer slidingWindow) {
    Operand<TBool> auto = null;
    if (queryMask != null) {
      auto = tf.expandDims(queryMask, tf.constant(-1));
    }
    if (valueMask != null) {
      auto = and(tf, auto, tf.expandDims(valueMask, tf.constant(-2)));
    }
    if (keyMask != null) {
      auto = and(tf, auto, tf.expandDims(keyMask, tf.constant(-2)));
    }
    if (causal) {
      auto = and(tf, auto, causalMask(tf, size(tf, query, 1), size(tf, value, 1)));
    }
    if (slidingWindow != null) {
      auto = and(tf, auto, slidingWindowMask(tf, size(tf, query, 1), size(tf, value, 1),
          slidingWindow));
    }
    return and(tf, attentionMask, auto);
  }

  /**
   * Keras's {@code _compute_sliding_window_mask}: {@code (1, T, S)}, true where {@code |t - s| <
   * window}.
   */
  static Operand<TBool> slidingWindowMask(Ops tf, Operand<TInt32> queryLength,
      Operand<TInt32> valueLength, int window) {
    Operand<TInt32> rows = tf.reshape(tf.range(tf.constant(0), queryLength, tf.constant(1)),
        tf.constant(new int[] {1, -1, 1}));
    Operand<TInt32> cols = tf.reshape(tf.range(tf.constant(0), valueLength, tf.constant(1)),
        tf.constant(new int[] {1, 1, -1}));
    return tf.math.less(tf.math.abs(tf.math.sub(rows, cols)), tf.constant(window));
  }

  /** The size of axis {@code axis} of {@code x}, as a scalar. */
  static Operand<TInt32> size(Ops tf, Operand<?> x, int axis) {
    return tf.squeeze(tf.slice(tf.shape(x), tf.constant(new int[] {axis}),
        tf.constant(new int[] {1})));
  }

  /**
   * Keras's {@code backend.random.dropout} (TensorFlow's {@code stateless_dropout}): each value
   * kept where a uniform draw is at least {@code rate}, scaled by {@code 1 / (1 - rate)}; the
   * seed from {@code seeds}, Keras's {@code [seed, k]} if the layer has a seed of its own.
   */
  static Operand<TFloat32> dropout(Ops tf, Operand<TFloat32> x, double rate, Long seed,
      SeedStream seeds) {
    Operand<TInt64> draw = seed == null ? seeds.next() : seeds.next(seed);
    Operand<TFloat32> uniform =
        tf.random.statelessRandomUniform(tf.shape(x, TInt64.class), draw, TFloat32.class);
    Operand<TFloat32> keep = tf.dtypes.cast(
        tf.math.greaterEqual(uniform, tf.constant((float) rate)), TFloat32.class);
    return tf.math.mul(tf.math.mul(x, tf.constant((float) (1 / (1 - rate)))), keep);
  }

  /** Keras's boolean call option {@code key} of {@code options}, or {@code fallback}. */
  static boolean option(Layer layer, Map<String, Object> options, String key, boolean fallback) {
    Object value = options.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Boolean b)) {
      throw new IllegalArgumentException(layer.describe() + ": call option " + key
          + " must be true or false, got " + value);
    }
    return b;
  }

  /** Refuses call options other than {@code known}. */
  static void onlyOptions(Layer layer, Map<String, Object> options, List<String> known) {
    for (String key : options.keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(layer.describe() + " is called with " + key
            + "; its call options: " + String.join(", ", known));
      }
    }
  }
}
