package dev.lamina.benchmarks;

import dev.lamina.runtime.SessionOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * {@link ConvNet}'s model written by hand with TensorFlow Java, for {@code predict}: a
 * placeholder of 28×28×1 images, {@code conv2d} (VALID, stride 1) + {@code biasAdd} + {@code
 * relu} and {@code maxPool} twice, a {@code reshape} to 1,600, {@code matMul} + {@code biasAdd}
 * and {@code softmax}, over resource variables set from constants; the session with Lamina's
 * default options. {@link #predict} copies the images into a new tensor and the output into a new
 * array, as {@code Model.predict} does.
 */
public final class HandConvGraph implements HandPredictor {

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
        weights.add(tf.readVariableOp(
            HandOps.variable(tf, all[i], ConvNet.Weights.SHAPES[i], null), TFloat32.class));
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

  /** Runs the graph on all of {@code x} in one batch. */
  @Override
  public FloatNdArray predict(FloatNdArray x) {
    return HandOps.predict(session, input, output, x);
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
