package dev.lamina.benchmarks;

import dev.lamina.benchmarks.AntirectifierNet.Weights;
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
 * Run-time overhead: one {@code predict} of {@link AntirectifierNet}'s model on
 * {@code batchSize} rows, through Lamina's {@code Model.predict(x, batchSize)} and through the
 * same graph written by hand ({@link HandGraph}): same weights, same session options, the same
 * input array. Both graphs are built, and their variables initialised, in {@link #setUp}, outside
 * the measurement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 10, time = 2, timeUnit = TimeUnit.SECONDS)
public class PredictBenchmark {

  @Param({"1", "32", "1024"})
  public int batchSize;

  private Sequential lamina;
  private HandGraph hand;
  private FloatNdArray x;

  @Setup(Level.Trial)
  public void setUp() {
    Weights weights = Weights.seeded(AntirectifierNet.WEIGHT_SEED);
    x = AntirectifierNet.rows(AntirectifierNet.INPUT_SEED, batchSize);
    lamina = AntirectifierNet.lamina(weights);
    lamina.predict(x, batchSize); // builds the graph and session, runs the initialisers
    hand = new HandGraph(weights);
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
