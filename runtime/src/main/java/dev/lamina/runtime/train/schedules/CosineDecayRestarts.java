package dev.lamina.runtime.train.schedules;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code CosineDecayRestarts(initial_learning_rate, first_decay_steps, t_mul=2.0,
 * m_mul=1.0, alpha=0.0)} (SGDR): a cosine decay over {@code first_decay_steps}, then restarts,
 * each period {@code t_mul} times longer and its initial rate {@code m_mul} times lower.
 */
public final class CosineDecayRestarts extends LearningRateSchedule {

  private final double initialLearningRate;
  private final long firstDecaySteps;
  private final double tMul;
  private final double mMul;
  private final double alpha;

  public CosineDecayRestarts(double initialLearningRate, long firstDecaySteps) {
    this(initialLearningRate, firstDecaySteps, 2.0, 1.0, 0.0);
  }

  public CosineDecayRestarts(double initialLearningRate, long firstDecaySteps, double tMul,
      double mMul, double alpha) {
    this(initialLearningRate, firstDecaySteps, tMul, mMul, alpha, "SGDRDecay");
  }

  public CosineDecayRestarts(double initialLearningRate, long firstDecaySteps, double tMul,
      double mMul, double alpha, String name) {
    super(name);
    requirePositiveSteps("first_decay_steps", firstDecaySteps);
    this.initialLearningRate = initialLearningRate;
    this.firstDecaySteps = firstDecaySteps;
    this.tMul = tMul;
    this.mMul = mMul;
    this.alpha = alpha;
  }

  @Override
  public String className() {
    return "CosineDecayRestarts";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("initial_learning_rate", initialLearningRate);
    config.put("first_decay_steps", firstDecaySteps);
    config.put("t_mul", tMul);
    config.put("m_mul", mMul);
    config.put("alpha", alpha);
    config.put("name", name());
    return config;
  }

  @Override
  public Operand<TFloat32> apply(Ops tf, Operand<TInt64> step) {
    Operand<TFloat32> alphaF = c(tf, alpha);
    Operand<TFloat32> t = c(tf, tMul);
    Operand<TFloat32> fraction = tf.math.div(stepAsFloat(tf, step), c(tf, firstDecaySteps));
    Operand<TFloat32> restart;
    if ((float) tMul == 1f) {
      restart = tf.math.floor(fraction);
      fraction = tf.math.sub(fraction, restart);
    } else {
      Operand<TFloat32> oneMinusT = tf.math.sub(c(tf, 1), t);
      restart = tf.math.floor(tf.math.div(tf.math.log(tf.math.sub(c(tf, 1),
          tf.math.mul(fraction, oneMinusT))), tf.math.log(t)));
      Operand<TFloat32> sum = tf.math.div(tf.math.sub(c(tf, 1), tf.math.pow(t, restart)),
          oneMinusT);
      fraction = tf.math.div(tf.math.sub(fraction, sum), tf.math.pow(t, restart));
    }
    Operand<TFloat32> factor = tf.math.pow(c(tf, mMul), restart);
    Operand<TFloat32> cosine = tf.math.mul(tf.math.mul(c(tf, 0.5), factor), tf.math.add(
        c(tf, 1), tf.math.cos(tf.math.mul(c(tf, Math.PI), fraction))));
    Operand<TFloat32> decayed = tf.math.add(tf.math.mul(tf.math.sub(c(tf, 1), alphaF),
        cosine), alphaF);
    return tf.math.mul(c(tf, initialLearningRate), decayed);
  }

  @Override
  public double valueAt(long step) {
    double fraction = (double) step / firstDecaySteps;
    double restart;
    if ((float) tMul == 1f) {
      restart = Math.floor(fraction);
      fraction -= restart;
    } else {
      restart = Math.floor(Math.log(1 - fraction * (1 - tMul)) / Math.log(tMul));
      double sum = (1 - Math.pow(tMul, restart)) / (1 - tMul);
      fraction = (fraction - sum) / Math.pow(tMul, restart);
    }
    double cosine = 0.5 * Math.pow(mMul, restart) * (1 + Math.cos(Math.PI * fraction));
    return initialLearningRate * ((1 - alpha) * cosine + alpha);
  }
}
