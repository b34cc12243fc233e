package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TIntegral;

/**
 * Keras's {@code CategoryEncoding(num_tokens, output_mode="multi_hot", sparse=False)}: int32 or
 * int64 tokens in {@code [0, num_tokens)} encoded as float32 vectors of {@code num_tokens}.
 *
 * <ul>
 *   <li>{@code one_hot}: each token becomes a vector (a last axis of size 1 is replaced, any
 *       other gains a new axis); a token outside {@code [0, num_tokens)} gives zeros.
 *   <li>{@code multi_hot}: per sample (the last axis), 1 where a token occurs.
 *   <li>{@code count}: per sample, how often each token occurs; with {@link #apply(SymbolicTensor,
 *       SymbolicTensor) count weights}, their sum per token (Keras's {@code count_weights}).
 * </ul>
 *
 * <p>As Keras's TensorFlow fast path ({@code DenseBincount}), {@code multi_hot} and {@code count}
 * take inputs of rank 2, {@code (batch, n)} (of rank 1 Keras would encode the whole batch into one
 * vector; above 2 its call and its output shape disagree: both refused), do not count a token {@code >= num_tokens} and
 * fail when the batch runs on a negative token. No weights, no gradient; {@code sparse=True} is
 * refused (Lamina has no sparse tensors). Keras's {@code "binary"} is read as {@code multi_hot}.
 */
public final class CategoryEncoding extends Layer {

  private final int numTokens;
  private final String outputMode;

  private CategoryEncoding(Builder b) {
    super(b.name);
    String mode = "binary".equals(b.outputMode) ? "multi_hot" : b.outputMode;
    if (!CategoricalOutputs.MODES.contains(mode)) {
      throw new IllegalArgumentException("CategoryEncoding: output_mode must be one of "
          + "'one_hot', 'multi_hot' or 'count', got " + quote(b.outputMode));
    }
    if (b.numTokens < 1) {
      throw new IllegalArgumentException("CategoryEncoding: num_tokens must be >= 1, got "
          + b.numTokens);
    }
    if (b.sparse) {
      throw new IllegalArgumentException("CategoryEncoding: sparse must be false: Lamina has no "
          + "sparse tensors");
    }
    this.numTokens = b.numTokens;
    this.outputMode = mode;
  }

  static String quote(String s) {
    return s == null ? "None" : "'" + s + "'";
  }

  /** {@code CategoryEncoding(num_tokens)}: multi_hot. */
  public CategoryEncoding(int numTokens) {
    this(builder(numTokens));
  }

  /** All of Keras's options. */
  public static Builder builder(int numTokens) {
    return new Builder(numTokens);
  }

  /** Encodes int32 or int64 tokens. */
  public <T extends TIntegral> SymbolicTensor<TFloat32> apply(SymbolicTensor<T> tokens) {
    return applyTyped(tokens);
  }

  /**
   * Keras's {@code layer(tokens, count_weights=w)}: {@code count} only; float32 weights of the
   * tokens' shape, summed per token instead of counting.
   */
  public <T extends TIntegral> SymbolicTensor<TFloat32> apply(SymbolicTensor<T> tokens,
      SymbolicTensor<TFloat32> countWeights) {
    return applyTyped(tokens, countWeights);
  }

  public int numTokens() {
    return numTokens;
  }

  public String outputMode() {
    return outputMode;
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("num_tokens", numTokens);
    arguments.put("output_mode", outputMode);
    return arguments;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    if (inputs.size() != 1 && inputs.size() != 2) {
      throw new IllegalArgumentException(describe() + " takes tokens and optionally "
          + "count_weights, got " + inputs.size() + " inputs");
    }
    long[] in = requireTokens(this, inputs.get(0));
    if (inputs.size() == 2) {
      SymbolicTensor<?> w = inputs.get(1);
      if (!outputMode.equals("count")) {
        throw new IllegalArgumentException(describe() + ": count_weights is used only when "
            + "output_mode is 'count', not '" + outputMode + "'");
      }
      if (w.dtype() != TFloat32.class || !w.shape().isCompatibleWith(inputs.get(0).shape())) {
        throw new IllegalArgumentException(describe() + ": count_weights must be float32 of the "
            + "tokens' shape " + inputs.get(0).shape() + ", got " + Shapes.dtypeName(w.dtype())
            + " " + w.shape());
      }
    }
    return Layers.spec(CategoricalOutputs.shape(this, in, outputMode, numTokens),
        TFloat32.class);
  }

  /** The static shape of int32 or int64 tokens, rank 0 made rank 1 as Keras does. */
  static long[] requireTokens(Layer layer, SymbolicTensor<?> x) {
    if (x.dtype() != TInt32.class && x.dtype() != TInt64.class) {
      throw new IllegalArgumentException(layer.describe() + " takes int32 or int64 inputs, got "
          + Shapes.dtypeName(x.dtype()));
    }
    if (x.shape().isUnknown()) {
      throw new IllegalArgumentException(layer.describe() + " needs inputs of known rank");
    }
    long[] in = x.shape().asArray();
    return in.length == 0 ? new long[] {1} : in;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    Operand<TIntegral> x = (Operand<TIntegral>) inputs.get(0);
    Operand<TInt64> ids = tf.dtypes.cast(x, TInt64.class);
    Operand<TFloat32> weights = inputs.size() == 2 ? (Operand<TFloat32>) inputs.get(1) : null;
    long[] in = x.shape().asArray();
    if (in.length == 0) { // Keras: a scalar is one sample
      in = new long[] {1};
      ids = tf.reshape(ids, tf.constant(in));
      weights = weights == null ? null : tf.reshape(weights, tf.constant(in));
    }
    return CategoricalOutputs.encode(tf, ids, in, outputMode, numTokens, weights);
  }

  /** Keras's CategoryEncoding arguments. */
  public static final class Builder {
    private final int numTokens;
    private String outputMode = "multi_hot";
    private boolean sparse;
    private String name;

    private Builder(int numTokens) {
      this.numTokens = numTokens;
    }

    /** {@code one_hot}, {@code multi_hot} (Keras's default; {@code binary} alike) or {@code count}. */
    public Builder outputMode(String outputMode) {
      this.outputMode = outputMode;
      return this;
    }

    /** Keras's {@code sparse}: only false. */
    public Builder sparse(boolean sparse) {
      this.sparse = sparse;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public CategoryEncoding build() {
      return new CategoryEncoding(this);
    }
  }
}
