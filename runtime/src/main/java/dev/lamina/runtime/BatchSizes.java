package dev.lamina.runtime;

import dev.lamina.runtime.SymbolicTensor.Node;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;

/**
 * Checks that a batch's outputs have one row per input sample, and otherwise finds the layer
 * that changed the batch size (a lambda that reshapes rows into the batch dimension, say), so
 * that the error names it rather than the model's last layer.
 */
final class BatchSizes {

  private BatchSizes() {}

  /**
   * @param batchOutput what the graph gave for output {@code output} on this batch
   * @param result the shape of the array that collects that output over all batches
   * @param feeds the batch's input tensors, to run the graph again if it must find the layer
   * @throws IllegalStateException naming the first layer whose output has not {@code batch} rows
   */
  static void check(Executor built, Topology topology, List<Tensor> feeds, int output,
      Shape batchOutput, Shape result, long batch) {
    if (batchOutput.numDimensions() == result.numDimensions() && batchOutput.get(0) == batch
        && Shapes.perSample(batchOutput).equals(Shapes.perSample(result))) {
      return;
    }
    String stacking = "The model's output " + output + " " + Shapes.format(batchOutput)
        + " for a batch of " + batch + " cannot be stacked into " + Shapes.format(result);
    if (batchOutput.numDimensions() >= 1 && batchOutput.get(0) == batch) {
      // The batch size holds; a per-sample size changed between batches, which TensorFlow's
      // shape inference left open.
      throw new IllegalStateException(stacking + ": its per-sample shape differs between batches "
          + "(made by " + describe(topology, topology.outputs().get(output).producer()) + ")");
    }
    Node culprit = firstToChangeTheBatch(built, topology, feeds, batch);
    Node blamed = culprit != null ? culprit : topology.outputs().get(output).producer();
    throw new IllegalStateException(describe(topology, blamed) + " changes the batch size at run "
        + "time: " + stacking + "; predict needs one output row per input sample, so every "
        + "layer must keep the batch dimension first and unchanged");
  }

  private static String describe(Topology topology, Node node) {
    return LayerCalls.describe(node.layer(), topology.names().get(node.layer()));
  }

  /** Runs the batch again fetching every call's output; {@code null} if that fails. */
  private static Node firstToChangeTheBatch(Executor built, Topology topology,
      List<Tensor> feeds, long batch) {
    List<Node> nodes = new ArrayList<>();
    List<Output<?>> outputs = new ArrayList<>();
    List<Operand<?>> fetches = new ArrayList<>();
    List<Integer> index = new ArrayList<>();
    for (Node node : topology.nodes()) {
      for (Operand<?> operand : built.operandsOf(node)) {
        if (built.isFed(operand)) {
          continue;
        }
        int at = outputs.indexOf(operand.asOutput());
        if (at < 0) {
          at = outputs.size();
          outputs.add(operand.asOutput());
          fetches.add(operand);
        }
        nodes.add(node);
        index.add(at);
      }
    }
    try (Result result = built.run(feeds, fetches)) {
      for (int i = 0; i < nodes.size(); i++) {
        Shape shape = result.get(index.get(i)).shape();
        if (shape.numDimensions() < 1 || shape.get(0) != batch) {
          return nodes.get(i);
        }
      }
    } catch (RuntimeException e) {
      return null; // the diagnosis is best effort; the caller names the output's layer
    }
    return null;
  }
}
