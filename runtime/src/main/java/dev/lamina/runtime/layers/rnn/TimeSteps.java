package dev.lamina.runtime.layers.rnn;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * The unrolled time loop of Keras's backend {@code rnn}, shared by {@link RNN} (states {@code
 * (batch, units)}) and {@link ConvLSTM} (states {@code (batch, spatial..., filters)}): one copy
 * of the cell per step over a time axis of known length, or of unknown length padded to {@code
 * maxSteps} (checked at run time) with the padded steps keeping output and states and the
 * sequence output cut back to the batch's length. A masked step keeps the previous states and
 * repeats the previous output, or gives zeros with {@code zero_output_for_mask}.
 */
final class TimeSteps {

  private TimeSteps() {}

  /** One step of a cell: from the step's input and the states, the output then the states. */
  interface Cell {
    List<Operand<TFloat32>> step(Ops tf, Operand<TFloat32> input, List<Operand<TFloat32>> states);
  }

  /** {@code go_backwards}: {@code x} (or null) reversed along its time {@code axis}. */
  static <T extends TType> Operand<T> backwards(Ops tf, Operand<T> x, int axis) {
    return x == null ? null : tf.reverse(x, tf.constant(new int[] {axis}));
  }

  /**
   * Runs {@code cell} over the time {@code axis} of {@code sequence} (already reversed for
   * go_backwards), {@code time} steps long or, when {@code time} is negative (unknown), padded
   * to {@code maxSteps}. {@code mask} null or a bool with the same time axis whose steps are
   * {@code (batch)}; {@code stepShape} one step's input shape ({@code -1} for the batch),
   * {@code outputTail} one step's output shape without the batch; {@code tooLong} what the
   * failed maxSteps check says after "maxSteps (n), ". Returns the output (the sequence {@code
   * (batch, time, outputTail...)} or the last output), then the final states.
   */
  static List<Operand<TFloat32>> run(Ops tf, Operand<TFloat32> sequence, Operand<TBool> mask,
      int axis, long time, int maxSteps, long[] stepShape, long[] outputTail,
      List<Operand<TFloat32>> states, boolean returnSequences, boolean zeroOutputForMask,
      String who, String tooLong, Cell cell) {
    Operand<TInt32> length = null;
    List<Operand<TBool>> valid = null;
    int steps = (int) time;
    if (time < 0) {
      steps = maxSteps;
      length = tf.reshape(tf.slice(tf.shape(sequence), tf.constant(new int[] {axis}),
          tf.constant(new int[] {1})), tf.constant(new int[0]));
      var check = tf.assertThat(tf.math.lessEqual(length, tf.constant(maxSteps)), List.of(
          tf.constant(who + ": a batch of sequences of this many steps is longer than maxSteps ("
              + maxSteps + "), " + tooLong + "; give the layer a larger maxSteps, or the Input "
              + "its length:"), length));
      Ops checked = tf.withControlDependencies(List.of(check));
      sequence = tf.reshape(checked.pad(sequence, paddings(tf, axis, stepShape.length + 1,
          length, maxSteps), tf.constant(0f)), tf.constant(insert(stepShape, axis, maxSteps)));
      if (mask != null) {
        long[] maskShape = new long[2];
        maskShape[axis] = maxSteps;
        maskShape[1 - axis] = -1;
        mask = tf.reshape(tf.pad(mask, paddings(tf, axis, 2, length, maxSteps),
            tf.constant(false)), tf.constant(maskShape));
      }
      valid = new ArrayList<>();
      for (int t = 0; t < maxSteps; t++) {
        valid.add(tf.math.less(tf.constant(t), length));
      }
    }
    List<Operand<TFloat32>> xs = new ArrayList<>();
    tf.unstack(sequence, (long) steps, org.tensorflow.op.core.Unstack.axis((long) axis))
        .output().forEach(xs::add);
    List<Operand<TBool>> ms = null;
    if (mask != null) {
      ms = new ArrayList<>();
      tf.unstack(mask, (long) steps, org.tensorflow.op.core.Unstack.axis((long) axis))
          .output().forEach(ms::add);
    }
    List<Operand<TFloat32>> outputs = new ArrayList<>();
    Operand<TFloat32> previous = null;
    for (int t = 0; t < steps; t++) {
      List<Operand<TFloat32>> result = cell.step(tf, xs.get(t), states);
      if (previous == null) {
        previous = tf.zerosLike(result.get(0));
      }
      if (ms != null) {
        result = masked(tf, ms.get(t), result, previous, states, zeroOutputForMask);
      }
      if (valid != null) {
        result = masked(tf, valid.get(t), result, previous, states, false);
      }
      outputs.add(result.get(0));
      previous = result.get(0);
      states = result.subList(1, result.size());
    }
    List<Operand<TFloat32>> out = new ArrayList<>();
    if (returnSequences) {
      Operand<TFloat32> all = tf.stack(outputs, org.tensorflow.op.core.Stack.axis(1L));
      if (length == null) {
        out.add(tf.reshape(all, tf.constant(insert(prepend(-1, outputTail), 1, time))));
      } else {
        // int32 begin and size: TensorFlow's gradient of Slice mixes int64 ones with int32.
        int rank = all.shape().numDimensions();
        int[] size = new int[rank];
        java.util.Arrays.fill(size, -1);
        Operand<TInt32> lengthVector = tf.reshape(length, tf.constant(new int[] {1}));
        Operand<TInt32> sizes = tf.concat(List.of(tf.constant(new int[] {-1}), lengthVector,
            tf.constant(java.util.Arrays.copyOf(size, rank - 2))), tf.constant(0));
        int[] tail = new int[outputTail.length];
        for (int i = 0; i < tail.length; i++) {
          tail[i] = (int) outputTail[i];
        }
        // A reshape, not EnsureShape (whose gradient the C API lacks), restores the sizes.
        out.add(tf.reshape(tf.slice(all, tf.constant(new int[rank]), sizes), tf.concat(List.of(
            tf.constant(new int[] {-1}), lengthVector, tf.constant(tail)), tf.constant(0))));
      }
    } else {
      out.add(previous);
    }
    out.addAll(states);
    return out;
  }

  /**
   * A step under {@code keep} (a {@code (batch)} or scalar bool): where false, the previous
   * {@code states} and the {@code previous} output (zeros with {@code zeroOutput}) instead of
   * {@code result} (output then states).
   */
  static List<Operand<TFloat32>> masked(Ops tf, Operand<TBool> keep,
      List<Operand<TFloat32>> result, Operand<TFloat32> previous,
      List<Operand<TFloat32>> states, boolean zeroOutput) {
    List<Operand<TFloat32>> out = new ArrayList<>();
    Operand<TFloat32> output = result.get(0);
    out.add(tf.select(broadcast(tf, keep, output), output,
        zeroOutput ? tf.zerosLike(output) : previous));
    for (int i = 0; i < states.size(); i++) {
      Operand<TFloat32> state = result.get(i + 1);
      out.add(tf.select(broadcast(tf, keep, state), state, states.get(i)));
    }
    return out;
  }

  /** A {@code (batch)} bool with axes of one up to {@code like}'s rank; a scalar as it is. */
  private static Operand<TBool> broadcast(Ops tf, Operand<TBool> keep, Operand<?> like) {
    if (keep.shape().numDimensions() == 0) {
      return keep;
    }
    if (like.shape().numDimensions() < 0) { // a while loop's body: the rank at run time
      Operand<TInt32> ones = tf.fill(tf.reshape(tf.math.sub(tf.rank(like), tf.constant(1)),
          tf.constant(new int[] {1})), tf.constant(1));
      return tf.reshape(keep, tf.concat(List.of(tf.constant(new int[] {-1}), ones),
          tf.constant(0)));
    }
    long[] dims = new long[like.shape().numDimensions()];
    java.util.Arrays.fill(dims, 1);
    dims[0] = -1;
    return dims.length == 2 ? tf.expandDims(keep, tf.constant(1))
        : tf.reshape(keep, tf.constant(dims));
  }

  private static Operand<TInt32> paddings(Ops tf, int axis, int rank, Operand<TInt32> length,
      int maxSteps) {
    Operand<TInt32> pad = tf.reshape(tf.math.sub(tf.constant(maxSteps), length),
        tf.constant(new int[] {1}));
    return tf.reshape(tf.concat(List.of(tf.constant(new int[2 * axis + 1]), pad,
        tf.constant(new int[2 * (rank - axis - 1)])), tf.constant(0)),
        tf.constant(new int[] {rank, 2}));
  }

  private static long[] insert(long[] dims, int at, long value) {
    long[] out = new long[dims.length + 1];
    System.arraycopy(dims, 0, out, 0, at);
    out[at] = value;
    System.arraycopy(dims, at, out, at + 1, dims.length - at);
    return out;
  }

  private static long[] prepend(long value, long[] dims) {
    return insert(dims, 0, value);
  }
}
