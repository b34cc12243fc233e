package dev.lamina.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's walk-through, on fewer rows: it streams the CSV files, saves the best epoch by
 * validation AUC under Keras's file-name pattern, and the checkpoint loaded back scores on the
 * validation file the AUC its name records (dropout is off in evaluation, so the same weights
 * give the same AUC).
 */
class TrainingWalkthroughTest {

  @Test
  void theBestCheckpointLoadsAndScoresWhatItsNameSays(@TempDir Path dir) throws IOException {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Map<String, Double> scores = TrainingWalkthrough.run(dir, 6_000, 2_000, 3,
        new PrintStream(printed, true, StandardCharsets.UTF_8));
    List<String> checkpoints;
    try (Stream<Path> files = Files.list(dir)) {
      checkpoints = files.map(f -> f.getFileName().toString())
          .filter(name -> name.startsWith("best-")).sorted().toList();
    }
    assertTrue(!checkpoints.isEmpty() && checkpoints.get(0).matches("best-0\\d-0\\.\\d{4}\\.lamina"),
        checkpoints.toString());
    String best = checkpoints.get(checkpoints.size() - 1);
    double named = Double.parseDouble(best.substring("best-00-".length(), best.length()
        - ".lamina".length()));
    assertEquals(named, scores.get("auc"), 5e-5, "the loaded checkpoint's AUC");
    // Positives are drawn from a logistic model of the features, so a model that learned
    // anything ranks them well above chance (0.5).
    assertTrue(scores.get("auc") > 0.75, scores.toString());
    String log = printed.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("Epoch 3/3") && log.contains("val_auc"), log);
  }
}
