package dev.lamina.runtime.train;

import dev.lamina.runtime.train.schedules.LearningRateSchedule;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7)}:
 * {@code a += g²}, {@code w -= lr·g / sqrt(a + eps)}.
 */
public final class Adagrad extends Optimizer {

  private final double initialAccumulator;
  private final double epsilon;

  /** Keras's defaults. */
  public Adagrad() {
    this(0.001);
  }

  public Adagrad(double learningRate) {
    this(learningRate, 0.1, 1e-7);
  }

  public Adagrad(double learningRate, double initialAccumulator, double epsilon) {
    super(learningRate);
    this.initialAccumulator = initialAccumulator;
    this.epsilon = epsilon;
  }

  /** Keras's defaults, the learning rate from {@code schedule}. */
  public Adagrad(LearningRateSchedule schedule) {
    this(schedule, 0.1, 1e-7);
  }

  public Adagrad(LearningRateSchedule schedule, double initialAccumulator, double epsilon) {
    super(schedule);
    this.initialAccumulator = initialAccumulator;
    this.epsilon = epsilon;
  }

  @Override
  public String name() {
    return "adagrad";
  }

  @Override
  protected void addOptions(Map<String, Object> config) {
    config.put("initial_accumulator_value", initialAccumulator);
    config.put("epsilon", epsilon);
  }

  @Override
  protected Update update(Ops tf, Slots slots, Operand<TFloat32> w, Gradient gradient,
      Operand<TFloat32> lr, Operand<TFloat32> step) {
    Operand<TFloat32> g = gradient.value();
    Operand<TFloat32> accumulator = slots.create("accumulator", (float) initialAccumulator);
    Operand<TFloat32> aNew = tf.math.add(accumulator, gradient.squared());
    Operand<TFloat32> delta = tf.math.div(tf.math.mul(lr, g),
        tf.math.sqrt(tf.math.add(aNew, c(tf, epsilon))));
    return new Update(tf.math.sub(w, delta), List.of(slots.assign(accumulator, aNew)));
  }
}
