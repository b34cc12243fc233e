package dev.lamina.benchmarks;

import dev.lamina.benchmarks.AntirectifierNet.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

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
        handles.add(variable(tf, init, flat(kernels[layer]),
            Shape.of(kernels[layer].length, kernels[layer][0].length)));
        handles.add(variable(tf, init, biases[layer], Shape.of(biases[layer].length)));
      }
      handles.forEach(h -> weightReads.add(tf.readVariableOp(h, TFloat32.class)));

      Operand<TFloat32> h = dense(tf, x, 0);
      h = dropout(tf, HandGraph.antirectifier(tf, h), dropout, seeds[0]);
      h = dense(tf, h, 2);
      h = dropout(tf, HandGraph.antirectifier(tf, h), dropout, seeds[1]);
      Operand<TFloat32> logits = dense(tf, h, 4);
      loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, y).loss(),
          tf.constant(new int[] {0}));

      Output<?>[] reads = new Output<?>[weightReads.size()];
      for (int i = 0; i < reads.length; i++) {
        reads[i] = weightReads.get(i).asOutput();
      }
      Output<?>[] gradients = graph.addGradients(loss.asOutput(), reads);
      List<Op> gradientsDone = new ArrayList<>();
      List<Operand<TFloat32>> g = new ArrayList<>();
      for (Output<?> gradient : gradients) {
        @SuppressWarnings("unchecked")
        Operand<TFloat32> done = tf.identity((Output<TFloat32>) gradient);
        g.add(done);
        gradientsDone.add(done);
      }
      Ops after = tf.withControlDependencies(gradientsDone);
      List<Op> updates = new ArrayList<>();
      for (int i = 0; i < handles.size(); i++) {
        Shape shape = weightReads.get(i).shape();
        Operand<?> slot = tf.withInitScope().varHandleOp(TFloat32.class, shape,
            org.tensorflow.op.core.VarHandleOp.sharedName("velocity" + i));
        init.add(tf.assignVariableOp(slot, tf.fill(tf.constant(shape.asArray()),
            tf.constant(0f))));
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
      session = new Session(graph, config);
      Session.Runner runner = session.runner();
      init.forEach(runner::addTarget);
      runner.run();
    } catch (RuntimeException | Error e) {
      graph.close();
      throw e;
    }
  }

  private Operand<TFloat32> dense(Ops tf, Operand<TFloat32> in, int index) {
    return tf.nn.biasAdd(tf.linalg.matMul(in, weightReads.get(index)),
        weightReads.get(index + 1));
  }

  /** Lamina's Dropout: seeded uniform noise, keep where {@code >= rate}, scale the kept. */
  private static Operand<TFloat32> dropout(Ops tf, Operand<TFloat32> x, double rate, long seed) {
    if (rate == 0) {
      return x;
    }
    Operand<TFloat32> uniform = tf.random.randomUniform(tf.shape(x, TInt64.class), TFloat32.class,
        RandomUniform.seed(seed & 0x7fffffffL).seed2((seed >>> 33) | 1));
    Operand<TFloat32> keep = tf.dtypes.cast(
        tf.math.greaterEqual(uniform, tf.constant((float) rate)), TFloat32.class);
    return tf.math.mul(tf.math.mul(x, keep), tf.constant((float) (1 / (1 - rate))));
  }

  private static Operand<?> variable(Ops tf, List<Op> init, float[] values, Shape shape) {
    Ops scope = tf.withInitScope();
    Operand<?> handle = scope.varHandleOp(TFloat32.class, shape,
        org.tensorflow.op.core.VarHandleOp.sharedName(scope.scope().makeOpName("weight")));
    init.add(tf.assignVariableOp(handle,
        tf.constant(shape, DataBuffers.of(values, true, false))));
    return handle;
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
    int[] order = new int[samples];
    for (int i = 0; i < samples; i++) {
      order[i] = i;
    }
    for (int i = samples - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    double sum = 0;
    for (int from = 0; from < samples; from += batchSize) {
      int n = Math.min(batchSize, samples - from);
      sum += step(xs, ys, order, from, n) * n;
    }
    return sum / samples;
  }

  /** One step on rows {@code order[from .. from + n)}; returns the batch's loss before it. */
  public double step(float[] xs, float[] ys, int[] order, int from, int n) {
    int classes = AntirectifierNet.CLASSES;
    try (TFloat32 xb = gather(xs, order, from, n, features);
        TFloat32 yb = gather(ys, order, from, n, classes);
        Result result = session.runner().feed(x, xb).feed(y, yb).fetch(loss).addTarget(step)
            .run()) {
      return ((TFloat32) result.get(0)).getFloat();
    }
  }

  private static TFloat32 gather(float[] data, int[] order, int from, int n, int width) {
    return TFloat32.tensorOf(Shape.of(n, width), tensor -> {
      FloatDataBuffer buffer = tensor.asRawTensor().data().asFloats();
      for (int r = 0; r < n; r++) {
        buffer.offset((long) r * width).write(data, order[from + r] * width, width);
      }
    });
  }

  /** The weights now, in Keras's order (kernel1, bias1, ...), flattened row-major. */
  public List<float[]> weights() {
    Session.Runner runner = session.runner();
    weightReads.forEach(runner::fetch);
    List<float[]> values = new ArrayList<>();
    try (Result result = runner.run()) {
      for (int i = 0; i < weightReads.size(); i++) {
        TFloat32 t = (TFloat32) result.get(i);
        float[] v = new float[Math.toIntExact(t.shape().size())];
        t.asRawTensor().data().asFloats().read(v);
        values.add(v);
      }
    }
    return values;
  }

  @Override
  public void close() {
    try (graph) {
      session.close();
    }
  }
}
