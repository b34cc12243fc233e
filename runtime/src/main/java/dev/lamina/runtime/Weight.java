package dev.lamina.runtime;

import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TType;

/**
 * One weight of a layer, as Keras's {@code add_weight} declares it: a name, a shape, a dtype
 * (float32, float64, int32 or int64) and whether training changes it. The layer owns its values;
 * every model that uses the layer materialises them as a TensorFlow variable, so a layer shared
 * by two models shares its values (train one model, and the other predicts with the trained
 * values).
 *
 * <p>How the values stay in step: the values here, with a version that counts their changes,
 * are the layer's state; a weight knows nothing of the models that use it. A model pushes the
 * values into its own variable before a run whenever their version differs from the one it last
 * pushed. A model that trains changes its variables only, and publishes them back here (all of
 * them at once) at the end of each training call, at the epoch and batch boundaries where
 * callbacks can look, and when it is asked for its weights, saved, exported or closed. So a
 * reader sees the values of the last publish, or of the last {@code assign}, never part of one
 * and part of another.
 */
public final class Weight {

  /**
   * Held for writing while weights take new values together (an {@code assign}, a
   * {@code setWeights} or {@code loadWeights}, a model publishing what it trained), and for
   * reading while several weights are read together (an executor collecting the values it
   * pushes, a snapshot for {@code getWeights} or {@code save}): no reader ever sees part of one
   * change and part of another.
   */
  static final ReentrantReadWriteLock ASSIGNMENTS = new ReentrantReadWriteLock();

  private final Layer layer;
  private final String name;
  private final Shape shape;
  private final Class<? extends TType> dtype;
  private final boolean trainable;
  /** Keras's weight regularizer: its penalty joins the training loss; or {@code null}. */
  private final Regularizer regularizer;
  /** Keras's weight constraint: applied after each optimizer step; or {@code null}. */
  private final Constraint constraint;

  /** Gives the first values, when they are first needed; then {@code null}. */
  private Initializer initializer;
  /**
   * The values, dense, row-major; {@code null} until first needed, so that a model being loaded
   * from a file allocates only what the file holds. An array that {@link #current} has handed
   * out is never changed in place, only replaced, so a reader may keep the array it got.
   */
  private TensorData.Dense values;
  /**
   * Whether {@link #values} is an array a publish made and nobody has been handed since: the next
   * publish may then copy into it rather than allocate (a training call per epoch would
   * otherwise allocate every weight anew each time).
   */
  private boolean reusable;
  /** Counts changes, so a model knows whether its variable is up to date; under ASSIGNMENTS. */
  private volatile long version;
  /** How many models are inside a training call that changes this weight (0 or 1). */
  private int trainers;

  Weight(Layer layer, String name, Shape shape, Class<? extends TType> dtype,
      Initializer initializer, boolean trainable, Regularizer regularizer,
      Constraint constraint) {
    this.layer = layer;
    this.regularizer = regularizer;
    this.constraint = constraint;
    this.name = name;
    this.shape = shape;
    this.dtype = dtype;
    this.trainable = trainable;
    this.initializer = initializer;
    TensorData.requireWeightDtype(dtype, layer.describe() + ": weight '" + name + "'");
    if (trainable && dtype != TFloat32.class && dtype != TFloat64.class) {
      throw new IllegalArgumentException(layer.describe() + ": weight '" + name + "' is "
          + Shapes.dtypeName(dtype) + "; a trainable weight must be floating (float32 or "
          + "float64), as in Keras: declare it non-trainable");
    }
    if (shape.isUnknown() || shape.hasUnknownDimension()) {
      throw new IllegalArgumentException(layer.describe() + ": weight '" + name
          + "' needs a fully known shape, got " + Shapes.format(shape));
    }
    Shapes.knownElements(shape.asArray(), () -> layer.describe() + ": weight '" + name + "'",
        Shapes.MAX_WEIGHT_ELEMENTS);
  }

  /** The values, drawn from the initializer the first time. */
  private synchronized TensorData.Dense ensureValues() {
    if (values == null) {
      if (shape.size() > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException(this + " has " + shape.size()
            + " values, more than a Java array holds");
      }
      float[] first = initializer.values(shape);
      if (first.length != shape.size()) {
        throw new IllegalStateException(layer.describe() + ": the initializer of weight '" + name
            + "' of shape " + Shapes.format(shape) + " gave " + first.length + " values, not "
            + shape.size());
      }
      try {
        values = TensorData.fromFloats(dtype, shape, first);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(layer.describe() + ": the initializer of " + dtype()
            + " weight '" + name + "' gave " + e.getMessage(), e);
      }
      initializer = null;
    }
    return values;
  }

  /** The weight's name within its layer, e.g. {@code kernel}. */
  public String name() {
    return name;
  }

  /** The layer the weight belongs to. */
  public Layer layer() {
    return layer;
  }

  /** The weight's shape, e.g. {@code (64, 256)} for a Dense kernel. */
  public Shape shape() {
    return shape;
  }

  /**
   * Whether training updates it (Keras's {@code trainable}): declared trainable, and its layer
   * not frozen ({@link Layer#setTrainable}).
   */
  public boolean trainable() {
    return trainable && layer.isTrainable();
  }

  /** Whether the layer declared it trainable, frozen or not. */
  public boolean declaredTrainable() {
    return trainable;
  }

  /**
   * Keras's {@code regularizer} of {@code add_weight}: {@code fit} adds its penalty of this
   * weight to the loss; {@code null} if none.
   */
  public Regularizer regularizer() {
    return regularizer;
  }

  /**
   * Keras's {@code constraint} of {@code add_weight}: {@code fit} projects the weight with it
   * after each optimizer step; {@code null} if none.
   */
  public Constraint constraint() {
    return constraint;
  }

  /** The dtype by Keras's name: {@code float32}, {@code float64}, {@code int32}, {@code int64}. */
  public String dtype() {
    return Shapes.dtypeName(dtype);
  }

  /** The dtype as TensorFlow Java's type class, e.g. {@code TInt64.class}. */
  public Class<? extends TType> dtypeClass() {
    return dtype;
  }

  /**
   * A copy of the current values, of any dtype: a {@code FloatNdArray} for float32, {@code
   * DoubleNdArray} for float64, {@code IntNdArray} for int32, {@code LongNdArray} for int64.
   */
  public NdArray<?> array() {
    return TensorData.copyOf(dtype, current().array(), this::toString).array();
  }

  /**
   * Replaces the values, of any dtype (Keras's {@code assign}): an NdArray of this weight's
   * dtype and shape ({@code LongNdArray} for int64, ...); every model that uses the layer sees
   * them from its next batch on.
   *
   * @throws IllegalArgumentException if the shape or dtype differs
   */
  public void assign(NdArray<?> newValues) {
    assignAll(List.of(this), List.of(copyChecked(newValues)));
  }

  /**
   * A copy of the current values of a float32 weight.
   *
   * @throws IllegalStateException for a weight of another dtype: use {@link #array()}
   */
  public FloatNdArray value() {
    requireFloat32("value()", "array()");
    return (FloatNdArray) array();
  }

  /**
   * The current values of a float32 weight, row-major, as a fresh array.
   *
   * @throws IllegalStateException for a weight of another dtype: use {@link #array()}
   */
  public float[] values() {
    requireFloat32("values()", "array()");
    FloatDataBuffer buffer = (FloatDataBuffer) current().buffer();
    float[] copy = new float[Math.toIntExact(buffer.size())];
    buffer.read(copy);
    return copy;
  }

  /**
   * Replaces the values of a float32 weight (Keras's {@code set_weights} for one weight); every
   * model that uses the layer sees them from its next batch on.
   *
   * @throws IllegalArgumentException if the shape differs
   * @throws IllegalStateException for a weight of another dtype: use {@link #assign(NdArray)}
   */
  public void assign(FloatNdArray newValues) {
    requireFloat32("assign(FloatNdArray)", "assign(NdArray)");
    assign((NdArray<?>) newValues);
  }

  /** Same as {@link #assign(FloatNdArray)}, from row-major values. */
  public void assign(float[] newValues) {
    requireFloat32("assign(float[])", "assign(NdArray)");
    Objects.requireNonNull(newValues, "newValues");
    if (newValues.length != shape.size()) {
      throw new IllegalArgumentException(layer.describe() + ": weight '" + name + "' has shape "
          + Shapes.format(shape) + " (" + shape.size() + " values), got " + newValues.length
          + " values");
    }
    assignAll(List.of(this), List.of(TensorData.fromFloats(dtype, shape, newValues)));
  }

  private void requireFloat32(String method, String instead) {
    if (dtype != TFloat32.class) {
      throw new IllegalStateException(layer.describe() + ": weight '" + name + "' is "
          + dtype() + "; " + method + " is for float32 weights: use " + instead);
    }
  }

  /** A fresh dense copy of {@code newValues}, once its dtype and shape are checked. */
  TensorData.Dense copyChecked(NdArray<?> newValues) {
    Objects.requireNonNull(newValues, "newValues");
    if (!newValues.shape().equals(shape)) {
      throw new IllegalArgumentException(layer.describe() + ": weight '" + name + "' has shape "
          + Shapes.format(shape) + ", got values of shape " + Shapes.format(newValues.shape()));
    }
    return TensorData.copyOf(dtype, newValues,
        () -> layer.describe() + ": weight '" + name + "'");
  }

  /**
   * Gives several weights new values at once: a model that runs meanwhile uses all the old
   * values or all the new ones, never some of each. The arrays are taken, not copied; the caller
   * checked their dtypes and shapes.
   */
  static void assignAll(List<Weight> weights, List<TensorData.Dense> newValues) {
    ASSIGNMENTS.writeLock().lock();
    try {
      for (int i = 0; i < weights.size(); i++) {
        weights.get(i).replace(newValues.get(i));
      }
    } finally {
      ASSIGNMENTS.writeLock().unlock();
    }
  }

  /** Takes {@code newValues}; under the assignments' write lock. */
  private synchronized long replace(TensorData.Dense newValues) {
    values = newValues;
    reusable = false;
    initializer = null;
    return ++version;
  }

  /**
   * Takes a model's trained values from {@code trained}, a tensor of this weight's dtype and
   * shape; under the assignments' write lock. Copies into the array of the last publish if
   * nobody has been handed it since, else into a new one.
   */
  private synchronized long takeTrained(Tensor trained) {
    if (!reusable) {
      values = TensorData.allocate(dtype, shape, this::toString);
      reusable = true;
    }
    TensorData.copyInto(trained, values);
    initializer = null;
    return ++version;
  }

  /**
   * A model publishes what it trained: each weight whose version is still {@code expected[i]}
   * (the one that model last pushed or published) takes {@code newValues[i]}, all under one write
   * lock; a weight assigned meanwhile keeps the assignment, which the model pushes before its next
   * step. Returns each weight's new version, or -1 where the assignment was kept.
   */
  static long[] publish(List<Weight> weights, List<? extends Tensor> trained, long[] expected) {
    long[] versions = new long[weights.size()];
    ASSIGNMENTS.writeLock().lock();
    try {
      for (int i = 0; i < weights.size(); i++) {
        Weight weight = weights.get(i);
        versions[i] = weight.version == expected[i] ? weight.takeTrained(trained.get(i)) : -1;
      }
    } finally {
      ASSIGNMENTS.writeLock().unlock();
    }
    return versions;
  }

  /**
   * The values of {@code weights} as of one moment, with no assignment or publish falling between
   * the first and the last, and whatever {@code alongside} reads (or {@code null}) at that same
   * moment. The arrays are the weights' own (never changed in place): read, do not write.
   */
  static <R> Snapshot<R> snapshot(List<Weight> weights, Supplier<R> alongside) {
    List<TensorData.Dense> values = new ArrayList<>(weights.size());
    ASSIGNMENTS.readLock().lock();
    try {
      for (Weight weight : weights) {
        values.add(weight.current());
      }
      return new Snapshot<>(values, alongside == null ? null : alongside.get());
    } finally {
      ASSIGNMENTS.readLock().unlock();
    }
  }

  /** {@link #snapshot} of {@code weights} as fresh arrays of their dtypes (get_weights). */
  static List<NdArray<?>> snapshotArrays(List<Weight> weights) {
    List<TensorData.Dense> snapshot = snapshot(weights, null).values();
    List<NdArray<?>> arrays = new ArrayList<>(weights.size());
    for (int i = 0; i < weights.size(); i++) {
      Weight weight = weights.get(i);
      arrays.add(TensorData.copyOf(weight.dtype, snapshot.get(i).array(), weight::toString)
          .array());
    }
    return arrays;
  }

  /**
   * {@link #snapshotArrays} for the float API ({@code getWeights}), which holds float32 arrays
   * only.
   *
   * @throws IllegalStateException naming the first weight of another dtype
   */
  static List<FloatNdArray> snapshotFloatArrays(List<Weight> weights, String method,
      String instead) {
    weights.forEach(weight -> weight.requireFloat32(method, instead));
    List<FloatNdArray> arrays = new ArrayList<>(weights.size());
    snapshotArrays(weights).forEach(array -> arrays.add((FloatNdArray) array));
    return arrays;
  }

  /**
   * {@link #assignAll} of copies of {@code values}, each checked against its weight's dtype and
   * shape first: nothing changes unless all fit (set_weights).
   */
  static void assignAllCopies(List<Weight> weights, List<? extends NdArray<?>> values) {
    List<TensorData.Dense> copies = new ArrayList<>(weights.size());
    for (int i = 0; i < weights.size(); i++) {
      copies.add(weights.get(i).copyChecked(values.get(i)));
    }
    assignAll(weights, copies);
  }

  /** Weight values, in order, and what was read with them. */
  record Snapshot<R>(List<TensorData.Dense> values, R alongside) {}

  // --- for executors ---

  /** The number of changes so far: a volatile read, what an executor checks before each run. */
  long version() {
    return version;
  }

  /**
   * The current values (the weight's own array: read, do not write). Handing it out keeps later
   * publishes from writing into it.
   */
  TensorData.Dense current() {
    TensorData.Dense current;
    synchronized (this) {
      current = values;
      reusable = false;
    }
    return current != null ? current : ensureValues();
  }

  /**
   * A model begins a training call that changes {@code weights}: fails, changing nothing, if
   * another model is inside one that changes any of them.
   *
   * @throws IllegalStateException naming the first such weight
   */
  static void startTraining(List<Weight> weights) {
    for (int i = 0; i < weights.size(); i++) {
      Weight weight = weights.get(i);
      synchronized (weight) {
        if (weight.trainers == 0) {
          weight.trainers++;
          continue;
        }
      }
      endTraining(weights.subList(0, i));
      throw new IllegalStateException(weight + " is being trained by another model at the "
          + "same time; models that share layers train one at a time");
    }
  }

  /** The training call {@link #startTraining} began has ended. */
  static void endTraining(List<Weight> weights) {
    for (Weight weight : weights) {
      synchronized (weight) {
        weight.trainers--;
      }
    }
  }

  @Override
  public String toString() {
    return layer.describe() + "/" + name + " " + Shapes.format(shape)
        + (dtype == TFloat32.class ? "" : " " + dtype())
        + (trainable() ? "" : " (non-trainable)");
  }
}
