package dev.lamina.runtime.layers.attention;

import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.BuiltInLayerTypes;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;

/**
 * Reading the attention layers from a configuration under Keras's names and defaults, for {@link
 * BuiltInLayerTypes}. Keras's call arguments {@code use_causal_mask} and {@code
 * return_attention_scores} are read too, with their defaults: Lamina's own files keep them in
 * the config; the Keras importer takes them from the call ({@link
 * dev.lamina.runtime.registry.KerasCall}).
 */
public final class AttentionTypes {

  private AttentionTypes() {}

  /** Keras's {@code MultiHeadAttention}. */
  public static final LayerType<MultiHeadAttention> MULTI_HEAD_ATTENTION = LayerType.of(
      "MultiHeadAttention", MultiHeadAttention.class, AttentionTypes::multiHeadAttention);

  /**
   * Keras's {@code GroupQueryAttention}: the name its {@code .keras} files record (its Python
   * class is {@code GroupedQueryAttention}).
   */
  public static final LayerType<GroupQueryAttention> GROUP_QUERY_ATTENTION = LayerType.of(
      "GroupQueryAttention", GroupQueryAttention.class, AttentionTypes::groupQueryAttention);

  /** Keras's {@code Attention}. */
  public static final LayerType<Attention> ATTENTION = LayerType.of("Attention",
      Attention.class, AttentionTypes::attention);

  /** Keras's {@code AdditiveAttention}. */
  public static final LayerType<AdditiveAttention> ADDITIVE_ATTENTION = LayerType.of(
      "AdditiveAttention", AdditiveAttention.class, AttentionTypes::additiveAttention);

  private static MultiHeadAttention multiHeadAttention(String name, LayerConfig c)
      throws ModelFormatException {
    MultiHeadAttention.Builder b = MultiHeadAttention.builder(c.requireInt("num_heads"),
        c.requireInt("key_dim")).name(name);
    if (c.has("value_dim")) {
      b.valueDim(c.requireInt("value_dim"));
    }
    b.dropout(c.optDouble("dropout", 0.0)).useBias(c.optBoolean("use_bias", true));
    if (c.has("output_shape")) {
      Object shape = c.json().get("output_shape");
      b.outputShape(shape instanceof JsonArray list ? list.longs()
          : new long[] {c.requireLong("output_shape")});
    }
    if (c.has("attention_axes")) {
      b.attentionAxes(c.optInts("attention_axes"));
    }
    b.kernelInitializer(BuiltInLayerTypes.initializer(c, "kernel_initializer"))
        .biasInitializer(BuiltInLayerTypes.initializer(c, "bias_initializer"))
        .kernelRegularizer(BuiltInLayerTypes.regularizer(c, "kernel_regularizer"))
        .biasRegularizer(BuiltInLayerTypes.regularizer(c, "bias_regularizer"))
        .kernelConstraint(BuiltInLayerTypes.constraint(c, "kernel_constraint"))
        .biasConstraint(BuiltInLayerTypes.constraint(c, "bias_constraint"));
    // Keras gives it to each projection's output, which Lamina's loss does not see.
    c.requireDefault("activity_regularizer", null);
    c.requireDefault("use_gate", false);
    c.requireDefault("sliding_window", null);
    c.requireDefault("flash_attention", null);
    b.seed(c.has("seed") ? c.requireLong("seed") : null);
    b.useCausalMask(c.optBoolean("use_causal_mask", false))
        .returnAttentionScores(c.optBoolean("return_attention_scores", false));
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw c.error("num_heads", e.getMessage());
    }
  }

  private static GroupQueryAttention groupQueryAttention(String name, LayerConfig c)
      throws ModelFormatException {
    GroupQueryAttention.Builder b = GroupQueryAttention.builder(c.requireInt("head_dim"),
        c.requireInt("num_query_heads"), c.requireInt("num_key_value_heads")).name(name)
        .dropout(c.optDouble("dropout", 0.0))
        .useBias(c.optBoolean("use_bias", true))
        .useGate(c.optBoolean("use_gate", false))
        .slidingWindow(c.has("sliding_window") ? c.requireInt("sliding_window") : null)
        .kernelInitializer(BuiltInLayerTypes.initializer(c, "kernel_initializer"))
        .biasInitializer(BuiltInLayerTypes.initializer(c, "bias_initializer"))
        .kernelRegularizer(BuiltInLayerTypes.regularizer(c, "kernel_regularizer"))
        .biasRegularizer(BuiltInLayerTypes.regularizer(c, "bias_regularizer"))
        .kernelConstraint(BuiltInLayerTypes.constraint(c, "kernel_constraint"))
        .biasConstraint(BuiltInLayerTypes.constraint(c, "bias_constraint"));
    // Keras gives it to each projection's output, which Lamina's loss does not see.
    c.requireDefault("activity_regularizer", null);
    // Not in Keras's get_config; refused when true, as Keras's TensorFlow backend does.
    c.requireDefault("flash_attention", null);
    b.seed(c.has("seed") ? c.requireLong("seed") : null);
    b.useCausalMask(c.optBoolean("use_causal_mask", false))
        .returnAttentionScores(c.optBoolean("return_attention_scores", false));
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      String key = m.contains("sliding_window") ? "sliding_window"
          : m.contains("dropout") ? "dropout" : m.contains("head_dim") ? "head_dim"
          : m.contains("num_query_heads must be at") ? "num_query_heads" : "num_key_value_heads";
      throw c.error(key, m);
    }
  }

  private static Attention attention(String name, LayerConfig c) throws ModelFormatException {
    Attention.Builder b = Attention.builder().name(name)
        .useScale(c.optBoolean("use_scale", false))
        .scoreMode(c.optString("score_mode", "dot"))
        .dropout(c.optDouble("dropout", 0.0))
        .seed(c.has("seed") ? c.requireLong("seed") : null)
        .useCausalMask(c.optBoolean("use_causal_mask", false))
        .returnAttentionScores(c.optBoolean("return_attention_scores", false));
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw c.error(e.getMessage().contains("score_mode") ? "score_mode" : "dropout",
          e.getMessage());
    }
  }

  private static AdditiveAttention additiveAttention(String name, LayerConfig c)
      throws ModelFormatException {
    AdditiveAttention.Builder b = AdditiveAttention.builder().name(name)
        .useScale(c.optBoolean("use_scale", true))
        .dropout(c.optDouble("dropout", 0.0))
        .seed(c.has("seed") ? c.requireLong("seed") : null)
        .useCausalMask(c.optBoolean("use_causal_mask", false))
        .returnAttentionScores(c.optBoolean("return_attention_scores", false));
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw c.error("dropout", e.getMessage());
    }
  }
}
