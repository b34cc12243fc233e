package dev.lamina.runtime.train;

import dev.lamina.runtime.train.schedules.LearningRateSchedule;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Lion(learning_rate=0.001, beta_1=0.9, beta_2=0.99)}:
 * {@code w -= lr·sign(b1·m + (1 - b1)·g)}, then {@code m = b2·m + (1 - b2)·g}. Slot
 * {@code momentum}.
 */
public final class Lion extends Optimizer {

  private final double beta1;
  private final double beta2;

  /** Keras's defaults. */
  public Lion() {
    this(0.001);
  }

  public Lion(double learningRate) {
    this(learningRate, 0.9, 0.99);
  }

  public Lion(double learningRate, double beta1, double beta2) {
    super(learningRate);
    this.beta1 = checkBeta1(beta1);
    this.beta2 = beta2;
  }

  /** Keras's defaults, the learning rate from {@code schedule}. */
  public Lion(LearningRateSchedule schedule) {
    this(schedule, 0.9, 0.99);
  }

  public Lion(LearningRateSchedule schedule, double beta1, double beta2) {
    super(schedule);
    this.beta1 = checkBeta1(beta1);
    this.beta2 = beta2;
  }

  private static double checkBeta1(double beta1) {
    if (beta1 <= 0 || beta1 > 1) {
      throw new IllegalArgumentException("Argument `beta_1` must be in the [0, 1] range. "
          + "Otherwise, the optimizer degenerates to SignSGD. Received: beta_1=" + beta1);
    }
    return beta1;
  }

  @Override
  public String name() {
    return "lion";
  }

  @Override
  protected void addOptions(Map<String, Object> config) {
    config.put("beta_1", beta1);
    config.put("beta_2", beta2);
  }

  @Override
  protected Update update(Ops tf, Slots slots, Operand<TFloat32> w, Gradient gradient,
      Operand<TFloat32> lr, Operand<TFloat32> step) {
    Operand<TFloat32> g = gradient.value();
    Operand<TFloat32> one = c(tf, 1);
    Operand<TFloat32> b1 = c(tf, beta1);
    Operand<TFloat32> b2 = c(tf, beta2);
    Operand<TFloat32> m = slots.create("momentum", 0f);
    Operand<TFloat32> direction = tf.math.sign(tf.math.add(tf.math.mul(m, b1),
        tf.math.mul(g, tf.math.sub(one, b1))));
    Operand<TFloat32> mNew = tf.math.add(tf.math.mul(m, b2),
        tf.math.mul(g, tf.math.sub(one, b2)));
    return new Update(tf.math.sub(w, tf.math.mul(lr, direction)),
        List.of(slots.assign(m, mNew)));
  }
}
