package dev.lamina.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.train.schedules.CosineDecay;
import dev.lamina.runtime.train.schedules.ExponentialDecay;
import dev.lamina.runtime.train.schedules.LearningRateSchedule;
import dev.lamina.runtime.train.schedules.PiecewiseConstantDecay;
import dev.lamina.runtime.io.ModelFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.types.TFloat32;

/** The optimizers' common options, schedules and names: what they refuse and how they resume. */
class OptimizerOptionsTest {

  private static final float[][] X = {{1, 2}, {-1, 0.5f}, {0.3f, -2}, {2, 1}};
  private static final float[][] Y = {{1}, {-0.5f}, {0.2f}, {2}};

  private static Model line() {
    var x = Input.of(TFloat32.class, 2);
    Dense hidden = Dense.builder(3).name("hidden").kernel(new float[][] {{0.2f, -0.1f, 0.4f},
        {0.3f, 0.5f, -0.2f}}).bias(new float[] {0.1f, 0, -0.1f}).build();
    Dense out = Dense.builder(1).name("out").kernel(new float[][] {{0.5f}, {-0.4f}, {0.3f}})
        .bias(new float[] {0.05f}).build();
    return Model.of(x, out.apply(hidden.apply(x)));
  }

  @Test
  void atMostOneClippingOption() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new Sgd(0.1).clipnorm(1.0).clipvalue(0.5));
    assertTrue(e.getMessage().contains("Only one of clipnorm, clipvalue and global_clipnorm"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Optimizer.fromConfig("adam",
        Map.of("clipnorm", 1.0, "global_clipnorm", 1.0)));
  }

  @Test
  void commonOptionsAreSetBeforeCompile() {
    try (Model model = line()) {
      Optimizer adam = new Adam();
      model.compile(adam, Losses.meanSquaredError());
      var e = assertThrows(IllegalStateException.class, () -> adam.weightDecay(0.1));
      assertTrue(e.getMessage().contains("before compile"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> adam.clipnorm(1.0));
      assertThrows(IllegalStateException.class, () -> adam.excludeFromWeightDecay("bias"));
    }
  }

  @Test
  void aScheduledRateIsNotSettableAndFollowsTheSteps() {
    Optimizer sgd = new Sgd(new PiecewiseConstantDecay(new double[] {1}, new double[] {0.1,
        0.01}));
    var e = assertThrows(IllegalStateException.class, () -> sgd.setLearningRate(0.5));
    assertTrue(e.getMessage().contains("PiecewiseConstantDecay"), e.getMessage());
    try (Model model = line()) {
      model.compile(sgd, Losses.meanSquaredError());
      assertEquals(0.1, sgd.learningRate(), 0); // 0 steps taken
      model.trainOnBatch(X, Y);
      assertEquals(0.1, sgd.learningRate(), 0); // 1 step: still <= the boundary
      model.trainOnBatch(X, Y);
      assertEquals(0.01, sgd.learningRate(), 0);
      // Keras's LearningRateScheduler cannot drive a schedule's rate either.
      assertThrows(IllegalStateException.class, () -> model.fit(X, Y, new FitOptions()
          .epochs(1).verbose(0).callbacks(new LearningRateScheduler((epoch, rate) -> rate))));
    }
  }

  @Test
  void fromConfigRefusesWhatLaminaDoesNotDo() {
    var ema = assertThrows(IllegalArgumentException.class,
        () -> Optimizer.fromConfig("adam", Map.of("use_ema", true)));
    assertTrue(ema.getMessage().contains("use_ema"), ema.getMessage());
    var unknown = assertThrows(IllegalArgumentException.class,
        () -> Optimizer.fromConfig("lion", Map.of("epsilon", 1e-7)));
    assertTrue(unknown.getMessage().contains("epsilon"), unknown.getMessage());
    var name = assertThrows(IllegalArgumentException.class,
        () -> Optimizer.fromConfig("muon", Map.of()));
    assertTrue(name.getMessage().contains("adafactor"), name.getMessage());
    Map<String, Object> custom = new LinkedHashMap<>();
    custom.put("module", null);
    custom.put("class_name", "MySchedule");
    custom.put("config", Map.of());
    var schedule = assertThrows(IllegalArgumentException.class,
        () -> Optimizer.fromConfig("sgd", Map.of("learning_rate", custom)));
    assertTrue(schedule.getMessage().contains("MySchedule"), schedule.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.deserialize(Map.of(
        "class_name", "ExponentialDecay", "config", Map.of("decay_steps", 2,
            "decay_rate", 0.5)))); // initial_learning_rate is required
  }

  @Test
  void everyNameCompilesAndTrains() {
    assertEquals(List.of("sgd", "adam", "adamw", "rmsprop", "adagrad", "nadam", "adamax",
        "adadelta", "ftrl", "lion", "lamb", "adafactor"), Optimizer.names());
    for (String name : Optimizer.names()) {
      try (Model model = line()) {
        model.compile(name, "mse");
        double first = model.trainOnBatch(X, Y).get("loss");
        double second = model.trainOnBatch(X, Y).get("loss");
        assertTrue(Double.isFinite(first) && Double.isFinite(second), name);
        // A step moved the weights: the same batch's loss changed.
        assertTrue(first != second, name + ": loss stayed " + first);
        assertEquals(name, Optimizer.get(name).name());
      }
    }
  }

  /** The README's example: saved after two epochs of fit and loaded, four epochs as one run. */
  @Test
  void fitSavedAndLoadedMidwayEqualsOneRun(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("model.lamina");
    List<float[]> uninterrupted;
    try (Model model = line()) {
      model.compile(readmeOptimizer(), Losses.meanSquaredError());
      model.fit(X, Y, new FitOptions().epochs(4).batchSize(2).shuffle(false).verbose(0));
      uninterrupted = values(model);
    }
    try (Model model = line()) {
      model.compile(readmeOptimizer(), Losses.meanSquaredError());
      model.fit(X, Y, new FitOptions().epochs(2).batchSize(2).shuffle(false).verbose(0));
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      loaded.fit(X, Y, new FitOptions().epochs(2).batchSize(2).shuffle(false).verbose(0));
      List<float[]> resumed = values(loaded);
      assertEquals(uninterrupted.size(), resumed.size());
      for (int i = 0; i < resumed.size(); i++) {
        assertArrayEquals(uninterrupted.get(i), resumed.get(i), 1e-7f, "weight " + i);
      }
    }
  }

  private static Optimizer readmeOptimizer() {
    return new AdamW(new CosineDecay(0.0, 6, 0.0, 1e-2, 3), 0.01)
        .excludeFromWeightDecay("bias")
        .globalClipnorm(1.0);
  }

  private static List<float[]> values(Model model) {
    List<float[]> values = new ArrayList<>();
    for (Weight weight : model.weights()) {
      values.add(weight.values());
    }
    return values;
  }

  @Test
  void onePiecewiseValueWithoutBoundariesIsAConstantRate() {
    var schedule = new PiecewiseConstantDecay(new double[0], new double[] {0.1});
    assertEquals(0.1, schedule.valueAt(7), 0);
    try (Model scheduled = line(); Model constant = line()) {
      scheduled.compile(new Sgd(schedule), Losses.meanSquaredError());
      constant.compile(new Sgd(0.1), Losses.meanSquaredError());
      scheduled.trainOnBatch(X, Y);
      constant.trainOnBatch(X, Y);
      for (int i = 0; i < 4; i++) {
        assertArrayEquals(values(constant).get(i), values(scheduled).get(i), 0f);
      }
    }
  }

  /** A file whose optimizer, schedule or exclusions Lamina cannot take is a format error. */
  @Test
  void aBadOptimizerInAFileIsAFormatError(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("model.lamina");
    try (Model model = line()) {
      model.compile(new AdamW(new ExponentialDecay(0.1, 2, 0.5), 0.1)
          .excludeFromWeightDecay("bias"), Losses.meanSquaredError());
      model.trainOnBatch(X, Y);
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      loaded.trainOnBatch(X, Y); // the file itself loads and trains
    }
    List<UnaryOperator<String>> edits = List.of(
        json -> json.replace("\"ExponentialDecay\"", "\"MyDecay\""),
        json -> json.replaceFirst("\"decay_steps\":\\s*2", "\"decay_steps\": 0"),
        json -> json.replaceFirst("\"decay_steps\":\\s*2", "\"decay_steps\": 2.5"),
        json -> json.replace("\"adamw\"", "\"muon\""),
        json -> json.replaceFirst("\"bias\"(\\s*)\\]", "\"(\"$1]"),
        json -> json.replaceFirst("\"weight_decay\":\\s*0\\.1", "\"weight_decay\": \"x\""));
    for (int i = 0; i < edits.size(); i++) {
      Path edited = rewrite(file, dir.resolve("edited" + i + ".lamina"), edits.get(i));
      assertThrows(ModelFormatException.class, () -> Model.load(edited).close(), "edit " + i);
    }
  }

  private static Path rewrite(Path file, Path to, UnaryOperator<String> edit)
      throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      var all = zip.entries();
      while (all.hasMoreElements()) {
        ZipEntry entry = all.nextElement();
        try (InputStream in = zip.getInputStream(entry)) {
          entries.put(entry.getName(), in.readAllBytes());
        }
      }
    }
    String json = new String(entries.get("model.json"), StandardCharsets.UTF_8);
    String edited = edit.apply(json);
    assertTrue(!edited.equals(json), "the edit changes the file");
    entries.put("model.json", edited.getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        out.putNextEntry(new ZipEntry(entry.getKey()));
        out.write(entry.getValue());
        out.closeEntry();
      }
    }
    return Files.write(to, bytes.toByteArray());
  }

  @Test
  void aScheduleIsSavedAsKerasSerializesIt() {
    Map<String, Object> config = new Adam(new ExponentialDecay(0.1, 10, 0.5)).config();
    @SuppressWarnings("unchecked")
    Map<String, Object> rate = (Map<String, Object>) config.get("learning_rate");
    assertEquals("keras.optimizers.schedules", rate.get("module"));
    assertEquals("ExponentialDecay", rate.get("class_name"));
    assertEquals(0.1, ((Map<?, ?>) rate.get("config")).get("initial_learning_rate"));
  }
}
