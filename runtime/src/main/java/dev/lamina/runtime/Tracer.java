package dev.lamina.runtime;

import dev.lamina.runtime.Layer.OutputSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.family.TType;

/**
 * Learns what ops give before any model is built: builds them on placeholders in a throw-away
 * graph and reads the shape and dtype TensorFlow's own shape inference assigns.
 */
final class Tracer {

  private Tracer() {}

  /** Ops built from placeholders. */
  interface Traced {
    Operand<?> build(Ops tf, List<Operand<?>> placeholders);
  }

  /**
   * @param layer the layer the ops belong to, for messages and the name scope
   * @param function what builds them, for messages, e.g. {@code SeedLambdas.slice}
   * @throws IllegalArgumentException naming the layer if TensorFlow rejects the ops for these
   *     inputs or the code that builds them throws (see {@link LayerCalls} for the wording)
   */
  static OutputSpec<?> trace(Layer layer, List<SymbolicTensor<?>> inputs, String function,
      Traced ops) {
    NativeLogging.configure();
    try (Graph scratch = new Graph()) {
      Ops tf = Ops.create(scratch);
      List<Operand<?>> placeholders = new ArrayList<>(inputs.size());
      for (SymbolicTensor<?> input : inputs) {
        placeholders.add(tf.placeholder(input.dtype(), Placeholder.shape(input.shape())));
      }
      String when = " for input shapes " + formatShapes(inputs);
      Operand<?> output;
      try {
        output = ops.build(tf.withSubScope(layer.defaultName()), placeholders);
      } catch (RuntimeException | AssertionError e) {
        throw new IllegalArgumentException(
            LayerCalls.explain(layer.describe(), function, when, e), e);
      }
      if (output == null) {
        throw new IllegalStateException(layer.describe() + ": " + function + " returned null"
            + when);
      }
      LayerCalls.requireSameGraph(output, scratch, layer.describe(), function, when);
      return spec(output);
    }
  }

  private static <T extends TType> OutputSpec<T> spec(Operand<T> output) {
    return new OutputSpec<>(output.shape(), output.type());
  }

  /** {@code (None, 4), (None, 3)}. */
  static String formatShapes(List<SymbolicTensor<?>> inputs) {
    StringJoiner joined = new StringJoiner(", ");
    inputs.forEach(input -> joined.add(Shapes.format(input.shape())));
    return joined.toString();
  }
}
