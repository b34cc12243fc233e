package dev.lamina.runtime.constraints;

import dev.lamina.runtime.initializers.KerasObjects;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * Keras's weight constraints ({@code keras.constraints}): a projection {@code fit} applies to a
 * weight after each optimizer step, as Keras's optimizer assigns {@code constraint(variable)}
 * once it has applied the gradients. A user's own constraint implements {@link #apply}.
 */
public interface Constraint {

  /** Keras's {@code backend.epsilon()}, which the norm constraints add to the norm. */
  float EPSILON = 1e-7f;

  /** The projected weight, as graph ops. */
  Operand<TFloat32> apply(Ops tf, Operand<TFloat32> w);

  /**
   * Keras's serialized form, {@code {"class_name": ..., "config": {...}}}; {@code null} (the
   * default) for a constraint that cannot be saved.
   */
  default Map<String, Object> config() {
    return null;
  }

  /**
   * Keras's {@code MaxNorm(max_value, axis)}: the norms along {@code axis} (0, a Dense kernel's
   * input axis, gives each unit's incoming weights) clipped to at most {@code maxValue}: {@code
   * w * clip(norms, 0, max) / (epsilon + norms)}.
   */
  static Constraint maxNorm(double maxValue, int... axis) {
    return minMaxNorm("MaxNorm", 0, maxValue, 1, axis);
  }

  /**
   * Keras's {@code MinMaxNorm(min_value, max_value, rate, axis)}: {@code w * (rate *
   * clip(norms, min, max) + (1 - rate) * norms) / (epsilon + norms)}.
   */
  static Constraint minMaxNorm(double minValue, double maxValue, double rate, int... axis) {
    return minMaxNorm("MinMaxNorm", minValue, maxValue, rate, axis);
  }

  /** Keras's {@code UnitNorm(axis)}: {@code w / (epsilon + norms)}. */
  static Constraint unitNorm(int... axis) {
    int[] axes = axes(axis);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("axis", KerasObjects.axesValue(axes));
    return of("UnitNorm", config, (tf, w) ->
        tf.math.div(w, tf.math.add(tf.constant(EPSILON), norms(tf, w, axes))));
  }

  /** Keras's {@code NonNeg()}: {@code max(w, 0)}. */
  static Constraint nonNeg() {
    return of("NonNeg", Map.of(), (tf, w) -> tf.math.maximum(w, tf.constant(0f)));
  }

  private static Constraint minMaxNorm(String className, double minValue, double maxValue,
      double rate, int... axis) {
    int[] axes = axes(axis);
    if (!(minValue >= 0 && minValue <= maxValue)) {
      throw new IllegalArgumentException(className + " needs 0 <= min_value <= max_value, got "
          + minValue + " and " + maxValue);
    }
    Map<String, Object> config = new LinkedHashMap<>();
    if (className.equals("MaxNorm")) {
      config.put("max_value", maxValue);
    } else {
      config.put("min_value", minValue);
      config.put("max_value", maxValue);
      config.put("rate", rate);
    }
    config.put("axis", KerasObjects.axesValue(axes));
    return of(className, config, (tf, w) -> {
      Operand<TFloat32> norms = norms(tf, w, axes);
      Operand<TFloat32> clipped = tf.clipByValue(norms, tf.constant((float) minValue),
          tf.constant((float) maxValue));
      Operand<TFloat32> desired = rate == 1 ? clipped
          : tf.math.add(tf.math.mul(tf.constant((float) rate), clipped),
              tf.math.mul(tf.constant((float) (1 - rate)), norms));
      return tf.math.mul(w, tf.math.div(desired, tf.math.add(tf.constant(EPSILON), norms)));
    });
  }

  private static int[] axes(int[] axis) {
    return axis == null || axis.length == 0 ? new int[] {0} : axis.clone();
  }

  private static Operand<TFloat32> norms(Ops tf, Operand<TFloat32> w, int[] axes) {
    return tf.math.sqrt(tf.reduceSum(tf.math.square(w), tf.constant(axes),
        ReduceSum.keepDims(true)));
  }

  private static Constraint of(String className, Map<String, Object> config,
      java.util.function.BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> projection) {
    Map<String, Object> object = KerasObjects.object(className,
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(config)));
    return new Constraint() {
      @Override
      public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> w) {
        return projection.apply(tf, w);
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

  /**
   * Keras's constraint of this name: {@code "max_norm"}, {@code "min_max_norm"}, {@code
   * "non_neg"}, {@code "unit_norm"} (or the class names), with Keras's defaults.
   */
  static Constraint get(String name) {
    return get(Map.of("class_name", name, "config", Map.of()));
  }

  /**
   * Keras's constraint from its serialized form, e.g. {@code {"class_name": "MaxNorm", "config":
   * {"max_value": 2, "axis": 0}}}; missing options take Keras's defaults.
   *
   * @throws IllegalArgumentException for an unknown class name or option
   */
  static Constraint get(Map<String, ?> object) {
    String what = "constraint";
    String className = KerasObjects.className(object, what);
    switch (KerasObjects.key(className)) {
      case "maxnorm": {
        var c = KerasObjects.config(object, what, List.of("max_value", "axis"));
        return maxNorm(KerasObjects.number(c, "max_value", 2, what),
            KerasObjects.axes(c, "axis", 0, what));
      }
      case "minmaxnorm": {
        var c = KerasObjects.config(object, what, List.of("min_value", "max_value", "rate",
            "axis"));
        return minMaxNorm(KerasObjects.number(c, "min_value", 0, what),
            KerasObjects.number(c, "max_value", 1, what), KerasObjects.number(c, "rate", 1, what),
            KerasObjects.axes(c, "axis", 0, what));
      }
      case "unitnorm": {
        var c = KerasObjects.config(object, what, List.of("axis"));
        return unitNorm(KerasObjects.axes(c, "axis", 0, what));
      }
      case "nonneg": {
        KerasObjects.config(object, what, List.of());
        return nonNeg();
      }
      default:
        throw new IllegalArgumentException("Unknown constraint '" + className + "'; Lamina knows "
            + "MaxNorm, MinMaxNorm, NonNeg and UnitNorm (max_norm, min_max_norm, non_neg, "
            + "unit_norm)");
    }
  }
}
