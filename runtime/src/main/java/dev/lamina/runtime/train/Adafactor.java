package dev.lamina.runtime.train;

import dev.lamina.runtime.train.schedules.LearningRateSchedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Adafactor(learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30,
 * epsilon_2=1e-3, clip_threshold=1.0, relative_step=True)}: second moments factored over the last
 * two axes of a weight of rank 2 or more (slots {@code r}, shaped as the weight without its last
 * axis, and {@code c}, without its second last), a full {@code velocity} slot for all; the step
 * scaled by the weight's RMS and clipped by the update's RMS.
 */
public final class Adafactor extends Optimizer {

  /**
   * Adafactor's options by Keras's names: {@code beta_2_decay}, {@code epsilon_1},
   * {@code epsilon_2}, {@code clip_threshold}, {@code relative_step}.
   */
  public record Options(double beta2Decay, double epsilon1, double epsilon2,
      double clipThreshold, boolean relativeStep) {

    /** Keras's defaults. */
    public static final Options DEFAULTS = new Options(-0.8, 1e-30, 1e-3, 1.0, true);
  }

  private final Options options;

  /** Keras's defaults. */
  public Adafactor() {
    this(0.001);
  }

  public Adafactor(double learningRate) {
    this(learningRate, Options.DEFAULTS);
  }

  public Adafactor(double learningRate, Options options) {
    super(learningRate);
    this.options = options;
  }

  /** Keras's defaults, the learning rate from {@code schedule}. */
  public Adafactor(LearningRateSchedule schedule) {
    this(schedule, Options.DEFAULTS);
  }

  public Adafactor(LearningRateSchedule schedule, Options options) {
    super(schedule);
    this.options = options;
  }

  @Override
  public String name() {
    return "adafactor";
  }

  @Override
  protected void addOptions(Map<String, Object> config) {
    config.put("beta_2_decay", options.beta2Decay());
    config.put("epsilon_1", options.epsilon1());
    config.put("epsilon_2", options.epsilon2());
    config.put("clip_threshold", options.clipThreshold());
    config.put("relative_step", options.relativeStep());
  }

  private static Operand<TFloat32> rms(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> squared = tf.math.square(x);
    return tf.math.sqrt(tf.math.mean(squared,
        tf.range(tf.constant(0), tf.rank(squared), tf.constant(1))));
  }

  @Override
  protected Update update(Ops tf, Slots slots, Operand<TFloat32> w, Gradient gradient,
      Operand<TFloat32> lr, Operand<TFloat32> step) {
    Operand<TFloat32> g = gradient.value();
    Operand<TFloat32> one = c(tf, 1);
    Operand<TFloat32> inverseRoot = tf.math.div(one, tf.math.sqrt(step));
    if (schedule() == null && options.relativeStep()) {
      lr = tf.math.minimum(lr, inverseRoot); // Keras: when the rate is not callable
    }
    Operand<TFloat32> rho = tf.math.minimum(lr, inverseRoot);
    Operand<TFloat32> alpha = tf.math.mul(tf.math.maximum(c(tf, options.epsilon2()),
        rms(tf, w)), rho);
    Operand<TFloat32> regulated = tf.math.add(gradient.squared(), c(tf, options.epsilon1()));
    Operand<TFloat32> beta2 = tf.math.sub(one, tf.math.pow(step, c(tf, options.beta2Decay())));
    Operand<TFloat32> oneMinusBeta2 = tf.math.sub(one, beta2);
    List<Op> updates = new ArrayList<>();
    long[] dims = w.shape().asArray();
    Operand<TFloat32> v = slots.create("velocity", 0f);
    Operand<TFloat32> vNew;
    if (dims.length >= 2) {
      Shape rShape = Shape.of(Arrays.copyOf(dims, dims.length - 1));
      long[] cDims = Arrays.copyOf(dims, dims.length - 1);
      cDims[dims.length - 2] = dims[dims.length - 1];
      Operand<TFloat32> r = slots.create("r", rShape, 0f);
      Operand<TFloat32> c = slots.create("c", Shape.of(cDims), 0f);
      Operand<TFloat32> rNew = tf.math.add(tf.math.mul(beta2, r), tf.math.mul(oneMinusBeta2,
          tf.math.mean(regulated, tf.constant(-1))));
      Operand<TFloat32> cNew = tf.math.add(tf.math.mul(beta2, c), tf.math.mul(oneMinusBeta2,
          tf.math.mean(regulated, tf.constant(-2))));
      vNew = tf.math.mul(tf.expandDims(tf.math.div(rNew, tf.math.mean(rNew, tf.constant(-1),
          org.tensorflow.op.math.Mean.keepDims(true))), tf.constant(-1)),
          tf.expandDims(cNew, tf.constant(-2)));
      updates.add(slots.assign(r, rNew));
      updates.add(slots.assign(c, cNew));
    } else {
      vNew = tf.math.add(tf.math.mul(beta2, v), tf.math.mul(oneMinusBeta2, regulated));
    }
    updates.add(slots.assign(v, vNew));
    Operand<TFloat32> u = tf.math.div(g, tf.math.sqrt(vNew));
    Operand<TFloat32> uHat = tf.math.div(u, tf.math.maximum(one,
        tf.math.div(rms(tf, u), c(tf, options.clipThreshold()))));
    return new Update(tf.math.sub(w, tf.math.mul(alpha, uHat)), updates);
  }
}
