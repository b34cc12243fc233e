package dev.lamina.runtime.layers.core;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TIntegral;

/**
 * Keras's {@code Embedding(input_dim, output_dim, mask_zero=False)}: int32 or int64 indices in
 * {@code [0, input_dim)} become rows of a trainable float32 {@code embeddings} matrix
 * ({@code input_dim × output_dim}); the output has the input's shape plus {@code output_dim}.
 * As Keras's TensorFlow backend ({@code ops.take}), a negative index {@code i} reads row
 * {@code i + input_dim}; an index {@code >= input_dim} fails when the batch runs.
 *
 * <p>With {@code mask_zero} the output carries Keras's mask {@code index != 0}, so that index
 * 0 is padding for the layers after it. The matrix starts uniform in {@code ±0.05} (Keras's
 * default {@code RandomUniform}), drawn from a seed, unless initial values are given. Keras's
 * regularizers of the matrix and of the output and its constraint of the matrix apply in
 * {@code fit} as in Keras.
 */
public final class Embedding extends Layer {

  private final int inputDim;
  private final int outputDim;
  private final boolean maskZero;
  private final Regularizer embeddingsRegularizer;
  private final Regularizer activityRegularizer;
  private final Constraint embeddingsConstraint;

  private Embedding(Builder builder) {
    super(builder.name);
    if (builder.inputDim < 1 || builder.outputDim < 1) {
      throw new IllegalArgumentException("Embedding input_dim and output_dim must be at least "
          + "1, got " + builder.inputDim + " and " + builder.outputDim);
    }
    this.inputDim = builder.inputDim;
    this.outputDim = builder.outputDim;
    this.maskZero = builder.maskZero;
    this.embeddingsRegularizer = builder.embeddingsRegularizer;
    this.activityRegularizer = builder.activityRegularizer;
    this.embeddingsConstraint = builder.embeddingsConstraint;
    if (builder.embeddings != null
        && builder.embeddings.length != (long) inputDim * outputDim) {
      throw new IllegalArgumentException(describe() + ": the initial embeddings need "
          + inputDim + "x" + outputDim + " values, got " + builder.embeddings.length);
    }
    // The matrix's shape does not depend on the input: declared now, as Keras's build does
    // without an input shape, so that its values can be set before the first apply.
    addWeight("embeddings", Shape.of(inputDim, outputDim), builder.embeddings != null
        ? Initializer.of(builder.embeddings) : uniform(builder.seed), true,
        embeddingsRegularizer, embeddingsConstraint);
  }

  /** {@code Embedding(input_dim, output_dim)}. */
  public Embedding(int inputDim, int outputDim) {
    this(builder(inputDim, outputDim));
  }

  /** All of Keras's options. */
  public static Builder builder(int inputDim, int outputDim) {
    return new Builder(inputDim, outputDim);
  }

  /** Keras's {@code RandomUniform(-0.05, 0.05)}, from {@code seed}. */
  static Initializer uniform(long seed) {
    return shape -> {
      SplittableRandom random = new SplittableRandom(seed);
      float[] values = new float[Math.toIntExact(shape.size())];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) random.nextDouble(-0.05, 0.05);
      }
      return values;
    };
  }

  /** Looks up int32 or int64 indices. */
  public <T extends TIntegral> SymbolicTensor<TFloat32> apply(SymbolicTensor<T> indices) {
    return applyTyped(indices);
  }

  /** Keras's {@code input_dim}: how many rows the matrix has. */
  public int inputDim() {
    return inputDim;
  }

  /** Keras's {@code output_dim}: the size of each row. */
  public int outputDim() {
    return outputDim;
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("input_dim", inputDim);
    arguments.put("output_dim", outputDim);
    arguments.put("mask_zero", maskZero);
    return arguments;
  }

  /**
   * What a saved model keeps: the {@link #arguments()}, and Keras's {@code
   * embeddings_regularizer}, {@code activity_regularizer} and {@code embeddings_constraint} as
   * Keras's serialized objects, each one that is set.
   */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>(arguments());
    Layers.putRegularizer(config, "embeddings_regularizer", embeddingsRegularizer);
    Layers.putRegularizer(config, "activity_regularizer", activityRegularizer);
    Layers.putConstraint(config, "embeddings_constraint", embeddingsConstraint);
    return config;
  }

  /** Keras's {@code activity_regularizer}, or {@code null}. */
  @Override
  public Regularizer activityRegularizer() {
    return activityRegularizer;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    SymbolicTensor<?> ids = inputs.get(0);
    if (ids.dtype() != TInt32.class && ids.dtype() != TInt64.class) {
      throw new IllegalArgumentException(describe() + " takes int32 or int64 indices, got "
          + Shapes.dtypeName(ids.dtype()));
    }
    if (ids.shape().isUnknown()) {
      throw new IllegalArgumentException(describe() + " needs indices of known rank");
    }
    long[] in = ids.shape().asArray();
    long[] out = java.util.Arrays.copyOf(in, in.length + 1);
    out[in.length] = outputDim;
    return Layers.spec(Shape.of(out), TFloat32.class);
  }

  /** Keras's {@code compute_mask}: {@code indices != 0} with {@code mask_zero}, else none. */
  @Override
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    if (!maskZero) {
      return null;
    }
    return (tf, ids, masks) -> notZero(tf, ids.get(0));
  }

  @SuppressWarnings("unchecked")
  private static Operand<org.tensorflow.types.TBool> notZero(Ops tf, Operand<?> ids) {
    Operand<TIntegral> typed = (Operand<TIntegral>) ids;
    return tf.math.notEqual(typed, tf.zerosLike(typed));
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      CallContext context) {
    return lookup(tf, (Operand<TIntegral>) inputs.get(0), weights.get(0), context);
  }

  private <T extends TIntegral> Operand<TFloat32> lookup(Ops tf, Operand<T> ids,
      Operand<TFloat32> embeddings, CallContext context) {
    // Keras's ops.take: a negative index counts from the end.
    Operand<T> size = tf.dtypes.cast(tf.constant(inputDim), ids.type());
    Operand<T> wrapped = tf.select(tf.math.less(ids, tf.zerosLike(ids)), tf.math.add(ids, size),
        ids);
    Operand<TFloat32> rows = tf.gather(embeddings, wrapped, tf.constant(0));
    // Keras's gradient of the lookup is sparse (IndexedSlices), which Adam & co. square per row.
    context.lookedUp(weights().get(0), wrapped, rows);
    return rows;
  }

  /** Keras's Embedding arguments. */
  public static final class Builder {
    private final int inputDim;
    private final int outputDim;
    private boolean maskZero;
    private long seed = ThreadLocalRandom.current().nextLong();
    private float[] embeddings;
    private String name;
    private Regularizer embeddingsRegularizer;
    private Regularizer activityRegularizer;
    private Constraint embeddingsConstraint;

    private Builder(int inputDim, int outputDim) {
      this.inputDim = inputDim;
      this.outputDim = outputDim;
    }

    /** Whether index 0 is padding, masked for the layers after it; false. */
    public Builder maskZero(boolean maskZero) {
      this.maskZero = maskZero;
      return this;
    }

    /** The seed of the uniform initial matrix; random by default, as Keras. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Initial values, row-major ({@code input_dim} rows of {@code output_dim}). */
    public Builder embeddings(float[] embeddings) {
      this.embeddings = embeddings.clone();
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** Keras's {@code embeddings_regularizer}: its penalty of the matrix joins the loss. */
    public Builder embeddingsRegularizer(Regularizer regularizer) {
      this.embeddingsRegularizer = regularizer;
      return this;
    }

    /**
     * Keras's {@code activity_regularizer}: its penalty of the layer's output, divided by the
     * batch size, joins the loss.
     */
    public Builder activityRegularizer(Regularizer regularizer) {
      this.activityRegularizer = regularizer;
      return this;
    }

    /** Keras's {@code embeddings_constraint}: applied to the matrix after each step. */
    public Builder embeddingsConstraint(Constraint constraint) {
      this.embeddingsConstraint = constraint;
      return this;
    }

    public Embedding build() {
      return new Embedding(this);
    }
  }
}
