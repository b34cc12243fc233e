package dev.lamina.runtime;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;

/**
 * What a model's session fetches for its outputs: each distinct tensor once, since TensorFlow
 * refuses to fetch one tensor twice ("Name collision in the result set"), while Keras lets a
 * model list one tensor as several outputs.
 *
 * @param unique the operands to fetch, each tensor once
 * @param index for each model output, the position of its tensor in {@code unique}
 */
record Fetches(List<Operand<?>> unique, int[] index) {

  /**
   * @param outputs one operand per model output, in order, duplicates allowed
   * @param feeds the operands the session is fed
   * @param tf adds a copy of an output that is also fed: TensorFlow cannot fetch a tensor it is
   *     fed (an input that reaches an output unchanged, through no layer or layers that return
   *     their input)
   */
  static Fetches of(List<Operand<?>> outputs, List<Operand<?>> feeds, Ops tf) {
    List<Output<?>> seen = new ArrayList<>();
    List<Operand<?>> unique = new ArrayList<>();
    int[] index = new int[outputs.size()];
    for (int i = 0; i < outputs.size(); i++) {
      Output<?> output = outputs.get(i).asOutput();
      int at = seen.indexOf(output);
      if (at < 0) {
        at = seen.size();
        seen.add(output);
        boolean fed = feeds.stream().anyMatch(feed -> feed.asOutput().equals(output));
        unique.add(fed ? tf.withName("output").identity(outputs.get(i)) : outputs.get(i));
      }
      index[i] = at;
    }
    return new Fetches(List.copyOf(unique), index);
  }
}
