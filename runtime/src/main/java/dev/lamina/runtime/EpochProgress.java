package dev.lamina.runtime;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Keras 3's training progress: {@code Epoch 3/10}, then with verbosity 1 the bar
 * {@code 57/57 ━━━━━━━━━━━━━━━━━━━━ 1s 5ms/step - accuracy: 0.9312 - loss: 0.2210}, redrawn in
 * place after each batch when the stream is a terminal and drawn once at the end of the epoch
 * otherwise (as Keras does outside a terminal); with verbosity 2 one line per epoch,
 * {@code 57/57 - 1s - 5ms/step - accuracy: ...}.
 */
final class EpochProgress {

  private static final int WIDTH = 20;
  private static final char BAR = '\u2501';

  private final PrintStream out;
  private final int verbose;
  private final long steps;
  private final boolean dynamic;
  private final long started = System.nanoTime();
  private long done;

  EpochProgress(PrintStream out, int verbose, int epoch, int epochs, long steps, boolean dynamic) {
    this.out = out;
    this.verbose = verbose;
    this.steps = steps;
    this.dynamic = dynamic;
    if (verbose > 0) {
      out.println("Epoch " + (epoch + 1) + "/" + epochs);
      out.flush();
    }
  }

  /** After a batch: redraws the bar in a terminal. */
  /** Whether {@link #batch} draws the bar, so needs the running logs. */
  boolean showsBatches() {
    return verbose == 1 && dynamic;
  }

  /** After a batch: {@code logs} may be {@code null} unless {@link #showsBatches()}. */
  void batch(long done, Map<String, Double> logs) {
    this.done = done;
    if (verbose == 1 && dynamic && (steps < 0 || done < steps)) {
      out.print("\r" + bar(done, logs));
      out.flush();
    }
  }

  /** At the epoch's end, with validation results if any. */
  void end(Map<String, Double> logs) {
    // Keras's final bar shows the steps taken: fewer than the epoch's when training stopped or
    // a source ran out early.
    long total = steps < 0 || (done > 0 && done < steps) ? done : steps;
    if (verbose == 1) {
      out.println((dynamic ? "\r" : "") + bar(total, steps, (System.nanoTime() - started) / 1e9,
          logs, true));
    } else if (verbose == 2) {
      double seconds = (System.nanoTime() - started) / 1e9;
      out.println(total + "/" + (steps < 0 ? "Unknown" : Long.toString(steps)) + " - "
          + Math.round(seconds) + "s - " + perStep(seconds / Math.max(1, total)) + metrics(logs));
    }
    out.flush();
  }

  private String bar(long done, Map<String, Double> logs) {
    return bar(done, steps, (System.nanoTime() - started) / 1e9, logs);
  }

  /**
   * Keras 3's bar after {@code done} of {@code steps} steps, {@code seconds} in:
   * {@code 3/10 ━━━━━━              2s 5ms/step - loss: 0.2210}; also predict's.
   */
  static String bar(long done, long steps, double seconds, Map<String, Double> logs) {
    return bar(done, steps, seconds, logs, done >= steps);
  }

  /** {@code finalized}: the epoch's last bar, which shows the time taken, not the time left. */
  static String bar(long done, long steps, double seconds, Map<String, Double> logs,
      boolean finalized) {
    if (steps < 0) {
      // Keras's bar for a source of unknown length: the count and the time so far.
      return String.format(Locale.ROOT, "%7d/Unknown %ds ", done, Math.round(seconds))
          + perStep(seconds / Math.max(1, done)) + metrics(logs);
    }
    int digits = Long.toString(steps).length();
    int filled = (int) (WIDTH * done / Math.max(1, steps));
    double perStep = seconds / Math.max(1, done);
    // Before the end, Keras shows the time left; at the end, the time taken.
    double shown = finalized ? seconds : perStep * (steps - done);
    return String.format(Locale.ROOT, "%" + digits + "d/%d ", done, steps)
        + String.valueOf(BAR).repeat(filled) + (done < steps ? " ".repeat(WIDTH - filled) : "")
        + " " + Math.round(shown) + "s " + perStep(perStep) + metrics(logs);
  }

  private static String perStep(double seconds) {
    if (seconds >= 1) {
      return Math.round(seconds) + "s/step";
    }
    if (seconds >= 1e-3) {
      return Math.round(seconds * 1e3) + "ms/step";
    }
    return Math.round(seconds * 1e6) + "us/step";
  }

  /**
   * {@code - accuracy: 0.9312 - loss: 0.2210}: names in order, as Keras's bar shows them, and
   * the {@code learning_rate} that callbacks add at the epoch's end last, where Keras's bar (in
   * order of first appearance) puts it.
   */
  static String metrics(Map<String, Double> logs) {
    StringBuilder text = new StringBuilder();
    logs.entrySet().stream()
        .sorted((a, b) -> {
          int ra = rank(a.getKey());
          int rb = rank(b.getKey());
          return ra != rb ? Integer.compare(ra, rb) : a.getKey().compareTo(b.getKey());
        })
        .forEach(entry -> text.append(" - ").append(entry.getKey()).append(": ")
            .append(format(entry.getValue())));
    return text.toString();
  }

  private static int rank(String name) {
    return name.startsWith("learning_rate") ? 2 : name.startsWith("val_") ? 1 : 0;
  }

  /** Keras's {@code %.4f}, or {@code %.4e} for small values. */
  static String format(double value) {
    return String.format(Locale.ROOT, Math.abs(value) > 1e-3 || value == 0 ? "%.4f" : "%.4e",
        value);
  }
}
