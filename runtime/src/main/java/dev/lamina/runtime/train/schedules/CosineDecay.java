package dev.lamina.runtime.train.schedules;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code CosineDecay(initial_learning_rate, decay_steps, alpha=0.0,
 * warmup_target=None, warmup_steps=0)}: without warmup, the initial rate times
 * {@code (1 - alpha) * 0.5 * (1 + cos(pi * step / decay_steps)) + alpha}, then its last value;
 * with a warmup target, a linear rise from the initial rate to the target over
 * {@code warmup_steps}, then that cosine decay from the target.
 */
public final class CosineDecay extends LearningRateSchedule {

  private final double initialLearningRate;
  private final long decaySteps;
  private final double alpha;
  private final Double warmupTarget;
  private final long warmupSteps;

  public CosineDecay(double initialLearningRate, long decaySteps) {
    this(initialLearningRate, decaySteps, 0.0);
  }

  public CosineDecay(double initialLearningRate, long decaySteps, double alpha) {
    this(initialLearningRate, decaySteps, alpha, "CosineDecay", null, 0);
  }

  /** With a linear warmup from {@code initialLearningRate} to {@code warmupTarget}. */
  public CosineDecay(double initialLearningRate, long decaySteps, double alpha,
      double warmupTarget, long warmupSteps) {
    this(initialLearningRate, decaySteps, alpha, "CosineDecay", warmupTarget, warmupSteps);
  }

  /** Keras's argument order; {@code warmupTarget} null for no warmup. */
  public CosineDecay(double initialLearningRate, long decaySteps, double alpha, String name,
      Double warmupTarget, long warmupSteps) {
    super(name);
    requirePositiveSteps("decay_steps", decaySteps);
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warmup_steps must be at least 0, got " + warmupSteps);
    }
    this.initialLearningRate = initialLearningRate;
    this.decaySteps = decaySteps;
    this.alpha = alpha;
    this.warmupTarget = warmupTarget;
    this.warmupSteps = warmupSteps;
  }

  @Override
  public String className() {
    return "CosineDecay";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("initial_learning_rate", initialLearningRate);
    config.put("decay_steps", decaySteps);
    config.put("alpha", alpha);
    config.put("name", name());
    config.put("warmup_target", warmupTarget);
    config.put("warmup_steps", warmupSteps);
    return config;
  }

  private Operand<TFloat32> decay(Ops tf, Operand<TFloat32> step, Operand<TFloat32> steps,
      Operand<TFloat32> from) {
    Operand<TFloat32> fraction = tf.math.div(step, steps);
    Operand<TFloat32> cosine = tf.math.mul(c(tf, 0.5), tf.math.add(c(tf, 1),
        tf.math.cos(tf.math.mul(c(tf, Math.PI), fraction))));
    Operand<TFloat32> decayed = tf.math.add(tf.math.mul(c(tf, 1 - alpha), cosine),
        c(tf, alpha));
    return tf.math.mul(from, decayed);
  }

  @Override
  public Operand<TFloat32> apply(Ops tf, Operand<TInt64> step) {
    Operand<TFloat32> initial = c(tf, initialLearningRate);
    Operand<TFloat32> steps = c(tf, decaySteps);
    Operand<TFloat32> global = stepAsFloat(tf, step);
    if (warmupTarget == null) {
      return decay(tf, tf.math.minimum(global, steps), steps, initial);
    }
    Operand<TFloat32> target = c(tf, warmupTarget);
    Operand<TFloat32> warmup = c(tf, warmupSteps);
    global = tf.math.minimum(global, tf.math.add(steps, warmup));
    Operand<TFloat32> rising = tf.math.add(tf.math.mul(tf.math.sub(target, initial),
        tf.math.div(global, warmup)), initial);
    Operand<TFloat32> decaying = decay(tf, tf.math.sub(global, warmup), steps, target);
    return tf.select(tf.math.less(global, warmup), rising, decaying);
  }

  @Override
  public double valueAt(long step) {
    if (warmupTarget == null) {
      return initialLearningRate * decayed(Math.min(step, decaySteps));
    }
    double global = Math.min(step, decaySteps + warmupSteps);
    if (global < warmupSteps) {
      return (warmupTarget - initialLearningRate) * (global / warmupSteps) + initialLearningRate;
    }
    return warmupTarget * decayed(global - warmupSteps);
  }

  private double decayed(double step) {
    double cosine = 0.5 * (1 + Math.cos(Math.PI * step / decaySteps));
    return (1 - alpha) * cosine + alpha;
  }
}
