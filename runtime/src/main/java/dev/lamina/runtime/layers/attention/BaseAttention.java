package dev.lamina.runtime.layers.attention;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.registry.KerasCall;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras 3's {@code Attention} call, which {@link Attention} and {@link AdditiveAttention} share
 * (Keras's {@code AdditiveAttention} is an {@code Attention} with its own scores): inputs {@code
 * [query (batch, Tq, dim), value (batch, Tv, dim_v)]} or {@code [query, value, key (batch, Tv,
 * dim)]} (the key is the value by default); the output {@code (batch, Tq, dim_v)} is {@code
 * softmax(scores(query, key)) · value}, and with {@code returnAttentionScores} the attention
 * distribution {@code (batch, Tq, Tv)} (after dropout, as Keras returns it) is a second output.
 *
 * <p>Masks, as Keras's: the value's mask {@code (batch, Tv)} (and with {@code useCausalMask} the
 * causal mask) takes 1e9 off the scores it masks before the softmax; the query's mask zeroes the
 * output's masked steps and is the output's mask. The key's mask is ignored, as in Keras.
 * Dropout of the distribution applies in {@code fit} only, from the call's seed stream ({@code
 * seed}: Keras's {@code [seed, step]}). {@code use_causal_mask} and {@code
 * return_attention_scores}, Keras's call arguments, are options of the layer here.
 */
public abstract sealed class BaseAttention extends Layer implements KerasCall
    permits Attention, AdditiveAttention {

  /** Keras's {@code max_value} taken off masked float32 scores. */
  private static final float MASKED = 1e9f;

  private final double dropout;
  private final Long seed;
  private final boolean useCausalMask;
  private final boolean returnAttentionScores;
  private long queryDim = -1; // fixed by the first apply

  BaseAttention(String name, double dropout, Long seed, boolean useCausalMask,
      boolean returnAttentionScores) {
    super(name);
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException(getClass().getSimpleName() + " dropout must be in "
          + "[0, 1), got " + dropout);
    }
    this.dropout = dropout;
    this.seed = seed;
    this.useCausalMask = useCausalMask;
    this.returnAttentionScores = returnAttentionScores;
  }

  /** Keras's {@code layer([query, value])}: the output only. */
  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> query,
      SymbolicTensor<TFloat32> value) {
    return applyTyped(query, value);
  }

  /** Keras's {@code layer([query, value, key])}. */
  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> query,
      SymbolicTensor<TFloat32> value, SymbolicTensor<TFloat32> key) {
    return applyTyped(query, value, key);
  }

  public double dropout() {
    return dropout;
  }

  public boolean useCausalMask() {
    return useCausalMask;
  }

  public boolean returnAttentionScores() {
    return returnAttentionScores;
  }

  /** The layer's own options, by Keras's names, before the shared ones. */
  abstract Map<String, Object> ownArguments();

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>(ownArguments());
    arguments.put("dropout", dropout);
    if (useCausalMask) {
      arguments.put("use_causal_mask", true);
    }
    if (returnAttentionScores) {
      arguments.put("return_attention_scores", true);
    }
    return arguments;
  }

  /** The {@link #arguments()}, the seed and the call options. */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>(ownArguments());
    config.put("dropout", dropout);
    config.put("seed", seed);
    config.put("use_causal_mask", useCausalMask);
    config.put("return_attention_scores", returnAttentionScores);
    return config;
  }

  Long seed() {
    return seed;
  }

  /** A copy of this layer with these call options. */
  abstract BaseAttention withCall(boolean useCausalMask, boolean returnAttentionScores);

  /** Keras's call options {@code use_causal_mask} and {@code return_attention_scores}. */
  @Override
  public BaseAttention withCallOptions(Map<String, Object> options) {
    AttentionSupport.onlyOptions(this, options,
        List.of("use_causal_mask", "return_attention_scores"));
    return withCall(AttentionSupport.option(this, options, "use_causal_mask", false),
        AttentionSupport.option(this, options, "return_attention_scores", false));
  }

  @Override
  protected boolean usesInputMasks() {
    return true;
  }

  /** Keras's {@code compute_mask}: the query's mask, on the output; none on the scores. */
  @Override
  protected List<MaskFunction> maskFunctions(List<SymbolicTensor<?>> inputs, int outputs) {
    List<MaskFunction> masks = new ArrayList<>(Collections.nCopies(outputs, null));
    if (inputs.get(0).mask().isPresent()) {
      masks.set(0, (tf, operands, inputMasks) -> tf.identity(inputMasks.get(0)));
    }
    return masks;
  }

  /** Declares the weights for queries of {@code queryDim} features. */
  abstract void buildWeights(long queryDim);

  @Override
  protected synchronized List<OutputSpec<?>> computeOutputs(List<SymbolicTensor<?>> inputs) {
    if (inputs.size() != 2 && inputs.size() != 3) {
      throw new IllegalArgumentException(describe() + " takes 2 or 3 inputs, [query, value] or "
          + "[query, value, key], got " + inputs.size());
    }
    String[] names = {"query", "value", "key"};
    for (int i = 0; i < inputs.size(); i++) {
      SymbolicTensor<?> t = inputs.get(i);
      if (t.dtype() != TFloat32.class) {
        throw new IllegalArgumentException(describe() + ": the " + names[i] + " must be "
            + "float32, got " + Shapes.dtypeName(t.dtype()));
      }
      if (t.shape().isUnknown() || t.shape().numDimensions() != 3
          || t.shape().get(2) == Shape.UNKNOWN_SIZE) {
        throw new IllegalArgumentException(describe() + ": the " + names[i] + " must have "
            + "rank 3 (batch, steps, features) with known features, got "
            + Shapes.format(t.shape()));
      }
    }
    long[] q = inputs.get(0).shape().asArray();
    long[] v = inputs.get(1).shape().asArray();
    long[] k = inputs.size() > 2 ? inputs.get(2).shape().asArray() : v;
    if (q[2] != k[2]) {
      throw new IllegalArgumentException(describe() + ": the query and key must have the same "
          + "features, got " + Layers.describe(inputs));
    }
    if (v[1] != Shape.UNKNOWN_SIZE && k[1] != Shape.UNKNOWN_SIZE && v[1] != k[1]) {
      throw new IllegalArgumentException(describe() + ": the value and key must have the same "
          + "steps, got " + Layers.describe(inputs));
    }
    if (queryDim < 0) {
      queryDim = q[2];
      buildWeights(queryDim);
    } else if (queryDim != q[2]) {
      throw new IllegalArgumentException(describe() + " was built for queries of " + queryDim
          + " features, got " + Shapes.format(inputs.get(0).shape()));
    }
    List<OutputSpec<?>> specs = new ArrayList<>();
    specs.add(Layers.spec(Shape.of(q[0], q[1], v[2]), TFloat32.class));
    if (returnAttentionScores) {
      specs.add(Layers.spec(Shape.of(q[0], q[1], k[1]), TFloat32.class));
    }
    return specs;
  }

  /** Keras's {@code _calculate_scores}: {@code (batch, Tq, Tv)}. */
  abstract Operand<TFloat32> scores(Ops tf, Operand<TFloat32> query, Operand<TFloat32> key,
      List<Operand<TFloat32>> weights);

  @Override
  @SuppressWarnings("unchecked")
  protected List<Operand<?>> buildOutputs(Ops tf, List<Operand<?>> inputs,
      List<Operand<?>> weightValues, CallContext context) {
    List<Operand<TFloat32>> weights = (List<Operand<TFloat32>>) (List<?>) weightValues;
    Operand<TFloat32> query = (Operand<TFloat32>) inputs.get(0);
    Operand<TFloat32> value = (Operand<TFloat32>) inputs.get(1);
    Operand<TFloat32> key = inputs.size() > 2 ? (Operand<TFloat32>) inputs.get(2) : value;
    Operand<TBool> queryMask = context.mask(0);
    Operand<TBool> valueMask = context.mask(1);
    Operand<TFloat32> scores = scores(tf, query, key, weights);
    // Keras's _calculate_score_mask, then _apply_scores
    Operand<TBool> scoresMask = valueMask == null ? null
        : tf.expandDims(valueMask, tf.constant(-2));
    if (useCausalMask) {
      scoresMask = AttentionSupport.and(tf, scoresMask, AttentionSupport.causalMask(tf,
          AttentionSupport.size(tf, scores, 1), AttentionSupport.size(tf, scores, 2)));
    }
    if (scoresMask != null) {
      scores = tf.select(scoresMask, scores, tf.math.sub(scores, tf.constant(MASKED)));
    }
    Operand<TFloat32> distribution = tf.nn.softmax(scores);
    if (context.training() && dropout > 0) {
      distribution = AttentionSupport.dropout(tf, distribution, dropout, seed, context.seeds());
    }
    Operand<TFloat32> output = tf.train.batchMatMul(distribution, value, TFloat32.class);
    if (queryMask != null) {
      output = tf.select(tf.expandDims(queryMask, tf.constant(-1)), output,
          tf.zerosLike(output));
    }
    return returnAttentionScores ? List.of(output, distribution) : List.of(output);
  }

  /** {@code query · keyᵀ}: {@code (batch, Tq, Tv)}. */
  static Operand<TFloat32> dot(Ops tf, Operand<TFloat32> query, Operand<TFloat32> key) {
    return tf.train.batchMatMul(query, key, TFloat32.class, BatchMatMul.adjY(true));
  }

  /** {@code query[:, :, None, :] + key[:, None, :, :]}: {@code (batch, Tq, Tv, dim)}. */
  static Operand<TFloat32> pairSums(Ops tf, Operand<TFloat32> query, Operand<TFloat32> key) {
    return tf.math.add(tf.expandDims(query, tf.constant(-2)),
        tf.expandDims(key, tf.constant(-3)));
  }
}
