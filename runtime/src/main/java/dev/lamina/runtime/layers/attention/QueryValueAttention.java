package dev.lamina.runtime.layers.attention;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.registry.KerasCall;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.tensorflow.types.TFloat32;

/**
 * What Keras's projected attention layers ({@link MultiHeadAttention},
 * {@link GroupQueryAttention}) share: Keras's call {@code layer(query, value, key=None,
 * attention_mask=None)}, with the key falling back to the value, optionally returning the
 * attention scores as a second output; the output carries the query's mask.
 */
public abstract class QueryValueAttention extends Layer implements KerasCall {

  QueryValueAttention(String name) {
    super(name);
  }

  /** Self-attention: {@code query} attends to itself. */
  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> query) {
    return applyTyped(query, query);
  }

  /** Keras's {@code layer(query, value)}: the key is the value. */
  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> query,
      SymbolicTensor<TFloat32> value) {
    return applyTyped(query, value);
  }

  /**
   * Keras's {@code layer(query, value, key=key, attention_mask=attentionMask)}; {@code key} null
   * for the value, {@code attentionMask} null for none.
   */
  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> query,
      SymbolicTensor<TFloat32> value, SymbolicTensor<TFloat32> key,
      SymbolicTensor<?> attentionMask) {
    return applyTyped(inputs(query, value, key, attentionMask).toArray(SymbolicTensor[]::new));
  }

  /**
   * The output and the attention scores, for a layer built with {@code
   * returnAttentionScores(true)}; {@code key} and {@code attentionMask} may be null.
   */
  public List<SymbolicTensor<?>> applyWithScores(SymbolicTensor<TFloat32> query,
      SymbolicTensor<TFloat32> value, SymbolicTensor<TFloat32> key,
      SymbolicTensor<?> attentionMask) {
    return callOutputs(inputs(query, value, key, attentionMask));
  }

  private static List<SymbolicTensor<?>> inputs(SymbolicTensor<TFloat32> query,
      SymbolicTensor<TFloat32> value, SymbolicTensor<TFloat32> key,
      SymbolicTensor<?> attentionMask) {
    List<SymbolicTensor<?>> inputs = new ArrayList<>(Arrays.asList(query, value));
    if (key != null || attentionMask != null) {
      inputs.add(key != null ? key : value);
    }
    if (attentionMask != null) {
      inputs.add(attentionMask);
    }
    return inputs;
  }

  @Override
  public List<String> tensorParameters() {
    return List.of("query", "value", "key", "attention_mask");
  }

  @Override
  public String fallback(String parameter) {
    return parameter.equals("key") ? "value" : null;
  }

  @Override
  protected boolean usesInputMasks() {
    return true;
  }

  /** The output carries the query's mask, as Keras's; the scores none. */
  @Override
  protected List<MaskFunction> maskFunctions(List<SymbolicTensor<?>> inputs, int outputs) {
    List<MaskFunction> masks = new ArrayList<>(Collections.nCopies(outputs, null));
    if (inputs.get(0).mask().isPresent()) {
      masks.set(0, (tf, operands, inputMasks) -> tf.identity(inputMasks.get(0)));
    }
    return masks;
  }
}
