package dev.lamina.benchmarks;

import dev.lamina.benchmarks.AntirectifierNet.Weights;
import dev.lamina.runtime.SessionOptions;
import dev.lamina.runtime.Sequential;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.tensorflow.ndarray.FloatNdArray;

/**
 * Which session options serve {@code predict} best: each configuration in a JVM of its own (the
 * intra-op pool and TensorFlow's global inter-op pool are per process, so only a fresh process
 * shows a configuration's whole effect), the configurations in a new seeded order each round.
 * Each child times Lamina's {@code predict} of {@link AntirectifierNet} at batch 1, 32 and 1,024
 * (median of five samples of about 0.25 s each, after a warm-up), then the aggregate rows per
 * second of 8 threads calling {@code predict} on the one model at once against 1 thread.
 */
public final class SessionConfigs {

  static final int[] BATCHES = {1, 32, 1024};
  static final int THREADS = 8;
  private static final String RESULT = "SESSION-RESULT";

  /** The configurations measured, by name. */
  static final Map<String, SessionOptions> CONFIGS = configs();

  private static Map<String, SessionOptions> configs() {
    Map<String, SessionOptions> configs = new LinkedHashMap<>();
    SessionOptions tf = SessionOptions.tensorFlowDefaults();
    configs.put("TensorFlow's defaults (inter 0, intra 0)", tf);
    configs.put("TensorFlow's, intra 1", tf.intraOpThreads(1));
    configs.put("TensorFlow's, remapper off", tf.remapper(false));
    configs.put("per-session pool (inter 0)", tf.perSessionThreads(true));
    configs.put("caller thread (inter -1)", tf.interOpThreads(-1));
    configs.put("caller thread, intra 1", tf.interOpThreads(-1).intraOpThreads(1));
    configs.put("caller thread, remapper off (Lamina's default)",
        tf.interOpThreads(-1).remapper(false));
    return configs;
  }

  private SessionConfigs() {}

  /** Median µs per call by batch, then 1- and 8-thread rows/s by batch, for one child run. */
  record Outcome(Map<String, Double> values) {}

  /** Runs every configuration {@code rounds} times, each in a fresh JVM. */
  public static Map<String, List<Outcome>> run(int rounds, double sampleSeconds) {
    Map<String, List<Outcome>> outcomes = new LinkedHashMap<>();
    CONFIGS.keySet().forEach(name -> outcomes.put(name, new ArrayList<>()));
    Random order = new Random(42);
    List<String> names = new ArrayList<>(CONFIGS.keySet());
    for (int round = 0; round < rounds; round++) {
      Collections.shuffle(names, order);
      for (String name : names) {
        System.out.printf(Locale.ROOT, "# sessions round %d/%d: %s%n", round + 1, rounds, name);
        outcomes.get(name).add(runChild(name, sampleSeconds));
      }
    }
    return outcomes;
  }

  public static String latencyTable(Map<String, List<Outcome>> outcomes) {
    String base = CONFIGS.keySet().iterator().next();
    StringBuilder text = new StringBuilder("| configuration | batch 1 (µs) | batch 32 (µs) "
        + "| batch 1,024 (µs) | vs TensorFlow's defaults (1 / 32 / 1,024) |\n"
        + "| --- | ---: | ---: | ---: | ---: |\n");
    outcomes.forEach((name, runs) -> {
      text.append("| ").append(name);
      for (int batch : BATCHES) {
        text.append(" | ").append(Stats.withQuartiles(values(runs, "us@" + batch), "%.0f"));
      }
      StringBuilder ratios = new StringBuilder();
      for (int batch : BATCHES) {
        ratios.append(ratios.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT,
            "%.2f", Stats.median(values(runs, "us@" + batch))
                / Stats.median(values(outcomes.get(base), "us@" + batch))));
      }
      text.append(" | ").append(ratios).append(" |\n");
    });
    return text.toString();
  }

  public static String threadsTable(Map<String, List<Outcome>> outcomes) {
    StringBuilder text = new StringBuilder("| configuration | batch | 1 thread (rows/s) "
        + "| " + THREADS + " threads (rows/s) | " + THREADS + " / 1 |\n"
        + "| --- | ---: | ---: | ---: | ---: |\n");
    outcomes.forEach((name, runs) -> {
      for (int batch : BATCHES) {
        List<Double> one = values(runs, "t1@" + batch);
        List<Double> many = values(runs, "t" + THREADS + "@" + batch);
        text.append(String.format(Locale.ROOT, "| %s | %,d | %,.0f | %,.0f | %.2f |%n", name,
            batch, Stats.median(one), Stats.median(many),
            Stats.median(many) / Stats.median(one)));
      }
    });
    return text.toString();
  }

  private static List<Double> values(List<Outcome> runs, String key) {
    List<Double> values = new ArrayList<>();
    runs.forEach(run -> values.add(run.values().get(key)));
    return values;
  }

  private static Outcome runChild(String name, double sampleSeconds) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xms1g", "-Xmx1g"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SessionConfigs.class.getName());
    command.add(name);
    command.add(Double.toString(sampleSeconds));
    try {
      Path errors = Files.createTempFile("lamina-sessions", ".log");
      try {
        Process process = new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.to(errors.toFile())).start();
        Map<String, Double> values = new LinkedHashMap<>();
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith(RESULT)) {
              String[] kv = line.substring(RESULT.length()).trim().split("=");
              values.put(kv[0], Double.parseDouble(kv[1]));
            } else {
              System.out.println(line);
            }
          }
        }
        int exit = process.waitFor();
        if (exit != 0) {
          System.err.print(Files.readString(errors));
          throw new IllegalStateException("The sessions run of '" + name + "' failed (exit "
              + exit + "); its stderr is above");
        }
        return new Outcome(values);
      } finally {
        Files.deleteIfExists(errors);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Child: {@code <configuration name> <sample seconds>}. */
  public static void main(String[] args) throws Exception {
    SessionOptions options = CONFIGS.get(args[0]);
    double sampleSeconds = Double.parseDouble(args[1]);
    Weights weights = Weights.seeded(AntirectifierNet.WEIGHT_SEED);
    try (Sequential model = AntirectifierNet.lamina(weights)) {
      model.withSessionOptions(options);
      for (int batch : BATCHES) {
        FloatNdArray x = AntirectifierNet.rows(AntirectifierNet.INPUT_SEED, batch);
        int calls = PredictTiming.calibrate(() -> model.predict(x, batch), sampleSeconds);
        List<Double> samples = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
          samples.add(PredictTiming.secondsPerCall(() -> model.predict(x, batch), calls) * 1e6);
        }
        System.out.println(RESULT + " us@" + batch + "=" + Stats.median(samples));
      }
      for (int batch : BATCHES) {
        FloatNdArray x = AntirectifierNet.rows(AntirectifierNet.INPUT_SEED, batch);
        for (int threads : new int[] {1, THREADS}) {
          double rate = throughput(() -> model.predict(x, batch), threads, 4 * sampleSeconds)
              * batch;
          System.out.println(RESULT + " t" + threads + "@" + batch + "=" + rate);
        }
      }
    }
  }

  /**
   * Calls per second of {@code threads} threads calling {@code call} at once: all start
   * together, run a quarter of {@code seconds} unmeasured, then the calls completed in the next
   * {@code seconds} are counted.
   */
  static double throughput(Runnable call, int threads, double seconds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      AtomicBoolean stop = new AtomicBoolean();
      LongAdder done = new LongAdder();
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(pool.submit(() -> {
          start.await();
          while (!stop.get()) {
            call.run();
            done.increment();
          }
          return null;
        }));
      }
      start.countDown();
      Thread.sleep((long) (seconds * 250));
      long before = done.sum();
      long t0 = System.nanoTime();
      Thread.sleep((long) (seconds * 1000));
      long after = done.sum();
      double elapsed = (System.nanoTime() - t0) / 1e9;
      stop.set(true);
      for (Future<?> worker : workers) {
        worker.get();
      }
      return (after - before) / elapsed;
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
