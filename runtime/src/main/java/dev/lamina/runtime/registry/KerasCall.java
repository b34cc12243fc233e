package dev.lamina.runtime.registry;

import dev.lamina.runtime.Layer;
import java.util.List;
import java.util.Map;

/**
 * A layer whose Keras {@code call} takes more than a tensor or a list of tensors: tensors by name
 * ({@code MultiHeadAttention(query, value, key=None, attention_mask=None)}) and options that are
 * not tensors ({@code use_causal_mask=True}, {@code return_attention_scores=True}), which a Keras
 * functional config records in each node's {@code args} and {@code kwargs}. The Keras importer
 * maps such a call onto Lamina's inputs, in {@link #tensorParameters()} order, and onto the layer
 * {@link #withCallOptions} gives. Lamina fixes a layer's call options for all its calls: a file
 * that calls one layer with different options is refused.
 */
public interface KerasCall {

  /**
   * Keras's names of the call's tensor parameters in the order of Lamina's inputs, e.g. {@code
   * query, value, key, attention_mask}; empty (the default) for a call that takes its tensors as
   * its first argument, alone or in one list ({@code Attention([query, value])}). A call leaves
   * out trailing ones; a left-out one followed by a given one takes the tensor of its
   * {@link #fallback}.
   */
  default List<String> tensorParameters() {
    return List.of();
  }

  /**
   * The tensor parameter whose tensor a left-out {@code parameter} takes ({@code key} takes
   * {@code value}'s, as in Keras), or {@code null} if it has none and must be given.
   */
  default String fallback(String parameter) {
    return null;
  }

  /**
   * This layer as called with Keras's keyword arguments {@code options} that are not tensors (nor
   * {@code training} or {@code mask}), by Keras's names and JSON values: a new, unapplied layer
   * of the same configuration, or this one if they are all defaults.
   *
   * @throws IllegalArgumentException for an option the layer does not take, or a bad value,
   *     naming it
   */
  Layer withCallOptions(Map<String, Object> options);

  /**
   * Call options that may differ between a layer's calls because the layer takes them from each
   * call's inputs ({@code ReversibleEmbedding}'s {@code reverse}: its input's dtype); the
   * importer leaves them out when it compares a layer's calls. None by default.
   */
  default List<String> perCallOptions() {
    return List.of();
  }
}
