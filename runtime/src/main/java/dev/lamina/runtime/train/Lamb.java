package dev.lamina.runtime.train;

import dev.lamina.runtime.train.schedules.LearningRateSchedule;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Lamb(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)}: Adam's
 * bias-corrected step {@code u = m̂ / (sqrt(v̂) + eps)} scaled per weight by the trust ratio
 * {@code ||w|| / ||u||} (1 when either norm is 0), {@code w -= ratio·lr·u}. Slots
 * {@code momentum}, {@code velocity}.
 */
public final class Lamb extends AdamFamily {

  /** Keras's defaults. */
  public Lamb() {
    this(0.001);
  }

  public Lamb(double learningRate) {
    this(learningRate, 0.9, 0.999, 1e-7);
  }

  public Lamb(double learningRate, double beta1, double beta2, double epsilon) {
    super(learningRate, beta1, beta2, epsilon);
  }

  /** Keras's defaults, the learning rate from {@code schedule}. */
  public Lamb(LearningRateSchedule schedule) {
    this(schedule, 0.9, 0.999, 1e-7);
  }

  public Lamb(LearningRateSchedule schedule, double beta1, double beta2, double epsilon) {
    super(schedule, beta1, beta2, epsilon);
  }

  @Override
  public String name() {
    return "lamb";
  }

  private static Operand<TFloat32> norm(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> squared = tf.math.square(x);
    return tf.math.sqrt(tf.reduceSum(squared,
        tf.range(tf.constant(0), tf.rank(squared), tf.constant(1))));
  }

  @Override
  protected Update update(Ops tf, Slots slots, Operand<TFloat32> w, Gradient gradient,
      Operand<TFloat32> lr, Operand<TFloat32> step) {
    Operand<TFloat32> g = gradient.value();
    Operand<TFloat32> one = c(tf, 1);
    Operand<TFloat32> beta1Power = tf.math.pow(c(tf, beta1), step);
    Operand<TFloat32> beta2Power = tf.math.pow(c(tf, beta2), step);
    Operand<TFloat32> m = slots.create("momentum", 0f);
    Operand<TFloat32> v = slots.create("velocity", 0f);
    Operand<TFloat32> mNew = tf.math.add(m, tf.math.mul(tf.math.sub(g, m), c(tf, 1 - beta1)));
    Operand<TFloat32> vNew = tf.math.add(v,
        tf.math.mul(tf.math.sub(gradient.squared(), v), c(tf, 1 - beta2)));
    Operand<TFloat32> mHat = tf.math.div(mNew, tf.math.sub(one, beta1Power));
    Operand<TFloat32> vSqrt = tf.math.add(tf.math.sqrt(tf.math.div(vNew,
        tf.math.sub(one, beta2Power))), c(tf, epsilon));
    Operand<TFloat32> u = tf.math.div(mHat, vSqrt);
    Operand<TFloat32> wNorm = norm(tf, w);
    Operand<TFloat32> uNorm = norm(tf, u);
    Operand<TFloat32> zero = c(tf, 0);
    Operand<TBool> bothPositive = tf.math.logicalAnd(tf.math.greater(wNorm, zero),
        tf.math.greater(uNorm, zero));
    // The division only where it is taken, so that a zero norm gives no NaN gradient-free path.
    Operand<TFloat32> ratio = tf.select(bothPositive,
        tf.math.div(wNorm, tf.select(bothPositive, uNorm, one)), one);
    return new Update(tf.math.sub(w, tf.math.mul(tf.math.mul(ratio, lr), u)),
        List.of(slots.assign(m, mNew), slots.assign(v, vNew)));
  }
}
