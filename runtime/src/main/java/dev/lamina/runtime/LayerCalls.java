package dev.lamina.runtime;

import dev.lamina.runtime.SymbolicTensor.Node;
import java.util.List;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;

/**
 * Runs a layer's own code, the code that adds its ops to a graph, so that whatever goes wrong
 * names the layer: when an output is traced at {@code apply} ({@link Tracer}) and when a model's
 * graph is built at its first {@code predict} ({@link Executor}).
 *
 * <p>The rule for messages: a failure TensorFlow reports about the ops (an
 * {@code org.tensorflow.exceptions} type, e.g. shapes that cannot be combined) says "TensorFlow
 * rejects"; anything else the layer's code throws, an {@link AssertionError} included, says that
 * the code threw, and what; an operand from another graph (one kept from an earlier call, e.g. in
 * a field) says so. The layer's {@link Layer#describe()} comes first, the original throwable is
 * the cause.
 */
final class LayerCalls {

  private LayerCalls() {}

  /**
   * Adds one call of {@code node}'s layer to the graph {@code tf} builds.
   *
   * @param name the layer's name in the model, which may differ from its own default name
   * @param inputs the call's input operands, in order
   * @param weights the current values of the layer's weights, in order, each of its dtype
   * @param context the call's training flag and input masks; it collects the weight updates
   * @return the call's outputs, one per output its {@code computeOutputs} declared
   * @throws IllegalStateException naming the layer if its code fails or returns an unusable operand
   */
  static List<Operand<?>> build(Ops tf, Node node, String name, List<Operand<?>> inputs,
      List<Operand<?>> weights, Layer.CallContext context) {
    boolean training = context.training();
    Layer layer = node.layer();
    String who = describe(layer, name);
    String function = functionOf(layer);
    String when = (training ? " while compile built the model's training pass"
        : " while the model's graph was built (at the first predict)")
        + ", for input shapes " + Tracer.formatShapes(node.inputs());
    List<Operand<?>> outputs;
    try {
      outputs = layer.buildOutputs(tf, inputs, weights, context);
    } catch (RuntimeException | AssertionError e) {
      throw new IllegalStateException(explain(who, function, when, e), e);
    }
    if (outputs == null) {
      throw new IllegalStateException(who + ": " + function + " returned null" + when);
    }
    int declared = node.outputs().size();
    if (outputs.size() != declared) {
      throw new IllegalStateException(who + ": " + function + " returned " + outputs.size()
          + " outputs" + when + ", but computeOutputs declared " + declared);
    }
    for (Operand<?> output : outputs) {
      if (output == null) {
        throw new IllegalStateException(who + ": " + function + " returned null"
            + (declared > 1 ? " among its outputs" : "") + when);
      }
      requireSameGraph(output, GraphOps.environmentOf(tf), who, function, when);
    }
    return List.copyOf(outputs);
  }

  /**
   * The message for {@code failure}, thrown by {@code function} of the layer {@code who}
   * {@code when}.
   */
  static String explain(String who, String function, String when, Throwable failure) {
    if (fromAnotherGraph(failure)) {
      return who + ": " + function + " uses an operand from another graph" + when + " ("
          + failure.getMessage() + "); " + SAME_GRAPH_ADVICE;
    }
    if (isTensorFlows(failure)) {
      return who + ": TensorFlow rejects " + function + when + ": "
          + failure.getMessage();
    }
    return who + ": " + function + " threw " + failure + when;
  }

  /** Fails if {@code output} is not an operand of {@code graph}. */
  static void requireSameGraph(Operand<?> output, ExecutionEnvironment graph, String who,
      String function, String when) {
    boolean same;
    try {
      same = output.env() == graph;
    } catch (IllegalStateException closed) {
      same = false; // its graph is closed: TensorFlow Java will not even say which it was
    }
    if (!same) {
      throw new IllegalStateException(who + ": " + function
          + " returned an operand from another graph" + when + "; " + SAME_GRAPH_ADVICE);
    }
  }

  private static final String SAME_GRAPH_ADVICE = "build every op with the Ops it is given, "
      + "from the operands it is passed, and keep no operand between calls (e.g. in a field): "
      + "each call may build into a new graph";

  /** {@code SquareLayer 'square'}, plus the model's name for it when that differs. */
  static String describe(Layer layer, String name) {
    String described = layer.describe();
    String own = layer.explicitName().orElse(layer.defaultName());
    return name == null || name.equals(own) ? described
        : described + " (named '" + name + "' in this model)";
  }

  /** How messages name the code that builds a layer's ops, e.g. {@code SeedLambdas.slice}. */
  static String functionOf(Layer layer) {
    if (layer instanceof LambdaLayer lambda) {
      return lambda.signature().function();
    }
    if (layer instanceof MaskLayer mask) {
      return mask.owner().maskFunctionName();
    }
    return layer.typeName() + ".build";
  }

  /** Exceptions TensorFlow itself raises about ops: its own exception types. */
  private static boolean isTensorFlows(Throwable failure) {
    return failure.getClass().getName().startsWith("org.tensorflow.exceptions.");
  }

  /**
   * TensorFlow Java's own checks on an input operand from another graph: "was from a different
   * graph" while that graph is open, "close() has been called on the Graph" once it is closed
   * (the graph {@code apply} traced in is closed at once).
   */
  private static boolean fromAnotherGraph(Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    return failure instanceof IllegalArgumentException && message.contains("from a different graph")
        || failure instanceof IllegalStateException
            && message.contains("close() has been called on the Graph");
  }
}
