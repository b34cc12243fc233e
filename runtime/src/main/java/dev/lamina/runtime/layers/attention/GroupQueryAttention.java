package dev.lamina.runtime.layers.attention;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code GroupQueryAttention(head_dim, num_query_heads, num_key_value_heads,
 * dropout=0.0, use_bias=True, sliding_window=None, flash_attention=None, ..., use_gate=False,
 * seed=None)} (Python class {@code GroupedQueryAttention}): grouped-query attention (Ainslie et
 * al., 2023). The query is projected to {@code num_query_heads} heads of {@code head_dim}, the key
 * and value to {@code num_key_value_heads} heads, which are repeated ({@code ops.repeat}, each
 * head {@code num_query_heads / num_key_value_heads} times in a row) to the query's heads; each
 * query step attends to the key steps through {@code softmax(q · k / sqrt(head_dim))}; the heads'
 * weighted values are projected back to the query's features. One key/value head is multi-query
 * attention; as many as query heads, multi-head attention.
 *
 * <p>Inputs, in order: {@code query} {@code (batch, T, dim)}, {@code value} {@code (batch, S,
 * dim_v)}, optionally {@code key} {@code (batch, S, dim_k)} (the value by default) and {@code
 * attention_mask} {@code (batch, T, S)} (bool, or numbers: true where not 0; it broadcasts as
 * Keras's does). Outputs: {@code (batch, T, dim)}, and with {@code returnAttentionScores} the
 * scores {@code (batch, num_query_heads, T, S)}.
 *
 * <p>Masks as {@link MultiHeadAttention}'s (Keras's {@code _compute_attention_mask}): the query's,
 * value's and key's Keras masks, the attention mask, with {@code useCausalMask} the causal mask
 * and with {@code slidingWindow} the band {@code |t - s| < sliding_window}, combined with a
 * logical and; the output carries the query's mask. As in Keras, a query step that may attend
 * nowhere gets the value's mean on Keras's fused path (no dropout, no scores output) and zeros
 * otherwise.
 *
 * <p>Weights, in Keras's order and layout (its {@code EinsumDense} sublayers): {@code
 * query/kernel (dim, num_query_heads, head_dim)}, {@code query/bias (num_query_heads, head_dim)},
 * {@code key/kernel (dim_k, num_key_value_heads, head_dim)}, {@code key/bias}, with {@code
 * use_gate} {@code gate/kernel} and {@code gate/bias} (shaped as the query's: the sigmoid gate
 * multiplies the heads' output), {@code value/kernel (dim_v, num_key_value_heads, head_dim)},
 * {@code value/bias}, {@code attention_output/kernel (num_query_heads, head_dim, dim)}, {@code
 * attention_output/bias (dim)}; no biases without {@code use_bias}. Dropout of the attention
 * probabilities applies in {@code fit} only, from the call's seed stream ({@code seed}: Keras's
 * {@code [seed, step]}). {@code flash_attention=True} is refused, as Keras's TensorFlow backend
 * refuses it. {@code use_causal_mask} and {@code return_attention_scores}, Keras's call
 * arguments, are options of the layer here.
 */
public final class GroupQueryAttention extends QueryValueAttention {

  private final Builder options;
  private final int repeats;

  // Fixed by the first apply, as Keras's build.
  private long queryDim = -1;
  private long keyInputDim;
  private long valueInputDim;

  private GroupQueryAttention(Builder b) {
    super(b.name);
    this.options = b.copy();
    check(b.headDim >= 1, "head_dim must be at least 1, got " + b.headDim);
    check(b.numQueryHeads >= 1, "num_query_heads must be at least 1, got " + b.numQueryHeads);
    check(b.numKeyValueHeads >= 1, "num_key_value_heads must be at least 1, got "
        + b.numKeyValueHeads);
    check(b.numQueryHeads % b.numKeyValueHeads == 0, "num_query_heads must be divisible by "
        + "num_key_value_heads, got " + b.numQueryHeads + " and " + b.numKeyValueHeads);
    check(b.dropout >= 0 && b.dropout < 1, "dropout must be in [0, 1), got " + b.dropout);
    check(b.slidingWindow == null || b.slidingWindow > 0, "sliding_window must be null or a "
        + "positive integer, got " + b.slidingWindow);
    check(b.flashAttention == null || !b.flashAttention, "flash_attention=True is not "
        + "supported (Keras's TensorFlow backend refuses it too); use null or false");
    this.repeats = b.numQueryHeads / b.numKeyValueHeads;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("GroupQueryAttention " + message);
    }
  }

  /** {@code GroupQueryAttention(head_dim, num_query_heads, num_key_value_heads)}. */
  public GroupQueryAttention(int headDim, int numQueryHeads, int numKeyValueHeads) {
    this(builder(headDim, numQueryHeads, numKeyValueHeads));
  }

  /** All of Keras's options. */
  public static Builder builder(int headDim, int numQueryHeads, int numKeyValueHeads) {
    return new Builder(headDim, numQueryHeads, numKeyValueHeads);
  }

  public int headDim() {
    return options.headDim;
  }

  public int numQueryHeads() {
    return options.numQueryHeads;
  }

  public int numKeyValueHeads() {
    return options.numKeyValueHeads;
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("head_dim", options.headDim);
    arguments.put("num_query_heads", options.numQueryHeads);
    arguments.put("num_key_value_heads", options.numKeyValueHeads);
    arguments.put("use_bias", options.useBias);
    arguments.put("use_gate", options.useGate);
    arguments.put("sliding_window", options.slidingWindow);
    arguments.put("dropout", options.dropout);
    if (options.useCausalMask) {
      arguments.put("use_causal_mask", true);
    }
    if (options.returnAttentionScores) {
      arguments.put("return_attention_scores", true);
    }
    return arguments;
  }

  /**
   * What a saved model keeps: Keras's {@code get_config} keys (the initializers, regularizers
   * and constraints that are set and that Keras can name, the seed) and the call options {@code
   * use_causal_mask} and {@code return_attention_scores}.
   */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>(arguments());
    config.put("use_causal_mask", options.useCausalMask);
    config.put("return_attention_scores", options.returnAttentionScores);
    Layers.putInitializer(config, "kernel_initializer", options.kernelInitializer);
    Layers.putInitializer(config, "bias_initializer", biasInitializer());
    Layers.putRegularizer(config, "kernel_regularizer", options.kernelRegularizer);
    Layers.putRegularizer(config, "bias_regularizer", options.biasRegularizer);
    Layers.putConstraint(config, "kernel_constraint", options.kernelConstraint);
    Layers.putConstraint(config, "bias_constraint", options.biasConstraint);
    config.put("seed", options.seed);
    return config;
  }

  private Initializer biasInitializer() {
    return options.biasInitializer != null ? options.biasInitializer : Initializer.zeros();
  }

  /** Keras's call options {@code use_causal_mask} and {@code return_attention_scores}. */
  @Override
  public GroupQueryAttention withCallOptions(Map<String, Object> callOptions) {
    AttentionSupport.onlyOptions(this, callOptions,
        List.of("use_causal_mask", "return_attention_scores"));
    Builder copy = options.copy()
        .useCausalMask(AttentionSupport.option(this, callOptions, "use_causal_mask", false))
        .returnAttentionScores(AttentionSupport.option(this, callOptions,
            "return_attention_scores", false));
    return new GroupQueryAttention(copy);
  }

  @Override
  protected synchronized List<OutputSpec<?>> computeOutputs(List<SymbolicTensor<?>> inputs) {
    if (inputs.size() < 2 || inputs.size() > 4) {
      throw new IllegalArgumentException(describe() + " takes 2 to 4 inputs (query, value, "
          + "key, attention_mask), got " + inputs.size());
    }
    SymbolicTensor<?> query = inputs.get(0);
    SymbolicTensor<?> value = inputs.get(1);
    SymbolicTensor<?> key = inputs.size() > 2 ? inputs.get(2) : value;
    String[] names = {"query", "value", "key"};
    SymbolicTensor<?>[] tensors = {query, value, key};
    for (int i = 0; i < 3; i++) {
      Shape shape = tensors[i].shape();
      if (tensors[i].dtype() != TFloat32.class) {
        throw new IllegalArgumentException(describe() + ": the " + names[i] + " must be "
            + "float32, got " + Shapes.dtypeName(tensors[i].dtype()));
      }
      if (shape.isUnknown() || shape.numDimensions() != 3 || shape.get(2) == Shape.UNKNOWN_SIZE) {
        throw new IllegalArgumentException(describe() + ": the " + names[i] + " needs rank 3 "
            + "(batch, steps, features) with known features, got " + Shapes.format(shape));
      }
    }
    long vs = value.shape().get(1);
    long ks = key.shape().get(1);
    if (vs != Shape.UNKNOWN_SIZE && ks != Shape.UNKNOWN_SIZE && vs != ks) {
      throw new IllegalArgumentException(describe() + ": all dimensions of the value and key, "
          + "except the last one, must be equal; got value " + Shapes.format(value.shape())
          + " and key " + Shapes.format(key.shape()));
    }
    if (inputs.size() == 4) {
      SymbolicTensor<?> mask = inputs.get(3);
      if (mask.dtype() != TBool.class && !TNumber.class.isAssignableFrom(mask.dtype())) {
        throw new IllegalArgumentException(describe() + ": the attention_mask must be bool or "
            + "numbers, got " + Shapes.dtypeName(mask.dtype()));
      }
      if (mask.shape().isUnknown() || mask.shape().numDimensions() > 4) {
        throw new IllegalArgumentException(describe() + ": the attention_mask must have rank "
            + "at most 4 (batch, heads, query steps, key steps), got "
            + Shapes.format(mask.shape()));
      }
    }
    long q = query.shape().get(2);
    long k = key.shape().get(2);
    long v = value.shape().get(2);
    if (queryDim < 0) {
      queryDim = q;
      keyInputDim = k;
      valueInputDim = v;
      buildWeights();
    } else if (queryDim != q || keyInputDim != k || valueInputDim != v) {
      throw new IllegalArgumentException(describe() + " was built for query, value and key "
          + "with " + queryDim + ", " + valueInputDim + " and " + keyInputDim + " features, got "
          + Layers.describe(List.of(query, value, key)));
    }
    List<OutputSpec<?>> specs = new ArrayList<>();
    specs.add(Layers.spec(Shape.of(query.shape().get(0), query.shape().get(1), queryDim),
        TFloat32.class));
    if (options.returnAttentionScores) {
      specs.add(Layers.spec(Shape.of(query.shape().get(0), options.numQueryHeads,
          query.shape().get(1), key.shape().get(1)), TFloat32.class));
    }
    return specs;
  }

  private void buildWeights() {
    long seed = options.seed != null ? options.seed : ThreadLocalRandom.current().nextLong();
    int u = options.numQueryHeads;
    int kv = options.numKeyValueHeads;
    int h = options.headDim;
    addProjection("query", Shape.of(queryDim, u, h), Shape.of(u, h), seed, 0);
    addProjection("key", Shape.of(keyInputDim, kv, h), Shape.of(kv, h), seed, 1);
    if (options.useGate) {
      addProjection("gate", Shape.of(queryDim, u, h), Shape.of(u, h), seed, 2);
    }
    addProjection("value", Shape.of(valueInputDim, kv, h), Shape.of(kv, h), seed, 3);
    addProjection("attention_output", Shape.of(u, h, queryDim), Shape.of(queryDim), seed, 4);
  }

  private void addProjection(String name, Shape kernel, Shape bias, long seed, int sublayer) {
    // Keras clones the initializer per sublayer: unseeded ones draw afresh for each.
    Initializer init = options.kernelInitializer != null ? options.kernelInitializer
        : Initializer.glorotUniform(seed + sublayer);
    addWeight(name + "/kernel", kernel, init, true, options.kernelRegularizer,
        options.kernelConstraint);
    if (options.useBias) {
      addWeight(name + "/bias", bias, biasInitializer(), true, options.biasRegularizer,
          options.biasConstraint);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  protected List<Operand<?>> buildOutputs(Ops tf, List<Operand<?>> inputs,
      List<Operand<?>> weightValues, CallContext context) {
    List<Operand<TFloat32>> w = (List<Operand<TFloat32>>) (List<?>) weightValues;
    Operand<TFloat32> query = (Operand<TFloat32>) inputs.get(0);
    Operand<TFloat32> value = (Operand<TFloat32>) inputs.get(1);
    Operand<TFloat32> key = inputs.size() > 2 ? (Operand<TFloat32>) inputs.get(2) : value;
    List<Operand<TBool>> masks = context.inputMasks();
    Operand<TBool> queryMask = masks.get(0);
    Operand<TBool> valueMask = masks.get(1);
    Operand<TBool> keyMask = inputs.size() > 2 ? masks.get(2) : null;
    Operand<TBool> attentionMask = inputs.size() > 3
        ? AttentionSupport.bool(tf, inputs.get(3)) : null;

    boolean causalOnly = options.useCausalMask && queryMask == null && valueMask == null
        && keyMask == null && attentionMask == null && options.slidingWindow == null;
    Operand<TBool> mask = causalOnly ? null : AttentionSupport.attentionMask(tf, query, value,
        queryMask, valueMask, keyMask, attentionMask, options.useCausalMask,
        options.slidingWindow);

    int per = options.useBias ? 2 : 1;
    int at = 0;
    int u = options.numQueryHeads;
    int kv = options.numKeyValueHeads;
    Operand<TFloat32> q = project(tf, query, w.get(at), bias(w, at), u);
    at += per;
    Operand<TFloat32> k = project(tf, key, w.get(at), bias(w, at), kv);
    at += per;
    Operand<TFloat32> gate = null;
    if (options.useGate) {
      gate = tf.math.sigmoid(project(tf, query, w.get(at), bias(w, at), u));
      at += per;
    }
    Operand<TFloat32> v = project(tf, value, w.get(at), bias(w, at), kv);
    at += per;
    k = repeatHeads(tf, k);
    v = repeatHeads(tf, v);

    // (B, T, U, H) -> (B, U, T, H)
    Operand<TInt32> perm = tf.constant(new int[] {0, 2, 1, 3});
    Operand<TFloat32> qt = tf.linalg.transpose(q, perm);
    Operand<TFloat32> kt = tf.linalg.transpose(k, perm);
    Operand<TFloat32> vt = tf.linalg.transpose(v, perm);
    Operand<TFloat32> scale = tf.constant((float) (1.0 / Math.sqrt(options.headDim)));
    boolean fused = !(options.dropout > 0 || options.returnAttentionScores);
    Operand<TFloat32> scores;
    if (fused) {
      // Keras's ops.dot_product_attention: the scale after the product, large negative masking.
      scores = tf.math.mul(tf.train.batchMatMul(qt, kt, TFloat32.class, BatchMatMul.adjY(true)),
          scale);
      Operand<TBool> full = mask != null ? expand(tf, mask)
          : causalOnly ? expand(tf, AttentionSupport.causalMask(tf,
              AttentionSupport.size(tf, q, 1), AttentionSupport.size(tf, k, 1)))
          : null;
      if (full != null) {
        scores = tf.select(full, scores, tf.constant(MultiHeadAttention.FUSED_MASKED));
      }
      scores = tf.nn.softmax(scores);
    } else {
      if (causalOnly) {
        mask = AttentionSupport.causalMask(tf, AttentionSupport.size(tf, q, 1),
            AttentionSupport.size(tf, v, 1));
      }
      scores = tf.train.batchMatMul(tf.math.mul(qt, scale), kt, TFloat32.class,
          BatchMatMul.adjY(true));
      Operand<TBool> full = mask == null ? null : expand(tf, mask);
      if (full != null) {
        scores = tf.select(full, scores, tf.constant(MultiHeadAttention.MASKED));
      }
      scores = tf.nn.softmax(scores);
      if (full != null) {
        scores = tf.select(full, scores, tf.constant(0f));
      }
    }
    Operand<TFloat32> probabilities = scores;
    if (options.dropout > 0 && context.training()) {
      probabilities = AttentionSupport.dropout(tf, scores, options.dropout, options.seed,
          context.seeds());
    }
    Operand<TFloat32> attended = tf.linalg.transpose(
        tf.train.batchMatMul(probabilities, vt, TFloat32.class), perm); // (B, T, U, H)
    if (gate != null) {
      attended = tf.math.mul(attended, gate);
    }
    long units = (long) u * options.headDim;
    Operand<TFloat32> flat = tf.reshape(attended, tf.constant(new long[] {-1, units}));
    Operand<TFloat32> output = tf.linalg.matMul(flat,
        tf.reshape(w.get(at), tf.constant(new long[] {units, queryDim})));
    output = tf.reshape(output, tf.concat(List.of(prefix(tf, query),
        tf.constant(new int[] {Math.toIntExact(queryDim)})), tf.constant(0)));
    if (options.useBias) {
      output = tf.math.add(output, w.get(at + 1));
    }
    return options.returnAttentionScores ? List.of(output, scores) : List.of(output);
  }

  private Operand<TFloat32> bias(List<Operand<TFloat32>> w, int kernel) {
    return options.useBias ? w.get(kernel + 1) : null;
  }

  /** {@code shape(x)[:2]}: the batch and steps. */
  private static Operand<TInt32> prefix(Ops tf, Operand<?> x) {
    return tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {2}));
  }

  /** Keras's {@code EinsumDense("bqm,muh->bquh")}: {@code (B, T, dim) -> (B, T, heads, H)}. */
  private Operand<TFloat32> project(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel,
      Operand<TFloat32> bias, int heads) {
    long in = x.shape().get(2);
    Operand<TFloat32> y = tf.linalg.matMul(tf.reshape(x, tf.constant(new long[] {-1, in})),
        tf.reshape(kernel, tf.constant(new long[] {in, (long) heads * options.headDim})));
    y = tf.reshape(y, tf.concat(List.of(prefix(tf, x),
        tf.constant(new int[] {heads, options.headDim})), tf.constant(0)));
    return bias == null ? y : tf.math.add(y, bias);
  }

  /** Keras's {@code ops.repeat(x, num_repeats, axis=2)}: each key/value head, in a row. */
  private Operand<TFloat32> repeatHeads(Ops tf, Operand<TFloat32> x) {
    if (repeats == 1) {
      return x;
    }
    Operand<TFloat32> tiled = tf.tile(tf.expandDims(x, tf.constant(3)),
        tf.constant(new int[] {1, 1, 1, repeats, 1}));
    return tf.reshape(tiled, tf.concat(List.of(prefix(tf, x),
        tf.constant(new int[] {options.numQueryHeads, options.headDim})), tf.constant(0)));
  }

  /** Keras's mask expansion: axes of size 1 before the query steps up to the scores' rank 4. */
  private Operand<TBool> expand(Ops tf, Operand<TBool> mask) {
    int maskRank = mask.shape().numDimensions();
    if (maskRank < 0) {
      throw new IllegalStateException(describe() + ": a mask of unknown rank");
    }
    Operand<TBool> out = mask;
    for (int i = maskRank; i < 4; i++) {
      out = tf.expandDims(out, tf.constant(-3));
    }
    return out;
  }

  /** Keras's GroupQueryAttention arguments, and its call options. */
  public static final class Builder {
    private final int headDim;
    private final int numQueryHeads;
    private final int numKeyValueHeads;
    private double dropout;
    private boolean useBias = true;
    private Integer slidingWindow;
    private Boolean flashAttention;
    private Initializer kernelInitializer;
    private Initializer biasInitializer;
    private Regularizer kernelRegularizer;
    private Regularizer biasRegularizer;
    private Constraint kernelConstraint;
    private Constraint biasConstraint;
    private boolean useGate;
    private Long seed;
    private boolean useCausalMask;
    private boolean returnAttentionScores;
    private String name;

    private Builder(int headDim, int numQueryHeads, int numKeyValueHeads) {
      this.headDim = headDim;
      this.numQueryHeads = numQueryHeads;
      this.numKeyValueHeads = numKeyValueHeads;
    }

    private Builder copy() {
      Builder b = new Builder(headDim, numQueryHeads, numKeyValueHeads);
      b.dropout = dropout;
      b.useBias = useBias;
      b.slidingWindow = slidingWindow;
      b.flashAttention = flashAttention;
      b.kernelInitializer = kernelInitializer;
      b.biasInitializer = biasInitializer;
      b.kernelRegularizer = kernelRegularizer;
      b.biasRegularizer = biasRegularizer;
      b.kernelConstraint = kernelConstraint;
      b.biasConstraint = biasConstraint;
      b.useGate = useGate;
      b.seed = seed;
      b.useCausalMask = useCausalMask;
      b.returnAttentionScores = returnAttentionScores;
      b.name = name;
      return b;
    }

    /** Keras's {@code dropout} of the attention probabilities, in {@code fit} only; 0. */
    public Builder dropout(double dropout) {
      this.dropout = dropout;
      return this;
    }

    /** Keras's {@code use_bias} of the projections; true. */
    public Builder useBias(boolean useBias) {
      this.useBias = useBias;
      return this;
    }

    /**
     * Keras's {@code sliding_window}: each query step attends only to key steps less than this
     * far from it (a symmetric band; with the causal mask, a causal window); null for all.
     */
    public Builder slidingWindow(Integer slidingWindow) {
      this.slidingWindow = slidingWindow;
      return this;
    }

    /** Keras's {@code flash_attention}: null or false; true is refused (TensorFlow has none). */
    public Builder flashAttention(Boolean flashAttention) {
      this.flashAttention = flashAttention;
      return this;
    }

    /** Keras's {@code kernel_initializer}: Glorot-uniform, drawn afresh for each projection. */
    public Builder kernelInitializer(Initializer initializer) {
      this.kernelInitializer = initializer;
      return this;
    }

    /** Keras's {@code bias_initializer}: zeros. */
    public Builder biasInitializer(Initializer initializer) {
      this.biasInitializer = initializer;
      return this;
    }

    /** Keras's {@code kernel_regularizer}, of each projection's kernel. */
    public Builder kernelRegularizer(Regularizer regularizer) {
      this.kernelRegularizer = regularizer;
      return this;
    }

    /** Keras's {@code bias_regularizer}, of each projection's bias. */
    public Builder biasRegularizer(Regularizer regularizer) {
      this.biasRegularizer = regularizer;
      return this;
    }

    /** Keras's {@code kernel_constraint}, of each projection's kernel. */
    public Builder kernelConstraint(Constraint constraint) {
      this.kernelConstraint = constraint;
      return this;
    }

    /** Keras's {@code bias_constraint}, of each projection's bias. */
    public Builder biasConstraint(Constraint constraint) {
      this.biasConstraint = constraint;
      return this;
    }

    /** Keras's {@code use_gate}: a sigmoid gate projected from the query multiplies the heads. */
    public Builder useGate(boolean useGate) {
      this.useGate = useGate;
      return this;
    }

    /**
     * Keras's {@code seed}: of the dropout (Keras's {@code [seed, step]}) and of the default
     * kernel initializers; without one the dropout follows {@code FitOptions.seed}.
     */
    public Builder seed(Long seed) {
      this.seed = seed;
      return this;
    }

    /** Keras's call argument {@code use_causal_mask}: each step attends to earlier ones only. */
    public Builder useCausalMask(boolean useCausalMask) {
      this.useCausalMask = useCausalMask;
      return this;
    }

    /** Keras's call argument {@code return_attention_scores}: the scores as a second output. */
    public Builder returnAttentionScores(boolean returnAttentionScores) {
      this.returnAttentionScores = returnAttentionScores;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public GroupQueryAttention build() {
      return new GroupQueryAttention(this);
    }
  }
}
