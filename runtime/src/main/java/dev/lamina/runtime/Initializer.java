package dev.lamina.runtime;

import java.util.SplittableRandom;
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
    return shape -> new float[Math.toIntExact(shape.size())];
  }

  /** Keras's {@code Constant(value)}. */
  static Initializer constant(float value) {
    return shape -> {
      float[] values = new float[Math.toIntExact(shape.size())];
      java.util.Arrays.fill(values, value);
      return values;
    };
  }

  /** Exactly these row-major values. */
  static Initializer of(float[] values) {
    float[] copy = values.clone();
    return shape -> copy.clone();
  }

  /**
   * Keras's {@code GlorotUniform(seed)}: uniform in {@code ±sqrt(6 / (fanIn + fanOut))}, where a
   * matrix's fans are its two sizes.
   */
  static Initializer glorotUniform(long seed) {
    return shape -> {
      long fanIn = shape.numDimensions() < 1 ? 1 : shape.numDimensions() == 1 ? shape.get(0)
          : shape.size() / shape.get(shape.numDimensions() - 1);
      long fanOut = shape.numDimensions() < 1 ? 1 : shape.get(shape.numDimensions() - 1);
      double limit = Math.sqrt(6.0 / (fanIn + fanOut));
      SplittableRandom random = new SplittableRandom(seed);
      float[] values = new float[Math.toIntExact(shape.size())];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) random.nextDouble(-limit, limit);
      }
      return values;
    };
  }
}
