package dev.lamina.runtime.train;

import dev.lamina.runtime.train.schedules.LearningRateSchedule;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-7)}:
 * {@code a = rho·a + (1 - rho)·g²}, {@code d = -sqrt(D + eps)·g / sqrt(a + eps)},
 * {@code D = rho·D + (1 - rho)·d²}, {@code w += lr·d}. Slots {@code accumulated_grad},
 * {@code accumulated_delta_var}.
 */
public final class Adadelta extends Optimizer {

  private final double rho;
  private final double epsilon;

  /** Keras's defaults. */
  public Adadelta() {
    this(0.001);
  }

  public Adadelta(double learningRate) {
    this(learningRate, 0.95, 1e-7);
  }

  public Adadelta(double learningRate, double rho, double epsilon) {
    super(learningRate);
    this.rho = rho;
    this.epsilon = epsilon;
  }

  /** Keras's defaults, the learning rate from {@code schedule}. */
  public Adadelta(LearningRateSchedule schedule) {
    this(schedule, 0.95, 1e-7);
  }

  public Adadelta(LearningRateSchedule schedule, double rho, double epsilon) {
    super(schedule);
    this.rho = rho;
    this.epsilon = epsilon;
  }

  @Override
  public String name() {
    return "adadelta";
  }

  @Override
  protected void addOptions(Map<String, Object> config) {
    config.put("rho", rho);
    config.put("epsilon", epsilon);
  }

  @Override
  protected Update update(Ops tf, Slots slots, Operand<TFloat32> w, Gradient gradient,
      Operand<TFloat32> lr, Operand<TFloat32> step) {
    Operand<TFloat32> g = gradient.value();
    Operand<TFloat32> accumulatedGrad = slots.create("accumulated_grad", 0f);
    Operand<TFloat32> accumulatedDelta = slots.create("accumulated_delta_var", 0f);
    Operand<TFloat32> eps = c(tf, epsilon);
    Operand<TFloat32> gradNew = tf.math.add(tf.math.mul(c(tf, rho), accumulatedGrad),
        tf.math.mul(c(tf, 1 - rho), gradient.squared()));
    Operand<TFloat32> delta = tf.math.neg(tf.math.div(tf.math.mul(
        tf.math.sqrt(tf.math.add(accumulatedDelta, eps)), g),
        tf.math.sqrt(tf.math.add(gradNew, eps))));
    // Keras squares delta element-wise; for a gradient of slices, delta is slices too (Keras's
    // multiply and divide of a dense tensor and slices gather the dense one at their indices),
    // so each slice is squared: (rms(acc_delta) / rms(acc_grad))² times the slices' squares.
    Operand<TFloat32> deltaSquared = gradient.sliced()
        ? tf.math.mul(tf.math.div(tf.math.add(accumulatedDelta, eps), tf.math.add(gradNew, eps)),
            gradient.squared())
        : tf.math.square(delta);
    Operand<TFloat32> deltaNew = tf.math.add(tf.math.mul(c(tf, rho), accumulatedDelta),
        tf.math.mul(c(tf, 1 - rho), deltaSquared));
    return new Update(tf.math.add(w, tf.math.mul(lr, delta)),
        List.of(slots.assign(accumulatedGrad, gradNew),
            slots.assign(accumulatedDelta, deltaNew)));
  }
}
