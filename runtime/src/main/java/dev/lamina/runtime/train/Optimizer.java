package dev.lamina.runtime.train;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * An optimizer with Keras 3's update rules. Each is written from Keras 3's formulas as plain
 * TensorFlow ops on resource variables, so that results match Keras's to float precision; the
 * TensorFlow 1 rules behind tensorflow-framework's optimizers differ (RMSprop starts its mean
 * square at one, Adagrad puts epsilon outside the root, SGD's momentum scales by the learning
 * rate late, which differs once a schedule changes it).
 *
 * <p>One optimizer serves one model, as in Keras: it keeps per-weight state ("slots") in that
 * model's graph.
 */
public abstract class Optimizer {

  private volatile double learningRate;

  protected Optimizer(double learningRate) {
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    this.learningRate = learningRate;
  }

  /** Keras's name, e.g. {@code adam}. */
  public abstract String name();

  /** The options, for logs and saved models (Keras's {@code get_config}). */
  public abstract Map<String, Object> config();

  public final double learningRate() {
    return learningRate;
  }

  /** Changes the learning rate from the next batch on (what a schedule does). */
  public final void setLearningRate(double learningRate) {
    if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be at least 0, got " + learningRate);
    }
    this.learningRate = learningRate;
  }

  /** Creates an optimizer's per-weight state and reads or updates variables. */
  public interface Slots {
    /** A new variable shaped like the weight, every value {@code initial}; its current value. */
    Operand<TFloat32> create(String name, float initial);

    /** Sets the slot {@code create} returned (by its read) to {@code value}. */
    Op assign(Operand<TFloat32> slotRead, Operand<TFloat32> value);
  }

  /**
   * Builds the update of one weight.
   *
   * @param tf the graph builder
   * @param slots the weight's optimizer state
   * @param weight the weight's current value
   * @param gradient the loss's gradient with respect to it
   * @param lr the learning rate
   * @param step Keras's {@code iterations + 1}, as float
   * @return the weight's new value (the caller assigns it) and the slot updates
   */
  protected abstract Update update(Ops tf, Slots slots, Operand<TFloat32> weight,
      Operand<TFloat32> gradient, Operand<TFloat32> lr, Operand<TFloat32> step);

  /** A weight's new value and the ops that update its slots. */
  public record Update(Operand<TFloat32> newValue, List<Op> slotUpdates) {}

  /** Builds every weight's update; for executors. */
  public final Update buildUpdate(Ops tf, Slots slots, Operand<TFloat32> weight,
      Operand<TFloat32> gradient, Operand<TFloat32> lr, Operand<TFloat32> step) {
    return update(tf, slots, weight, gradient, lr, step);
  }

  /**
   * An optimizer by Keras's name with its default options: {@code sgd}, {@code adam},
   * {@code rmsprop}, {@code adagrad}.
   *
   * @throws IllegalArgumentException naming the known ones
   */
  public static Optimizer get(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "sgd":
        return new Sgd();
      case "adam":
        return new Adam();
      case "rmsprop":
        return new RmsProp();
      case "adagrad":
        return new Adagrad();
      default:
        throw new IllegalArgumentException("Unknown optimizer '" + name + "'; Lamina knows "
            + List.of("sgd", "adam", "rmsprop", "adagrad"));
    }
  }

  static Operand<TFloat32> c(Ops tf, double value) {
    return tf.constant((float) value);
  }
}
