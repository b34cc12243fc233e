package dev.lamina.runtime;

import java.io.PrintStream;

/** Keras's {@code verbose=1} line for predict: {@code 3/10 [======>.......] - 0s 2ms/step}. */
final class ProgressBar {

  private static final int WIDTH = 30;

  private final PrintStream out;
  private final long steps;
  private final long started = System.nanoTime();

  ProgressBar(PrintStream out, long steps) {
    this.out = out;
    this.steps = steps;
  }

  /** Redraws the line after {@code done} steps; the last step ends it. */
  void update(long done) {
    int filled = (int) (WIDTH * done / steps);
    StringBuilder bar = new StringBuilder("\r").append(done).append('/').append(steps).append(" [");
    for (int i = 0; i < WIDTH; i++) {
      bar.append(i < filled ? '=' : i == filled && done < steps ? '>' : '.');
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    bar.append("] - ").append(Math.round(seconds)).append("s ")
        .append(Math.round(seconds * 1000 / done)).append("ms/step");
    out.print(bar);
    if (done == steps) {
      out.println();
    }
    out.flush();
  }
}
