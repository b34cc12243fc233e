package dev.lamina.runtime.train;

import dev.lamina.runtime.train.schedules.LearningRateSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
 * amsgrad=False)}: {@code m += (g - m)(1 - b1)}, {@code v += (g² - v)(1 - b2)},
 * {@code w -= lr·sqrt(1 - b2^t)/(1 - b1^t) · m / (sqrt(v) + eps)}; with {@code amsgrad},
 * {@code v̂ = max(v̂, v)} takes {@code v}'s place. Slots {@code m}, {@code v} and, with amsgrad,
 * {@code velocity_hat}.
 */
public class Adam extends Optimizer {

  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final boolean amsgrad;

  /** Keras's defaults. */
  public Adam() {
    this(0.001);
  }

  public Adam(double learningRate) {
    this(learningRate, 0.9, 0.999, 1e-7);
  }

  public Adam(double learningRate, double beta1, double beta2, double epsilon) {
    this(learningRate, beta1, beta2, epsilon, false);
  }

  public Adam(double learningRate, double beta1, double beta2, double epsilon,
      boolean amsgrad) {
    super(learningRate);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.amsgrad = amsgrad;
  }

  /** Keras's defaults, the learning rate from {@code schedule}. */
  public Adam(LearningRateSchedule schedule) {
    this(schedule, 0.9, 0.999, 1e-7, false);
  }

  public Adam(LearningRateSchedule schedule, double beta1, double beta2, double epsilon,
      boolean amsgrad) {
    super(schedule);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.amsgrad = amsgrad;
  }

  @Override
  public String name() {
    return "adam";
  }

  @Override
  protected void addOptions(Map<String, Object> config) {
    config.put("beta_1", beta1);
    config.put("beta_2", beta2);
    config.put("epsilon", epsilon);
    config.put("amsgrad", amsgrad);
  }

  @Override
  protected Update update(Ops tf, Slots slots, Operand<TFloat32> w, Gradient gradient,
      Operand<TFloat32> lr, Operand<TFloat32> step) {
    Operand<TFloat32> g = gradient.value();
    Operand<TFloat32> m = slots.create("m", 0f);
    Operand<TFloat32> v = slots.create("v", 0f);
    List<Op> updates = new ArrayList<>();
    Operand<TFloat32> one = c(tf, 1);
    Operand<TFloat32> beta1Power = tf.math.pow(c(tf, beta1), step);
    Operand<TFloat32> beta2Power = tf.math.pow(c(tf, beta2), step);
    Operand<TFloat32> alpha = tf.math.div(tf.math.mul(lr, tf.math.sqrt(
        tf.math.sub(one, beta2Power))), tf.math.sub(one, beta1Power));
    Operand<TFloat32> mNew = tf.math.add(m,
        tf.math.mul(tf.math.sub(g, m), c(tf, 1 - beta1)));
    Operand<TFloat32> vNew = tf.math.add(v,
        tf.math.mul(tf.math.sub(gradient.squared(), v), c(tf, 1 - beta2)));
    updates.add(slots.assign(m, mNew));
    updates.add(slots.assign(v, vNew));
    if (amsgrad) {
      Operand<TFloat32> vHat = slots.create("velocity_hat", 0f);
      vNew = tf.math.maximum(vHat, vNew);
      updates.add(slots.assign(vHat, vNew));
    }
    Operand<TFloat32> delta = tf.math.div(tf.math.mul(mNew, alpha),
        tf.math.add(tf.math.sqrt(vNew), c(tf, epsilon)));
    return new Update(tf.math.sub(w, delta), updates);
  }
}
