package dev.lamina.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.benchmarks.BulkPredict.Outcome;
import dev.lamina.benchmarks.BulkPredict.Variant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-demand benchmarks' pieces, at a size a unit test can afford. */
class BenchmarkHarnessTest {

  @Test
  void bulkPredictionStreamsEveryRowThroughBothAlike() {
    // 2,500 rows in batches of 1,024: two full batches and a short one.
    Outcome lamina = BulkPredict.run(Variant.LAMINA, 2_500, 1_024);
    Outcome hand = BulkPredict.run(Variant.HAND, 2_500, 1_024);
    assertEquals(2_500, lamina.rows());
    assertEquals(hand.checksum(), lamina.checksum(), 1e-6 * Math.abs(hand.checksum()));
    assertTrue(lamina.checksum() > 0);
    assertTrue(lamina.peakResidentKib() > 0 && hand.peakResidentKib() > 0);
    assertTrue(BulkPredict.table(List.of(lamina, hand)).contains("| Lamina | 2,500 | 1,024 |"));
  }

  @Test
  void everyDeclarationFormCompilesWithTheProcessor(@TempDir Path work) {
    int lambdas = 2 * LambdaSources.forms() + 1; // every form at least twice
    List<Path> sources = LambdaSources.write(work.resolve("src"), lambdas);
    assertEquals(1, sources.size());
    List<Path> classpath = CompileCost.compileClasspath();
    CompileCost.Compile with = CompileCost.compile(sources, classpath, true, work.resolve("with"));
    assertEquals(lambdas, with.generatedLayers());
    CompileCost.Compile without =
        CompileCost.compile(sources, classpath, false, work.resolve("without"));
    assertEquals(0, without.generatedLayers());
    assertTrue(Files.exists(work.resolve("with/classes/bench/generated/Square0Layer.class")));
    assertTrue(Files.exists(work.resolve("with/classes/bench/generated/Larger7Layer.class")));
    assertTrue(Files.notExists(work.resolve("without/classes/bench/generated/Square0Layer.class")));
  }

  @Test
  void theCompileBenchmarkTimesEveryVariant() {
    CompileCost.Outcome outcome = CompileCost.run(LambdaSources.forms(), 0, 1);
    assertEquals(LambdaSources.forms(), outcome.generatedLayers());
    for (CompileCost.Variant variant : CompileCost.Variant.values()) {
      assertEquals(1, outcome.timings().get(variant).millis().size(), variant.name());
      assertTrue(outcome.median(variant) > 0, variant.name());
    }
    assertTrue(CompileCost.table(outcome).contains("| with LambdaProcessor"));
  }

  @Test
  void optionsSplitWordsSettingsAndJmhOptions() {
    Options options = Options.parse("predict", "smoke", "rows=1_000", "", "-f", "1", "x=y");
    assertTrue(options.has("predict") && options.has("smoke"));
    assertEquals(1_000, options.number("rows", 5));
    assertEquals(5, options.number("batch", 5));
    assertEquals(List.of("-f", "1", "x=y"), options.jmh());
  }

  @Test
  void theStreamingPartFitsBothWaysAndTabulates() throws Exception {
    StreamingFitBench.Result result = StreamingFitBench.run(2_000, 256, 1, 8);
    assertEquals(1, result.streaming().size());
    assertEquals(1, result.inMemory().size());
    assertTrue(result.bytes() > 2_000 * 33 * 6, "bytes " + result.bytes());
    String table = StreamingFitBench.table(result);
    assertTrue(table.contains("| CsvSource, prefetch on (default, queue of 10) |"), table);
  }
}
