package dev.lamina.benchmarks;

import dev.lamina.runtime.Sequential;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tensorflow.ndarray.FloatNdArray;

/**
 * The JMH benchmark {@link PredictBenchmark} and {@link ConvnetPredictBenchmark} share: one
 * {@code predict} on {@code batchSize} rows through Lamina's {@code Model.predict(x, batchSize)}
 * ({@link #lamina}) and through the same graph written by hand ({@link #handWritten}), from the
 * same weights, with the same session options, on the same input array. Both graphs are built,
 * and their variables initialised, in {@link #setUp}, outside the measurement. A subclass names
 * the model; JMH runs each subclass as a benchmark of its own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 10, time = 2, timeUnit = TimeUnit.SECONDS)
public abstract class LaminaVsHandPredict {

  @Param({"1", "32", "1024"})
  public int batchSize;

  private Sequential lamina;
  private HandPredictor hand;
  private FloatNdArray x;

  /** The input: {@code batchSize} seeded rows. */
  protected abstract FloatNdArray input(int batchSize);

  /** The model with Lamina. */
  protected abstract Sequential laminaModel();

  /** The same model written by hand, from the same weights. */
  protected abstract HandPredictor handModel();

  @Setup(Level.Trial)
  public void setUp() {
    x = input(batchSize);
    lamina = laminaModel();
    lamina.predict(x, batchSize); // builds the graph and session, runs the initialisers
    hand = handModel();
    hand.predict(x); // runs the initialisers
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      if (lamina != null) {
        lamina.close();
      }
    } finally {
      if (hand != null) {
        hand.close();
      }
    }
  }

  @Benchmark
  public FloatNdArray lamina() {
    return lamina.predict(x, batchSize);
  }

  @Benchmark
  public FloatNdArray handWritten() {
    return hand.predict(x);
  }
}
