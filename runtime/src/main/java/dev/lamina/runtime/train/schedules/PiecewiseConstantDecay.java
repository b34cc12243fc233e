package dev.lamina.runtime.train.schedules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code PiecewiseConstantDecay(boundaries, values)}: {@code values[0]} up to and
 * including step {@code boundaries[0]}, {@code values[1]} up to {@code boundaries[1]}, ...,
 * {@code values[n]} after the last boundary. Boundaries are steps, compared as whole numbers
 * (Keras casts them to the step's integer type).
 */
public final class PiecewiseConstantDecay extends LearningRateSchedule {

  private final double[] boundaries;
  private final double[] values;

  public PiecewiseConstantDecay(double[] boundaries, double[] values) {
    this(boundaries, values, "PiecewiseConstant");
  }

  public PiecewiseConstantDecay(double[] boundaries, double[] values, String name) {
    super(name);
    if (boundaries.length != values.length - 1) {
      throw new IllegalArgumentException("The length of boundaries should be 1 less than the "
          + "length of values. Received: boundaries of length " + boundaries.length
          + ", and values of length " + values.length);
    }
    this.boundaries = boundaries.clone();
    this.values = values.clone();
  }

  @Override
  public String className() {
    return "PiecewiseConstantDecay";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("boundaries", numbers(boundaries));
    config.put("values", numbers(values));
    config.put("name", name());
    return config;
  }

  /** Whole numbers as integers, as Keras's configs usually give steps. */
  private static List<Object> numbers(double[] numbers) {
    List<Object> list = new ArrayList<>();
    for (double n : numbers) {
      list.add(n == Math.rint(n) && Math.abs(n) < 1L << 53 ? (Object) (long) n : (Object) n);
    }
    return list;
  }

  /** A boundary as Keras compares it: cast to float32, then to int64 (towards zero). */
  private long boundary(int i) {
    return (long) (float) boundaries[i];
  }

  @Override
  public Operand<TFloat32> apply(Ops tf, Operand<TInt64> step) {
    int n = boundaries.length;
    if (n == 0) {
      return c(tf, values[0]); // one value, no boundary
    }
    Operand<TFloat32> result = c(tf, 0);
    result = tf.math.add(result, tf.math.mul(tf.dtypes.cast(tf.math.lessEqual(step,
        tf.constant(boundary(0))), TFloat32.class), c(tf, values[0])));
    result = tf.math.add(result, tf.math.mul(tf.dtypes.cast(tf.math.greater(step,
        tf.constant(boundary(n - 1))), TFloat32.class), c(tf, values[n])));
    for (int i = 0; i + 1 < n; i++) {
      Operand<org.tensorflow.types.TBool> inRange = tf.math.logicalAnd(
          tf.math.greater(step, tf.constant(boundary(i))),
          tf.math.lessEqual(step, tf.constant(boundary(i + 1))));
      result = tf.math.add(result, tf.math.mul(tf.dtypes.cast(inRange, TFloat32.class),
          c(tf, values[i + 1])));
    }
    return result;
  }

  @Override
  public double valueAt(long step) {
    for (int i = 0; i < boundaries.length; i++) {
      if (step <= boundary(i)) {
        return values[i];
      }
    }
    return values[values.length - 1];
  }
}
