package dev.lamina.benchmarks;

import dev.lamina.benchmarks.AntirectifierNet.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The digits antirectifier model's training written by hand with TensorFlow Java, the way one
 * would without Lamina: placeholders for a batch and its one-hot targets, resource variables,
 * the forward pass ({@code matMul} + {@code biasAdd}, the antirectifier's ops, dropout as
 * Lamina's {@code Dropout} draws it), softmax cross-entropy on the logits, {@link
 * Graph#addGradients}, and Keras's RMSprop update ({@code v = rho·v + (1 - rho)·g²},
 * {@code w -= lr·g / sqrt(v + eps)}) once every gradient exists. {@link #epoch} shuffles with a
 * seed, gathers each batch straight into a new tensor and runs one session step per batch.
 */
public final class HandTrainer implements AutoCloseable {

  public static final float LEARNING_RATE = 0.001f;
  public static final float RHO = 0.9f;
  public static final float EPSILON = 1e-7f;

  private final int features;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TFloat32> x;
  private final Placeholder<TFloat32> y;
  private final Operand<TFloat32> loss;
  private final Op step;
  private final List<Operand<TFloat32>> weightReads = new ArrayList<>();

  /**
   * @param w the initial weights
   * @param dropout the dropout rate after each antirectifier (0: none)
   * @param seeds the two dropouts' seeds, as the Lamina model's {@code Dropout} layers have them
   */
  public HandTrainer(Weights w, double dropout, long[] seeds, ConfigProto config) {
    features = w.kernel1().length;
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      List<Op> init = new ArrayList<>();
      x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, features)));
      y = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, AntirectifierNet.CLASSES)));
      List<Operand<?>> handles = new ArrayList<>();
      float[][][] kernels = {w.kernel1(), w.kernel2(), w.kernel3()};
      float[][] biases = {w.bias1(), w.bias2(), w.bias3()};
      for (int layer = 0; layer < 3; layer++) {
        handles.add(HandOps.variable(tf, flat(kernels[layer]),
            new long[] {kernels[layer].length, kernels[layer][0].length}, init));
        handles.add(HandOps.variable(tf, biases[layer], new long[] {biases[layer].length},
            init));
      }
      handles.forEach(h -> weightReads.add(tf.readVariableOp(h, TFloat32.class)));

      Operand<TFloat32> h = dense(tf, x, 0);
      h = HandOps.dropout(tf, HandGraph.antirectifier(tf, h), dropout, seeds[0]);
      h = dense(tf, h, 2);
      h = HandOps.dropout(tf, HandGraph.antirectifier(tf, h), dropout, seeds[1]);
      Operand<TFloat32> logits = dense(tf, h, 4);
      loss = HandOps.crossEntropy(tf, logits, y);

      HandOps.Gradients gradients = HandOps.gradients(graph, tf, loss, weightReads);
      List<Operand<TFloat32>> g = gradients.values();
      Ops after = gradients.after();
      List<Op> updates = new ArrayList<>();
      for (int i = 0; i < handles.size(); i++) {
        Shape shape = weightReads.get(i).shape();
        Operand<?> slot = HandOps.zeros(tf, init, "velocity" + i, shape);
        Operand<TFloat32> v = after.readVariableOp(slot, TFloat32.class);
        Operand<TFloat32> vNew = after.math.add(after.math.mul(after.constant(RHO), v),
            after.math.mul(after.constant(1 - RHO), after.math.square(g.get(i))));
        updates.add(after.assignVariableOp(slot, vNew));
        Operand<TFloat32> increment = after.math.div(
            after.math.mul(after.constant(LEARNING_RATE), g.get(i)),
            after.math.sqrt(after.math.add(vNew, after.constant(EPSILON))));
        updates.add(after.assignVariableOp(handles.get(i),
            after.math.sub(weightReads.get(i), increment)));
      }
      step = tf.withControlDependencies(updates).noOp();
      session = HandOps.initialized(graph, config, init);
    } catch (RuntimeException | Error e) {
      graph.close();
      throw e;
    }
  }

  private Operand<TFloat32> dense(Ops tf, Operand<TFloat32> in, int index) {
    return tf.nn.biasAdd(tf.linalg.matMul(in, weightReads.get(index)),
        weightReads.get(index + 1));
  }

  private static float[] flat(float[][] kernel) {
    int units = kernel[0].length;
    float[] flat = new float[kernel.length * units];
    for (int i = 0; i < kernel.length; i++) {
      System.arraycopy(kernel[i], 0, flat, i * units, units);
    }
    return flat;
  }

  /**
   * One epoch over {@code samples} rows of {@code xs} (row-major, {@code features} per row) and
   * one-hot {@code ys}, shuffled by {@code random} (Fisher–Yates), in batches of
   * {@code batchSize}; returns the mean loss, weighted by batch size, as Keras reports it.
   */
  public double epoch(float[] xs, float[] ys, int samples, int batchSize,
      SplittableRandom random) {
    return HandOps.epoch(samples, batchSize, random,
        (order, from, n) -> step(xs, ys, order, from, n));
  }

  /** One step on rows {@code order[from .. from + n)}; returns the batch's loss before it. */
  public double step(float[] xs, float[] ys, int[] order, int from, int n) {
    int classes = AntirectifierNet.CLASSES;
    try (TFloat32 xb = HandOps.gather(xs, order, from, n, Shape.of(n, features), features);
        TFloat32 yb = HandOps.gather(ys, order, from, n, Shape.of(n, classes), classes);
        Result result = session.runner().feed(x, xb).feed(y, yb).fetch(loss).addTarget(step)
            .run()) {
      return ((TFloat32) result.get(0)).getFloat();
    }
  }

  /** The weights now, in Keras's order (kernel1, bias1, ...), flattened row-major. */
  public List<float[]> weights() {
    return HandOps.read(session, weightReads);
  }

  @Override
  public void close() {
    try (graph) {
      session.close();
    }
  }
}
