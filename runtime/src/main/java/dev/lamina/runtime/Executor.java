package dev.lamina.runtime;

import dev.lamina.runtime.SymbolicTensor.Node;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TBool;

/**
 * A model's one TensorFlow graph and the session that runs it; owns both native handles.
 *
 * <p>The graph holds one resource variable per layer weight, the inference pass (training off)
 * that {@code predict} runs, and, once the model is compiled, the passes {@code fit} and
 * {@code evaluate} run (see {@link TrainingGraph}). Each variable is kept in step with its
 * {@link Weight} through the weight's version alone (a weight has no reference to any
 * executor): before a run, each weight whose version differs from the one last pushed or
 * published here is pushed in; training changes the variables only, and {@link #publish()} hands
 * the trained values back to the weights, all in one step, when the model's training call or one
 * of its epochs ends, or the model is read, saved or closed.
 */
final class Executor implements AutoCloseable {

  /**
   * One weight's variable (of the weight's dtype) and the ops that move values in and out of it;
   * {@code index} is its place among the executor's variables.
   */
  record Variable(Weight weight, Operand<?> handle, Placeholder<?> value, Op assign,
      Operand<?> read, int index) {}
  /**
   * Read-held while the inference pass runs, write-held while variables change (a push of new
   * values, a training step): a prediction sees every variable of one state, never a mix.
   */
  private final java.util.concurrent.locks.ReentrantReadWriteLock runs =
      new java.util.concurrent.locks.ReentrantReadWriteLock();
  private final Graph graph;
  private final Session session;
  private final Ops tf;
  private final Topology topology;
  private final Map<Weight, Variable> variables = new LinkedHashMap<>();
  /** The variables in order, for the check before each run. */
  private final Variable[] ordered;
  /**
   * Per variable, the weight's version this executor last pushed into it or published from it
   * (-1: none yet): where the weight's version differs, the weight changed elsewhere.
   */
  private final AtomicLongArray synced;
  /** Per variable, whether a training step changed it since it was last pushed or published. */
  private final boolean[] trained;
  /** Whether any of {@link #trained} is set; under this executor's lock. */
  private boolean anyTrained;
  /** Training calls under way ({@link #beginTraining}); under this executor's lock. */
  private int trainingCalls;
  /** The weights the first of them claimed ({@link Weight#startTraining}). */
  private List<Weight> claimed;
  private final List<Operand<?>> feeds;
  private final Fetches fetches;
  /** Each call's outputs in the inference pass, for diagnostics. */
  private final Map<Node, List<Operand<?>>> built;

  private Executor(Graph graph, Ops tf, Topology topology, SessionOptions options) {
    this.graph = graph;
    this.tf = tf;
    this.topology = topology;
    try {
      int index = 0;
      Ops weightOps = tf.withSubScope("weights");
      for (Layer layer : topology.layers()) {
        for (Weight weight : layer.weights()) {
          variables.put(weight, variable(weightOps, weight, index++));
        }
      }
      ordered = variables.values().toArray(new Variable[0]);
      synced = new AtomicLongArray(ordered.length);
      for (int i = 0; i < ordered.length; i++) {
        synced.set(i, -1);
      }
      trained = new boolean[ordered.length];
      built = forward(tf, false, weight -> variables.get(weight).read());
      List<Operand<?>> inputs = new ArrayList<>();
      topology.inputs().forEach(input -> inputs.add(operandOf(built, input)));
      this.feeds = List.copyOf(inputs);
      List<Operand<?>> outputs = new ArrayList<>();
      topology.outputs().forEach(output -> outputs.add(operandOf(built, output)));
      this.fetches = Fetches.of(outputs, feeds, tf);
      this.session = new Session(graph, options.toConfigProto());
    } catch (RuntimeException | Error e) {
      graph.close();
      throw e;
    }
  }

  /**
   * Builds the graph of {@code topology} on {@code device} ({@code null}: wherever TensorFlow
   * places the ops) and opens a session with soft placement and {@code options}.
   */
  static Executor build(Topology topology, DeviceSpec device) {
    return build(topology, device, SessionOptions.defaults());
  }

  static Executor build(Topology topology, DeviceSpec device, SessionOptions options) {
    NativeLogging.configure();
    Graph graph = new Graph();
    Ops tf = device == null ? GraphOps.of(graph) : GraphOps.of(graph).withDevice(device);
    return new Executor(graph, tf, topology, options);
  }

  private Variable variable(Ops scoped, Weight weight, int index) {
    // The variable's resource is shared by name within a session, so its shared_name must be
    // unique in the graph. It is the node's own name, as TensorFlow's own writers make it:
    // TensorFlow's MLIR importer (TensorFlow Lite's converter) looks a SavedModel's variables up
    // by shared_name as node names. The op is built by hand because Scope.makeOpName claims the
    // name it returns: asking it first and then building through Ops would name the node var0_1.
    Scope scope = scoped.scope();
    String opName = scope.makeOpName("var" + index);
    Operand<?> handle = scope.env().opBuilder(VarHandleOp.OP_NAME, opName, scope)
        .setAttr("dtype", TensorData.dataType(weight.dtypeClass()))
        .setAttr("shape", weight.shape())
        .setAttr("shared_name", opName)
        .build()
        .output(0);
    Placeholder<?> value = scoped.withName("value" + index)
        .placeholder(weight.dtypeClass(), Placeholder.shape(weight.shape()));
    Op assign = scoped.withName("assign" + index).assignVariableOp(handle, value);
    Operand<?> read = scoped.withName("read" + index).readVariableOp(handle,
        weight.dtypeClass());
    return new Variable(weight, handle, value, assign, read, index);
  }

  /** Resolves a weight to the operand a pass reads it through, of the weight's dtype. */
  interface WeightReads {
    Operand<?> read(Weight weight);
  }

  /** The operand of {@code tensor} among a pass's {@code built} calls. */
  static Operand<?> operandOf(Map<Node, List<Operand<?>>> built, SymbolicTensor<?> tensor) {
    return built.get(tensor.producer()).get(tensor.outputIndex());
  }

  /**
   * Adds every layer call's ops, each under its layer's name, with {@code training} passed to
   * every layer; returns each call's outputs.
   */
  Map<Node, List<Operand<?>>> forward(Ops ops, boolean training, WeightReads reads) {
    return forward(ops, training, reads, new LinkedHashMap<>(), null);
  }

  /**
   * Same, collecting into {@code updates} the new values the calls give their non-trainable
   * weights (only training passes have any), with {@code pass} the step and base seed that
   * the calls' {@link SeedStream}s draw from in training, which collects the rows they look
   * up ({@code null}: an inference pass).
   */
  Map<Node, List<Operand<?>>> forward(Ops ops, boolean training, WeightReads reads,
      Map<Weight, Operand<?>> updates, TrainingPass pass) {
    Map<Node, List<Operand<?>>> built = new IdentityHashMap<>();
    Map<Layer, List<Node>> calls = topology.calls();
    for (Node node : topology.nodes()) {
      List<Operand<?>> operands = new ArrayList<>(node.inputs().size());
      node.inputs().forEach(input -> operands.add(operandOf(built, input)));
      Layer layer = node.layer();
      List<Operand<?>> weights = new ArrayList<>(); // each of its weight's dtype
      layer.weights().forEach(weight -> weights.add(reads.read(weight)));
      // withSubScope makes a repeated scope unique, so a layer's second call gets name_1/...
      String name = topology.names().get(layer);
      List<Operand<TBool>> masks = null;
      if (layer.usesInputMasks()) {
        masks = new ArrayList<>(node.inputs().size());
        for (SymbolicTensor<TBool> mask : node.masks()) {
          @SuppressWarnings("unchecked")
          Operand<TBool> operand = mask == null ? null : (Operand<TBool>) operandOf(built, mask);
          masks.add(operand);
        }
      }
      List<Node> layerCalls = calls.get(layer);
      Ops scoped = ops.withSubScope(name);
      SeedStream stream = new SeedStream(scoped, pass, name, layerCalls.size(),
          layerCalls.indexOf(node));
      Layer.CallContext context = new Layer.CallContext(layer, training, masks, stream, pass);
      built.put(node, LayerCalls.build(scoped, node, name, operands, weights, context));
      for (var update : context.updates().entrySet()) {
        if (updates.putIfAbsent(update.getKey(), update.getValue()) != null) {
          throw new IllegalStateException(layer.describe() + ": weight '"
              + update.getKey().name() + "' is updated by two calls in one step; a layer that "
              + "updates its weights in training can be called once in a model");
        }
      }
    }
    return built;
  }

  /**
   * Each output's mask in a pass ({@code null} for an output without one), Keras's
   * {@code _keras_mask} of {@code y_pred}, which losses and metrics weigh by: the mask calls that
   * no layer of the model reads are built here, after the pass's own calls in {@code built}.
   */
  List<Operand<TBool>> outputMasks(Ops ops, boolean training, Map<Node, List<Operand<?>>> built,
      TrainingPass pass) {
    List<Operand<TBool>> masks = new ArrayList<>();
    Ops scoped = ops.withSubScope("output_masks");
    for (SymbolicTensor<?> output : topology.outputs()) {
      SymbolicTensor<TBool> mask = output.mask().orElse(null);
      if (mask == null) {
        masks.add(null);
        continue;
      }
      Topology chain = Topology.of(topology.inputs(), List.of(mask));
      for (Node node : chain.nodes()) {
        if (built.containsKey(node)) {
          continue;
        }
        List<Operand<?>> operands = new ArrayList<>(node.inputs().size());
        node.inputs().forEach(input -> operands.add(operandOf(built, input)));
        String name = chain.names().get(node.layer());
        Ops call = scoped.withSubScope(name);
        Layer.CallContext context = new Layer.CallContext(node.layer(), training, null,
            new SeedStream(call, pass, name, 1, 0), pass);
        built.put(node, LayerCalls.build(call, node, name, operands, List.of(), context));
      }
      @SuppressWarnings("unchecked")
      Operand<TBool> operand = (Operand<TBool>) operandOf(built, mask);
      masks.add(operand);
    }
    return masks;
  }

  /** Each call's outputs in the inference pass. */
  Map<Node, List<Operand<?>>> built() {
    return built;
  }

  Graph graph() {
    return graph;
  }

  Ops ops() {
    return tf;
  }

  Topology topology() {
    return topology;
  }

  Session session() {
    return session;
  }

  List<Operand<?>> feeds() {
    return feeds;
  }

  /** The model outputs' operands in the inference pass, in order, duplicates included. */
  List<Operand<?>> outputs() {
    List<Operand<?>> outputs = new ArrayList<>();
    for (int index : fetches.index()) {
      outputs.add(fetches.unique().get(index));
    }
    return outputs;
  }

  /** Where model output {@code output}'s tensor is in what {@link #predict} returns. */
  int resultIndex(int output) {
    return fetches.index()[output];
  }

  /** The operands a layer call was built into in the inference pass; empty if none. */
  List<Operand<?>> operandsOf(Node node) {
    return built.getOrDefault(node, List.of());
  }

  /** Whether {@code operand} is fed rather than computed. */
  boolean isFed(Operand<?> operand) {
    return feeds.stream().anyMatch(feed -> feed.asOutput().equals(operand.asOutput()));
  }

  Map<Weight, Variable> variables() {
    return variables;
  }

  /**
   * Runs the inference pass once. The caller closes the result, which owns the fetched tensors.
   * Safe to call from several threads: TensorFlow sessions run concurrently.
   */
  Result predict(List<? extends Tensor> inputs) {
    return run(inputs, fetches.unique());
  }

  /** Runs the inference pass fetching {@code operands}; for diagnostics too. */
  Result run(List<? extends Tensor> inputs, List<Operand<?>> operands) {
    syncWeights();
    Session.Runner runner = session.runner();
    for (int i = 0; i < feeds.size(); i++) {
      runner.feed(feeds.get(i), inputs.get(i));
    }
    operands.forEach(runner::fetch);
    return whileReading(runner::run);
  }

  /** Runs {@code action} with no variable of this executor changing meanwhile. */
  <T> T whileReading(java.util.function.Supplier<T> action) {
    runs.readLock().lock();
    try {
      return action.get();
    } finally {
      runs.readLock().unlock();
    }
  }

  /**
   * Runs {@code action}, which changes variables, with no inference pass running meanwhile; the
   * caller holds this executor's monitor (lock order: monitor, then this).
   */
  <T> T whileWriting(java.util.function.Supplier<T> action) {
    runs.writeLock().lock();
    try {
      return action.get();
    } finally {
      runs.writeLock().unlock();
    }
  }

  /**
   * Pushes into this session every weight whose version differs from the one last pushed or
   * published here: one volatile read per weight when none does.
   */
  void syncWeights() {
    for (Variable variable : ordered) {
      if (variable.weight().version() != synced.get(variable.index())) {
        push();
        return;
      }
    }
  }

  /**
   * Pushes each changed weight's values into this session. The push holds this executor's lock,
   * so that it cannot fall inside one of this model's own training steps, and collects the values
   * under the assignments' read lock: all of one assignment or publish, or none of it.
   */
  private synchronized void push() {
    List<Variable> pushed = new ArrayList<>();
    List<TensorData.Dense> values = new ArrayList<>();
    List<Long> versions = new ArrayList<>();
    Weight.ASSIGNMENTS.readLock().lock();
    try {
      for (Variable variable : ordered) {
        long version = variable.weight().version();
        if (version != synced.get(variable.index())) {
          pushed.add(variable);
          versions.add(version);
          values.add(variable.weight().current());
        }
      }
    } finally {
      Weight.ASSIGNMENTS.readLock().unlock();
    }
    if (pushed.isEmpty()) {
      return;
    }
    whileWriting(() -> {
      assignInOneRun(pushed, values);
      return null;
    });
    for (int i = 0; i < pushed.size(); i++) {
      int index = pushed.get(i).index();
      synced.set(index, versions.get(i));
      trained[index] = false; // the values given win over what training did before them
    }
  }

  /** Assigns every variable its values in one session run, so none is seen without the rest. */
  private void assignInOneRun(List<Variable> pushed, List<TensorData.Dense> values) {
    List<Tensor> tensors = new ArrayList<>(pushed.size());
    try {
      Session.Runner runner = session.runner();
      for (int i = 0; i < pushed.size(); i++) {
        Variable variable = pushed.get(i);
        Tensor tensor = TensorData.tensorOf(variable.weight().dtypeClass(),
            values.get(i).array(), variable.weight()::toString);
        tensors.add(tensor);
        runner.feed(variable.value(), tensor).addTarget(variable.assign());
      }
      runner.run().close();
    } finally {
      tensors.forEach(Tensor::close);
    }
  }

  /**
   * A training call begins: the first of this executor's claims {@code weights}, the weights its
   * steps change, so that no other model trains them until it ends.
   *
   * @throws IllegalStateException if another model is training one of them, or this one is closed
   */
  synchronized void beginTraining(List<Weight> weights) {
    requireOpen();
    if (trainingCalls == 0) {
      Weight.startTraining(weights);
      claimed = List.copyOf(weights);
    }
    trainingCalls++;
  }

  /** The training call ends: what it trained is published, and the last one lets go. */
  synchronized void endTraining() {
    try {
      publish();
    } finally {
      if (--trainingCalls == 0) {
        Weight.endTraining(claimed);
        claimed = null;
      }
    }
  }

  /** After a training step, under this executor's lock: the variables of {@code changed}. */
  void markTrained(List<Weight> changed) {
    for (Weight weight : changed) {
      trained[variables.get(weight).index()] = true;
    }
    anyTrained = true;
  }

  /**
   * Hands the values training gave the variables back to their weights, all in one step (a
   * weight assigned since this executor last pushed it keeps the assignment); then every reader
   * of the weights, and every other model from its next run, sees them. Nothing to do if nothing
   * trained since the last publish.
   */
  synchronized void publish() {
    if (!anyTrained || closed) {
      return;
    }
    List<Variable> changed = new ArrayList<>();
    for (Variable variable : ordered) {
      if (trained[variable.index()]) {
        changed.add(variable);
      }
    }
    if (changed.isEmpty()) {
      anyTrained = false; // pushes since replaced every trained value
      return;
    }
    Session.Runner runner = session.runner();
    changed.forEach(variable -> runner.fetch(variable.read()));
    List<Weight> weights = new ArrayList<>(changed.size());
    List<Tensor> trainedValues = new ArrayList<>(changed.size());
    long[] expected = new long[changed.size()];
    long[] versions;
    try (Result result = runner.run()) {
      for (int i = 0; i < changed.size(); i++) {
        weights.add(changed.get(i).weight());
        trainedValues.add(result.get(i));
        expected[i] = synced.get(changed.get(i).index());
      }
      versions = Weight.publish(weights, trainedValues, expected);
    }
    for (int i = 0; i < changed.size(); i++) {
      int index = changed.get(i).index();
      if (versions[i] >= 0) {
        synced.set(index, versions[i]);
      }
      trained[index] = false;
    }
    anyTrained = false;
  }

  /**
   * {@link #publish()}, then {@link Weight#snapshot} of {@code weights} with {@code alongside},
   * with no training step of this model in between: a save's weights and optimizer state of one
   * step.
   */
  synchronized <R> Weight.Snapshot<R> publishAndSnapshot(List<Weight> weights,
      java.util.function.Supplier<R> alongside) {
    publish();
    return Weight.snapshot(weights, alongside);
  }

  private boolean closed;

  /** Fails once {@link #close()} has begun; under this executor's lock. */
  void requireOpen() {
    if (closed) {
      throw new IllegalStateException("This model was closed during training");
    }
  }

  /**
   * Hands the trained values back to the layers, then releases the session and graph. Waits for
   * a training step in progress (it holds this lock), so no step changes a variable afterwards.
   */
  @Override
  public synchronized void close() {
    try (graph) {
      try {
        publish();
      } finally {
        closed = true;
        session.close();
      }
    }
  }
}
