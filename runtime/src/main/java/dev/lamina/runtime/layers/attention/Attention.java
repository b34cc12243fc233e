package dev.lamina.runtime.layers.attention;

import dev.lamina.runtime.Initializer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Attention(use_scale=False, score_mode="dot", dropout=0.0, seed=None)}:
 * dot-product (Luong-style) attention, as {@link BaseAttention} describes. Scores: {@code
 * "dot"}, {@code query · keyᵀ} (times the trainable scalar {@code scale}, starting at 1, with
 * {@code use_scale}); {@code "concat"}, {@code concat_score_weight · sum(tanh(scale · (query +
 * key)))} over the features, {@code concat_score_weight} a trainable scalar starting at 1.
 */
public final class Attention extends BaseAttention {

  private final boolean useScale;
  private final String scoreMode;

  /** {@code Attention()}: dot scores, no scale. */
  public Attention() {
    this(builder());
  }

  private Attention(Builder b) {
    super(b.name, b.dropout, b.seed, b.useCausalMask, b.returnAttentionScores);
    if (!b.scoreMode.equals("dot") && !b.scoreMode.equals("concat")) {
      throw new IllegalArgumentException("Attention score_mode must be 'dot' or 'concat', got '"
          + b.scoreMode + "'");
    }
    this.useScale = b.useScale;
    this.scoreMode = b.scoreMode;
  }

  /** All of Keras's options. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  Map<String, Object> ownArguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("use_scale", useScale);
    arguments.put("score_mode", scoreMode);
    return arguments;
  }

  @Override
  Attention withCall(boolean useCausalMask, boolean returnAttentionScores) {
    return builder().name(explicitName().orElse(null)).useScale(useScale).scoreMode(scoreMode)
        .dropout(dropout()).seed(seed()).useCausalMask(useCausalMask)
        .returnAttentionScores(returnAttentionScores).build();
  }

  @Override
  void buildWeights(long queryDim) {
    if (useScale) {
      addWeight("scale", Shape.scalar(), Initializer.ones(), true);
    }
    if (scoreMode.equals("concat")) {
      addWeight("concat_score_weight", Shape.scalar(), Initializer.ones(), true);
    }
  }

  @Override
  Operand<TFloat32> scores(Ops tf, Operand<TFloat32> query, Operand<TFloat32> key,
      List<Operand<TFloat32>> weights) {
    Operand<TFloat32> scale = useScale ? weights.get(0) : null;
    if (scoreMode.equals("dot")) {
      Operand<TFloat32> scores = dot(tf, query, key);
      return scale == null ? scores : tf.math.mul(scores, scale);
    }
    Operand<TFloat32> weight = weights.get(useScale ? 1 : 0);
    Operand<TFloat32> sums = pairSums(tf, query, key);
    if (scale != null) {
      sums = tf.math.mul(scale, sums);
    }
    return tf.math.mul(weight, tf.reduceSum(tf.math.tanh(sums), tf.constant(-1)));
  }

  /** Keras's Attention arguments, and its call options. */
  public static final class Builder {
    private boolean useScale;
    private String scoreMode = "dot";
    private double dropout;
    private Long seed;
    private boolean useCausalMask;
    private boolean returnAttentionScores;
    private String name;

    private Builder() {}

    /** Keras's {@code use_scale}: a trainable scalar scale of the scores; false. */
    public Builder useScale(boolean useScale) {
      this.useScale = useScale;
      return this;
    }

    /** Keras's {@code score_mode}: {@code "dot"} (the default) or {@code "concat"}. */
    public Builder scoreMode(String scoreMode) {
      this.scoreMode = java.util.Objects.requireNonNull(scoreMode, "scoreMode");
      return this;
    }

    /** Keras's {@code dropout} of the attention distribution, in {@code fit} only; 0. */
    public Builder dropout(double dropout) {
      this.dropout = dropout;
      return this;
    }

    /** Keras's {@code seed} of the dropout; without one it follows {@code FitOptions.seed}. */
    public Builder seed(Long seed) {
      this.seed = seed;
      return this;
    }

    /** Keras's call argument {@code use_causal_mask}. */
    public Builder useCausalMask(boolean useCausalMask) {
      this.useCausalMask = useCausalMask;
      return this;
    }

    /** Keras's call argument {@code return_attention_scores}: a second output. */
    public Builder returnAttentionScores(boolean returnAttentionScores) {
      this.returnAttentionScores = returnAttentionScores;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Attention build() {
      return new Attention(this);
    }
  }
}
