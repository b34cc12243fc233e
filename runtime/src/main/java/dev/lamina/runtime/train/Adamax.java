package dev.lamina.runtime.train;

import dev.lamina.runtime.train.schedules.LearningRateSchedule;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)}: Adam with
 * the infinity norm, {@code m += (g - m)(1 - b1)}, {@code u = max(b2·u, |g|)},
 * {@code w -= lr·m / ((1 - b1^t)(u + eps))}. Slots {@code momentum}, {@code norm}.
 */
public final class Adamax extends AdamFamily {

  /** Keras's defaults. */
  public Adamax() {
    this(0.001);
  }

  public Adamax(double learningRate) {
    this(learningRate, 0.9, 0.999, 1e-7);
  }

  public Adamax(double learningRate, double beta1, double beta2, double epsilon) {
    super(learningRate, beta1, beta2, epsilon);
  }

  /** Keras's defaults, the learning rate from {@code schedule}. */
  public Adamax(LearningRateSchedule schedule) {
    this(schedule, 0.9, 0.999, 1e-7);
  }

  public Adamax(LearningRateSchedule schedule, double beta1, double beta2, double epsilon) {
    super(schedule, beta1, beta2, epsilon);
  }

  @Override
  public String name() {
    return "adamax";
  }

  @Override
  protected Update update(Ops tf, Slots slots, Operand<TFloat32> w, Gradient gradient,
      Operand<TFloat32> lr, Operand<TFloat32> step) {
    Operand<TFloat32> g = gradient.value();
    Operand<TFloat32> beta1Power = tf.math.pow(c(tf, beta1), step);
    Operand<TFloat32> m = slots.create("momentum", 0f);
    Operand<TFloat32> u = slots.create("norm", 0f);
    Operand<TFloat32> mNew = tf.math.add(m, tf.math.mul(tf.math.sub(g, m), c(tf, 1 - beta1)));
    Operand<TFloat32> uNew = tf.math.maximum(tf.math.mul(c(tf, beta2), u),
        gradient.elementwise(tf.math::abs));
    Operand<TFloat32> delta = tf.math.div(tf.math.mul(lr, mNew), tf.math.mul(
        tf.math.sub(c(tf, 1), beta1Power), tf.math.add(uNew, c(tf, epsilon))));
    return new Update(tf.math.sub(w, delta),
        List.of(slots.assign(m, mNew), slots.assign(u, uNew)));
  }
}
