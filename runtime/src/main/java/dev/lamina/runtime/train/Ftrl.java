package dev.lamina.runtime.train;

import dev.lamina.runtime.train.schedules.LearningRateSchedule;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Ftrl(learning_rate=0.001, learning_rate_power=-0.5,
 * initial_accumulator_value=0.1, l1_regularization_strength=0.0,
 * l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0, beta=0.0)}: Follow
 * The Regularized Leader, as Keras 3 writes it. Slots {@code accumulator}, {@code linear}.
 */
public final class Ftrl extends Optimizer {

  /**
   * Ftrl's options by Keras's names: {@code learning_rate_power} (at most 0),
   * {@code initial_accumulator_value}, {@code l1_regularization_strength},
   * {@code l2_regularization_strength}, {@code l2_shrinkage_regularization_strength} (each at
   * least 0), {@code beta}.
   */
  public record Options(double learningRatePower, double initialAccumulatorValue,
      double l1RegularizationStrength, double l2RegularizationStrength,
      double l2ShrinkageRegularizationStrength, double beta) {

    /** Keras's defaults. */
    public static final Options DEFAULTS = new Options(-0.5, 0.1, 0, 0, 0, 0);

    public Options {
      check(initialAccumulatorValue >= 0, "initial_accumulator_value", "positive or zero",
          initialAccumulatorValue);
      check(learningRatePower <= 0, "learning_rate_power", "negative or zero",
          learningRatePower);
      check(l1RegularizationStrength >= 0, "l1_regularization_strength", "positive or zero",
          l1RegularizationStrength);
      check(l2RegularizationStrength >= 0, "l2_regularization_strength", "positive or zero",
          l2RegularizationStrength);
      check(l2ShrinkageRegularizationStrength >= 0, "l2_shrinkage_regularization_strength",
          "positive or zero", l2ShrinkageRegularizationStrength);
    }

    private static void check(boolean ok, String name, String must, double value) {
      if (!ok) {
        throw new IllegalArgumentException("`" + name + "` needs to be " + must
            + ". Received: " + name + "=" + value);
      }
    }
  }

  private final Options options;

  /** Keras's defaults. */
  public Ftrl() {
    this(0.001);
  }

  public Ftrl(double learningRate) {
    this(learningRate, Options.DEFAULTS);
  }

  public Ftrl(double learningRate, Options options) {
    super(learningRate);
    this.options = options;
  }

  /** Keras's defaults, the learning rate from {@code schedule}. */
  public Ftrl(LearningRateSchedule schedule) {
    this(schedule, Options.DEFAULTS);
  }

  public Ftrl(LearningRateSchedule schedule, Options options) {
    super(schedule);
    this.options = options;
  }

  @Override
  public String name() {
    return "ftrl";
  }

  @Override
  protected void addOptions(Map<String, Object> config) {
    config.put("learning_rate_power", options.learningRatePower());
    config.put("initial_accumulator_value", options.initialAccumulatorValue());
    config.put("l1_regularization_strength", options.l1RegularizationStrength());
    config.put("l2_regularization_strength", options.l2RegularizationStrength());
    config.put("l2_shrinkage_regularization_strength",
        options.l2ShrinkageRegularizationStrength());
    config.put("beta", options.beta());
  }

  @Override
  protected Update update(Ops tf, Slots slots, Operand<TFloat32> w, Gradient gradient,
      Operand<TFloat32> lr, Operand<TFloat32> step) {
    Operand<TFloat32> g = gradient.value();
    Operand<TFloat32> accumulator = slots.create("accumulator",
        (float) options.initialAccumulatorValue());
    Operand<TFloat32> linear = slots.create("linear", 0f);
    Operand<TFloat32> power = c(tf, -options.learningRatePower());
    Operand<TFloat32> l2 = tf.math.add(c(tf, options.l2RegularizationStrength()),
        tf.math.div(c(tf, options.beta()), tf.math.mul(c(tf, 2), lr)));
    Operand<TFloat32> gradToUse = tf.math.add(g, tf.math.mul(
        c(tf, 2 * options.l2ShrinkageRegularizationStrength()), w));
    Operand<TFloat32> accumulatorNew = tf.math.add(accumulator, gradient.squared());
    Operand<TFloat32> newPower = tf.math.pow(accumulatorNew, power);
    Operand<TFloat32> linearNew = tf.math.add(linear, tf.math.sub(gradToUse, tf.math.mul(
        tf.math.div(tf.math.sub(newPower, tf.math.pow(accumulator, power)), lr), w)));
    Operand<TFloat32> quadratic = tf.math.add(tf.math.div(newPower, lr),
        tf.math.mul(c(tf, 2), l2));
    Operand<TFloat32> clipped = tf.clipByValue(linearNew,
        c(tf, -options.l1RegularizationStrength()), c(tf, options.l1RegularizationStrength()));
    return new Update(tf.math.div(tf.math.sub(clipped, linearNew), quadratic),
        List.of(slots.assign(linear, linearNew), slots.assign(accumulator, accumulatorNew)));
  }
}
