package dev.lamina.runtime;

import dev.lamina.runtime.initializers.Initializers;
import java.util.Map;
import org.tensorflow.ndarray.Shape;

/**
 * A weight's first values (Keras's initializers). They are drawn in Java, from a seed, when the
 * layer declares the weight: a layer's weights exist before any model does, as in Keras, and a
 * seeded layer starts the same in every model and every run.
 */
@FunctionalInterface
public interface Initializer {

  /** Row-major values for a weight of {@code shape}. */
  float[] values(Shape shape);

  /** Keras's {@code zeros}. */
  static Initializer zeros() {
    return Initializers.zeros();
  }

  /** Keras's {@code ones}. */
  static Initializer ones() {
    return Initializers.ones();
  }

  /** Keras's {@code Constant(value)}. */
  static Initializer constant(float value) {
    // The float's shortest decimal, so that its config reads 0.1 rather than 0.10000000149...
    return Initializers.constant(Double.parseDouble(Float.toString(value)));
  }

  /** Exactly these row-major values. */
  static Initializer of(float[] values) {
    float[] copy = values.clone();
    return shape -> copy.clone();
  }

  /**
   * Keras's {@code GlorotUniform(seed)}: uniform in {@code ±sqrt(6 / (fan_in + fan_out))}, with
   * Keras's {@link Initializers#computeFans fans}.
   */
  static Initializer glorotUniform(long seed) {
    return Initializers.glorotUniform(seed);
  }

  /**
   * Keras's serialized form of this initializer, {@code {"class_name": ..., "config": {...}}},
   * which a saved model's config holds; {@code null} (the default) for an initializer Keras
   * cannot name, such as {@link #of(float[])} or a lambda.
   */
  default Map<String, Object> config() {
    return null;
  }

  /**
   * Keras's initializer of this name, unseeded: {@code "zeros"}, {@code "ones"}, {@code
   * "constant"}, {@code "random_normal"}, {@code "random_uniform"}, {@code "truncated_normal"},
   * {@code "variance_scaling"}, {@code "glorot_uniform"}, {@code "glorot_normal"}, {@code
   * "he_uniform"}, {@code "he_normal"}, {@code "lecun_uniform"}, {@code "lecun_normal"}, {@code
   * "orthogonal"}, or their class names ({@code "HeNormal"}).
   *
   * @throws IllegalArgumentException for an unknown name
   */
  static Initializer get(String name) {
    return Initializers.get(java.util.Objects.requireNonNull(name, "name"));
  }

  /**
   * Keras's initializer from its serialized form, e.g. {@code {"class_name": "HeNormal",
   * "config": {"seed": 3}}}; see {@link Initializers} for each one's options.
   *
   * @throws IllegalArgumentException for an unknown class name or option
   */
  static Initializer get(Map<String, ?> object) {
    return Initializers.get(java.util.Objects.requireNonNull(object, "object"));
  }
}
