package dev.lamina.runtime;

import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;

/**
 * One weight of a layer, as Keras's {@code add_weight} declares it: a name, a shape, and whether
 * training changes it. The layer owns its values; every model that uses the layer materialises
 * them as a TensorFlow variable, so a layer shared by two models shares its values (train one
 * model, and the other predicts with the trained values).
 *
 * <p>How the values stay in step: a model that trains marks the weight as held by its session;
 * reading the weight, or running another model that uses it, first copies the values back from
 * that session, and a model pushes the values into its own variable whenever they changed since
 * it last did. All of this happens at batch boundaries, under the weight's lock.
 */
public final class Weight {

  /**
   * Counts changes to any weight (new values, or a new holder), so that an executor whose weights
   * all stayed put skips its per-weight check before each run with one read.
   */
  private static final java.util.concurrent.atomic.AtomicLong CHANGES =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * Held for writing while a set of weights takes new values together ({@link #assignAll}: a
   * {@code setWeights} or {@code loadWeights}), and for reading while an executor collects the
   * values it pushes, so that no model ever runs with part of one set and part of another.
   */
  static final ReentrantReadWriteLock ASSIGNMENTS = new ReentrantReadWriteLock();

  private final Layer layer;
  private final String name;
  private final Shape shape;
  private final boolean trainable;
  /** Keras's weight regularizer: its penalty joins the training loss; or {@code null}. */
  private final Regularizer regularizer;
  /** Keras's weight constraint: applied after each optimizer step; or {@code null}. */
  private final Constraint constraint;

  /** Gives the first values, when they are first needed. */
  private Initializer initializer;
  /**
   * The values, row-major; stale while {@link #heldBy} is set; {@code null} until first needed,
   * so that a model being loaded from a file allocates only what the file holds.
   */
  private float[] values;
  /** Counts changes, so a model knows whether its variable is up to date. */
  private long version;
  /** The executor whose variable is newer than {@link #values}, or {@code null}. */
  private Executor heldBy;

  Weight(Layer layer, String name, Shape shape, Initializer initializer, boolean trainable,
      Regularizer regularizer, Constraint constraint) {
    this.layer = layer;
    this.regularizer = regularizer;
    this.constraint = constraint;
    this.name = name;
    this.shape = shape;
    this.trainable = trainable;
    this.initializer = initializer;
    if (shape.isUnknown() || shape.hasUnknownDimension()) {
      throw new IllegalArgumentException(layer.describe() + ": weight '" + name
          + "' needs a fully known shape, got " + Shapes.format(shape));
    }
    Shapes.knownElements(shape.asArray(), () -> layer.describe() + ": weight '" + name + "'",
        Shapes.MAX_WEIGHT_ELEMENTS);
  }

  /** The values, drawn from the initializer the first time. */
  private float[] ensureValues() {
    if (values == null) {
      if (shape.size() > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException(layer.describe() + ": weight '" + name + "' of shape "
            + Shapes.format(shape) + " has " + shape.size() + " values, more than a Java array "
            + "holds");
      }
      float[] first = initializer.values(shape);
      if (first.length != shape.size()) {
        throw new IllegalStateException(layer.describe() + ": the initializer of weight '" + name
            + "' of shape " + Shapes.format(shape) + " gave " + first.length + " values, not "
            + shape.size());
      }
      values = first;
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

  /** float32: the only weight dtype Lamina's layers declare for now. */
  public String dtype() {
    return "float32";
  }

  /** The TensorFlow type of {@link #dtype()}. */
  public Class<? extends org.tensorflow.types.family.TType> dtypeClass() {
    return org.tensorflow.types.TFloat32.class;
  }

  /** A copy of the current values. */
  public FloatNdArray value() {
    float[] copy = values();
    return NdArrays.wrap(shape, DataBuffers.of(copy, true, false));
  }

  /** The current values, row-major, as a fresh array. */
  public float[] values() {
    Executor holder;
    synchronized (this) {
      holder = heldBy;
    }
    if (holder != null) {
      holder.pullWeights();
    }
    synchronized (this) {
      return ensureValues().clone();
    }
  }

  /**
   * Replaces the values (Keras's {@code set_weights} for one weight); every model that uses the
   * layer sees them from its next batch on.
   *
   * @throws IllegalArgumentException if the shape differs
   */
  public void assign(FloatNdArray newValues) {
    assignAll(List.of(this), List.of(rowMajor(newValues)));
  }

  /** Same as {@link #assign(FloatNdArray)}, from row-major values. */
  public void assign(float[] newValues) {
    assignAll(List.of(this), List.of(checked(newValues).clone()));
  }

  /** {@code newValues} as a fresh row-major array, once its shape is checked. */
  float[] rowMajor(FloatNdArray newValues) {
    Objects.requireNonNull(newValues, "newValues");
    if (!newValues.shape().equals(shape)) {
      throw new IllegalArgumentException(layer.describe() + ": weight '" + name + "' has shape "
          + Shapes.format(shape) + ", got values of shape " + Shapes.format(newValues.shape()));
    }
    float[] copy = new float[Math.toIntExact(shape.size())];
    FloatDataBuffer buffer = DataBuffers.of(copy, false, false);
    newValues.copyTo(NdArrays.wrap(shape, buffer));
    return copy;
  }

  private float[] checked(float[] newValues) {
    Objects.requireNonNull(newValues, "newValues");
    if (newValues.length != shape.size()) {
      throw new IllegalArgumentException(layer.describe() + ": weight '" + name + "' has shape "
          + Shapes.format(shape) + " (" + shape.size() + " values), got " + newValues.length
          + " values");
    }
    return newValues;
  }

  /**
   * Gives several weights new values at once: a model that runs meanwhile uses all the old
   * values or all the new ones, never some of each. The arrays are taken, not copied.
   *
   * @throws IllegalArgumentException if a length differs; then nothing changes
   */
  static void assignAll(List<Weight> weights, List<float[]> newValues) {
    for (int i = 0; i < weights.size(); i++) {
      weights.get(i).checked(newValues.get(i));
    }
    ASSIGNMENTS.writeLock().lock();
    try {
      for (int i = 0; i < weights.size(); i++) {
        Weight weight = weights.get(i);
        synchronized (weight) {
          weight.values = newValues.get(i);
          weight.initializer = null;
          weight.heldBy = null;
          weight.version++;
        }
      }
    } finally {
      ASSIGNMENTS.writeLock().unlock();
    }
    CHANGES.incrementAndGet();
  }

  /**
   * The values of {@code weights} as of one moment, with no training step of any model falling
   * between the first and the last, and whatever {@code alongside} reads (an optimizer's slots)
   * from that same moment: what {@code save} writes. Every executor that holds one of the
   * weights, and {@code also} if given, is locked (in one fixed order, so two snapshots cannot
   * deadlock), its values are pulled, and everything is read before any lock is let go.
   */
  static <R> Snapshot<R> snapshot(List<Weight> weights, Executor also, Supplier<R> alongside) {
    while (true) {
      Set<Executor> holders = new LinkedHashSet<>();
      if (also != null) {
        holders.add(also);
      }
      for (Weight weight : weights) {
        Executor holder = weight.heldBy();
        if (holder != null) {
          holders.add(holder);
        }
      }
      List<Executor> ordered = new ArrayList<>(holders);
      ordered.sort(Comparator.comparingLong(Executor::id));
      Snapshot<R> taken = Executor.whileStill(ordered, () -> {
        ordered.forEach(Executor::pullWeights);
        List<float[]> values = new ArrayList<>(weights.size());
        ASSIGNMENTS.readLock().lock();
        try {
          for (Weight weight : weights) {
            synchronized (weight) {
              if (weight.heldBy != null) {
                return null; // a model not locked here began training meanwhile: again
              }
              values.add(weight.ensureValues().clone());
            }
          }
        } finally {
          ASSIGNMENTS.readLock().unlock();
        }
        return new Snapshot<>(values, alongside == null ? null : alongside.get());
      });
      if (taken != null) {
        return taken;
      }
    }
  }

  /** {@link #snapshot} of {@code weights} as fresh arrays of their shapes (get_weights). */
  static List<FloatNdArray> snapshotArrays(List<Weight> weights) {
    List<float[]> snapshot = snapshot(weights, null, null).values();
    List<FloatNdArray> arrays = new ArrayList<>(weights.size());
    for (int i = 0; i < weights.size(); i++) {
      arrays.add(NdArrays.wrap(weights.get(i).shape(),
          DataBuffers.of(snapshot.get(i), true, false)));
    }
    return arrays;
  }

  /**
   * {@link #assignAll} of copies of {@code values}, whose shapes the caller checked
   * (set_weights).
   */
  static void assignAllCopies(List<Weight> weights, List<? extends FloatNdArray> values) {
    List<float[]> copies = new ArrayList<>(weights.size());
    for (int i = 0; i < weights.size(); i++) {
      copies.add(weights.get(i).rowMajor(values.get(i)));
    }
    assignAll(weights, copies);
  }

  /** Weight values, in order, and what was read with them. */
  record Snapshot<R>(List<float[]> values, R alongside) {}

  // --- for executors ---

  synchronized long version() {
    return version;
  }

  synchronized Executor heldBy() {
    return heldBy;
  }

  /** The values as they are here, without asking a holder; for executors that pushed them. */
  synchronized float[] localValues() {
    return ensureValues();
  }

  /** A training step in {@code executor} changed the variable: it now holds the newest values. */
  synchronized long markHeldBy(Executor executor) {
    if (heldBy != executor) {
      heldBy = executor;
      version++;
      CHANGES.incrementAndGet();
    }
    return version;
  }

  /** The number of changes to any weight so far. */
  static long changes() {
    return CHANGES.get();
  }

  /** {@code executor}, the holder, hands back its values; the version stays. */
  synchronized void release(Executor executor, float[] newest) {
    if (heldBy == executor) {
      values = newest;
      heldBy = null;
    }
  }

  @Override
  public String toString() {
    return layer.describe() + "/" + name + " " + Shapes.format(shape)
        + (trainable() ? "" : " (non-trainable)");
  }
}
