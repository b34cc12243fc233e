package dev.lamina.benchmarks;

import dev.lamina.benchmarks.AntirectifierNet.Weights;
import dev.lamina.runtime.SessionOptions;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * {@link AntirectifierNet}'s model written by hand with TensorFlow Java, the way one would without
 * Lamina: a placeholder, each Dense as {@code matMul} + {@code biasAdd} over variables initialised
 * from constants, the antirectifier's ops spelled out, {@code softmax}; the session with Lamina's
 * default options ({@code SessionOptions.defaults()}: only the code around the graph differs).
 * {@link #predict} feeds and fetches the way {@code Model.predict} does:
 * a new tensor copied from the rows, the output copied into a new array.
 */
public final class HandGraph implements HandPredictor {

  private final Graph graph;
  private final Session session;
  private final Operand<TFloat32> input;
  private final Operand<TFloat32> output;

  public HandGraph(Weights w) {
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      input = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, AntirectifierNet.FEATURES)));
      Operand<TFloat32> x = dense(tf, input, w.kernel1(), w.bias1());
      x = antirectifier(tf, x);
      x = dense(tf, x, w.kernel2(), w.bias2());
      x = antirectifier(tf, x);
      output = tf.nn.softmax(dense(tf, x, w.kernel3(), w.bias3()));
      session = new Session(graph, SessionOptions.defaults().toConfigProto());
    } catch (RuntimeException | Error e) {
      graph.close();
      throw e;
    }
  }

  /** {@code x · kernel + bias} over resource variables, as Lamina's Dense. */
  static Operand<TFloat32> dense(Ops tf, Operand<TFloat32> x, float[][] kernel, float[] bias) {
    int in = kernel.length;
    int units = kernel[0].length;
    float[] flat = new float[in * units];
    for (int i = 0; i < in; i++) {
      System.arraycopy(kernel[i], 0, flat, i * units, units);
    }
    return tf.nn.biasAdd(tf.linalg.matMul(x,
        variable(tf, init -> init.constant(Shape.of(in, units), DataBuffers.of(flat, true, false)))),
        variable(tf, init -> init.constant(bias)));
  }

  /** A resource variable set from a constant at the first run, read where it is used. */
  private static Operand<TFloat32> variable(Ops tf,
      java.util.function.Function<Ops, Operand<TFloat32>> value) {
    Ops init = tf.withInitScope();
    Operand<TFloat32> constant = value.apply(init);
    // Variables of one session share storage by name: each needs its own.
    Operand<?> handle = init.varHandleOp(TFloat32.class, constant.shape(),
        org.tensorflow.op.core.VarHandleOp.sharedName(init.scope().makeOpName("variable")));
    init.assignVariableOp(handle, constant);
    return tf.readVariableOp(handle, TFloat32.class);
  }

  /**
   * The antirectifier with TensorFlow's ops: {@code x - mean(x)}, times
   * {@code rsqrt(max(sum(x²), 1e-12))}, then {@code concat(relu(x), relu(-x))}.
   */
  static Operand<TFloat32> antirectifier(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> centred =
        tf.math.sub(x, tf.math.mean(x, tf.constant(1), Mean.keepDims(true)));
    Operand<TFloat32> squares =
        tf.reduceSum(tf.math.square(centred), tf.constant(1), ReduceSum.keepDims(true));
    Operand<TFloat32> normal =
        tf.math.mul(centred, tf.math.rsqrt(tf.math.maximum(squares, tf.constant(1e-12f))));
    return tf.concat(List.of(tf.nn.relu(normal), tf.nn.relu(tf.math.neg(normal))),
        tf.constant(1));
  }

  /** Runs the graph on all of {@code x} in one batch. */
  @Override
  public FloatNdArray predict(FloatNdArray x) {
    return HandOps.predict(session, input, output, x);
  }

  /** The graph, for counting its ops. */
  public Graph graph() {
    return graph;
  }

  /** The placeholder and the output, for running the graph in another session. */
  public Operand<TFloat32> input() {
    return input;
  }

  public Operand<TFloat32> output() {
    return output;
  }

  @Override
  public void close() {
    try (graph) {
      session.close();
    }
  }
}
