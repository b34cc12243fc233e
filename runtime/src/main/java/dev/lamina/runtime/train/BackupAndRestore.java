package dev.lamina.runtime.train;

import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.io.ZipArchive;
import dev.lamina.runtime.io.ZipArchiveWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Keras's {@code BackupAndRestore(backup_dir, save_freq="epoch", double_checkpoint=False,
 * delete_checkpoint=True)}: backs up the training state at each epoch's end (or every
 * {@code saveFreq} batches) to {@code backupDir}, and at the start of a later {@code fit} with
 * the same callback restores it and resumes from the epoch after the last one backed up, so that
 * an interrupted training (an exception, a killed JVM) continues where it stopped. The state is
 * Keras's: the weights, the optimizer's slots, step count and learning rate, and the epoch. With
 * Lamina's seeded, per-epoch shuffles (and seeded random layers), the resumed training ends with
 * the weights an uninterrupted one would have, if both use the same seed. When a fit completes,
 * the backup is deleted (unless {@code deleteCheckpoint} is false).
 *
 * <p>The backup is one file, {@code backupDir/latest.lamina} (a zip: {@code backup.json} and the
 * values), written whole or not at all (a temporary file moved into place), so a crash while
 * writing leaves the previous backup. With {@code doubleCheckpoint} the previous backup is kept
 * as {@code latest.lamina.bkp} too and is restored if the latest cannot be read. As in Keras,
 * a backup by batches resumes at the start of the epoch it was in, with the weights it had then;
 * the backup must come from the same model, compiled the same way.
 *
 * <pre>{@code
 * model.fit(x, y, new FitOptions().epochs(10).callbacks(new BackupAndRestore(Path.of("backup"))));
 * }</pre>
 */
public final class BackupAndRestore implements Callback {

  static final String FORMAT = "lamina.backup";
  static final String FILE = "latest.lamina";
  private static final String DESCRIPTION = "backup.json";

  private final Path backupDir;
  private final int saveFreq;
  private final boolean doubleCheckpoint;
  private final boolean deleteCheckpoint;
  private Training training;
  private int currentEpoch;
  private int lastBatchSeen;
  private int batchesSinceSave;

  /** Keras's defaults: a backup at each epoch's end, deleted when the fit completes. */
  public BackupAndRestore(Path backupDir) {
    this(backupDir, 0, false, true);
  }

  /**
   * @param saveFreq 0 for Keras's {@code "epoch"}, else a backup every {@code saveFreq} batches
   */
  public BackupAndRestore(Path backupDir, int saveFreq, boolean doubleCheckpoint,
      boolean deleteCheckpoint) {
    this.backupDir = Objects.requireNonNull(backupDir, "backupDir");
    if (backupDir.toString().isEmpty()) {
      throw new IllegalArgumentException("Empty backupDir argument passed");
    }
    if (saveFreq < 0) {
      throw new IllegalArgumentException("Invalid value for argument saveFreq. Received: "
          + "saveFreq=" + saveFreq + ". Expected 0 (\"epoch\") or a number of batches.");
    }
    this.saveFreq = saveFreq;
    this.doubleCheckpoint = doubleCheckpoint;
    this.deleteCheckpoint = deleteCheckpoint;
  }

  private Path latest() {
    return backupDir.resolve(FILE);
  }

  private Path previous() {
    return backupDir.resolve(FILE + ".bkp");
  }

  @Override
  public void onTrainBegin(Training training) {
    this.training = training;
    batchesSinceSave = 0;
    lastBatchSeen = 0;
    currentEpoch = 0;
    try {
      try {
        restore(latest());
      } catch (IOException e) {
        if (!Files.exists(previous())) {
          throw e;
        }
        Files.copy(previous(), latest(), StandardCopyOption.REPLACE_EXISTING);
        restore(latest());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("BackupAndRestore cannot restore from " + latest() + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    currentEpoch = epoch + 1;
    lastBatchSeen = 0;
    if (saveFreq == 0) {
      save();
    }
  }

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    if (saveFreq == 0) {
      return;
    }
    int added = batch <= lastBatchSeen ? batch + 1 : batch - lastBatchSeen;
    batchesSinceSave += added;
    lastBatchSeen = batch;
    if (batchesSinceSave >= saveFreq) {
      batchesSinceSave = 0;
      save();
    }
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    if (deleteCheckpoint && Files.exists(backupDir)) {
      try {
        deleteTree(backupDir);
      } catch (IOException e) {
        throw new UncheckedIOException("BackupAndRestore cannot delete " + backupDir, e);
      }
    }
  }

  private void save() {
    try {
      Files.createDirectories(backupDir);
      if (doubleCheckpoint && Files.exists(latest())) {
        Files.copy(latest(), previous(), StandardCopyOption.REPLACE_EXISTING);
      }
      List<float[]> weights = training.weights();
      Map<String, float[]> slots = training.optimizerState();
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("format", FORMAT);
      root.put("version", 1);
      root.put("epoch", currentEpoch);
      root.put("batch", lastBatchSeen);
      root.put("iterations", training.iterations());
      root.put("learning_rate", training.optimizer().learningRate());
      List<Object> weightEntries = new ArrayList<>();
      for (int i = 0; i < weights.size(); i++) {
        weightEntries.add(Map.of("entry", "weights/" + i + ".bin", "size",
            (long) weights.get(i).length));
      }
      root.put("weights", weightEntries);
      List<Object> slotEntries = new ArrayList<>();
      int s = 0;
      for (Map.Entry<String, float[]> slot : slots.entrySet()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("key", slot.getKey());
        entry.put("entry", "optimizer/" + s++ + ".bin");
        entry.put("size", (long) slot.getValue().length);
        slotEntries.add(entry);
      }
      root.put("slots", slotEntries);
      try (ZipArchiveWriter zip = ZipArchiveWriter.create(latest())) {
        zip.write(DESCRIPTION, Json.writeBytes(root, Json.Style.PRETTY));
        for (int i = 0; i < weights.size(); i++) {
          writeFloats(zip, "weights/" + i + ".bin", weights.get(i));
        }
        s = 0;
        for (float[] values : slots.values()) {
          writeFloats(zip, "optimizer/" + s++ + ".bin", values);
        }
        zip.commit();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("BackupAndRestore cannot write " + latest() + ": "
          + e.getMessage(), e);
    }
  }

  private static void writeFloats(ZipArchiveWriter zip, String name, float[] values)
      throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    CRC32 crc = new CRC32();
    crc.update(bytes.array());
    try (OutputStream out = zip.storedStream(name, bytes.capacity(), crc.getValue())) {
      out.write(bytes.array());
    }
  }

  /** Restores the backup at {@code path}, if there is one; checks it all before setting any. */
  private void restore(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    List<float[]> current = training.weights();
    Map<String, float[]> currentSlots = training.optimizerState();
    List<float[]> weights = new ArrayList<>();
    Map<String, float[]> slots = new LinkedHashMap<>();
    JsonObject root;
    try (ZipArchive zip = ZipArchive.open(path)) {
      root = zip.readJson(DESCRIPTION);
      if (!FORMAT.equals(root.requireString("format"))) {
        throw root.error("format", "is not " + FORMAT);
      }
      if (root.requireInt("version") != 1) {
        throw root.error("version", "is " + root.requireInt("version") + "; Lamina reads 1");
      }
      List<JsonObject> weightEntries = root.requireArray("weights").objects();
      if (weightEntries.size() != current.size()) {
        throw root.error("weights", "has " + weightEntries.size() + " weights; this model has "
            + current.size() + " (a backup of another model?)");
      }
      for (int i = 0; i < weightEntries.size(); i++) {
        JsonObject entry = weightEntries.get(i);
        if (entry.requireLong("size") != current.get(i).length) {
          throw entry.error("size", "is " + entry.requireLong("size") + "; weight " + i
              + " of this model has " + current.get(i).length + " values");
        }
        weights.add(zip.readFloats(entry.requireString("entry"), current.get(i).length));
      }
      for (JsonObject entry : root.requireArray("slots").objects()) {
        String key = entry.requireString("key");
        float[] now = currentSlots.get(key);
        if (now == null || slots.containsKey(key)) {
          throw entry.error("key", "'" + key + "' is " + (now == null
              ? "not a slot of this optimizer; it has " + currentSlots.keySet() : "given twice"));
        }
        if (entry.requireLong("size") != now.length) {
          throw entry.error("size", "is " + entry.requireLong("size") + "; slot " + key
              + " has " + now.length + " values");
        }
        slots.put(key, zip.readFloats(entry.requireString("entry"), now.length));
      }
      if (slots.size() != currentSlots.size()) {
        throw root.error("slots", "has " + slots.size() + " slots; the optimizer has "
            + currentSlots.size());
      }
    }
    long iterations = root.requireLong("iterations");
    int epoch = root.requireInt("epoch");
    double learningRate = root.requireDouble("learning_rate");
    if (iterations < 0 || epoch < 0 || !(learningRate >= 0) || Double.isInfinite(learningRate)) {
      throw new ModelFormatException(path + ": iterations " + iterations + ", epoch " + epoch
          + " or learning_rate " + learningRate + " is out of range");
    }
    training.setWeights(weights);
    training.setOptimizerState(slots, iterations);
    if (training.optimizer().schedule() == null) {
      training.optimizer().setLearningRate(learningRate); // a schedule's follows the steps
    }
    training.setInitialEpoch(epoch);
  }

  private static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
