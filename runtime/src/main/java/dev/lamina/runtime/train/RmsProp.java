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
 * Keras's {@code RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
 * centered=False)}: {@code v = rho·v + (1 - rho)·g²}, {@code w -= lr·g / sqrt(v + eps)} (with
 * momentum, {@code m = momentum·m + that step}, {@code w -= m}; centered subtracts the squared
 * mean gradient from {@code v}).
 */
public final class RmsProp extends Optimizer {

  private final double rho;
  private final double momentum;
  private final double epsilon;
  private final boolean centered;

  /** Keras's defaults. */
  public RmsProp() {
    this(0.001);
  }

  public RmsProp(double learningRate) {
    this(learningRate, 0.9, 0, 1e-7, false);
  }

  public RmsProp(double learningRate, double rho, double momentum, double epsilon,
      boolean centered) {
    super(learningRate);
    this.rho = rho;
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.centered = centered;
  }

  /** Keras's defaults, the learning rate from {@code schedule}. */
  public RmsProp(LearningRateSchedule schedule) {
    this(schedule, 0.9, 0, 1e-7, false);
  }

  public RmsProp(LearningRateSchedule schedule, double rho, double momentum, double epsilon,
      boolean centered) {
    super(schedule);
    this.rho = rho;
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.centered = centered;
  }

  @Override
  public String name() {
    return "rmsprop";
  }

  @Override
  protected void addOptions(Map<String, Object> config) {
    config.put("rho", rho);
    config.put("momentum", momentum);
    config.put("epsilon", epsilon);
    config.put("centered", centered);
  }

  @Override
  protected Update update(Ops tf, Slots slots, Operand<TFloat32> w, Gradient gradient,
      Operand<TFloat32> lr, Operand<TFloat32> step) {
    Operand<TFloat32> g = gradient.value();
    List<Op> updates = new ArrayList<>();
    Operand<TFloat32> velocity = slots.create("velocity", 0f);
    Operand<TFloat32> vNew = tf.math.add(tf.math.mul(c(tf, rho), velocity),
        tf.math.mul(c(tf, 1 - rho), gradient.squared()));
    updates.add(slots.assign(velocity, vNew));
    Operand<TFloat32> denominator;
    if (centered) {
      Operand<TFloat32> average = slots.create("average_gradient", 0f);
      Operand<TFloat32> aNew = tf.math.add(tf.math.mul(c(tf, rho), average),
          tf.math.mul(c(tf, 1 - rho), g));
      updates.add(slots.assign(average, aNew));
      denominator = tf.math.add(tf.math.sub(vNew, tf.math.square(aNew)), c(tf, epsilon));
    } else {
      denominator = tf.math.add(vNew, c(tf, epsilon));
    }
    Operand<TFloat32> increment = tf.math.div(tf.math.mul(lr, g), tf.math.sqrt(denominator));
    if (momentum > 0) {
      Operand<TFloat32> m = slots.create("momentum", 0f);
      Operand<TFloat32> mNew = tf.math.add(tf.math.mul(c(tf, momentum), m), increment);
      updates.add(slots.assign(m, mNew));
      return new Update(tf.math.sub(w, mNew), updates);
    }
    return new Update(tf.math.sub(w, increment), updates);
  }
}
