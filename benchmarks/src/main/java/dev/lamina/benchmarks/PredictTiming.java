package dev.lamina.benchmarks;

/** Plain timing loops for the parts measured outside JMH (sessions, Keras side by side). */
final class PredictTiming {

  private PredictTiming() {}

  /** Calls per sample so that one sample lasts about {@code seconds} (at least 1). */
  static int calibrate(Runnable call, double seconds) {
    for (int i = 0; i < 5; i++) {
      call.run(); // warm-up
    }
    long n = 1;
    while (true) {
      long t0 = System.nanoTime();
      for (long i = 0; i < n; i++) {
        call.run();
      }
      double dt = (System.nanoTime() - t0) / 1e9;
      if (dt >= seconds / 4 || n >= 1 << 20) {
        return (int) Math.max(1, Math.round(n * seconds / Math.max(dt, 1e-9)));
      }
      n *= 4;
    }
  }

  /** The mean seconds per call over {@code calls} calls. */
  static double secondsPerCall(Runnable call, int calls) {
    long t0 = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      call.run();
    }
    return (System.nanoTime() - t0) / 1e9 / calls;
  }
}
