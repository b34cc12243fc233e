package dev.lamina.runtime.layers.core;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.registry.KerasCall;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TIntegral;

/**
 * Keras's {@code ReversibleEmbedding(input_dim, output_dim, tie_weights=True,
 * embeddings_initializer="uniform", embeddings_regularizer=None, embeddings_constraint=None,
 * mask_zero=False, reverse_dtype=None, logit_soft_cap=None)}: an {@link Embedding} that can also
 * project back from {@code output_dim} to {@code input_dim}, for language models whose output
 * logits reuse the input embeddings.
 *
 * <p>{@link #apply} looks int32 or int64 ids up as {@link Embedding} does (with {@code
 * mask_zero}, the output carries {@code ids != 0}). {@link #reverse} is Keras's {@code
 * layer(x, reverse=True)}: float32 {@code (..., output_dim)} times {@code embeddings}
 * transposed ({@code tie_weights}) or times the separate weight {@code reverse_embeddings
 * (output_dim, input_dim)}, giving {@code (..., input_dim)} logits without a mask; with {@code
 * logit_soft_cap} they are {@code tanh(logits / cap) * cap}. One layer may be called both ways,
 * its weights shared: a call's direction is its input's dtype (integer ids forward, float32
 * reverse), so a forward call on float ids, which Keras casts to int32, is not supported.
 * {@code reverse_dtype} may be null or {@code "float32"} (Lamina computes in float32).
 *
 * <p>Weights, in Keras's order: {@code embeddings (input_dim, output_dim)}, and without {@code
 * tie_weights} {@code reverse_embeddings (output_dim, input_dim)}, both uniform in {@code ±0.05}
 * from the seed by default (Keras's {@code embeddings_initializer} for both). The regularizer and
 * constraint apply to {@code embeddings}, as in Keras.
 */
public final class ReversibleEmbedding extends Layer implements KerasCall {

  private final int inputDim;
  private final int outputDim;
  private final boolean tieWeights;
  private final boolean maskZero;
  private final Double logitSoftCap;
  private final Regularizer embeddingsRegularizer;
  private final Regularizer activityRegularizer;
  private final Constraint embeddingsConstraint;

  private ReversibleEmbedding(Builder b) {
    super(b.name);
    if (b.inputDim < 1 || b.outputDim < 1) {
      throw new IllegalArgumentException("ReversibleEmbedding input_dim and output_dim must be "
          + "at least 1, got " + b.inputDim + " and " + b.outputDim);
    }
    if (b.logitSoftCap != null && !(b.logitSoftCap > 0 && Double.isFinite(b.logitSoftCap))) {
      throw new IllegalArgumentException("ReversibleEmbedding logit_soft_cap must be null or "
          + "positive and finite, got " + b.logitSoftCap);
    }
    if (b.reverseDtype != null && !b.reverseDtype.equals("float32")) {
      throw new IllegalArgumentException("ReversibleEmbedding reverse_dtype must be null or "
          + "float32 (Lamina computes in float32), got " + b.reverseDtype);
    }
    this.inputDim = b.inputDim;
    this.outputDim = b.outputDim;
    this.tieWeights = b.tieWeights;
    this.maskZero = b.maskZero;
    this.logitSoftCap = b.logitSoftCap;
    this.embeddingsRegularizer = b.embeddingsRegularizer;
    this.activityRegularizer = b.activityRegularizer;
    this.embeddingsConstraint = b.embeddingsConstraint;
    // Keras's build adds them without an input shape: declared now.
    addWeight("embeddings", Shape.of(inputDim, outputDim), Embedding.uniform(b.seed), true,
        embeddingsRegularizer, embeddingsConstraint);
    if (!tieWeights) {
      addWeight("reverse_embeddings", Shape.of(outputDim, inputDim),
          Embedding.uniform(b.seed + 1), true, null, null);
    }
  }

  /** {@code ReversibleEmbedding(input_dim, output_dim)}, weights tied. */
  public ReversibleEmbedding(int inputDim, int outputDim) {
    this(builder(inputDim, outputDim));
  }

  /** All of Keras's options. */
  public static Builder builder(int inputDim, int outputDim) {
    return new Builder(inputDim, outputDim);
  }

  /** Keras's {@code layer(ids)}: looks int32 or int64 ids up. */
  public <T extends TIntegral> SymbolicTensor<TFloat32> apply(SymbolicTensor<T> ids) {
    return applyTyped(ids);
  }

  /** Keras's {@code layer(x, reverse=True)}: {@code (..., output_dim)} to logits. */
  public SymbolicTensor<TFloat32> reverse(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  public int inputDim() {
    return inputDim;
  }

  public int outputDim() {
    return outputDim;
  }

  public boolean tieWeights() {
    return tieWeights;
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("input_dim", inputDim);
    arguments.put("output_dim", outputDim);
    arguments.put("mask_zero", maskZero);
    arguments.put("tie_weights", tieWeights);
    arguments.put("reverse_dtype", null);
    arguments.put("logit_soft_cap", logitSoftCap);
    return arguments;
  }

  /** The {@link #arguments()} and the regularizers and constraint that are set. */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>(arguments());
    Layers.putRegularizer(config, "embeddings_regularizer", embeddingsRegularizer);
    Layers.putRegularizer(config, "activity_regularizer", activityRegularizer);
    Layers.putConstraint(config, "embeddings_constraint", embeddingsConstraint);
    return config;
  }

  @Override
  public Regularizer activityRegularizer() {
    return activityRegularizer;
  }

  /**
   * Keras's call option {@code reverse}: taken per call from the input's dtype (float32:
   * reverse), so accepted and the layer itself returned, its weights shared by both calls.
   */
  @Override
  public ReversibleEmbedding withCallOptions(Map<String, Object> callOptions) {
    for (var e : callOptions.entrySet()) {
      if (!e.getKey().equals("reverse")) {
        throw new IllegalArgumentException(describe() + " is called with " + e.getKey()
            + "; its call options: reverse");
      }
      if (!(e.getValue() instanceof Boolean)) {
        throw new IllegalArgumentException(describe() + ": call option reverse must be true or "
            + "false, got " + e.getValue());
      }
    }
    return this;
  }

  /** {@link #withCallOptions}: {@code reverse} differs between a layer's calls. */
  @Override
  public List<String> perCallOptions() {
    return List.of("reverse");
  }

  private static boolean isReverse(SymbolicTensor<?> input) {
    return input.dtype() == TFloat32.class;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    if (x.shape().isUnknown()) {
      throw new IllegalArgumentException(describe() + " needs an input of known rank");
    }
    long[] in = x.shape().asArray();
    if (isReverse(x)) {
      if (in.length < 2 || in[in.length - 1] != outputDim) {
        throw new IllegalArgumentException(describe() + ": reverse takes (..., output_dim = "
            + outputDim + "), got " + Shapes.format(x.shape()));
      }
      long[] out = in.clone();
      out[in.length - 1] = inputDim;
      return Layers.spec(Shape.of(out), TFloat32.class);
    }
    if (x.dtype() != TInt32.class && x.dtype() != TInt64.class) {
      throw new IllegalArgumentException(describe() + " takes int32 or int64 ids, or float32 "
          + "(reverse), got " + Shapes.dtypeName(x.dtype()));
    }
    long[] out = Arrays.copyOf(in, in.length + 1);
    out[in.length] = outputDim;
    return Layers.spec(Shape.of(out), TFloat32.class);
  }

  /** Keras's call sets {@code ids != 0} on the forward output with {@code mask_zero}. */
  @Override
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    if (!maskZero || isReverse(inputs.get(0))) {
      return null;
    }
    return (tf, ids, masks) -> notZero(tf, ids.get(0));
  }

  @SuppressWarnings("unchecked")
  private static Operand<TBool> notZero(Ops tf, Operand<?> ids) {
    Operand<TIntegral> typed = (Operand<TIntegral>) ids;
    return tf.math.notEqual(typed, tf.zerosLike(typed));
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      CallContext context) {
    Operand<?> x = inputs.get(0);
    if (x.type() != TFloat32.class) {
      return lookup(tf, (Operand<TIntegral>) x, weights.get(0), context);
    }
    if (tieWeights) {
      context.readDensely(weights().get(0)); // the lookups' gradient joins a dense one
    }
    Operand<TFloat32> kernel = tieWeights
        ? tf.linalg.transpose(weights.get(0), tf.constant(new int[] {1, 0})) : weights.get(1);
    Operand<TFloat32> flat = tf.reshape((Operand<TFloat32>) x,
        tf.constant(new long[] {-1, outputDim}));
    Operand<TFloat32> logits = tf.linalg.matMul(flat, kernel);
    Operand<TInt32> shape = tf.concat(List.of(
        tf.slice(tf.shape(x), tf.constant(new int[] {0}),
            tf.constant(new int[] {x.shape().numDimensions() - 1})),
        tf.constant(new int[] {inputDim})), tf.constant(0));
    logits = tf.reshape(logits, shape);
    if (logitSoftCap != null) {
      Operand<TFloat32> cap = tf.constant(logitSoftCap.floatValue());
      logits = tf.math.mul(tf.math.tanh(tf.math.div(logits, cap)), cap);
    }
    return logits;
  }

  private <T extends TIntegral> Operand<TFloat32> lookup(Ops tf, Operand<T> ids,
      Operand<TFloat32> embeddings, CallContext context) {
    // Keras's ops.take: a negative id counts from the end.
    Operand<T> size = tf.dtypes.cast(tf.constant(inputDim), ids.type());
    Operand<T> wrapped = tf.select(tf.math.less(ids, tf.zerosLike(ids)), tf.math.add(ids, size),
        ids);
    Operand<TFloat32> rows = tf.gather(embeddings, wrapped, tf.constant(0));
    context.lookedUp(weights().get(0), wrapped, rows);
    return rows;
  }

  /** Keras's ReversibleEmbedding arguments. */
  public static final class Builder {
    private final int inputDim;
    private final int outputDim;
    private boolean tieWeights = true;
    private boolean maskZero;
    private Double logitSoftCap;
    private String reverseDtype;
    private long seed = ThreadLocalRandom.current().nextLong();
    private String name;
    private Regularizer embeddingsRegularizer;
    private Regularizer activityRegularizer;
    private Constraint embeddingsConstraint;

    private Builder(int inputDim, int outputDim) {
      this.inputDim = inputDim;
      this.outputDim = outputDim;
    }

    /** Keras's {@code tie_weights}: reverse with {@code embeddings} transposed; true. */
    public Builder tieWeights(boolean tieWeights) {
      this.tieWeights = tieWeights;
      return this;
    }

    /** Whether id 0 is padding, masked for the layers after the lookup; false. */
    public Builder maskZero(boolean maskZero) {
      this.maskZero = maskZero;
      return this;
    }

    /** Keras's {@code logit_soft_cap}: reverse logits {@code tanh(l / cap) * cap}; null. */
    public Builder logitSoftCap(Double logitSoftCap) {
      this.logitSoftCap = logitSoftCap;
      return this;
    }

    /** Keras's {@code reverse_dtype}: null or {@code "float32"}. */
    public Builder reverseDtype(String reverseDtype) {
      this.reverseDtype = reverseDtype;
      return this;
    }

    /** The seed of the uniform initial matrices; random by default, as Keras. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** Keras's {@code embeddings_regularizer}. */
    public Builder embeddingsRegularizer(Regularizer regularizer) {
      this.embeddingsRegularizer = regularizer;
      return this;
    }

    /** Keras's {@code activity_regularizer}. */
    public Builder activityRegularizer(Regularizer regularizer) {
      this.activityRegularizer = regularizer;
      return this;
    }

    /** Keras's {@code embeddings_constraint}. */
    public Builder embeddingsConstraint(Constraint constraint) {
      this.embeddingsConstraint = constraint;
      return this;
    }

    public ReversibleEmbedding build() {
      return new ReversibleEmbedding(this);
    }
  }
}
