package dev.lamina.runtime.layers.attention;

import dev.lamina.runtime.Initializer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code AdditiveAttention(use_scale=True, dropout=0.0)}: Bahdanau-style attention, as
 * {@link BaseAttention} describes, with scores {@code sum(scale · tanh(query + key))} over the
 * features; {@code scale} is a trainable vector of the query's features (Glorot-uniform at
 * first), or 1 without {@code use_scale}.
 */
public final class AdditiveAttention extends BaseAttention {

  private final boolean useScale;
  private final long initSeed;

  /** {@code AdditiveAttention()}: with a scale. */
  public AdditiveAttention() {
    this(builder());
  }

  private AdditiveAttention(Builder b) {
    super(b.name, b.dropout, b.seed, b.useCausalMask, b.returnAttentionScores);
    this.useScale = b.useScale;
    this.initSeed = b.seed != null ? b.seed : ThreadLocalRandom.current().nextLong();
  }

  /** All of Keras's options. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  Map<String, Object> ownArguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("use_scale", useScale);
    return arguments;
  }

  @Override
  AdditiveAttention withCall(boolean useCausalMask, boolean returnAttentionScores) {
    return builder().name(explicitName().orElse(null)).useScale(useScale).dropout(dropout())
        .seed(seed()).useCausalMask(useCausalMask).returnAttentionScores(returnAttentionScores)
        .build();
  }

  @Override
  void buildWeights(long queryDim) {
    if (useScale) {
      addWeight("scale", Shape.of(queryDim), Initializer.glorotUniform(initSeed), true);
    }
  }

  @Override
  Operand<TFloat32> scores(Ops tf, Operand<TFloat32> query, Operand<TFloat32> key,
      List<Operand<TFloat32>> weights) {
    Operand<TFloat32> tanh = tf.math.tanh(pairSums(tf, query, key));
    if (useScale) {
      tanh = tf.math.mul(weights.get(0), tanh);
    }
    return tf.reduceSum(tanh, tf.constant(-1));
  }

  /** Keras's AdditiveAttention arguments, and its call options. */
  public static final class Builder {
    private boolean useScale = true;
    private double dropout;
    private Long seed;
    private boolean useCausalMask;
    private boolean returnAttentionScores;
    private String name;

    private Builder() {}

    /** Keras's {@code use_scale}: a trainable scale per feature; true. */
    public Builder useScale(boolean useScale) {
      this.useScale = useScale;
      return this;
    }

    /** Keras's {@code dropout} of the attention distribution, in {@code fit} only; 0. */
    public Builder dropout(double dropout) {
      this.dropout = dropout;
      return this;
    }

    /** Keras's {@code seed} of the dropout (and of the initial scale). */
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

    public AdditiveAttention build() {
      return new AdditiveAttention(this);
    }
  }
}
