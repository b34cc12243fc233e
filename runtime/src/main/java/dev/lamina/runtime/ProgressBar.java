package dev.lamina.runtime;

import java.io.PrintStream;
import java.util.Map;

/**
 * Keras 3's {@code verbose=1} bar for predict, {@code 10/10 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step}:
 * redrawn in place after each batch when the stream is a terminal, and drawn once, when the
 * call ends, otherwise (a log file gets one line per call, as Keras writes outside a terminal).
 */
final class ProgressBar {

  private final PrintStream out;
  private final long steps;
  private final boolean dynamic;
  private final long started = System.nanoTime();

  ProgressBar(PrintStream out, long steps) {
    this(out, steps, out == System.out && System.console() != null);
  }

  ProgressBar(PrintStream out, long steps, boolean dynamic) {
    this.out = out;
    this.steps = steps;
    this.dynamic = dynamic;
  }

  /** After {@code done} steps: redraws the bar in a terminal; the last step ends the line. */
  void update(long done) {
    if (done < steps && !dynamic) {
      return;
    }
    String bar = EpochProgress.bar(done, steps, (System.nanoTime() - started) / 1e9, Map.of());
    if (dynamic) {
      out.print("\r" + bar);
    } else {
      out.print(bar);
    }
    if (done == steps) {
      out.println();
    }
    out.flush();
  }
}
