package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TIntegral;
import org.tensorflow.types.family.TType;

/**
 * Keras's {@code Hashing(num_bins, mask_value=None, salt=None, output_mode="int", sparse=False)}
 * for int32 and int64 inputs (Lamina has no string tensors): each value is written in decimal
 * ({@code tf.as_string}) and hashed into {@code num_bins} bins with FarmHash64 ({@code
 * tf.strings.to_hash_bucket_fast}) or, with a {@code salt}, keyed SipHash64 ({@code
 * to_hash_bucket_strong}), the same TensorFlow kernels Keras calls. With an integer {@code
 * mask_value} (and {@code num_bins > 1}) values equal to it go to bin 0 and the rest hash into
 * bins {@code 1..num_bins-1}.
 *
 * <p>{@code output_mode} {@code int} gives int64 bins of the input's shape (Keras's default dtype
 * for it); {@code one_hot}, {@code multi_hot} and {@code count} encode the bins as Keras's
 * CategoryEncoding does, float32. {@code one_hot} takes rank-1 inputs or a last axis of size 1:
 * for others Keras's call and its declared output shape disagree. No weights, no gradient;
 * {@code sparse=True} is refused (Lamina has no sparse tensors).
 */
public final class Hashing extends Layer {

  static final List<String> MODES = List.of("int", "one_hot", "multi_hot", "count");

  private final int numBins;
  private final Long maskValue;
  private final long[] salt;
  private final String outputMode;

  private Hashing(Builder b) {
    super(b.name);
    if (b.numBins <= 0) {
      throw new IllegalArgumentException("Hashing: num_bins must be a positive integer, got "
          + b.numBins);
    }
    if (!MODES.contains(b.outputMode)) {
      throw new IllegalArgumentException("Hashing: output_mode must be one of 'int', 'one_hot', "
          + "'multi_hot' or 'count', got " + CategoryEncoding.quote(b.outputMode));
    }
    if (b.sparse) {
      throw new IllegalArgumentException("Hashing: sparse must be false: Lamina has no sparse "
          + "tensors");
    }
    if (b.salt != null && b.salt.length != 2) {
      throw new IllegalArgumentException("Hashing: salt must be one integer or a pair of "
          + "integers, got " + b.salt.length + " values");
    }
    if (b.salt != null && (b.salt[0] < 0 || b.salt[1] < 0)) {
      throw new IllegalArgumentException("Hashing: salt must be unsigned integers below 2^63, "
          + "got " + Arrays.toString(b.salt));
    }
    this.numBins = b.numBins;
    this.maskValue = b.maskValue;
    this.salt = b.salt == null ? null : b.salt.clone();
    this.outputMode = b.outputMode;
  }

  /** {@code Hashing(num_bins)}: FarmHash64, no mask, int output. */
  public Hashing(int numBins) {
    this(builder(numBins));
  }

  /** All of Keras's options. */
  public static Builder builder(int numBins) {
    return new Builder(numBins);
  }

  /** Hashes int32 or int64 values: int64 bins for {@code int}, float32 otherwise. */
  public <T extends TIntegral, R extends TType> SymbolicTensor<R> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  /**
   * Keras's dtype for this layer: {@code int64} with {@code output_mode="int"} (its default
   * there, the bins' dtype), else {@code float32}; the only one Lamina's layer computes in.
   */
  public String kerasDtype() {
    return outputMode.equals("int") ? "int64" : "float32";
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("num_bins", numBins);
    arguments.put("salt", salt == null ? null : List.of(salt[0], salt[1]));
    arguments.put("mask_value", maskValue);
    arguments.put("output_mode", outputMode);
    arguments.put("sparse", false);
    return arguments;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    long[] in = CategoryEncoding.requireTokens(this, inputs.get(0));
    if (outputMode.equals("int")) {
      return Layers.spec(inputs.get(0).shape(), TInt64.class);
    }
    if (outputMode.equals("one_hot") && in.length > 1 && in[in.length - 1] != 1) {
      throw new IllegalArgumentException(describe() + ": output_mode 'one_hot' takes inputs of "
          + "rank 1 or whose last axis is 1 (Keras's call and output shape disagree for others), "
          + "got shape " + inputs.get(0).shape());
    }
    return Layers.spec(CategoricalOutputs.shape(this, in, outputMode, numBins),
        TFloat32.class);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    Operand<TIntegral> x = (Operand<TIntegral>) inputs.get(0);
    long bins = numBins;
    Operand<TBool> mask = null;
    if (maskValue != null && numBins > 1) {
      bins -= 1;
      mask = tf.math.equal(x, tf.dtypes.cast(tf.constant(maskValue.longValue()), x.type()));
    }
    Operand<TString> text = tf.dtypes.asString(x);
    Operand<TInt64> hashed = salt != null
        ? tf.strings.toHashBucketStrong(text, bins, List.of(salt[0], salt[1]))
        : tf.strings.toHashBucketFast(text, bins);
    if (mask != null) {
      hashed = tf.select(mask, tf.zerosLike(hashed), tf.math.add(hashed, tf.onesLike(hashed)));
    }
    if (outputMode.equals("int")) {
      return hashed;
    }
    long[] in = x.shape().asArray();
    if (in.length == 0) {
      in = new long[] {1};
      hashed = tf.reshape(hashed, tf.constant(in));
    }
    return CategoricalOutputs.encode(tf, hashed, in, outputMode, numBins, null);
  }

  /** Keras's Hashing arguments. */
  public static final class Builder {
    private final int numBins;
    private Long maskValue;
    private long[] salt;
    private String outputMode = "int";
    private boolean sparse;
    private String name;

    private Builder(int numBins) {
      this.numBins = numBins;
    }

    /** Keras's {@code mask_value}: inputs equal to it go to bin 0; null (None) for none. */
    public Builder maskValue(Long maskValue) {
      this.maskValue = maskValue;
      return this;
    }

    /** Keras's {@code salt}: one integer (used twice) or two; none for FarmHash64. */
    public Builder salt(long... salt) {
      this.salt = salt == null ? null : salt.length == 1 ? new long[] {salt[0], salt[0]}
          : salt.clone();
      return this;
    }

    /** {@code int} (Keras's default), {@code one_hot}, {@code multi_hot} or {@code count}. */
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

    public Hashing build() {
      return new Hashing(this);
    }
  }
}
