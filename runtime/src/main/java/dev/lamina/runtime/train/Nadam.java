package dev.lamina.runtime.train;

import dev.lamina.runtime.train.schedules.LearningRateSchedule;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)}: Adam with
 * Nesterov momentum and Keras's momentum schedule {@code u_t = b1·(1 - 0.5·0.96^t)}, whose running
 * product {@code u_product} is one optimizer-wide slot. Slots {@code momentum},
 * {@code velocity}.
 */
public final class Nadam extends AdamFamily {

  /** Keras's defaults. */
  public Nadam() {
    this(0.001);
  }

  public Nadam(double learningRate) {
    this(learningRate, 0.9, 0.999, 1e-7);
  }

  public Nadam(double learningRate, double beta1, double beta2, double epsilon) {
    super(learningRate, beta1, beta2, epsilon);
  }

  /** Keras's defaults, the learning rate from {@code schedule}. */
  public Nadam(LearningRateSchedule schedule) {
    this(schedule, 0.9, 0.999, 1e-7);
  }

  public Nadam(LearningRateSchedule schedule, double beta1, double beta2, double epsilon) {
    super(schedule, beta1, beta2, epsilon);
  }

  @Override
  public String name() {
    return "nadam";
  }

  @Override
  protected Update update(Ops tf, Slots slots, Operand<TFloat32> w, Gradient gradient,
      Operand<TFloat32> lr, Operand<TFloat32> step) {
    Operand<TFloat32> g = gradient.value();
    Operand<TFloat32> one = c(tf, 1);
    Operand<TFloat32> b1 = c(tf, beta1);
    Operand<TFloat32> b2 = c(tf, beta2);
    Operand<TFloat32> decay = c(tf, 0.96);
    Operand<TFloat32> half = c(tf, 0.5);
    // Once a step, before the weights' updates: u_product *= b1·(1 - 0.5·0.96^t).
    Operand<TFloat32> uProduct = slots.shared("u_product", 1f, u -> tf.math.mul(
        tf.math.mul(u, b1), tf.math.sub(one, tf.math.mul(half, tf.math.pow(decay, step)))));
    Operand<TFloat32> nextStep = tf.math.add(step, one);
    Operand<TFloat32> ut = tf.math.mul(b1, tf.math.sub(one, tf.math.mul(half,
        tf.math.pow(decay, step))));
    Operand<TFloat32> ut1 = tf.math.mul(b1, tf.math.sub(one, tf.math.mul(half,
        tf.math.pow(decay, nextStep))));
    Operand<TFloat32> uProduct1 = tf.math.mul(uProduct, ut1);
    Operand<TFloat32> beta2Power = tf.math.pow(b2, step);
    Operand<TFloat32> m = slots.create("momentum", 0f);
    Operand<TFloat32> v = slots.create("velocity", 0f);
    Operand<TFloat32> mNew = tf.math.add(m, tf.math.mul(tf.math.sub(g, m),
        tf.math.sub(one, b1)));
    Operand<TFloat32> vNew = tf.math.add(v, tf.math.mul(tf.math.sub(gradient.squared(), v),
        tf.math.sub(one, b2)));
    Operand<TFloat32> mHat = tf.math.add(
        tf.math.div(tf.math.mul(ut1, mNew), tf.math.sub(one, uProduct1)),
        tf.math.div(tf.math.mul(tf.math.sub(one, ut), g), tf.math.sub(one, uProduct)));
    Operand<TFloat32> vHat = tf.math.div(vNew, tf.math.sub(one, beta2Power));
    Operand<TFloat32> delta = tf.math.div(tf.math.mul(mHat, lr),
        tf.math.add(tf.math.sqrt(vHat), c(tf, epsilon)));
    return new Update(tf.math.sub(w, delta),
        List.of(slots.assign(m, mNew), slots.assign(v, vNew)));
  }
}
