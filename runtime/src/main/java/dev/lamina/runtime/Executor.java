package dev.lamina.runtime;

import dev.lamina.runtime.SymbolicTensor.Node;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * A model's one TensorFlow graph and the session that runs it; owns both native handles.
 *
 * <p>The graph holds one resource variable per layer weight, the inference pass (training off)
 * that {@code predict} runs, and, once the model is compiled, the passes {@code fit} and
 * {@code evaluate} run (see {@link TrainingGraph}). Each variable is kept in step with its
 * {@link Weight}: before a run, any weight whose values changed elsewhere is pushed in; after a
 * training step the weights are marked as held here, and handed back when read or on close.
 */
final class Executor implements AutoCloseable {

  /** One weight's variable and the ops that move values in and out of it. */
  record Variable(Weight weight, Operand<?> handle, Placeholder<TFloat32> value, Op assign,
      Operand<TFloat32> read) {}

  private static final java.util.concurrent.atomic.AtomicLong IDS =
      new java.util.concurrent.atomic.AtomicLong();

  /** Orders executors, so that code locking several locks them in one order. */
  private final long id = IDS.incrementAndGet();
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
  /** The version of each weight's values last pushed into (or trained in) its variable. */
  private final Map<Weight, Long> synced = new IdentityHashMap<>();
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
        .setAttr("dtype", DataType.DT_FLOAT)
        .setAttr("shape", weight.shape())
        .setAttr("shared_name", opName)
        .build()
        .output(0);
    Placeholder<TFloat32> value = scoped.withName("value" + index)
        .placeholder(TFloat32.class, Placeholder.shape(weight.shape()));
    Op assign = scoped.withName("assign" + index).assignVariableOp(handle, value);
    Operand<TFloat32> read = scoped.withName("read" + index).readVariableOp(handle,
        TFloat32.class);
    return new Variable(weight, handle, value, assign, read);
  }

  /** Resolves a weight to the operand a pass reads it through. */
  interface WeightReads {
    Operand<TFloat32> read(Weight weight);
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
      Map<Weight, Operand<TFloat32>> updates, TrainingPass pass) {
    Map<Node, List<Operand<?>>> built = new IdentityHashMap<>();
    Map<Layer, List<Node>> calls = topology.calls();
    for (Node node : topology.nodes()) {
      List<Operand<?>> operands = new ArrayList<>(node.inputs().size());
      node.inputs().forEach(input -> operands.add(operandOf(built, input)));
      Layer layer = node.layer();
      List<Operand<?>> weights = new ArrayList<>();
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

  long id() {
    return id;
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
   * Runs {@code action} holding the monitors of {@code executors}, which the caller sorted by
   * {@link #id()}: no training step of any of them runs meanwhile.
   */
  static <T> T whileStill(List<Executor> executors, java.util.function.Supplier<T> action) {
    return whileStill(executors, 0, action);
  }

  private static <T> T whileStill(List<Executor> executors, int from,
      java.util.function.Supplier<T> action) {
    if (from == executors.size()) {
      return action.get();
    }
    synchronized (executors.get(from)) {
      return whileStill(executors, from + 1, action);
    }
  }

  /**
   * Pushes into this session every weight whose values changed since it last did; a weight
   * another model trained is first handed back by that model.
   */
  void syncWeights() {
    long changes = Weight.changes();
    if (changes == syncedChanges) {
      return; // no weight anywhere changed since every one here was found up to date
    }
    List<Variable> stale = null;
    for (Variable variable : variables.values()) {
      Weight weight = variable.weight();
      Executor holder = weight.heldBy();
      if (holder == this) {
        continue;
      }
      Long done;
      synchronized (synced) {
        done = synced.get(weight);
      }
      if (holder != null || done == null || done != weight.version()) {
        if (stale == null) {
          stale = new ArrayList<>();
        }
        stale.add(variable);
      }
    }
    if (stale == null || push(stale)) {
      syncedChanges = changes;
    }
  }

  /** {@link Weight#changes()} when this executor last found all its weights up to date. */
  private volatile long syncedChanges = -1;

  /**
   * Pushes each stale weight's values into this session. Values another model's training holds
   * are first pulled from it, outside this executor's lock (two models may pull from each other);
   * the push itself holds the lock, so that it cannot fall inside one of this model's own training
   * steps.
   *
   * @return false if a weight was taken by another model's training meanwhile (the next sync
   *     looks again)
   */
  private boolean push(List<Variable> stale) {
    for (Variable variable : stale) {
      Executor holder = variable.weight().heldBy();
      if (holder != null && holder != this) {
        holder.pullWeights();
      }
    }
    boolean complete = true;
    synchronized (this) {
      List<Variable> pushed = new ArrayList<>();
      List<float[]> values = new ArrayList<>();
      List<Long> versions = new ArrayList<>();
      // Collected under the assignments' read lock: all of one setWeights or loadWeights, or
      // none of it.
      Weight.ASSIGNMENTS.readLock().lock();
      try {
        for (Variable variable : stale) {
          Weight weight = variable.weight();
          synchronized (weight) {
            Executor holder = weight.heldBy();
            if (holder == this) {
              continue; // this model's training holds newer values than the layer
            }
            if (holder != null) {
              synchronized (synced) {
                synced.remove(weight); // trained elsewhere again meanwhile: pull next time
              }
              complete = false;
              continue;
            }
            pushed.add(variable);
            versions.add(weight.version());
            values.add(weight.localValues());
          }
        }
      } finally {
        Weight.ASSIGNMENTS.readLock().unlock();
      }
      if (!pushed.isEmpty()) {
        whileWriting(() -> {
          assignInOneRun(pushed, values);
          return null;
        });
      }
      synchronized (synced) {
        for (int i = 0; i < pushed.size(); i++) {
          synced.put(pushed.get(i).weight(), versions.get(i));
        }
      }
    }
    return complete;
  }

  /** Assigns every variable its values in one session run, so none is seen without the rest. */
  private void assignInOneRun(List<Variable> pushed, List<float[]> values) {
    List<TFloat32> tensors = new ArrayList<>(pushed.size());
    try {
      Session.Runner runner = session.runner();
      for (int i = 0; i < pushed.size(); i++) {
        Variable variable = pushed.get(i);
        TFloat32 tensor = TFloat32.tensorOf(NdArrays.wrap(variable.weight().shape(),
            DataBuffers.of(values.get(i), true, false)));
        tensors.add(tensor);
        runner.feed(variable.value(), tensor).addTarget(variable.assign());
      }
      runner.run().close();
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }

  /** After a training step: the trained variables now hold the newest values. */
  void markTrained(List<Weight> trained) {
    for (Weight weight : trained) {
      long version = weight.markHeldBy(this);
      synchronized (synced) {
        synced.put(weight, version);
      }
    }
  }

  /** Hands every weight this session holds back to its layer. */
  synchronized void pullWeights() {
    List<Variable> held = new ArrayList<>();
    for (Variable variable : variables.values()) {
      if (variable.weight().heldBy() == this) {
        held.add(variable);
      }
    }
    if (held.isEmpty()) {
      return;
    }
    Session.Runner runner = session.runner();
    held.forEach(variable -> runner.fetch(variable.read()));
    try (Result result = runner.run()) {
      for (int i = 0; i < held.size(); i++) {
        TFloat32 tensor = (TFloat32) result.get(i);
        float[] values = new float[Math.toIntExact(tensor.shape().size())];
        tensor.copyTo(NdArrays.wrap(tensor.shape(), DataBuffers.of(values, false, false)));
        held.get(i).weight().release(this, values);
      }
    }
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
   * a training step in progress (it holds this lock), so no step marks a weight afterwards.
   */
  @Override
  public synchronized void close() {
    closed = true;
    try (graph) {
      try {
        pullWeights();
      } finally {
        session.close();
      }
    }
  }
}
