package dev.lamina.runtime.train;

import dev.lamina.runtime.train.schedules.LearningRateSchedule;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code SGD(learning_rate=0.01, momentum=0.0, nesterov=False)}: with momentum,
 * {@code m = momentum * m - lr * g}, then {@code w += m}, or with Nesterov
 * {@code w += momentum * m - lr * g}.
 */
public final class Sgd extends Optimizer {

  private final double momentum;
  private final boolean nesterov;

  /** Keras's defaults. */
  public Sgd() {
    this(0.01);
  }

  public Sgd(double learningRate) {
    this(learningRate, 0, false);
  }

  public Sgd(double learningRate, double momentum, boolean nesterov) {
    super(learningRate);
    this.momentum = checkMomentum(momentum);
    this.nesterov = nesterov;
  }

  /** Keras's defaults, the learning rate from {@code schedule}. */
  public Sgd(LearningRateSchedule schedule) {
    this(schedule, 0, false);
  }

  public Sgd(LearningRateSchedule schedule, double momentum, boolean nesterov) {
    super(schedule);
    this.momentum = checkMomentum(momentum);
    this.nesterov = nesterov;
  }

  private static double checkMomentum(double momentum) {
    if (!(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1], got " + momentum);
    }
    return momentum;
  }

  @Override
  public String name() {
    return "sgd";
  }

  @Override
  protected void addOptions(Map<String, Object> config) {
    config.put("momentum", momentum);
    config.put("nesterov", nesterov);
  }

  @Override
  protected Update update(Ops tf, Slots slots, Operand<TFloat32> w, Gradient gradient,
      Operand<TFloat32> lr, Operand<TFloat32> step) {
    Operand<TFloat32> g = gradient.value();
    Operand<TFloat32> lrG = tf.math.mul(lr, g);
    if (momentum == 0) {
      return new Update(tf.math.sub(w, lrG), List.of());
    }
    Operand<TFloat32> m = slots.create("momentum", 0f);
    Operand<TFloat32> mNew = tf.math.sub(tf.math.mul(c(tf, momentum), m), lrG);
    Operand<TFloat32> step2 = nesterov ? tf.math.sub(tf.math.mul(c(tf, momentum), mNew), lrG) : mNew;
    return new Update(tf.math.add(w, step2), List.of(slots.assign(m, mNew)));
  }
}
