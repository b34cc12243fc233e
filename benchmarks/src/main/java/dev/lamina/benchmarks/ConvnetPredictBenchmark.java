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
 * One {@code predict} of {@link ConvNet} (Keras's MNIST convnet) on {@code batchSize} images,
 * through Lamina's {@code Model.predict(x, batchSize)} and through the same graph written by hand
 * ({@link HandConvGraph}): same weights, same session options, the same input array; graphs
 * built and variables initialised in {@link #setUp}. Run with {@code -Dbench.args="predict
 * ConvnetPredictBenchmark"} (JMH options after it, e.g. {@code -f 1 -wi 3 -i 5}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 10, time = 2, timeUnit = TimeUnit.SECONDS)
public class ConvnetPredictBenchmark {

  @Param({"1", "32", "1024"})
  public int batchSize;

  private Sequential lamina;
  private HandConvGraph hand;
  private FloatNdArray x;

  @Setup(Level.Trial)
  public void setUp() {
    ConvNet.Weights weights = ConvNet.Weights.seeded(ConvNet.WEIGHT_SEED);
    x = ConvNet.images(ConvNet.INPUT_SEED, batchSize);
    lamina = ConvNet.lamina(weights, ConvNet.DROPOUT);
    lamina.predict(x, batchSize); // builds the graph and session, runs the initialisers
    hand = new HandConvGraph(weights);
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
