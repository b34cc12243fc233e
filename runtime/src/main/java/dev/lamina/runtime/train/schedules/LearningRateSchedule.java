package dev.lamina.runtime.train.schedules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code keras.optimizers.schedules.LearningRateSchedule}: a learning rate that is a
 * function of the optimizer's step count. Give one to an optimizer instead of a number
 * ({@code new Adam(new ExponentialDecay(0.1, 1000, 0.96))}); each training step evaluates it in
 * the graph at Keras's {@code optimizer.iterations} (the steps already taken: 0 for the first),
 * in float32 with Keras's ops, so that the rate of each step is Keras's.
 *
 * <p>Saved with the optimizer as Keras serialises it: {@code {"module":
 * "keras.optimizers.schedules", "class_name": "ExponentialDecay", "config": {...}}}.
 */
public abstract class LearningRateSchedule {

  /** Keras's module of the built-in schedules, as {@link #serialize()} writes it. */
  public static final String MODULE = "keras.optimizers.schedules";

  private final String name;

  protected LearningRateSchedule(String name) {
    if (name == null) {
      throw new IllegalArgumentException("a schedule's name must not be null");
    }
    this.name = name;
  }

  /** Keras's {@code name} option (the schedule's class name by default). */
  public final String name() {
    return name;
  }

  /** Keras's class name, e.g. {@code ExponentialDecay}. */
  public abstract String className();

  /** The options by Keras's names, in Keras's {@code get_config} order. */
  public abstract Map<String, Object> config();

  /**
   * The learning rate at {@code step} (Keras's {@code schedule(iterations)}) as graph ops.
   *
   * @param step the steps taken before this one (int64 scalar)
   * @return a float32 scalar
   */
  public abstract Operand<TFloat32> apply(Ops tf, Operand<TInt64> step);

  /**
   * The learning rate at {@code step}, computed in Java (double precision): what
   * {@code optimizer.learningRate()} reports between steps. The steps themselves use
   * {@link #apply}, which computes it in float32 as Keras does.
   */
  public abstract double valueAt(long step);

  /** Keras's {@code keras.optimizers.schedules.serialize}. */
  public final Map<String, Object> serialize() {
    Map<String, Object> serialized = new LinkedHashMap<>();
    serialized.put("module", MODULE);
    serialized.put("class_name", className());
    serialized.put("config", config());
    serialized.put("registered_name", null);
    return serialized;
  }

  @Override
  public String toString() {
    return className() + config();
  }

  private static final Map<String, Function<Options, LearningRateSchedule>> TABLE = Map.of(
      "ExponentialDecay", o -> new ExponentialDecay(o.number("initial_learning_rate", null),
          o.longValue("decay_steps", null), o.number("decay_rate", null),
          o.flag("staircase", false), o.string("name", "ExponentialDecay")),
      "PiecewiseConstantDecay", o -> new PiecewiseConstantDecay(o.numbers("boundaries"),
          o.numbers("values"), o.string("name", "PiecewiseConstant")),
      "CosineDecay", o -> new CosineDecay(o.number("initial_learning_rate", null),
          o.longValue("decay_steps", null), o.number("alpha", 0.0), o.string("name",
          "CosineDecay"), o.optionalNumber("warmup_target"), o.longValue("warmup_steps", 0L)),
      "CosineDecayRestarts", o -> new CosineDecayRestarts(o.number("initial_learning_rate",
          null), o.longValue("first_decay_steps", null), o.number("t_mul", 2.0),
          o.number("m_mul", 1.0), o.number("alpha", 0.0), o.string("name", "SGDRDecay")),
      "InverseTimeDecay", o -> new InverseTimeDecay(o.number("initial_learning_rate", null),
          o.longValue("decay_steps", null), o.number("decay_rate", null),
          o.flag("staircase", false), o.string("name", "InverseTimeDecay")),
      "PolynomialDecay", o -> new PolynomialDecay(o.number("initial_learning_rate", null),
          o.longValue("decay_steps", null), o.number("end_learning_rate", 0.0001),
          o.number("power", 1.0), o.flag("cycle", false), o.string("name",
          "PolynomialDecay")));

  /**
   * Keras's {@code keras.optimizers.schedules.deserialize}: a schedule from what
   * {@link #serialize()} (or Keras) writes, {@code {"module": "keras.optimizers.schedules",
   * "class_name": "ExponentialDecay", "config": {...}}}, or from {@code {"class_name": ...,
   * "config": ...}}.
   *
   * @throws IllegalArgumentException for another module, an unknown class, a missing required
   *     option, an option the schedule does not have, or a value of the wrong type
   */
  public static LearningRateSchedule deserialize(Map<String, ?> serialized) {
    for (String key : serialized.keySet()) {
      if (!Set.of("module", "class_name", "config", "registered_name").contains(key)) {
        throw new IllegalArgumentException("A serialized learning-rate schedule has module, "
            + "class_name and config; got '" + key + "'");
      }
    }
    Object module = serialized.get("module");
    if (module != null && !MODULE.equals(module)) {
      throw new IllegalArgumentException("Lamina knows the learning-rate schedules of module "
          + MODULE + ", not of " + module);
    }
    Object registered = serialized.get("registered_name");
    if (registered != null && !registered.equals(serialized.get("class_name"))) {
      throw new IllegalArgumentException("'" + registered + "' is a custom learning-rate "
          + "schedule; Lamina knows " + known());
    }
    if (!(serialized.get("class_name") instanceof String className)) {
      throw new IllegalArgumentException("A serialized learning-rate schedule needs a "
          + "class_name, one of " + known());
    }
    Object config = serialized.get("config");
    if (config != null && !(config instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("A learning-rate schedule's config must be an object, "
          + "got " + config);
    }
    @SuppressWarnings("unchecked")
    Map<String, ?> options = config == null ? Map.of() : (Map<String, ?>) config;
    return fromConfig(className, options);
  }

  /**
   * A schedule by Keras's class name and options (Keras's {@code from_config}).
   *
   * @throws IllegalArgumentException as {@link #deserialize}
   */
  public static LearningRateSchedule fromConfig(String className, Map<String, ?> config) {
    var make = TABLE.get(className);
    if (make == null) {
      throw new IllegalArgumentException("Unknown learning-rate schedule '" + className
          + "'; Lamina knows " + known());
    }
    Options options = new Options(className, config);
    LearningRateSchedule schedule = make.apply(options);
    options.rejectUnread();
    return schedule;
  }

  private static List<String> known() {
    return TABLE.keySet().stream().sorted().toList();
  }

  static void requirePositiveSteps(String what, long steps) {
    if (steps <= 0) {
      throw new IllegalArgumentException("Argument `" + what + "` must be > 0. Received: "
          + what + "=" + steps);
    }
  }

  static Operand<TFloat32> c(Ops tf, double value) {
    return tf.constant((float) value);
  }

  static Operand<TFloat32> stepAsFloat(Ops tf, Operand<TInt64> step) {
    return tf.dtypes.cast(step, TFloat32.class);
  }

  /** Typed reads of a schedule's options, remembering which were read. */
  private static final class Options {
    private final String schedule;
    private final Map<String, ?> values;
    private final java.util.Set<String> read = new java.util.LinkedHashSet<>();

    Options(String schedule, Map<String, ?> values) {
      this.schedule = schedule;
      this.values = values;
    }

    private Object value(String key, Object fallback) {
      read.add(key);
      Object value = values.get(key);
      if (value == null) {
        if (fallback == null) {
          throw new IllegalArgumentException(schedule + " needs the option " + key);
        }
        return fallback;
      }
      return value;
    }

    double number(String key, Double fallback) {
      Object value = value(key, fallback);
      if (!(value instanceof Number n)) {
        throw new IllegalArgumentException(schedule + " option " + key + " must be a number, "
            + "got " + value);
      }
      return n.doubleValue();
    }

    Double optionalNumber(String key) {
      read.add(key);
      return values.get(key) == null ? null : number(key, null);
    }

    long longValue(String key, Long fallback) {
      double value = number(key, fallback == null ? null : fallback.doubleValue());
      if (value != Math.rint(value) || Math.abs(value) > 1L << 53) {
        throw new IllegalArgumentException(schedule + " option " + key + " must be a whole "
            + "number, got " + values.get(key));
      }
      return (long) value;
    }

    boolean flag(String key, boolean fallback) {
      Object value = value(key, fallback);
      if (!(value instanceof Boolean b)) {
        throw new IllegalArgumentException(schedule + " option " + key + " must be true or "
            + "false, got " + value);
      }
      return b;
    }

    String string(String key, String fallback) {
      Object value = value(key, fallback);
      if (!(value instanceof String s)) {
        throw new IllegalArgumentException(schedule + " option " + key + " must be a string, "
            + "got " + value);
      }
      return s;
    }

    double[] numbers(String key) {
      Object value = value(key, null);
      if (!(value instanceof List<?> list)) {
        throw new IllegalArgumentException(schedule + " option " + key + " must be a list of "
            + "numbers, got " + value);
      }
      double[] numbers = new double[list.size()];
      for (int i = 0; i < numbers.length; i++) {
        if (!(list.get(i) instanceof Number n)) {
          throw new IllegalArgumentException(schedule + " option " + key + " must be a list "
              + "of numbers, got " + value);
        }
        numbers[i] = n.doubleValue();
      }
      return numbers;
    }

    void rejectUnread() {
      for (String key : values.keySet()) {
        if (!read.contains(key)) {
          throw new IllegalArgumentException(schedule + " has no option '" + key + "'; its "
              + "options: " + String.join(", ", read));
        }
      }
    }
  }
}
