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
   * @param gradient the loss's gradient with respect to it, and its square as Keras squares it
   * @param lr the learning rate
   * @param step Keras's {@code iterations + 1}, as float
   * @return the weight's new value (the caller assigns it) and the slot updates
   */
  protected abstract Update update(Ops tf, Slots slots, Operand<TFloat32> weight,
      Gradient gradient, Operand<TFloat32> lr, Operand<TFloat32> step);

  /**
   * A weight's gradient and its element-wise square as Keras's optimizers compute
   * {@code ops.square(gradient)}: the square of the value, except for a weight whose rows were
   * looked up (an {@code Embedding}'s), whose gradient Keras's TensorFlow backend keeps as one
   * slice per looked-up index and squares slice by slice, so that an index looked up twice adds
   * the squares of its two slices rather than the square of their sum.
   */
  public record Gradient(Operand<TFloat32> value, Operand<TFloat32> squared) {}

  /** A weight's new value and the ops that update its slots. */
  public record Update(Operand<TFloat32> newValue, List<Op> slotUpdates) {}

  /** Builds every weight's update; for executors. */
  public final Update buildUpdate(Ops tf, Slots slots, Operand<TFloat32> weight,
      Gradient gradient, Operand<TFloat32> lr, Operand<TFloat32> step) {
    return update(tf, slots, weight, gradient, lr, step);
  }

  /** Each optimizer's Keras name (lower case) and how it is made from its options. */
  private static final Map<String, java.util.function.Function<Options, Optimizer>> TABLE =
      table();

  private static Map<String, java.util.function.Function<Options, Optimizer>> table() {
    Map<String, java.util.function.Function<Options, Optimizer>> table =
        new java.util.LinkedHashMap<>();
    table.put("sgd", o -> new Sgd(o.number("learning_rate", 0.01), o.number("momentum", 0.0),
        o.flag("nesterov", false)));
    table.put("adam", o -> {
      o.requireDefault("amsgrad", false);
      return new Adam(o.number("learning_rate", 0.001), o.number("beta_1", 0.9),
          o.number("beta_2", 0.999), o.number("epsilon", 1e-7));
    });
    table.put("rmsprop", o -> new RmsProp(o.number("learning_rate", 0.001), o.number("rho", 0.9),
        o.number("momentum", 0.0), o.number("epsilon", 1e-7), o.flag("centered", false)));
    table.put("adagrad", o -> new Adagrad(o.number("learning_rate", 0.001),
        o.number("initial_accumulator_value", 0.1), o.number("epsilon", 1e-7)));
    return java.util.Collections.unmodifiableMap(table);
  }

  /**
   * An optimizer by Keras's name with its default options: {@code sgd}, {@code adam},
   * {@code rmsprop}, {@code adagrad}.
   *
   * @throws IllegalArgumentException naming the known ones
   */
  public static Optimizer get(String name) {
    return fromConfig(name, Map.of());
  }

  /**
   * Keras's {@code optimizers.deserialize}: an optimizer by name (any case: {@code Adam},
   * {@code adam}) and options by Keras's names, Keras's defaults for those missing, as
   * {@link #config()} writes them.
   *
   * @throws IllegalArgumentException for an unknown name, an option the optimizer does not
   *     have, or a value of the wrong type
   */
  public static Optimizer fromConfig(String name, Map<String, ?> config) {
    var make = TABLE.get(name.toLowerCase(Locale.ROOT));
    if (make == null) {
      throw new IllegalArgumentException("Unknown optimizer '" + name + "'; Lamina knows "
          + TABLE.keySet());
    }
    Options options = new Options(name, config);
    Optimizer optimizer = make.apply(options);
    // Keras's options of every optimizer: accepted at the defaults, which change nothing.
    options.ignore("name", "ema_momentum");
    for (String key : List.of("weight_decay", "clipnorm", "clipvalue", "global_clipnorm",
        "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps")) {
      options.requireDefault(key, null);
    }
    options.requireDefault("use_ema", false);
    options.rejectUnread();
    return optimizer;
  }

  /** Typed reads of an optimizer's options, remembering which were read. */
  private static final class Options {
    private final String optimizer;
    private final Map<String, ?> values;
    private final java.util.Set<String> read = new java.util.HashSet<>();

    Options(String optimizer, Map<String, ?> values) {
      this.optimizer = optimizer;
      this.values = values;
    }

    double number(String key, double fallback) {
      read.add(key);
      Object value = values.get(key);
      if (value == null) {
        return fallback;
      }
      if (!(value instanceof Number n)) {
        throw new IllegalArgumentException(optimizer + " option " + key + " must be a number, "
            + "got " + value);
      }
      return n.doubleValue();
    }

    boolean flag(String key, boolean fallback) {
      read.add(key);
      Object value = values.get(key);
      if (value == null) {
        return fallback;
      }
      if (!(value instanceof Boolean b)) {
        throw new IllegalArgumentException(optimizer + " option " + key + " must be true or "
            + "false, got " + value);
      }
      return b;
    }

    void ignore(String... keys) {
      read.addAll(List.of(keys));
    }

    /** Refuses any value but {@code fallback} ({@code null}: Keras's {@code None}). */
    void requireDefault(String key, Object fallback) {
      read.add(key);
      Object value = values.get(key);
      if (value != null && !value.equals(fallback)) {
        throw new IllegalArgumentException(optimizer + " option " + key + " is " + value
            + "; Lamina supports only its default, " + (fallback == null ? "None" : fallback));
      }
    }

    void rejectUnread() {
      for (String key : values.keySet()) {
        if (!read.contains(key)) {
          throw new IllegalArgumentException(optimizer + " has no option '" + key + "'; its "
              + "options: " + read);
        }
      }
    }
  }

  static Operand<TFloat32> c(Ops tf, double value) {
    return tf.constant((float) value);
  }
}
