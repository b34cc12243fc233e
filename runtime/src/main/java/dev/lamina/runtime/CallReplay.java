package dev.lamina.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * Rebuilds a model's graph of layer calls from a description of it: the one replay behind
 * {@code Model.load} (Lamina's own file, its {@code "nodes"}) and the Keras importer (a
 * functional config's {@code inbound_nodes}). Each call names its layer and its inputs, each
 * input as output {@code output} of call {@code call} of a layer (Keras's {@code keras_history}
 * {@code [layer, node, tensor]}); a layer's calls are numbered in the order the list gives them,
 * from 0, and an input layer has one call, made before any other, with one output.
 *
 * <p>The calls are applied in the list's order ({@link #inListedOrder}: a call may use only
 * calls listed before it, so a description cannot hold a cycle) or in the order their inputs
 * allow ({@link #inDependencyOrder}: Kahn's algorithm, taking the ready call listed first, so the
 * list's order when it is a valid one, in work linear in the calls and references whatever the
 * order, and a cycle refused). Applying a call, and phrasing each error where the description
 * says it, is the caller's {@link Handler}: parsing stays with each format.
 *
 * @param <W> where a reference or a call is in the description, for the caller's errors
 * @param <X> the exception the caller's errors are
 */
public final class CallReplay<W, X extends Exception> {

  /**
   * Output {@code output} of call {@code call} of the layer named {@code layer}; with
   * {@code mask}, that output's mask. {@code where} is the caller's, for its errors.
   */
  public record Ref<W>(String layer, int call, int output, boolean mask, W where) {
    public Ref {
      Objects.requireNonNull(layer, "layer");
    }

    /** An output, not its mask. */
    public static <W> Ref<W> of(String layer, int call, int output, W where) {
      return new Ref<>(layer, call, output, false, where);
    }
  }

  /**
   * One call of the layer named {@code layer} on {@code inputs}, in order; the layer's next call
   * in the list. {@code where} is the caller's, for its errors.
   */
  public record Call<W>(String layer, List<Ref<W>> inputs, W where) {
    public Call {
      Objects.requireNonNull(layer, "layer");
      inputs = List.copyOf(inputs);
    }
  }

  /** What the caller does: applies each call, and phrases each error in its own terms. */
  public interface Handler<W, X extends Exception> {

    /**
     * Applies {@code call}, number {@code index} in the list, to {@code inputs} (one per
     * reference, in order) and returns its outputs.
     */
    List<SymbolicTensor<?>> apply(int index, Call<W> call, List<SymbolicTensor<?>> inputs)
        throws X;

    /** {@code ref} names no input and no called layer. */
    X unknownLayer(Ref<W> ref);

    /** {@code ref} names a call its layer does not have: it has {@code calls}. */
    X noSuchCall(Ref<W> ref, int calls);

    /**
     * In {@linkplain #inListedOrder listed order}: {@code ref} names a call listed at or after
     * the call that uses it.
     */
    X notMadeYet(Ref<W> ref);

    /** {@code ref} names an output its call does not give: it gives {@code outputs}. */
    X noSuchOutput(Ref<W> ref, int outputs);

    /** {@code ref} names the mask of an output that has none. */
    X noMask(Ref<W> ref);

    /**
     * In {@linkplain #inDependencyOrder dependency order}: {@code call}, number {@code index}
     * in the list, depends on itself through a cycle (the first such call in the list).
     */
    X cycle(int index, Call<W> call);
  }

  private final List<Call<W>> calls;
  private final Handler<W, X> handler;
  /** Per layer name, per call, its outputs ({@code null} until applied). */
  private final Map<String, List<List<SymbolicTensor<?>>>> made = new HashMap<>();
  /** Per layer name, per call, its index in {@link #calls} (-1: an input). */
  private final Map<String, List<Integer>> listedAt = new HashMap<>();
  /** Per call in the list, its number among its layer's calls. */
  private final int[] callNumber;
  private long resolutions;

  private CallReplay(Map<String, ? extends SymbolicTensor<?>> inputs, List<Call<W>> calls,
      Handler<W, X> handler) {
    this.calls = List.copyOf(calls);
    this.handler = Objects.requireNonNull(handler, "handler");
    inputs.forEach((name, tensor) -> {
      if (!tensor.isInput()) {
        throw new IllegalArgumentException("'" + name + "' is not an input");
      }
      made.put(name, new ArrayList<>(List.of(List.of(tensor))));
      listedAt.put(name, new ArrayList<>(List.of(-1)));
    });
    callNumber = new int[this.calls.size()];
    for (int i = 0; i < this.calls.size(); i++) {
      String layer = this.calls.get(i).layer();
      if (inputs.containsKey(layer)) {
        throw new IllegalArgumentException("call " + i + " calls the input '" + layer + "'");
      }
      made.computeIfAbsent(layer, key -> new ArrayList<>()).add(null);
      List<Integer> at = listedAt.computeIfAbsent(layer, key -> new ArrayList<>());
      callNumber[i] = at.size();
      at.add(i);
    }
  }

  /**
   * Applies {@code calls} in the list's order, each to outputs of inputs or of calls listed
   * before it ({@link Handler#notMadeYet} otherwise).
   *
   * @param inputs the model's input tensors by layer name; no call calls them
   */
  public static <W, X extends Exception> CallReplay<W, X> inListedOrder(
      Map<String, ? extends SymbolicTensor<?>> inputs, List<Call<W>> calls,
      Handler<W, X> handler) throws X {
    CallReplay<W, X> replay = new CallReplay<>(inputs, calls, handler);
    for (int i = 0; i < replay.calls.size(); i++) {
      Call<W> call = replay.calls.get(i);
      List<SymbolicTensor<?>> args = new ArrayList<>(call.inputs().size());
      for (Ref<W> ref : call.inputs()) {
        if (replay.listedAt(ref) >= i) {
          throw handler.notMadeYet(ref);
        }
        args.add(replay.resolve(ref));
      }
      replay.resolutions++;
      replay.applyCall(i, call, args);
    }
    return replay;
  }

  /**
   * Applies {@code calls} in the order their inputs allow: each once all the calls it uses are
   * applied, the ready call listed first first ({@link Handler#cycle} for calls that never are).
   *
   * @param inputs the model's input tensors by layer name; no call calls them
   */
  public static <W, X extends Exception> CallReplay<W, X> inDependencyOrder(
      Map<String, ? extends SymbolicTensor<?>> inputs, List<Call<W>> calls,
      Handler<W, X> handler) throws X {
    CallReplay<W, X> replay = new CallReplay<>(inputs, calls, handler);
    int n = replay.calls.size();
    int[] waiting = new int[n];
    List<List<Integer>> dependents = new ArrayList<>(Collections.nCopies(n, null));
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < n; i++) {
      for (Ref<W> ref : replay.calls.get(i).inputs()) {
        int from = replay.listedAt(ref);
        if (from < 0) {
          continue; // an input: made already
        }
        if (dependents.get(from) == null) {
          dependents.set(from, new ArrayList<>(1));
        }
        dependents.get(from).add(i);
        waiting[i]++;
      }
      if (waiting[i] == 0) {
        ready.add(i);
      }
    }
    while (!ready.isEmpty()) {
      int i = ready.poll();
      Call<W> call = replay.calls.get(i);
      List<SymbolicTensor<?>> args = new ArrayList<>(call.inputs().size());
      for (Ref<W> ref : call.inputs()) {
        args.add(replay.resolve(ref));
      }
      replay.resolutions++;
      replay.applyCall(i, call, args);
      if (dependents.get(i) != null) {
        for (int next : dependents.get(i)) {
          if (--waiting[next] == 0) {
            ready.add(next);
          }
        }
      }
    }
    for (int i = 0; i < n; i++) {
      if (waiting[i] > 0) {
        throw handler.cycle(i, replay.calls.get(i));
      }
    }
    return replay;
  }

  private void applyCall(int index, Call<W> call, List<SymbolicTensor<?>> args) throws X {
    List<SymbolicTensor<?>> outputs = handler.apply(index, call, args);
    made.get(call.layer()).set(callNumber[index], List.copyOf(outputs));
  }

  /** Where the call {@code ref} names is listed (-1: an input), once checked that it exists. */
  private int listedAt(Ref<W> ref) throws X {
    List<Integer> at = listedAt.get(ref.layer());
    if (at == null) {
      throw handler.unknownLayer(ref);
    }
    if (ref.call() < 0 || ref.call() >= at.size()) {
      throw handler.noSuchCall(ref, at.size());
    }
    return at.get(ref.call());
  }

  /**
   * The tensor {@code ref} names, among the calls applied so far: for the model's inputs and
   * outputs once the replay is done.
   *
   * @throws X as the handler phrases it, if it names no call, an output its call does not give,
   *     a call not applied, or a mask that does not exist
   */
  public SymbolicTensor<?> resolve(Ref<W> ref) throws X {
    listedAt(ref);
    List<SymbolicTensor<?>> outputs = made.get(ref.layer()).get(ref.call());
    if (outputs == null) {
      throw handler.notMadeYet(ref);
    }
    if (ref.output() < 0 || ref.output() >= outputs.size()) {
      throw handler.noSuchOutput(ref, outputs.size());
    }
    SymbolicTensor<?> tensor = outputs.get(ref.output());
    if (!ref.mask()) {
      return tensor;
    }
    return tensor.mask().orElseThrow(() -> handler.noMask(ref));
  }

  /**
   * The outputs of call {@code call} of the layer named {@code layer} (an input's: its tensor);
   * {@code null} if it has no such call or it was not applied.
   */
  public List<SymbolicTensor<?>> outputs(String layer, int call) {
    List<List<SymbolicTensor<?>>> ofLayer = made.get(layer);
    return ofLayer == null || call < 0 || call >= ofLayer.size() ? null : ofLayer.get(call);
  }

  /** How many times a call's inputs were gathered: the work of the replay, one per call. */
  public long resolutions() {
    return resolutions;
  }
}
