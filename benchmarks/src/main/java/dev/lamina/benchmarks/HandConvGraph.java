package dev.lamina.benchmarks;

import dev.lamina.runtime.SessionOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;

/**
 * {@link ConvNet}'s model written by hand with TensorFlow Java, for {@code predict}: a
 * placeholder of 28×28×1 images, {@code conv2d} (VALID, stride 1) + {@code biasAdd} + {@code
 * relu} and {@code maxPool} twice, a {@code reshape} to 1,600, {@code matMul} + {@code biasAdd}
 * and {@code softmax}, over resource variables set from constants; the session with Lamina's
 * default options. {@link #predict} copies the images into a new tensor and the output into a new
 * array, as {@code Model.predict} does.
 */
public final class HandConvGraph implements AutoCloseable {

  private final Graph graph;
  private final Session session;
  private final Operand<TFloat32> input;
  private final Operand<TFloat32> output;

  public HandConvGraph(ConvNet.Weights w) {
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      input = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, ConvNet.ROWS, ConvNet.COLS, 1)));
      List<Operand<TFloat32>> weights = new ArrayList<>();
      float[][] all = w.all();
      for (int i = 0; i < all.length; i++) {
        weights.add(tf.readVariableOp(variable(tf, all[i], ConvNet.Weights.SHAPES[i], null),
            TFloat32.class));
      }
      output = tf.nn.softmax(logits(tf, input, weights, UnaryOperator.identity()));
      session = new Session(graph, SessionOptions.defaults().toConfigProto());
    } catch (RuntimeException | Error e) {
      graph.close();
      throw e;
    }
  }

  /**
   * The forward pass to the logits: two conv + relu + max-pool stages, flatten, {@code dropout}
   * (the identity when predicting), the Dense layer's {@code matMul} + {@code biasAdd}.
   */
  static Operand<TFloat32> logits(Ops tf, Operand<TFloat32> x, List<Operand<TFloat32>> w,
      UnaryOperator<Operand<TFloat32>> dropout) {
    List<Long> ones = List.of(1L, 1L, 1L, 1L);
    Operand<TFloat32> h = x;
    for (int stage = 0; stage < 2; stage++) {
      h = tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(h, w.get(2 * stage), ones, "VALID"),
          w.get(2 * stage + 1)));
      h = tf.nn.maxPool(h, tf.constant(new int[] {1, 2, 2, 1}),
          tf.constant(new int[] {1, 2, 2, 1}), "VALID");
    }
    h = dropout.apply(tf.reshape(h, tf.constant(new long[] {-1, ConvNet.FLAT})));
    return tf.nn.biasAdd(tf.linalg.matMul(h, w.get(4)), w.get(5));
  }

  /**
   * A resource variable of {@code shape}; set from the constant {@code values} at the first run,
   * or by {@code init} when given (a list the caller runs once).
   */
  static Operand<?> variable(Ops tf, float[] values, long[] shape,
      List<org.tensorflow.op.Op> init) {
    Ops scope = tf.withInitScope();
    Operand<TFloat32> constant = scope.constant(Shape.of(shape),
        DataBuffers.of(values, true, false));
    // Variables of one session share storage by name: each needs its own.
    Operand<?> handle = scope.varHandleOp(TFloat32.class, Shape.of(shape),
        VarHandleOp.sharedName(scope.scope().makeOpName("variable")));
    if (init == null) {
      scope.assignVariableOp(handle, constant);
    } else {
      init.add(tf.assignVariableOp(handle, constant));
    }
    return handle;
  }

  /** Runs the graph on all of {@code x} in one batch. */
  public FloatNdArray predict(FloatNdArray x) {
    try (TFloat32 feed = TFloat32.tensorOf(x.shape())) {
      x.copyTo(feed);
      try (Result fetched = session.runner().feed(input, feed).fetch(output).run()) {
        TFloat32 y = (TFloat32) fetched.get(0);
        FloatNdArray copy = NdArrays.ofFloats(y.shape());
        y.copyTo(copy);
        return copy;
      }
    }
  }

  /** The graph, for counting its ops. */
  public Graph graph() {
    return graph;
  }

  @Override
  public void close() {
    try (graph) {
      session.close();
    }
  }
}
