package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TIntegral;
import org.tensorflow.types.family.TType;

/**
 * Keras 3's {@code HashedCrossing(num_bins, output_mode="int", sparse=False)} for integer
 * inputs: two or more inputs of equal shape, {@code (batch,)} or {@code (batch, 1)}, int32 or
 * int64, crossed and hashed into {@code num_bins} bins by the op Keras's
 * {@code tf.sparse.cross_hashed} runs, TensorFlow's {@code SparseCross} with
 * {@code hashed_output}, {@code num_buckets = num_bins} and {@code hash_key = 0xDECAFCAFFE}
 * (TensorFlow's default), on the inputs cast to int64, each row's one cross made dense. Output
 * {@code int}: the bins, int64 (Keras's dtype), the inputs' shape; {@code one_hot}: float32
 * {@code (batch, num_bins)}. No weights, no gradient. {@code sparse} must be false (Lamina has
 * no sparse tensors); string inputs are not taken (Lamina has none).
 */
public final class HashedCrossing extends Layer {

  /** TensorFlow's {@code _DEFAULT_HASH_KEY} of {@code tf.sparse.cross_hashed}. */
  private static final long HASH_KEY = 0xDECAFCAFFEL;

  private final int numBins;
  private final String outputMode;

  public HashedCrossing(int numBins) {
    this(null, numBins, "int", false);
  }

  public HashedCrossing(int numBins, String outputMode) {
    this(null, numBins, outputMode, false);
  }

  public HashedCrossing(String name, int numBins, String outputMode, boolean sparse) {
    super(name);
    if (numBins <= 0) {
      throw new IllegalArgumentException("HashedCrossing: num_bins must be a positive integer, "
          + "got " + numBins);
    }
    if (!"int".equals(outputMode) && !"one_hot".equals(outputMode)) {
      throw new IllegalArgumentException("HashedCrossing: output_mode must be 'int' or "
          + "'one_hot', got " + CategoryEncoding.quote(outputMode));
    }
    if (sparse) {
      throw new IllegalArgumentException("HashedCrossing: sparse must be false: Lamina has no "
          + "sparse tensors");
    }
    this.numBins = numBins;
    this.outputMode = outputMode;
  }

  public int numBins() {
    return numBins;
  }

  public String outputMode() {
    return outputMode;
  }

  /** Keras's dtype: int64 for {@code int}, float32 for {@code one_hot}. */
  public String kerasDtype() {
    return outputMode.equals("int") ? "int64" : "float32";
  }

  /** Crosses two or more integer inputs. */
  @SuppressWarnings("unchecked")
  public <R extends TType> SymbolicTensor<R> apply(SymbolicTensor<?>... inputs) {
    return (SymbolicTensor<R>) call(inputs);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("num_bins", numBins);
    arguments.put("output_mode", outputMode);
    arguments.put("sparse", false);
    return arguments;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    if (inputs.size() < 2) {
      throw new IllegalArgumentException(describe() + " takes at least two inputs, as Keras's; "
          + "got " + inputs.size());
    }
    Shape first = inputs.get(0).shape();
    int rank = first.isUnknown() ? -1 : first.numDimensions();
    if (rank < 1 || rank > 2 || (rank == 2 && first.get(1) != 1)) {
      throw new IllegalArgumentException(describe() + ": inputs must have shape (batch,) or "
          + "(batch, 1), as Keras's; got " + Shapes.format(first));
    }
    for (SymbolicTensor<?> x : inputs) {
      Class<?> dtype = x.dtype();
      if (dtype != TInt32.class && dtype != TInt64.class) {
        throw new IllegalArgumentException(describe() + " takes int32 or int64 inputs, got "
            + Shapes.dtypeName(x.dtype()));
      }
      Shape shape = x.shape();
      boolean same = !shape.isUnknown() && shape.numDimensions() == rank
          && (rank == 1 || shape.get(1) == 1);
      if (!same) {
        throw new IllegalArgumentException(describe() + ": inputs must have equal shapes, as "
            + "Keras's; got " + Shapes.format(first) + " and " + Shapes.format(shape));
      }
    }
    if (outputMode.equals("int")) {
      return Layers.spec(first, TInt64.class);
    }
    return Layers.spec(Shape.of(first.get(0), numBins), TFloat32.class);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    int rank = inputs.get(0).shape().numDimensions();
    List<Output<?>> dense = new ArrayList<>();
    for (Operand<?> x : inputs) {
      Operand<TInt64> wide = tf.dtypes.cast((Operand<? extends TIntegral>) x, TInt64.class);
      if (rank == 1) {
        wide = tf.expandDims(wide, tf.constant(-1));
      }
      dense.add(wide.asOutput());
    }
    // TensorFlow's SparseCross (the V1 op tf.sparse.cross_hashed runs): no sparse inputs.
    Scope scope = tf.scope();
    GraphOperation cross = (GraphOperation) scope.env().opBuilder("SparseCross",
            scope.makeOpName("SparseCross"), scope)
        .addInputList(new Output<?>[0])
        .addInputList(new Output<?>[0])
        .addInputList(new Output<?>[0])
        .addInputList(dense.toArray(new Output<?>[0]))
        .setAttr("hashed_output", true)
        .setAttr("num_buckets", (long) numBins)
        .setAttr("hash_key", HASH_KEY)
        .setAttr("sparse_types", new DataType[0])
        .setAttr("out_type", DataType.DT_INT64)
        .setAttr("internal_type", DataType.DT_INT64)
        .build();
    Output<TInt64> indices = cross.output(0);
    Output<TInt64> values = cross.output(1);
    Output<TInt64> shape = cross.output(2);
    Operand<TInt64> bins = tf.sparse.sparseToDense(indices, shape, values, tf.constant(0L));
    // One cross per row: (batch, 1), the static shape as Keras sets it.
    bins = tf.reshape(bins, tf.constant(new long[] {-1, 1}));
    if (rank == 1) {
      bins = tf.reshape(bins, tf.constant(new long[] {-1}));
    }
    if (outputMode.equals("int")) {
      return bins;
    }
    long[] in = rank == 1 ? new long[] {-1} : new long[] {-1, 1};
    return CategoricalOutputs.encode(tf, bins, in, "one_hot", numBins, null);
  }
}
