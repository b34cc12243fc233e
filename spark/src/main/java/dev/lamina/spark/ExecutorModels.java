package dev.lamina.spark;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.registry.LambdaRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.broadcast.Broadcast;

/**
 * The models loaded in this JVM (an executor, or the driver in local mode): one per model, by the
 * SHA-256 of its bytes, loaded by the first task that needs it and shared by every task thread
 * after it ({@link Model#predict} is thread-safe). A model no task uses stays loaded for the next
 * job; past {@value #MAX_IDLE} idle models the least recently used is closed. All are closed when
 * the JVM ends (a shutdown hook: an executor's JVM ends with its executor).
 */
final class ExecutorModels {

  static final int MAX_IDLE = 4;

  private static final LinkedHashMap<String, Entry> ENTRIES = new LinkedHashMap<>(16, 0.75f, true);
  private static boolean hookInstalled;
  private static int loads;

  private ExecutorModels() {}

  /** One task's use of a model; {@link #close()} hands it back. */
  static final class Lease implements AutoCloseable {
    private final Entry entry;
    private final Model model;
    private boolean closed;

    private Lease(Entry entry, Model model) {
      this.entry = entry;
      this.model = model;
    }

    Model model() {
      return model;
    }

    @Override
    public void close() {
      synchronized (ExecutorModels.class) {
        if (!closed) {
          closed = true;
          release(entry);
        }
      }
    }
  }

  private static final class Entry {
    final String key;
    int users;
    Model model;

    Entry(String key) {
      this.key = key;
    }

    synchronized Model load(Broadcast<byte[]> bytes, List<String> lambdas, String stage) {
      if (model == null) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        LambdaRegistry registry = LambdaRegistry.load(
            loader != null ? loader : ExecutorModels.class.getClassLoader());
        List<String> missing = new ArrayList<>();
        for (String lambda : lambdas) {
          if (registry.find(lambda).isEmpty()) {
            missing.add(lambda);
          }
        }
        if (!missing.isEmpty()) {
          throw new IllegalStateException(stage + ": " + where() + " cannot load the model: "
              + (missing.size() == 1 ? "its @Lambda method " : "its @Lambda methods ") + missing
              + (missing.size() == 1 ? " is" : " are") + " not on this JVM's class path (its "
              + "lambda registry holds " + registry.names() + "). Ship the jar with the compiled "
              + "lambdas (and their META-INF/services/dev.lamina.runtime.registry.LambdaProvider) "
              + "to the executors: spark-submit --jars my-lambdas.jar (the spark.jars setting), "
              + "or submit the application as an uber jar (Maven Shade with the "
              + "ServicesResourceTransformer, which merges the services files)");
        }
        try {
          byte[] data = bytes.value();
          model = Model.load(data, registry);
        } catch (IOException e) {
          throw new IllegalStateException(stage + ": " + where() + " cannot load the model: "
              + e.getMessage(), e);
        }
        synchronized (ExecutorModels.class) {
          loads++;
        }
      }
      return model;
    }
  }

  /** The model {@code key} (loading it from {@code bytes} if no task here has yet), leased. */
  static Lease acquire(String key, Broadcast<byte[]> bytes, List<String> lambdas, String stage) {
    Entry entry;
    synchronized (ExecutorModels.class) {
      if (!hookInstalled) {
        Runtime.getRuntime().addShutdownHook(
            new Thread(ExecutorModels::closeAll, "lamina-close-models"));
        hookInstalled = true;
      }
      entry = ENTRIES.computeIfAbsent(key, Entry::new);
      entry.users++;
    }
    try {
      return new Lease(entry, entry.load(bytes, lambdas, stage));
    } catch (RuntimeException | Error e) {
      synchronized (ExecutorModels.class) {
        release(entry);
      }
      throw e;
    }
  }

  private static void release(Entry entry) {
    entry.users--;
    if (entry.users == 0 && entry.model == null) {
      ENTRIES.remove(entry.key, entry);
    }
    int idle = 0;
    for (Entry e : ENTRIES.values()) {
      idle += e.users == 0 ? 1 : 0;
    }
    // Access order: the least recently used come first.
    for (Iterator<Entry> it = ENTRIES.values().iterator(); it.hasNext() && idle > MAX_IDLE; ) {
      Entry e = it.next();
      if (e.users == 0) {
        it.remove();
        idle--;
        closeQuietly(e);
      }
    }
  }

  private static void closeQuietly(Entry entry) {
    synchronized (entry) {
      if (entry.model != null) {
        entry.model.close();
        entry.model = null;
      }
    }
  }

  /** Closes every model no task is using; the shutdown hook closes them all. */
  static void closeAll() {
    List<Entry> closing = new ArrayList<>();
    synchronized (ExecutorModels.class) {
      closing.addAll(ENTRIES.values());
      ENTRIES.clear();
    }
    closing.forEach(ExecutorModels::closeQuietly);
  }

  /** How many models this JVM holds loaded now. */
  static synchronized int loaded() {
    int count = 0;
    for (Map.Entry<String, Entry> e : ENTRIES.entrySet()) {
      count += e.getValue().model != null ? 1 : 0;
    }
    return count;
  }

  /** How many times this JVM has loaded a model since it started. */
  static synchronized int loads() {
    return loads;
  }

  private static String where() {
    SparkEnv env = SparkEnv.get();
    String id = env == null ? "?" : env.executorId();
    return "driver".equals(id) ? "the driver (local mode)" : "executor " + id;
  }
}
