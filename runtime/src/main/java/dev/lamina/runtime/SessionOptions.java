package dev.lamina.runtime;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

/**
 * How a model's TensorFlow session runs its ops: the one place where Lamina's thread options
 * are set. Immutable; give it to a model before its first {@code predict} or {@code compile}:
 *
 * <pre>{@code
 * model.withSessionOptions(SessionOptions.defaults().intraOpThreads(4));
 * }</pre>
 *
 * <p><b>Lamina's defaults</b> ({@link #defaults()}), chosen from measurements of the
 * antirectifier model's {@code predict} on a 2-core machine (see {@code benchmarks/README.md},
 * part {@code sessions}): the ops of each run execute on the thread that called {@code predict}
 * or {@code fit} ({@code interOpThreads(-1)}: half the time per call at batch 1, 0.8× at batch
 * 32, the same at 1,024); the intra-op pool is TensorFlow's (one thread per core); grappler's
 * remapper stays on, as in TensorFlow, although turning it off measured 15–20% faster at batch 1
 * and 5–7% at batch 32 here: with it on, {@code predict} computes bit for bit what the same graph
 * computes in TensorFlow Serving, Python and a SavedModel reloaded in Java (its fused MatMul +
 * BiasAdd rounds differently from the two separate ops). {@code remapper(false)} trades that for
 * the speed. {@link #tensorFlowDefaults()} is TensorFlow's own configuration, Lamina's before
 * these options.
 *
 * <p><b>What TensorFlow honours per session and what per process</b> (TensorFlow 2.x, as in
 * TensorFlow Java 1.1.0; a process is a JVM):
 *
 * <ul>
 *   <li>{@link #interOpThreads(int)} {@code -1} (run on the caller thread) is <b>per
 *       session</b>: each model decides for itself.
 *   <li>{@link #interOpThreads(int)} of 0 or more sizes a thread pool that is <b>per process</b>:
 *       the first session created in the JVM (of any model) creates TensorFlow's global inter-op
 *       pool with its count, and every later session shares that pool whatever it asks, unless it
 *       sets {@link #perSessionThreads(boolean)}, which gives it a pool of its own, of the size
 *       it asks.
 *   <li>{@link #intraOpThreads(int)} (the threads one op such as a MatMul splits across) is
 *       <b>per process</b>: TensorFlow's CPU device keeps one intra-op pool, sized by the first
 *       session created in the JVM; later sessions' counts are ignored, with or without
 *       {@code perSessionThreads}. To set it, set it on the first model built in the JVM (or on
 *       all of them alike).
 *   <li>{@link #remapper(boolean)} (grappler's op fusion) is <b>per session</b>.
 * </ul>
 *
 * <p><b>One JVM option, per process, not set by Lamina:</b> JavaCPP, under TensorFlow Java,
 * checks the process's physical memory on every native allocation (each tensor fed or fetched)
 * against {@code org.bytedeco.javacpp.maxPhysicalBytes}. On the 2-core benchmark machine that
 * check was about a quarter of a batch-1 {@code predict} (68 against 52 µs per call);
 * {@code -Dorg.bytedeco.javacpp.maxPhysicalBytes=0} on the {@code java} command line turns it
 * off. It also turns off JavaCPP's safety net that runs the garbage collector when native memory
 * grows, which Lamina does not need (it closes its tensors as it goes) but other code in the same
 * JVM might, so Lamina leaves the choice to the application.
 *
 * <p>A serving system that calls {@code predict} from many threads at once: under the defaults
 * each request's ops run on its own thread (large MatMuls still split over the intra-op pool),
 * which gives the lowest latency per call; with 8 threads on 2 cores at batch 1 the aggregate
 * was 1.07× one thread's rows/s but 0.89× what TensorFlow's own pools gave 8 threads, so a server
 * of many concurrent single-row requests may prefer {@code interOpThreads(0)} (batching requests
 * is better still). One that wants a bound on TensorFlow's threads sets
 * {@link #intraOpThreads(int)} on the first model it builds.
 */
public final class SessionOptions {

  private static final SessionOptions DEFAULTS = new SessionOptions(0, -1, false, true, true);
  private static final SessionOptions TENSORFLOW = new SessionOptions(0, 0, false, true, true);

  private final int intraOpThreads;
  private final int interOpThreads;
  private final boolean perSessionThreads;
  private final boolean remapper;
  private final boolean grappler;

  private SessionOptions(int intraOpThreads, int interOpThreads, boolean perSessionThreads,
      boolean remapper, boolean grappler) {
    this.intraOpThreads = intraOpThreads;
    this.interOpThreads = interOpThreads;
    this.perSessionThreads = perSessionThreads;
    this.remapper = remapper;
    this.grappler = grappler;
  }

  /** Lamina's defaults: ops on the calling thread, remapper on, TensorFlow's intra-op pool. */
  public static SessionOptions defaults() {
    return DEFAULTS;
  }

  /** TensorFlow's own configuration: its inter- and intra-op pools, one thread per core each. */
  public static SessionOptions tensorFlowDefaults() {
    return TENSORFLOW;
  }

  /**
   * Threads one op may split its work across; 0 lets TensorFlow choose (one per core).
   * <b>Per process</b>: only the first session created in the JVM sets it.
   */
  public SessionOptions intraOpThreads(int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be 0 (TensorFlow chooses) or more, "
          + "got " + threads);
    }
    return new SessionOptions(threads, interOpThreads, perSessionThreads, remapper, grappler);
  }

  /**
   * Threads that run independent ops of one run side by side: {@code -1} runs them all on the
   * thread that called {@code predict} or {@code fit} (per session); 0 lets TensorFlow choose
   * (one per core); more sizes the pool, which is <b>per process</b> (the first session's count)
   * unless {@link #perSessionThreads(boolean)} is set.
   */
  public SessionOptions interOpThreads(int threads) {
    if (threads < -1) {
      throw new IllegalArgumentException("interOpThreads must be -1 (the calling thread), 0 "
          + "(TensorFlow chooses) or more, got " + threads);
    }
    return new SessionOptions(intraOpThreads, threads, perSessionThreads, remapper, grappler);
  }

  /** Gives this session an inter-op pool of its own ({@code use_per_session_threads}). */
  public SessionOptions perSessionThreads(boolean perSession) {
    return new SessionOptions(intraOpThreads, interOpThreads, perSession, remapper, grappler);
  }

  /**
   * Grappler's remapper (op fusion such as MatMul + BiasAdd into one kernel): on in Lamina's
   * defaults, as in TensorFlow's. Per session.
   */
  public SessionOptions remapper(boolean on) {
    return new SessionOptions(intraOpThreads, interOpThreads, perSessionThreads, on, grappler);
  }

  /**
   * Grappler, TensorFlow's graph optimiser, as a whole (constant folding, arithmetic
   * simplification, the remapper, ...): on by default, as in TensorFlow. It runs once per
   * kind of run, at the first {@code predict} and the first {@code fit} step, and on graphs of
   * tens of thousands of layers that first run is mostly grappler's, growing faster than the
   * graph (a 30,000-layer Dense chain: 185 s with it, see {@code benchmarks/README.md});
   * {@code grappler(false)} skips it, at the cost of unfused kernels. Per session.
   */
  public SessionOptions grappler(boolean on) {
    return new SessionOptions(intraOpThreads, interOpThreads, perSessionThreads, remapper, on);
  }

  public boolean grappler() {
    return grappler;
  }

  public int intraOpThreads() {
    return intraOpThreads;
  }

  public int interOpThreads() {
    return interOpThreads;
  }

  public boolean perSessionThreads() {
    return perSessionThreads;
  }

  public boolean remapper() {
    return remapper;
  }

  /**
   * The TensorFlow configuration these options make, with soft placement (ops without a kernel on
   * the requested device run where they can), as every Lamina session has it.
   */
  public ConfigProto toConfigProto() {
    ConfigProto.Builder config = ConfigProto.newBuilder()
        .setAllowSoftPlacement(true)
        .setIntraOpParallelismThreads(intraOpThreads)
        .setInterOpParallelismThreads(interOpThreads)
        .setUsePerSessionThreads(perSessionThreads);
    if (!remapper || !grappler) {
      RewriterConfig.Builder rewrites = RewriterConfig.newBuilder();
      if (!remapper) {
        rewrites.setRemapping(RewriterConfig.Toggle.OFF);
      }
      if (!grappler) {
        rewrites.setDisableMetaOptimizer(true);
      }
      config.setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(rewrites));
    }
    return config.build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionOptions other && other.intraOpThreads == intraOpThreads
        && other.interOpThreads == interOpThreads && other.perSessionThreads == perSessionThreads
        && other.remapper == remapper && other.grappler == grappler;
  }

  @Override
  public int hashCode() {
    return (((intraOpThreads * 31 + interOpThreads) * 31 + (perSessionThreads ? 1 : 0)) * 31
        + (remapper ? 1 : 0)) * 31 + (grappler ? 1 : 0);
  }

  @Override
  public String toString() {
    return "SessionOptions[intraOpThreads=" + intraOpThreads + ", interOpThreads="
        + interOpThreads + ", perSessionThreads=" + perSessionThreads + ", remapper=" + remapper
        + ", grappler=" + grappler + "]";
  }
}
