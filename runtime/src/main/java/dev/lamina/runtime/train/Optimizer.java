package dev.lamina.runtime.train;

import dev.lamina.runtime.train.schedules.LearningRateSchedule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
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
 * <p>Keras's options of every optimizer are here too, applied in Keras 3's order each step: the
 * gradients clipped ({@link #clipnorm}, {@link #clipvalue} or {@link #globalClipnorm}, at most
 * one), then each weight decayed ({@link #weightDecay}: {@code w -= w * weight_decay * lr},
 * except the weights {@link #excludeFromWeightDecay} names), then the optimizer's own update,
 * then the weight's constraint. Set them before {@code compile}.
 *
 * <p>The learning rate is a number ({@link #setLearningRate} changes it between steps, as
 * {@link LearningRateScheduler} does) or a {@link LearningRateSchedule} evaluated in the graph
 * at each step from the step count, as Keras evaluates {@code learning_rate(iterations)}; a
 * schedule-driven rate cannot be set, as in Keras.
 *
 * <p>One optimizer serves one model, as in Keras: it keeps per-weight state ("slots") in that
 * model's graph.
 */
public abstract class Optimizer {

  private volatile double learningRate;
  private final LearningRateSchedule schedule;
  private Double weightDecay;
  private Double clipnorm;
  private Double clipvalue;
  private Double globalClipnorm;
  private List<String> excludeFromWeightDecay = List.of();
  private Pattern excludePattern;
  private volatile boolean built;
  private volatile LongSupplier iterations = () -> 0L;

  protected Optimizer(double learningRate) {
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    this.learningRate = learningRate;
    this.schedule = null;
  }

  /** An optimizer whose learning rate is {@code schedule}'s value at each step. */
  protected Optimizer(LearningRateSchedule schedule) {
    if (schedule == null) {
      throw new IllegalArgumentException("the learning-rate schedule must not be null");
    }
    this.schedule = schedule;
    this.learningRate = Double.NaN;
  }

  /** Keras's name, e.g. {@code adam}. */
  public abstract String name();

  /**
   * The optimizer's own options by Keras's names, in Keras's order, added to {@code config}
   * after the learning rate and the common options.
   */
  protected abstract void addOptions(Map<String, Object> config);

  /**
   * The options, for logs and saved models (Keras's {@code get_config}): {@code learning_rate}
   * (a number, or the schedule as Keras serialises it), the common options that are set
   * ({@code weight_decay}, {@code clipnorm}, {@code global_clipnorm}, {@code clipvalue}), then the
   * optimizer's own. {@link #fromConfig} makes the same optimizer from it.
   */
  public final Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("learning_rate", schedule == null ? (Object) learningRate : schedule.serialize());
    putIfSet(config, "weight_decay", weightDecay);
    putIfSet(config, "clipnorm", clipnorm);
    putIfSet(config, "global_clipnorm", globalClipnorm);
    putIfSet(config, "clipvalue", clipvalue);
    addOptions(config);
    return config;
  }

  private static void putIfSet(Map<String, Object> config, String key, Double value) {
    if (value != null) {
      config.put(key, value);
    }
  }

  /**
   * The learning rate of the next step: the number, or the schedule's value at the steps taken
   * (Keras's {@code optimizer.learning_rate}; the step itself computes a schedule's value in
   * float32).
   */
  public final double learningRate() {
    return schedule == null ? learningRate : schedule.valueAt(iterations.getAsLong());
  }

  /** The learning-rate schedule, or null when the rate is a number. */
  public final LearningRateSchedule schedule() {
    return schedule;
  }

  /**
   * Changes the learning rate from the next batch on (what {@link LearningRateScheduler} does).
   *
   * @throws IllegalStateException if the rate comes from a {@link LearningRateSchedule}, as
   *     Keras refuses to set it
   */
  public final void setLearningRate(double learningRate) {
    if (schedule != null) {
      throw new IllegalStateException("This optimizer was created with a LearningRateSchedule ("
          + schedule.className() + ") as its learning rate, hence its learning rate is not "
          + "settable (a LearningRateScheduler callback or setLearningRate cannot drive it). If "
          + "you need the learning rate to be settable, create the optimizer with a number as "
          + "its learning rate.");
    }
    if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be at least 0, got " + learningRate);
    }
    this.learningRate = learningRate;
  }

  /** Keras's {@code weight_decay}, or null. */
  public final Double weightDecay() {
    return weightDecay;
  }

  /**
   * Keras's {@code weight_decay} (every optimizer has it): before each update, every trainable
   * weight but those {@link #excludeFromWeightDecay} names becomes {@code w - w * decay * lr}.
   * Null for none. Before compile.
   */
  public final Optimizer weightDecay(Double decay) {
    requireNotBuilt("weight_decay");
    this.weightDecay = finite("weight_decay", decay);
    return this;
  }

  /** Keras's {@code clipnorm}, or null. */
  public final Double clipnorm() {
    return clipnorm;
  }

  /**
   * Keras's {@code clipnorm}: each weight's gradient scaled down to an L2 norm of at most
   * {@code norm} (none if null or not positive). Before compile; at most one clipping option.
   */
  public final Optimizer clipnorm(Double norm) {
    requireNotBuilt("clipnorm");
    this.clipnorm = finite("clipnorm", norm);
    requireOneClip();
    return this;
  }

  /** Keras's {@code clipvalue}, or null. */
  public final Double clipvalue() {
    return clipvalue;
  }

  /**
   * Keras's {@code clipvalue}: each gradient value clipped to {@code [-value, value]} (none if
   * null or not positive). Before compile; at most one clipping option.
   */
  public final Optimizer clipvalue(Double value) {
    requireNotBuilt("clipvalue");
    this.clipvalue = finite("clipvalue", value);
    requireOneClip();
    return this;
  }

  /** Keras's {@code global_clipnorm}, or null. */
  public final Double globalClipnorm() {
    return globalClipnorm;
  }

  /**
   * Keras's {@code global_clipnorm}: all gradients scaled together so that the L2 norm of all of
   * them is at most {@code norm} (none if null or not positive). Before compile; at most one
   * clipping option.
   */
  public final Optimizer globalClipnorm(Double norm) {
    requireNotBuilt("global_clipnorm");
    this.globalClipnorm = finite("global_clipnorm", norm);
    requireOneClip();
    return this;
  }

  /**
   * Keras's {@code exclude_from_weight_decay(var_names=...)}: a weight whose name contains one of
   * these regular expressions (Keras's {@code re.search}; {@code "bias"} excludes every bias) is
   * not decayed. Saved with the model (Keras keeps it out of its config). Before compile.
   */
  public final Optimizer excludeFromWeightDecay(String... varNames) {
    requireNotBuilt("exclude_from_weight_decay");
    List<String> names = List.of(varNames);
    this.excludePattern = names.isEmpty() ? null
        : Pattern.compile(String.join("|", new java.util.LinkedHashSet<>(names)));
    this.excludeFromWeightDecay = names;
    return this;
  }

  /** The names {@link #excludeFromWeightDecay} gave (empty if none). */
  public final List<String> excludedFromWeightDecay() {
    return excludeFromWeightDecay;
  }

  private static Double finite(String option, Double value) {
    if (value != null && !Double.isFinite(value)) {
      throw new IllegalArgumentException(option + " must be a finite number, got " + value);
    }
    return value;
  }

  private void requireOneClip() {
    int set = (clipnorm != null ? 1 : 0) + (clipvalue != null ? 1 : 0)
        + (globalClipnorm != null ? 1 : 0);
    if (set > 1) {
      throw new IllegalArgumentException("Only one of clipnorm, clipvalue and global_clipnorm "
          + "can be set. Received: clipnorm=" + none(clipnorm) + ", clipvalue="
          + none(clipvalue) + ", global_clipnorm=" + none(globalClipnorm));
    }
  }

  private static String none(Double value) {
    return value == null ? "None" : value.toString();
  }

  protected final void requireNotBuilt(String option) {
    if (built) {
      throw new IllegalStateException("Set " + option + " before compile: this " + name()
          + " optimizer already updates a model");
    }
  }

  /** Creates an optimizer's per-weight state and reads or updates variables. */
  public interface Slots {
    /** A new variable shaped like the weight, every value {@code initial}; its current value. */
    Operand<TFloat32> create(String name, float initial);

    /** A new variable of its own shape (Adafactor's factored moments); its current value. */
    Operand<TFloat32> create(String name, Shape shape, float initial);

    /**
     * An optimizer-wide float32 scalar (Nadam's {@code u_product}), created once for all weights
     * and set once a step to {@code next} of its value, before the weights' updates read it.
     *
     * @return the value it is set to this step
     */
    Operand<TFloat32> shared(String name, float initial,
        UnaryOperator<Operand<TFloat32>> next);

    /** Sets the slot {@code create} returned (by its read) to {@code value}. */
    Op assign(Operand<TFloat32> slotRead, Operand<TFloat32> value);
  }

  /**
   * Builds the update of one weight.
   *
   * @param tf the graph builder
   * @param slots the weight's optimizer state
   * @param weight the weight's current value (decayed, with {@link #weightDecay})
   * @param gradient the loss's gradient with respect to it (clipped), and its square as Keras
   *     squares it
   * @param lr the learning rate
   * @param step Keras's {@code iterations + 1}, as float
   * @return the weight's new value (the caller assigns it) and the slot updates
   */
  protected abstract Update update(Ops tf, Slots slots, Operand<TFloat32> weight,
      Gradient gradient, Operand<TFloat32> lr, Operand<TFloat32> step);

  /**
   * A weight's gradient as Keras's optimizers see it. Usually one tensor; for a weight whose rows
   * were looked up (an {@code Embedding}'s), Keras's TensorFlow backend keeps one slice per
   * looked-up index (IndexedSlices), and element-wise ops such as {@code ops.square} or
   * {@code ops.abs} apply slice by slice before the slices are added up per index: an index
   * looked up twice adds the squares of its two slices, not the square of their sum.
   */
  public static final class Gradient {
    private final Ops tf;
    private final Operand<TFloat32> value;
    /** Sums {@code f} of each slice into the weight's shape; null for a dense gradient. */
    private final Function<UnaryOperator<Operand<TFloat32>>, Operand<TFloat32>> slices;
    private Operand<TFloat32> squared;

    private Gradient(Ops tf, Operand<TFloat32> value,
        Function<UnaryOperator<Operand<TFloat32>>, Operand<TFloat32>> slices) {
      this.tf = tf;
      this.value = value;
      this.slices = slices;
    }

    /** A gradient held as one tensor. */
    public static Gradient dense(Ops tf, Operand<TFloat32> value) {
      return new Gradient(tf, value, null);
    }

    /**
     * A gradient of slices.
     *
     * @param value the sum of the slices, shaped as the weight
     * @param sumOfSlices {@code f} applied to each slice, the results added up per index into
     *     the weight's shape
     */
    public static Gradient ofSlices(Ops tf, Operand<TFloat32> value,
        Function<UnaryOperator<Operand<TFloat32>>, Operand<TFloat32>> sumOfSlices) {
      return new Gradient(tf, value, sumOfSlices);
    }

    /** The gradient, shaped as the weight (slices added up). */
    public Operand<TFloat32> value() {
      return value;
    }

    /** Keras's {@code ops.square(gradient)}, added up per index for slices. */
    public Operand<TFloat32> squared() {
      if (squared == null) {
        squared = elementwise(tf.math::square);
      }
      return squared;
    }

    /** Keras's element-wise {@code f(gradient)} (slice by slice for slices, then added up). */
    public Operand<TFloat32> elementwise(UnaryOperator<Operand<TFloat32>> f) {
      return slices == null ? f.apply(value) : slices.apply(f);
    }

    /** Whether Keras holds it as slices. */
    public boolean sliced() {
      return slices != null;
    }

    /** {@code f} applied element-wise, slice by slice for slices (Keras's ops on IndexedSlices). */
    Gradient map(UnaryOperator<Operand<TFloat32>> f) {
      if (slices == null) {
        return dense(tf, f.apply(value));
      }
      return new Gradient(tf, slices.apply(f), g -> slices.apply(x -> g.apply(f.apply(x))));
    }
  }

  /** A weight's new value and the ops that update its slots. */
  public record Update(Operand<TFloat32> newValue, List<Op> slotUpdates) {}

  /**
   * Builds one weight's update; for the runtime, which calls {@link #clipGradients} and
   * {@link #decay} first. The optimizer's common options cannot change after this.
   */
  public final Update buildUpdate(Ops tf, Slots slots, Operand<TFloat32> weight,
      Gradient gradient, Operand<TFloat32> lr, Operand<TFloat32> step) {
    built = true;
    return update(tf, slots, weight, gradient, lr, step);
  }

  /**
   * For the runtime, at compile: where {@link #learningRate()} reads the steps taken for a
   * schedule's rate.
   */
  public final void attach(LongSupplier iterations) {
    built = true;
    this.iterations = iterations;
  }

  /**
   * Keras's {@code _clip_gradients}: the gradients (null for a weight the loss does not reach)
   * clipped by {@link #clipnorm}, {@link #globalClipnorm} or {@link #clipvalue}; for the
   * runtime.
   */
  public final List<Gradient> clipGradients(Ops tf, List<Gradient> gradients) {
    List<Gradient> clipped = new ArrayList<>(gradients);
    if (clipnorm != null && clipnorm > 0) {
      Operand<TFloat32> norm = c(tf, clipnorm);
      for (int i = 0; i < clipped.size(); i++) {
        Gradient g = clipped.get(i);
        if (g != null) {
          // tf.clip_by_norm, on the slices' values for slices.
          Operand<TFloat32> sum = tf.reduceSum(g.squared(), allAxes(tf, g.squared()));
          Operand<org.tensorflow.types.TBool> positive = tf.math.greater(sum, c(tf, 0));
          Operand<TFloat32> safe = tf.select(positive, sum, tf.onesLike(sum));
          Operand<TFloat32> l2norm = tf.select(positive, tf.math.sqrt(safe), sum);
          Operand<TFloat32> divisor = tf.math.maximum(l2norm, norm);
          clipped.set(i, g.map(x -> tf.math.div(tf.math.mul(x, norm), divisor)));
        }
      }
    } else if (globalClipnorm != null && globalClipnorm > 0) {
      List<Operand<TFloat32>> norms = new ArrayList<>();
      for (Gradient g : clipped) {
        if (g != null) {
          norms.add(tf.reduceSum(g.squared(), allAxes(tf, g.squared())));
        }
      }
      if (!norms.isEmpty()) {
        Operand<TFloat32> use = tf.math.sqrt(tf.reduceSum(tf.stack(norms), tf.constant(0)));
        Operand<TFloat32> scaleFinite = tf.math.mul(c(tf, globalClipnorm), tf.math.minimum(
            tf.math.div(c(tf, 1), use), c(tf, 1.0 / globalClipnorm)));
        // NaN for an infinite or NaN norm, as Keras.
        Operand<TFloat32> scale = tf.math.add(scaleFinite, tf.math.sub(use, use));
        for (int i = 0; i < clipped.size(); i++) {
          Gradient g = clipped.get(i);
          if (g != null) {
            // Keras multiplies slices by a tensor, which makes them one dense tensor.
            clipped.set(i, Gradient.dense(tf, tf.math.mul(g.value(), scale)));
          }
        }
      }
    } else if (clipvalue != null && clipvalue > 0) {
      Operand<TFloat32> high = c(tf, clipvalue);
      Operand<TFloat32> low = c(tf, -clipvalue);
      for (int i = 0; i < clipped.size(); i++) {
        Gradient g = clipped.get(i);
        if (g != null) {
          clipped.set(i, g.map(x -> tf.clipByValue(x, low, high)));
        }
      }
    }
    return clipped;
  }

  private static Operand<org.tensorflow.types.TInt32> allAxes(Ops tf, Operand<?> x) {
    return tf.range(tf.constant(0), tf.rank(x), tf.constant(1));
  }

  /**
   * Keras's {@code _apply_weight_decay} of one weight: {@code w - w * weight_decay * lr}, or
   * {@code w} without weight decay or for a weight {@link #excludeFromWeightDecay} names; for the
   * runtime.
   */
  public final Operand<TFloat32> decay(Ops tf, String weightName, Operand<TFloat32> weight,
      Operand<TFloat32> lr) {
    if (weightDecay == null || (excludePattern != null
        && excludePattern.matcher(weightName).find())) {
      return weight;
    }
    return tf.math.sub(weight, tf.math.mul(tf.math.mul(weight, c(tf, weightDecay)), lr));
  }

  /** Each optimizer's Keras name (lower case) and how it is made from its options. */
  private static final Map<String, Function<Options, Optimizer>> TABLE = table();

  private static Map<String, Function<Options, Optimizer>> table() {
    Map<String, Function<Options, Optimizer>> table = new LinkedHashMap<>();
    table.put("sgd", o -> o.rate(0.01, rate -> new Sgd(rate, o.number("momentum", 0.0),
        o.flag("nesterov", false)), schedule -> new Sgd(schedule, o.number("momentum", 0.0),
        o.flag("nesterov", false))));
    table.put("adam", o -> {
      double b1 = o.number("beta_1", 0.9);
      double b2 = o.number("beta_2", 0.999);
      double eps = o.number("epsilon", 1e-7);
      boolean ams = o.flag("amsgrad", false);
      return o.rate(0.001, rate -> new Adam(rate, b1, b2, eps, ams),
          schedule -> new Adam(schedule, b1, b2, eps, ams));
    });
    table.put("adamw", o -> {
      double decay = o.number("weight_decay", 0.004);
      double b1 = o.number("beta_1", 0.9);
      double b2 = o.number("beta_2", 0.999);
      double eps = o.number("epsilon", 1e-7);
      boolean ams = o.flag("amsgrad", false);
      return o.rate(0.001, rate -> new AdamW(rate, decay, b1, b2, eps, ams),
          schedule -> new AdamW(schedule, decay, b1, b2, eps, ams));
    });
    table.put("rmsprop", o -> {
      double rho = o.number("rho", 0.9);
      double momentum = o.number("momentum", 0.0);
      double eps = o.number("epsilon", 1e-7);
      boolean centered = o.flag("centered", false);
      return o.rate(0.001, rate -> new RmsProp(rate, rho, momentum, eps, centered),
          schedule -> new RmsProp(schedule, rho, momentum, eps, centered));
    });
    table.put("adagrad", o -> {
      double initial = o.number("initial_accumulator_value", 0.1);
      double eps = o.number("epsilon", 1e-7);
      return o.rate(0.001, rate -> new Adagrad(rate, initial, eps),
          schedule -> new Adagrad(schedule, initial, eps));
    });
    table.put("nadam", o -> {
      double b1 = o.number("beta_1", 0.9);
      double b2 = o.number("beta_2", 0.999);
      double eps = o.number("epsilon", 1e-7);
      return o.rate(0.001, rate -> new Nadam(rate, b1, b2, eps),
          schedule -> new Nadam(schedule, b1, b2, eps));
    });
    table.put("adamax", o -> {
      double b1 = o.number("beta_1", 0.9);
      double b2 = o.number("beta_2", 0.999);
      double eps = o.number("epsilon", 1e-7);
      return o.rate(0.001, rate -> new Adamax(rate, b1, b2, eps),
          schedule -> new Adamax(schedule, b1, b2, eps));
    });
    table.put("adadelta", o -> {
      double rho = o.number("rho", 0.95);
      double eps = o.number("epsilon", 1e-7);
      return o.rate(0.001, rate -> new Adadelta(rate, rho, eps),
          schedule -> new Adadelta(schedule, rho, eps));
    });
    table.put("ftrl", o -> {
      Ftrl.Options f = new Ftrl.Options(o.number("learning_rate_power", -0.5),
          o.number("initial_accumulator_value", 0.1),
          o.number("l1_regularization_strength", 0.0),
          o.number("l2_regularization_strength", 0.0),
          o.number("l2_shrinkage_regularization_strength", 0.0), o.number("beta", 0.0));
      return o.rate(0.001, rate -> new Ftrl(rate, f), schedule -> new Ftrl(schedule, f));
    });
    table.put("lion", o -> {
      double b1 = o.number("beta_1", 0.9);
      double b2 = o.number("beta_2", 0.99);
      return o.rate(0.001, rate -> new Lion(rate, b1, b2), schedule -> new Lion(schedule, b1,
          b2));
    });
    table.put("lamb", o -> {
      double b1 = o.number("beta_1", 0.9);
      double b2 = o.number("beta_2", 0.999);
      double eps = o.number("epsilon", 1e-7);
      return o.rate(0.001, rate -> new Lamb(rate, b1, b2, eps),
          schedule -> new Lamb(schedule, b1, b2, eps));
    });
    table.put("adafactor", o -> {
      Adafactor.Options a = new Adafactor.Options(o.number("beta_2_decay", -0.8),
          o.number("epsilon_1", 1e-30), o.number("epsilon_2", 1e-3),
          o.number("clip_threshold", 1.0), o.flag("relative_step", true));
      return o.rate(0.001, rate -> new Adafactor(rate, a),
          schedule -> new Adafactor(schedule, a));
    });
    return java.util.Collections.unmodifiableMap(table);
  }

  /** Keras's names of the optimizers Lamina has, lower case: {@code sgd}, {@code adam}, ... */
  public static List<String> names() {
    return List.copyOf(TABLE.keySet());
  }

  /**
   * An optimizer by Keras's name with its default options: {@code sgd}, {@code adam},
   * {@code adamw}, {@code rmsprop}, {@code adagrad}, {@code nadam}, {@code adamax},
   * {@code adadelta}, {@code ftrl}, {@code lion}, {@code lamb}, {@code adafactor}.
   *
   * @throws IllegalArgumentException naming the known ones
   */
  public static Optimizer get(String name) {
    return fromConfig(name, Map.of());
  }

  /**
   * Keras's {@code optimizers.deserialize}: an optimizer by name (any case: {@code Adam},
   * {@code adam}) and options by Keras's names, Keras's defaults for those missing, as
   * {@link #config()} or Keras's {@code get_config} write them. {@code learning_rate} is a
   * number or a serialized {@link LearningRateSchedule}.
   *
   * @throws IllegalArgumentException for an unknown name, an option the optimizer does not
   *     have, a value of the wrong type, or an option Lamina does not support ({@code use_ema},
   *     {@code gradient_accumulation_steps}, {@code loss_scale_factor}, ... at values other than
   *     their defaults)
   */
  public static Optimizer fromConfig(String name, Map<String, ?> config) {
    var make = TABLE.get(name.toLowerCase(Locale.ROOT));
    if (make == null) {
      throw new IllegalArgumentException("Unknown optimizer '" + name + "'; Lamina knows "
          + TABLE.keySet());
    }
    Options options = new Options(name, config);
    Optimizer optimizer = make.apply(options);
    // Keras's options of every optimizer.
    options.ignore("name", "ema_momentum");
    if (!(optimizer instanceof AdamW)) {
      optimizer.weightDecay(options.optionalNumber("weight_decay"));
    }
    optimizer.clipnorm(options.optionalNumber("clipnorm"));
    optimizer.clipvalue(options.optionalNumber("clipvalue"));
    optimizer.globalClipnorm(options.optionalNumber("global_clipnorm"));
    for (String key : List.of("ema_overwrite_frequency", "loss_scale_factor",
        "gradient_accumulation_steps")) {
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
    private final java.util.Set<String> read = new java.util.LinkedHashSet<>();

    Options(String optimizer, Map<String, ?> values) {
      this.optimizer = optimizer;
      this.values = values;
    }

    /** The optimizer made with a number or a schedule as its learning rate. */
    Optimizer rate(double fallback, Function<Double, Optimizer> withRate,
        Function<LearningRateSchedule, Optimizer> withSchedule) {
      read.add("learning_rate");
      Object value = values.get("learning_rate");
      if (value instanceof Map<?, ?> serialized) {
        @SuppressWarnings("unchecked")
        Map<String, ?> map = (Map<String, ?>) serialized;
        LearningRateSchedule schedule;
        try {
          schedule = LearningRateSchedule.deserialize(map);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(optimizer + " option learning_rate: "
              + e.getMessage(), e);
        }
        return withSchedule.apply(schedule);
      }
      return withRate.apply(number("learning_rate", fallback));
    }

    double number(String key, double fallback) {
      Double value = optionalNumber(key);
      return value == null ? fallback : value;
    }

    Double optionalNumber(String key) {
      read.add(key);
      Object value = values.get(key);
      if (value == null) {
        return null;
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
