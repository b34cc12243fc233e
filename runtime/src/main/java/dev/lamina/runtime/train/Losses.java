package dev.lamina.runtime.train;

import java.util.List;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * Keras 3's built-in losses, with its TensorFlow backend's numerics: probabilities are clipped to
 * {@code [1e-7, 1 - 1e-7]}, and when the prediction comes straight from a softmax or sigmoid its
 * logits are used instead (Keras does the same on TensorFlow, for stable gradients).
 *
 * <p>These are written here rather than taken from tensorflow-framework's losses because those
 * follow Keras 2 (an epsilon added inside the logarithms) and clip with {@code ClipByValue},
 * which has no gradient in TensorFlow's C++ registry that TensorFlow Java trains with.
 */
public final class Losses {

  /** Keras's {@code backend.epsilon()}. */
  static final float EPSILON = 1e-7f;

  private Losses() {}

  /** Keras's {@code mean_squared_error} ({@code "mse"}): mean of squares over the last axis. */
  public static Loss meanSquaredError() {
    return simple("mean_squared_error", false, (tf, y, p) -> tf.math.square(tf.math.sub(y, p)));
  }

  /** Keras's {@code mean_absolute_error} ({@code "mae"}). */
  public static Loss meanAbsoluteError() {
    return simple("mean_absolute_error", false, (tf, y, p) -> tf.math.abs(tf.math.sub(y, p)));
  }

  /** Keras's {@code binary_crossentropy} on probabilities. */
  public static Loss binaryCrossentropy() {
    return binaryCrossentropy(false);
  }

  /** Keras's {@code BinaryCrossentropy(from_logits=...)}. */
  public static Loss binaryCrossentropy(boolean fromLogits) {
    return simple("binary_crossentropy", fromLogits, (tf, y, p) -> {
      Operand<TFloat32> logits = fromLogits ? p : logitsOf(p, "Sigmoid");
      if (logits != null) {
        // max(z, 0) - z * y + log(1 + exp(-|z|)), TensorFlow's sigmoid_cross_entropy_with_logits
        return tf.math.add(tf.math.sub(tf.math.maximum(logits, tf.constant(0f)),
            tf.math.mul(logits, y)), tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(logits)))));
      }
      Operand<TFloat32> clipped = clip(tf, p);
      Operand<TFloat32> one = tf.constant(1f);
      return tf.math.neg(tf.math.add(tf.math.mul(y, tf.math.log(clipped)),
          tf.math.mul(tf.math.sub(one, y), tf.math.log(tf.math.sub(one, clipped)))));
    });
  }

  /** Keras's {@code categorical_crossentropy} on probabilities, for one-hot targets. */
  public static Loss categoricalCrossentropy() {
    return categoricalCrossentropy(false);
  }

  /** Keras's {@code CategoricalCrossentropy(from_logits=...)}. */
  public static Loss categoricalCrossentropy(boolean fromLogits) {
    return new Loss() {
      @Override
      public String name() {
        return "categorical_crossentropy";
      }

      @Override
      public boolean fromLogits() {
        return fromLogits;
      }

      @Override
      public Operand<TFloat32> perSample(Ops tf, Operand<? extends TType> yTrue,
          Operand<TFloat32> p) {
        @SuppressWarnings("unchecked")
        Operand<TFloat32> y = (Operand<TFloat32>) yTrue;
        Operand<TFloat32> logits = fromLogits ? p : logitsOf(p, "Softmax");
        if (logits != null) {
          // The op takes rank 2: fold every leading axis into the rows.
          long classes = logits.shape().get(logits.shape().numDimensions() - 1);
          Operand<org.tensorflow.types.TInt64> rows = tf.constant(new long[] {-1, classes});
          return tf.nn.softmaxCrossEntropyWithLogits(tf.reshape(logits, rows),
              tf.reshape(y, rows)).loss();
        }
        Operand<TFloat32> normal = tf.math.div(p, tf.reduceSum(p, tf.constant(-1),
            org.tensorflow.op.core.ReduceSum.keepDims(true)));
        return tf.math.neg(tf.reduceSum(tf.math.mul(y, tf.math.log(clip(tf, normal))),
            tf.constant(-1)));
      }
    };
  }

  /** Keras's {@code sparse_categorical_crossentropy} on probabilities, for class indices. */
  public static Loss sparseCategoricalCrossentropy() {
    return sparseCategoricalCrossentropy(false);
  }

  /** Keras's {@code SparseCategoricalCrossentropy(from_logits=...)}. */
  public static Loss sparseCategoricalCrossentropy(boolean fromLogits) {
    return new Loss() {
      @Override
      public String name() {
        return "sparse_categorical_crossentropy";
      }

      @Override
      public boolean fromLogits() {
        return fromLogits;
      }

      @Override
      public Class<? extends TType> targetType() {
        return TInt64.class;
      }

      @Override
      public Operand<TFloat32> perSample(Ops tf, Operand<? extends TType> yTrue,
          Operand<TFloat32> p) {
        @SuppressWarnings("unchecked")
        Operand<TInt64> labels = tf.reshape((Operand<TInt64>) yTrue, tf.constant(new long[] {-1}));
        Operand<TFloat32> logits = fromLogits ? p : logitsOf(p, "Softmax");
        if (logits == null) {
          // Keras: normalise, clip, and take logs, which softmax maps back to the probabilities.
          Operand<TFloat32> normal = tf.math.div(p, tf.reduceSum(p, tf.constant(-1),
              org.tensorflow.op.core.ReduceSum.keepDims(true)));
          logits = tf.math.log(clip(tf, normal));
        }
        // One-hot and the dense op: TensorFlow's C++ registry, which TensorFlow Java
        // differentiates with, has no gradient for the sparse op.
        long classes = logits.shape().get(logits.shape().numDimensions() - 1);
        if (classes == org.tensorflow.ndarray.Shape.UNKNOWN_SIZE) {
          throw new IllegalArgumentException("sparse_categorical_crossentropy needs outputs "
              + "whose last axis (the classes) has a known size, got " + logits.shape());
        }
        Operand<TFloat32> oneHot = tf.oneHot(labels, tf.constant((int) classes),
            tf.constant(1f), tf.constant(0f));
        return tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss();
      }
    };
  }

  /**
   * A loss by Keras's name or alias: {@code mse}, {@code mae}, {@code binary_crossentropy},
   * {@code categorical_crossentropy}, {@code sparse_categorical_crossentropy}.
   *
   * @throws IllegalArgumentException naming the known ones
   */
  public static Loss get(String name) {
    return get(name, false);
  }

  /**
   * {@link #get(String)} with Keras's {@code from_logits} for the cross-entropies.
   *
   * @throws IllegalArgumentException for an unknown name, or logits with a loss that has none
   */
  public static Loss get(String name, boolean fromLogits) {
    String key = name.toLowerCase(Locale.ROOT);
    if (fromLogits) {
      switch (key) {
        case "binary_crossentropy": case "binarycrossentropy": case "bce":
          return binaryCrossentropy(true);
        case "categorical_crossentropy": case "categoricalcrossentropy":
          return categoricalCrossentropy(true);
        case "sparse_categorical_crossentropy": case "sparsecategoricalcrossentropy":
          return sparseCategoricalCrossentropy(true);
        default:
          throw new IllegalArgumentException("Loss '" + name + "' takes no logits");
      }
    }
    switch (name.toLowerCase(Locale.ROOT)) {
      case "mse": case "mean_squared_error": case "meansquarederror":
        return meanSquaredError();
      case "mae": case "mean_absolute_error": case "meanabsoluteerror":
        return meanAbsoluteError();
      case "binary_crossentropy": case "binarycrossentropy": case "bce":
        return binaryCrossentropy();
      case "categorical_crossentropy": case "categoricalcrossentropy":
        return categoricalCrossentropy();
      case "sparse_categorical_crossentropy": case "sparsecategoricalcrossentropy":
        return sparseCategoricalCrossentropy();
      default:
        throw new IllegalArgumentException("Unknown loss '" + name + "'; Lamina knows "
            + List.of("mse", "mae", "binary_crossentropy", "categorical_crossentropy",
                "sparse_categorical_crossentropy"));
    }
  }

  /** The logits behind a prediction made by {@code opType} (a softmax or sigmoid), or null. */
  @SuppressWarnings("unchecked")
  static Operand<TFloat32> logitsOf(Operand<TFloat32> prediction, String opType) {
    var op = prediction.op();
    if (op.type().equals(opType) && op.numOutputs() == 1
        && op instanceof org.tensorflow.GraphOperation graphOp && graphOp.numInputs() == 1) {
      return (Operand<TFloat32>) graphOp.input(0);
    }
    return null;
  }

  static Operand<TFloat32> clip(Ops tf, Operand<TFloat32> p) {
    // maximum/minimum rather than ClipByValue: both have gradients in TensorFlow's C++ registry.
    return tf.math.minimum(tf.math.maximum(p, tf.constant(EPSILON)), tf.constant(1 - EPSILON));
  }

  private interface Elementwise {
    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred);
  }

  /** A loss that averages an elementwise term over the last axis, as Keras's do. */
  private static Loss simple(String name, boolean fromLogits, Elementwise term) {
    return new Loss() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean fromLogits() {
        return fromLogits;
      }

      @Override
      @SuppressWarnings("unchecked")
      public Operand<TFloat32> perSample(Ops tf, Operand<? extends TType> yTrue,
          Operand<TFloat32> yPred) {
        return tf.math.mean(term.apply(tf, (Operand<TFloat32>) yTrue, yPred), tf.constant(-1));
      }
    };
  }
}
