package dev.lamina.runtime.regularizers;

import dev.lamina.runtime.initializers.KerasObjects;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's regularizers ({@code keras.regularizers}): a penalty on a weight (a layer's {@code
 * kernel_regularizer}, {@code bias_regularizer}) or on a layer's output ({@code
 * activity_regularizer}) that {@code fit} adds to the loss, as Keras adds {@code model.losses}.
 * A user's own regularizer implements {@link #penalty}; {@link #config()} is what a saved model
 * keeps of it.
 */
public interface Regularizer {

  /** The scalar penalty of {@code x}, as graph ops. */
  Operand<TFloat32> penalty(Ops tf, Operand<TFloat32> x);

  /**
   * Keras's serialized form, {@code {"class_name": ..., "config": {...}}}; {@code null} (the
   * default) for a regularizer that cannot be saved.
   */
  default Map<String, Object> config() {
    return null;
  }

  /** Keras's {@code L1(l1)}: {@code l1 * sum(|x|)}. */
  static Regularizer l1(double l1) {
    return l1l2("L1", l1, 0);
  }

  /** Keras's {@code L2(l2)}: {@code l2 * sum(x²)}. */
  static Regularizer l2(double l2) {
    return l1l2("L2", 0, l2);
  }

  /** Keras's {@code L1L2(l1, l2)}: {@code l1 * sum(|x|) + l2 * sum(x²)}. */
  static Regularizer l1l2(double l1, double l2) {
    return l1l2("L1L2", l1, l2);
  }

  private static Regularizer l1l2(String className, double l1, double l2) {
    for (double factor : new double[] {l1, l2}) {
      if (!(factor >= 0) || Double.isInfinite(factor)) {
        throw new IllegalArgumentException(className + " needs factors of 0 or more, got "
            + factor);
      }
    }
    Map<String, Object> config = new LinkedHashMap<>();
    if (!className.equals("L2")) {
      config.put("l1", l1);
    }
    if (!className.equals("L1")) {
      config.put("l2", l2);
    }
    Map<String, Object> object = KerasObjects.object(className, config);
    return new Regularizer() {
      @Override
      public Operand<TFloat32> penalty(Ops tf, Operand<TFloat32> x) {
        Operand<TFloat32> sum = null;
        if (!className.equals("L2")) {
          sum = tf.math.mul(tf.constant((float) l1), tf.reduceSum(tf.math.abs(x), allAxes(tf, x)));
        }
        if (!className.equals("L1")) {
          Operand<TFloat32> square = tf.math.mul(tf.constant((float) l2),
              tf.reduceSum(tf.math.square(x), allAxes(tf, x)));
          sum = sum == null ? square : tf.math.add(sum, square);
        }
        return sum;
      }

      @Override
      public Map<String, Object> config() {
        return object;
      }

      @Override
      public String toString() {
        return className + config;
      }
    };
  }

  private static Operand<org.tensorflow.types.TInt32> allAxes(Ops tf, Operand<TFloat32> x) {
    return tf.range(tf.constant(0), tf.rank(x), tf.constant(1));
  }

  /** Keras's regularizer of this name: {@code "l1"}, {@code "l2"}, {@code "l1_l2"}. */
  static Regularizer get(String name) {
    return get(Map.of("class_name", name, "config", Map.of()));
  }

  /**
   * Keras's regularizer from its serialized form, e.g. {@code {"class_name": "L2", "config":
   * {"l2": 0.01}}}; missing factors take Keras's defaults (0.01 for L1 and L2, 0 for L1L2).
   *
   * @throws IllegalArgumentException for an unknown class name or option
   */
  static Regularizer get(Map<String, ?> object) {
    String what = "regularizer";
    String className = KerasObjects.className(object, what);
    switch (KerasObjects.key(className)) {
      case "l1": {
        var c = KerasObjects.config(object, what, List.of("l1"));
        return l1(KerasObjects.number(c, "l1", 0.01, what));
      }
      case "l2": {
        var c = KerasObjects.config(object, what, List.of("l2"));
        return l2(KerasObjects.number(c, "l2", 0.01, what));
      }
      case "l1l2": {
        var c = KerasObjects.config(object, what, List.of("l1", "l2"));
        return l1l2(KerasObjects.number(c, "l1", 0, what), KerasObjects.number(c, "l2", 0, what));
      }
      default:
        throw new IllegalArgumentException("Unknown regularizer '" + className + "'; Lamina "
            + "knows L1, L2 and L1L2 (l1, l2, l1_l2)");
    }
  }
}
