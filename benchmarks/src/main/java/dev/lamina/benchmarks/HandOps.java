package dev.lamina.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The pieces the hand-written TensorFlow Java graphs ({@link HandGraph}, {@link HandConvGraph})
 * and training loops ({@link HandTrainer}, {@link HandConvTrainer}) share, whatever their model
 * and optimizer: resource variables set from constants or zeros, Lamina's dropout, the gradients
 * with the ops that must wait for all of them, a shuffled epoch of gathered batches, reading the
 * weights back, and a predict that copies in and out as {@code Model.predict} does.
 */
final class HandOps {

  private HandOps() {}

  /**
   * A resource variable of {@code shape}; set from the constant {@code values} at the first run,
   * or by {@code init} when given (a list the caller runs once).
   */
  static Operand<?> variable(Ops tf, float[] values, long[] shape, List<Op> init) {
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

  /** An optimizer's slot variable {@code name} of {@code shape}, set to zeros by {@code init}. */
  static Operand<?> zeros(Ops tf, List<Op> init, String name, Shape shape) {
    Operand<?> handle = tf.withInitScope().varHandleOp(TFloat32.class, shape,
        VarHandleOp.sharedName(name));
    init.add(tf.assignVariableOp(handle, tf.fill(tf.constant(shape.asArray()),
        tf.constant(0f))));
    return handle;
  }

  /** Lamina's Dropout: seeded uniform noise, keep where {@code >= rate}, scale the kept. */
  static Operand<TFloat32> dropout(Ops tf, Operand<TFloat32> x, double rate, long seed) {
    if (rate == 0) {
      return x;
    }
    Operand<TFloat32> uniform = tf.random.randomUniform(tf.shape(x, TInt64.class), TFloat32.class,
        RandomUniform.seed(seed & 0x7fffffffL).seed2((seed >>> 33) | 1));
    Operand<TFloat32> keep = tf.dtypes.cast(
        tf.math.greaterEqual(uniform, tf.constant((float) rate)), TFloat32.class);
    return tf.math.mul(tf.math.mul(x, keep), tf.constant((float) (1 / (1 - rate))));
  }

  /**
   * The mean over the batch of the softmax cross-entropy of {@code logits} against one-hot
   * {@code y}: Keras's categorical cross-entropy after a softmax output, on the logits.
   */
  static Operand<TFloat32> crossEntropy(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> y) {
    return tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, y).loss(),
        tf.constant(new int[] {0}));
  }

  /** A session on {@code graph} with {@code config} that has run the {@code init} ops once. */
  static Session initialized(Graph graph, ConfigProto config, List<Op> init) {
    Session session = new Session(graph, config);
    try {
      Session.Runner runner = session.runner();
      init.forEach(runner::addTarget);
      runner.run();
      return session;
    } catch (RuntimeException | Error e) {
      session.close();
      throw e;
    }
  }

  /**
   * The gradients of {@code loss} with respect to {@code reads} ({@link Graph#addGradients}),
   * and {@code after}: ops built with it run only once every gradient exists, so that no update
   * changes a weight another gradient still reads.
   */
  record Gradients(List<Operand<TFloat32>> values, Ops after) {}

  static Gradients gradients(Graph graph, Ops tf, Operand<TFloat32> loss,
      List<Operand<TFloat32>> reads) {
    Output<?>[] x = new Output<?>[reads.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = reads.get(i).asOutput();
    }
    Output<?>[] gradients = graph.addGradients(loss.asOutput(), x);
    List<Op> done = new ArrayList<>();
    List<Operand<TFloat32>> values = new ArrayList<>();
    for (Output<?> gradient : gradients) {
      @SuppressWarnings("unchecked")
      var identity = tf.identity((Output<TFloat32>) gradient);
      values.add(identity);
      done.add(identity);
    }
    return new Gradients(values, tf.withControlDependencies(done));
  }

  /** One training step on rows {@code order[from .. from + n)}; returns the batch's loss. */
  @FunctionalInterface
  interface BatchStep {
    double run(int[] order, int from, int n);
  }

  /**
   * One epoch over {@code samples} rows, shuffled by {@code random} (Fisher–Yates), in batches of
   * {@code batchSize}; returns the mean loss, weighted by batch size, as Keras reports it.
   */
  static double epoch(int samples, int batchSize, SplittableRandom random, BatchStep step) {
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
      sum += step.run(order, from, n) * n;
    }
    return sum / samples;
  }

  /**
   * Rows {@code order[from .. from + n)} of {@code data} ({@code width} values each, row-major)
   * copied straight into a new tensor of {@code shape}.
   */
  static TFloat32 gather(float[] data, int[] order, int from, int n, Shape shape, int width) {
    return TFloat32.tensorOf(shape, tensor -> {
      FloatDataBuffer buffer = tensor.asRawTensor().data().asFloats();
      for (int r = 0; r < n; r++) {
        buffer.offset((long) r * width).write(data, order[from + r] * width, width);
      }
    });
  }

  /** The values of {@code reads}, each flattened row-major. */
  static List<float[]> read(Session session, List<Operand<TFloat32>> reads) {
    Session.Runner runner = session.runner();
    reads.forEach(runner::fetch);
    List<float[]> values = new ArrayList<>();
    try (Result result = runner.run()) {
      for (int i = 0; i < reads.size(); i++) {
        TFloat32 t = (TFloat32) result.get(i);
        float[] v = new float[Math.toIntExact(t.shape().size())];
        t.asRawTensor().data().asFloats().read(v);
        values.add(v);
      }
    }
    return values;
  }

  /**
   * Runs {@code output} on all of {@code x} in one batch: a new tensor copied from {@code x}, the
   * output copied into a new array, as {@code Model.predict} does.
   */
  static FloatNdArray predict(Session session, Operand<TFloat32> input, Operand<TFloat32> output,
      FloatNdArray x) {
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
}
