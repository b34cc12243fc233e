package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.data.Batch;
import dev.lamina.runtime.data.BatchSource;
import dev.lamina.runtime.data.BatchSourceException;
import dev.lamina.runtime.data.BatchSources;
import dev.lamina.runtime.data.CsvFormatException;
import dev.lamina.runtime.data.CsvSource;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.History;
import dev.lamina.runtime.train.Sgd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.types.TFloat32;

/** fit, evaluate and predict over {@link BatchSource}s: arrays, CSV files, generators. */
class BatchSourceTest {

  @TempDir
  Path dir;

  private static final int SAMPLES = 50;

  private static float[][] xs() {
    float[][] x = new float[SAMPLES][3];
    for (int i = 0; i < SAMPLES; i++) {
      x[i] = new float[] {(i % 7) / 7f, (i % 5) / 5f - 0.5f, (i % 3) - 1f};
    }
    return x;
  }

  private static float[][] ys(float[][] x) {
    float[][] y = new float[x.length][1];
    for (int i = 0; i < x.length; i++) {
      y[i][0] = 2 * x[i][0] - x[i][1] + 0.5f * x[i][2] + 0.25f;
    }
    return y;
  }

  /** Input(3) → Dense(4, tanh) → Dense(1), fixed initial weights. */
  private static Model model() {
    var x = Input.of(TFloat32.class, 3);
    Dense hidden = Dense.builder(4).activation("tanh")
        .kernel(new float[][] {{0.1f, -0.2f, 0.3f, 0.05f}, {0.4f, 0.1f, -0.3f, 0.2f},
            {-0.1f, 0.25f, 0.15f, -0.35f}})
        .bias(new float[] {0, 0.1f, -0.1f, 0}).build();
    Dense out = Dense.builder(1).kernel(new float[][] {{0.5f}, {-0.4f}, {0.3f}, {0.2f}})
        .bias(new float[] {0}).build();
    Model model = Model.of(x, out.apply(hidden.apply(x)));
    model.compile(new Sgd(0.05), dev.lamina.runtime.train.Losses.meanSquaredError());
    return model;
  }

  private static List<float[]> weights(Model model) {
    List<float[]> values = new ArrayList<>();
    model.weights().forEach(w -> values.add(w.values()));
    return values;
  }

  private static void assertSameWeights(List<float[]> expected, List<float[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), 1e-6f, "weight " + i);
    }
  }

  @Test
  void fitOverArraySourceTrainsAsFitOverTheArrays() {
    float[][] x = xs();
    float[][] y = ys(x);
    List<float[]> expected;
    Map<String, Double> expectedEval;
    try (Model model = model()) {
      model.fit(x, y, new FitOptions().epochs(3).batchSize(8).shuffle(false).verbose(0));
      expected = weights(model);
      expectedEval = model.evaluate(x, y, 8);
    }
    for (int queue : new int[] {0, 1, 10}) {
      try (Model model = model()) {
        History history = model.fit(BatchSources.of(x, y, 8),
            new FitOptions().epochs(3).shuffle(false).verbose(0).maxQueueSize(queue));
        assertEquals(3, history.get("loss").size());
        assertSameWeights(expected, weights(model));
        assertEquals(expectedEval.get("loss"),
            model.evaluate(BatchSources.of(x, y, 8)).get("loss"), 1e-6);
      }
    }
  }

  @Test
  void predictOverASourceConcatenatesTheBatches() {
    float[][] x = xs();
    try (Model model = model()) {
      float[][] direct = model.predict(x, float[][].class);
      List<NdArray<?>> streamed = model.predict(BatchSources.of(x, 7));
      FloatNdArray out = (FloatNdArray) streamed.get(0);
      assertEquals(SAMPLES, out.shape().get(0));
      for (int i = 0; i < SAMPLES; i++) {
        assertEquals(direct[i][0], out.getFloat(i, 0), 1e-6f);
      }
      // steps: the first 2 batches of 7.
      assertEquals(14, model.predict(BatchSources.of(x, 7), 2).get(0).shape().get(0));
    }
  }

  private Path csv(float[][] x, float[][] y) throws Exception {
    StringBuilder text = new StringBuilder("a,b,c,target\n");
    for (int i = 0; i < x.length; i++) {
      text.append(x[i][0]).append(',').append(x[i][1]).append(',').append(x[i][2]).append(',')
          .append(y[i][0]).append('\n');
    }
    Path file = dir.resolve("data.csv");
    Files.writeString(file, text);
    return file;
  }

  private static CsvSource.Builder schema(Path file) {
    return CsvSource.builder(file).columns(CsvSource.Type.FLOAT, "a", "b", "c", "target")
        .features("a", "b", "c").target("target").batchSize(8);
  }

  @Test
  void fitOverACsvFileTrainsAsFitOverItsRows() throws Exception {
    float[][] x = xs();
    float[][] y = ys(x);
    Path file = csv(x, y);
    List<float[]> expected;
    try (Model model = model()) {
      model.fit(x, y, new FitOptions().epochs(2).batchSize(8).shuffle(false).verbose(0));
      expected = weights(model);
    }
    try (Model model = model(); CsvSource source = schema(file).build()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      model.fit(source, new FitOptions().epochs(2).out(new PrintStream(out, true,
          StandardCharsets.UTF_8)));
      assertSameWeights(expected, weights(model));
      String shown = out.toString(StandardCharsets.UTF_8);
      // Keras's bar: an unknown total in the first epoch, the count learned in the second.
      assertTrue(shown.contains("      7/Unknown "), shown);
      assertTrue(shown.contains("7/7 "), shown);
    }
  }

  @Test
  void csvShuffleBufferIsSeededAndKeepsEveryRow() throws Exception {
    float[][] x = xs();
    Path file = csv(x, ys(x));
    List<Float> first = firstColumn(schema(file).shuffleBuffer(16, 3).build());
    List<Float> again = firstColumn(schema(file).shuffleBuffer(16, 3).build());
    List<Float> plain = firstColumn(schema(file).build());
    assertEquals(first, again);
    assertFalse(first.equals(plain));
    List<Float> sortedA = new ArrayList<>(first);
    List<Float> sortedB = new ArrayList<>(plain);
    sortedA.sort(null);
    sortedB.sort(null);
    assertEquals(sortedB, sortedA);
  }

  private static List<Float> firstColumn(CsvSource source) throws Exception {
    List<Float> values = new ArrayList<>();
    try (source) {
      Batch batch;
      for (long i = 0; (batch = source.batch(i)) != null; i++) {
        for (float[] row : (float[][]) batch.x()) {
          values.add(row[0]);
        }
      }
    }
    return values;
  }

  @Test
  void csvValuesParseAsFloatParseFloatAndDoubleParseDouble() throws Exception {
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    List<String> values = new ArrayList<>(List.of("0", "-0", "1.", "+2.5", " 3.25 ", "1e3",
        "-1.5E-7", "NaN", "-Infinity", "0.1", "16777217", "3.4028235e38", "1.00000005960464477"));
    for (int i = 0; i < 3000; i++) {
      int digits = 1 + random.nextInt(17);
      StringBuilder text = new StringBuilder(random.nextBoolean() ? "-" : "");
      int point = random.nextInt(digits + 1);
      for (int d = 0; d < digits; d++) {
        if (d == point && d > 0) {
          text.append('.');
        }
        text.append((char) ('0' + random.nextInt(10)));
      }
      values.add(text.toString());
    }
    StringBuilder csv = new StringBuilder("f,d\n");
    values.forEach(v -> csv.append(v).append(',').append(v).append('\n'));
    Path file = dir.resolve("numbers.csv");
    Files.writeString(file, csv);
    try (CsvSource source = CsvSource.builder(file).column("f", CsvSource.Type.FLOAT)
        .column("d", CsvSource.Type.DOUBLE).features("f").target("d").batchSize(values.size())
        .build()) {
      Batch batch = source.batch(0);
      float[][] f = (float[][]) batch.x();
      double[][] d = (double[][]) batch.y();
      for (int i = 0; i < values.size(); i++) {
        String v = values.get(i).trim();
        assertEquals(Float.floatToIntBits(Float.parseFloat(v)), Float.floatToIntBits(f[i][0]), v);
        assertEquals(Double.doubleToLongBits(Double.parseDouble(v)),
            Double.doubleToLongBits(d[i][0]), v);
      }
    }
  }

  private CsvFormatException csvError(String text, CsvSource.Builder schema) throws Exception {
    Path file = dir.resolve("bad.csv");
    Files.writeString(file, text);
    try (CsvSource source = schema.build()) {
      return assertThrows(CsvFormatException.class, () -> {
        for (long i = 0; source.batch(i) != null; i++) {
          // reads to the error
        }
      });
    }
  }

  @Test
  void csvErrorsNameFileLineAndColumn() throws Exception {
    Path file = dir.resolve("bad.csv");
    CsvFormatException e = csvError("a,b,c,target\n1,2,3,4\n1,x,3,4\n", schema(file));
    assertEquals(3, e.line());
    assertEquals(2, e.column());
    assertTrue(e.getMessage().startsWith(file + " line 3, column 2: column 'b' holds 'x'"),
        e.getMessage());
    e = csvError("a,b,c,target\n1,2,3\n", schema(file));
    assertEquals(2, e.line());
    assertTrue(e.getMessage().contains("3 fields, the schema declares 4"), e.getMessage());
    e = csvError("a,b,c,target\n1,2,3,4,5\n", schema(file));
    assertTrue(e.getMessage().contains("more than the 4 fields"), e.getMessage());
    e = csvError("a,b,d,target\n", schema(file));
    assertEquals(1, e.line());
    assertTrue(e.getMessage().contains("[a, b, d, target]"), e.getMessage());
    e = csvError("a,b,c,target\n1,,3,4\n", schema(file));
    assertEquals(2, e.column());
    assertTrue(e.getMessage().contains("is empty"), e.getMessage());
    e = csvError("a,b,c,target\n1,\"2\",3,4\n", schema(file));
    assertTrue(e.getMessage().contains("quoted"), e.getMessage());
    e = csvError("a,b,c,target\n1,2,3,4\n\n", schema(file));
    assertEquals(3, e.line());
    assertTrue(e.getMessage().contains("an empty line"), e.getMessage());
    e = csvError("a,b,c,n\n1,2,3,1.5\n", CsvSource.builder(file)
        .columns(CsvSource.Type.FLOAT, "a", "b", "c").column("n", CsvSource.Type.INT)
        .features("a", "b", "c").target("n"));
    assertTrue(e.getMessage().contains("'1.5', which is not an int"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CsvSource.builder(file)
        .column("a", CsvSource.Type.FLOAT).features("nope"));
    assertThrows(IllegalArgumentException.class, () -> CsvSource.builder(file)
        .column("a", CsvSource.Type.FLOAT).column("n", CsvSource.Type.INT).features("a", "n")
        .build());
  }

  @Test
  void aCsvErrorDuringFitNamesTheBatchAndTheLineAndTheThreadEnds() throws Exception {
    Path file = dir.resolve("bad.csv");
    StringBuilder text = new StringBuilder("a,b,c,target\n");
    for (int i = 0; i < 20; i++) {
      text.append("1,2,3,4\n");
    }
    text.append("1,2,oops,4\n");
    Files.writeString(file, text);
    try (Model model = model(); CsvSource source = schema(file).build()) {
      BatchSourceException e = assertThrows(BatchSourceException.class,
          () -> model.fit(source, new FitOptions().verbose(0)));
      assertEquals(2, e.index());
      assertTrue(e.getMessage().contains("Batch 2 of"), e.getMessage());
      assertTrue(e.getCause() instanceof CsvFormatException);
      assertTrue(e.getMessage().contains("line 22, column 3"), e.getMessage());
    }
    assertNoPrefetchThread();
  }

  private static void assertNoPrefetchThread() throws InterruptedException {
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().equals(Prefetcher.THREAD_NAME)) {
        thread.join(5000);
        assertFalse(thread.isAlive(), "the prefetch thread is still running");
      }
    }
  }

  /** An infinite generator: batch i holds samples from i * 4, of the same function. */
  private static final class Generator implements BatchSource {
    final List<Long> asked = new ArrayList<>();
    int epochEnds;

    @Override
    public synchronized Batch batch(long index) {
      asked.add(index);
      float[][] x = new float[4][3];
      for (int r = 0; r < 4; r++) {
        long i = index * 4 + r;
        x[r] = new float[] {(i % 7) / 7f, (i % 5) / 5f - 0.5f, (i % 3) - 1f};
      }
      return Batch.of(x, ys(x));
    }

    @Override
    public void onEpochEnd() {
      epochEnds++;
    }
  }

  @Test
  void stepsPerEpochContinuesAnInfiniteSourceWhereTheLastEpochStopped() throws Exception {
    Generator generator = new Generator();
    try (Model model = model()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      History history = model.fit(generator, new FitOptions().epochs(3).stepsPerEpoch(5)
          .out(new PrintStream(out, true, StandardCharsets.UTF_8)));
      assertEquals(3, history.get("loss").size());
      List<Long> expected = new ArrayList<>();
      for (long i = 0; i < 15; i++) {
        expected.add(i);
      }
      assertEquals(expected, generator.asked);
      assertEquals(3, generator.epochEnds);
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("5/5 "));
    }
    assertNoPrefetchThread();
  }

  @Test
  void stepsPerEpochOnAKnownSourceRunsOutAndStartsOver() {
    float[][] x = xs();
    List<Long> asked = new ArrayList<>();
    BatchSource arrays = BatchSources.of(x, ys(x), 10); // 5 batches
    BatchSource counted = new BatchSource() {
      @Override
      public long batches() {
        return arrays.batches();
      }

      @Override
      public synchronized Batch batch(long index) throws Exception {
        asked.add(index);
        return arrays.batch(index);
      }
    };
    try (Model model = model()) {
      // Keras: 3, then the 2 left (the input ran out), then a new pass: 3.
      model.fit(counted, new FitOptions().epochs(3).stepsPerEpoch(3).shuffle(false).verbose(0));
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 0L, 1L, 2L), asked);
      asked.clear();
      // Shuffled: each pass a seeded permutation of the batches.
      model.fit(counted, new FitOptions().epochs(2).seed(7).verbose(0));
      assertEquals(10, asked.size());
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L), asked.subList(0, 5).stream().sorted().toList());
      assertFalse(asked.subList(0, 5).equals(asked.subList(5, 10))
          && asked.subList(0, 5).equals(List.of(0L, 1L, 2L, 3L, 4L)));
    }
  }

  @Test
  void validationSourceAndBadBatchesAreReported() {
    float[][] x = xs();
    float[][] y = ys(x);
    try (Model model = model()) {
      History history = model.fit(BatchSources.of(x, y, 8), new FitOptions().epochs(2)
          .validationData(BatchSources.of(x, y, 16)).validationSteps(2).verbose(0));
      assertEquals(2, history.get("val_loss").size());
      // A batch with the wrong number of features fails on the prefetch thread, named.
      BatchSource wrong = BatchSources.of(new float[10][2], new float[10][1], 5);
      BatchSourceException e = assertThrows(BatchSourceException.class,
          () -> model.fit(wrong, new FitOptions().verbose(0)));
      assertEquals(0, e.index());
      assertTrue(e.getMessage().contains("input"), e.getMessage());
      BatchSource failing = new BatchSource() {
        @Override
        public Batch batch(long index) {
          if (index == 3) {
            throw new IllegalStateException("cursor lost");
          }
          return index < 6 ? Batch.of(new float[2][3], new float[2][1]) : null;
        }
      };
      e = assertThrows(BatchSourceException.class,
          () -> model.fit(failing, new FitOptions().verbose(0)));
      assertEquals(3, e.index());
      assertTrue(e.getMessage().contains("cursor lost"), e.getMessage());
      BatchSource empty = index -> null;
      assertThrows(IllegalArgumentException.class,
          () -> model.fit(empty, new FitOptions().verbose(0)));
      assertThrows(IllegalArgumentException.class, () -> model.fit(BatchSources.of(x, y, 8),
          new FitOptions().validationSplit(0.2).verbose(0)));
    }
  }

  @Test
  void anIteratorSourceTrainsAsTheArraysPassAfterPass() {
    float[][] x = xs();
    float[][] y = ys(x);
    List<float[]> expected;
    try (Model model = model()) {
      model.fit(x, y, new FitOptions().epochs(2).batchSize(10).shuffle(false).verbose(0));
      expected = weights(model);
    }
    BatchSource arrays = BatchSources.of(x, y, 10);
    int[] passes = {0};
    BatchSource iterators = BatchSources.fromIterators(() -> {
      passes[0]++;
      List<Batch> batches = new ArrayList<>();
      for (long i = 0; i < arrays.batches(); i++) {
        try {
          batches.add(arrays.batch(i));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
      return batches.iterator();
    });
    try (Model model = model()) {
      model.fit(iterators, new FitOptions().epochs(2).verbose(0));
      assertSameWeights(expected, weights(model));
      assertEquals(2, passes[0]);
    }
  }

  @Test
  void aGeneratorThatRunsOutEndsItsEpochEarlyAndStartsOver() {
    List<Long> asked = new ArrayList<>();
    int[] passes = {0};
    BatchSource five = BatchSources.fromIterators(() -> {
      passes[0]++;
      return java.util.stream.LongStream.range(0, 5).mapToObj(i -> {
        asked.add(i);
        return Batch.of(new float[2][3], new float[2][1]);
      }).iterator();
    });
    try (Model model = model()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      History history = model.fit(five, new FitOptions().epochs(3).stepsPerEpoch(3)
          .maxQueueSize(0).out(new PrintStream(out, true, StandardCharsets.UTF_8)));
      assertEquals(3, history.get("loss").size());
      // Keras: 3 batches, then the 2 left and the warning, then a new pass.
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 0L, 1L, 2L), asked);
      assertEquals(2, passes[0]);
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("Your input ran out of data "
          + "after 2 of 3 steps"), out.toString(StandardCharsets.UTF_8));
      // Keras's final bar of the short epoch: the 2 steps taken of 3.
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("2/3 \u2501"),
          out.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aCallbackStoppingMidEpochEndsFitAndTheThread() throws Exception {
    Generator generator = new Generator();
    int[] batchEnds = {0};
    try (Model model = model()) {
      var history = model.fit(generator, new FitOptions().epochs(5).stepsPerEpoch(100)
          .verbose(0).callbacks(new dev.lamina.runtime.train.Callback() {
            private Training training;

            @Override
            public void onTrainBegin(Training training) {
              this.training = training;
            }

            @Override
            public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
              batchEnds[0]++;
              if (batch == 2) {
                training.stop();
              }
            }
          }));
      // Batches 0, 1 and 2 ran, then fit stopped within its first epoch (of 5 x 100 steps).
      assertEquals(3, batchEnds[0]);
      assertEquals(List.of(0), history.epochs());
    }
    assertNoPrefetchThread();
  }
}
