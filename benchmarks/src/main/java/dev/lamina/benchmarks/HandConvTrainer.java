package dev.lamina.benchmarks;

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
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * {@link ConvNet}'s training written by hand with TensorFlow Java, the way one would without
 * Lamina: placeholders for a batch of images and its one-hot targets, resource variables, {@link
 * HandConvGraph#logits} with dropout drawn as Lamina's {@code Dropout} draws it, softmax
 * cross-entropy on the logits, {@link Graph#addGradients}, and Keras's Adam update once every
 * gradient exists ({@code m += (g - m)(1 - b1)}, {@code v += (g² - v)(1 - b2)}, {@code w -=
 * lr·sqrt(1 - b2^t)/(1 - b1^t)·m/(sqrt(v) + eps)}). {@link #epoch} shuffles with a seed, gathers
 * each batch straight into new tensors and runs one session step per batch.
 */
public final class HandConvTrainer implements AutoCloseable {

  public static final float LEARNING_RATE = 0.001f;
  public static final float BETA1 = 0.9f;
  public static final float BETA2 = 0.999f;
  public static final float EPSILON = 1e-7f;

  private final Graph graph;
  private final Session session;
  private final Placeholder<TFloat32> x;
  private final Placeholder<TFloat32> y;
  private final Operand<TFloat32> loss;
  private final Op step;
  private final List<Operand<TFloat32>> weightReads = new ArrayList<>();
  /** Adam's m and v variables, in the order {@link #slot} made them. */
  private final List<Operand<?>> slotHandles = new ArrayList<>();

  public HandConvTrainer(ConvNet.Weights w, double dropout, ConfigProto config) {
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      List<Op> init = new ArrayList<>();
      x = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, ConvNet.ROWS, ConvNet.COLS, 1)));
      y = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, ConvNet.CLASSES)));
      List<Operand<?>> handles = new ArrayList<>();
      float[][] all = w.all();
      for (int i = 0; i < all.length; i++) {
        handles.add(HandOps.variable(tf, all[i], ConvNet.Weights.SHAPES[i], init));
      }
      handles.forEach(h -> weightReads.add(tf.readVariableOp(h, TFloat32.class)));
      Operand<TFloat32> logits = HandConvGraph.logits(tf, x, weightReads,
          h -> HandOps.dropout(tf, h, dropout, ConvNet.DROPOUT_SEED));
      loss = HandOps.crossEntropy(tf, logits, y);

      HandOps.Gradients gradients = HandOps.gradients(graph, tf, loss, weightReads);
      List<Operand<TFloat32>> g = gradients.values();
      Ops after = gradients.after();
      List<Op> updates = new ArrayList<>();
      // The step count t, from 1: a variable, as Keras's optimizer.iterations.
      Operand<?> iterations = tf.withInitScope().varHandleOp(TFloat32.class, Shape.scalar(),
          VarHandleOp.sharedName("iterations"));
      init.add(tf.assignVariableOp(iterations, tf.constant(0f)));
      Operand<TFloat32> t = after.math.add(after.readVariableOp(iterations, TFloat32.class),
          after.constant(1f));
      Operand<TFloat32> one = after.constant(1f);
      Operand<TFloat32> alpha = after.math.div(
          after.math.mul(after.constant(LEARNING_RATE),
              after.math.sqrt(after.math.sub(one, after.math.pow(after.constant(BETA2), t)))),
          after.math.sub(one, after.math.pow(after.constant(BETA1), t)));
      for (int i = 0; i < handles.size(); i++) {
        Shape shape = weightReads.get(i).shape();
        Operand<TFloat32> m = slot(tf, after, init, "m" + i, shape);
        Operand<TFloat32> v = slot(tf, after, init, "v" + i, shape);
        Operand<TFloat32> mNew = after.math.add(m, after.math.mul(after.math.sub(g.get(i), m),
            after.constant(1 - BETA1)));
        Operand<TFloat32> vNew = after.math.add(v, after.math.mul(
            after.math.sub(after.math.square(g.get(i)), v), after.constant(1 - BETA2)));
        updates.add(after.assignVariableOp(slotHandles.get(slotHandles.size() - 2), mNew));
        updates.add(after.assignVariableOp(slotHandles.get(slotHandles.size() - 1), vNew));
        Operand<TFloat32> delta = after.math.div(after.math.mul(alpha, mNew),
            after.math.add(after.math.sqrt(vNew), after.constant(EPSILON)));
        updates.add(after.assignVariableOp(handles.get(i),
            after.math.sub(weightReads.get(i), delta)));
      }
      updates.add(after.assignVariableOp(iterations, t));
      step = tf.withControlDependencies(updates).noOp();
      session = HandOps.initialized(graph, config, init);
    } catch (RuntimeException | Error e) {
      graph.close();
      throw e;
    }
  }

  /** An optimizer slot set to zeros, read after the gradients. */
  private Operand<TFloat32> slot(Ops tf, Ops after, List<Op> init, String name, Shape shape) {
    Operand<?> handle = HandOps.zeros(tf, init, name, shape);
    slotHandles.add(handle);
    return after.readVariableOp(handle, TFloat32.class);
  }

  /**
   * One epoch over {@code samples} images of {@code xs} (row-major, 784 values each) and one-hot
   * {@code ys}, shuffled by {@code random} (Fisher–Yates), in batches of {@code batchSize};
   * returns the mean loss, weighted by batch size, as Keras reports it.
   */
  public double epoch(float[] xs, float[] ys, int samples, int batchSize,
      SplittableRandom random) {
    return HandOps.epoch(samples, batchSize, random,
        (order, from, n) -> step(xs, ys, order, from, n));
  }

  /** One step on images {@code order[from .. from + n)}; returns the batch's loss before it. */
  public double step(float[] xs, float[] ys, int[] order, int from, int n) {
    try (TFloat32 xb = HandOps.gather(xs, order, from, n,
            Shape.of(n, ConvNet.ROWS, ConvNet.COLS, 1), ConvNet.PIXELS);
        TFloat32 yb = HandOps.gather(ys, order, from, n, Shape.of(n, ConvNet.CLASSES),
            ConvNet.CLASSES);
        Result result = session.runner().feed(x, xb).feed(y, yb).fetch(loss).addTarget(step)
            .run()) {
      return ((TFloat32) result.get(0)).getFloat();
    }
  }

  /** The weights now, in Keras's order, flattened row-major. */
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
