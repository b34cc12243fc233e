package dev.lamina.runtime.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Keras's {@code ModelCheckpoint(filepath, monitor="val_loss", verbose=0, save_best_only=False,
 * save_weights_only=False, mode="auto", save_freq="epoch", initial_value_threshold=None)}: saves
 * the model ({@code Model.save}) or its weights alone ({@code Model.saveWeights}) at each
 * epoch's end, or every {@code saveFreq} batches, to {@code filepath} formatted as Python's
 * {@code str.format} would with {@code epoch} (one-based), {@code batch} (one-based, when saving
 * by batches) and the logs: {@code "ckpt-{epoch:02d}-{val_loss:.2f}.lamina"} gives
 * {@code ckpt-03-0.42.lamina}. With {@code saveBestOnly}, only when the monitored value improves
 * (on {@code initialValueThreshold}, if given, first). Missing folders are made; each file is
 * written whole or not at all (a temporary file in the same folder, moved into place), so an
 * interrupted save leaves the previous checkpoint intact. With verbose 1 it prints Keras's lines
 * ({@code Epoch 3: val_loss improved from 0.51234 to 0.42000, saving model to ...}).
 *
 * <p>Unlike Keras, the file name's extension is not checked: Lamina's files are {@code .lamina}
 * whether they hold the model or the weights.
 *
 * <pre>{@code
 * new ModelCheckpoint.Builder("ckpt-{epoch:02d}-{val_loss:.2f}.lamina").saveBestOnly(true).build()
 * }</pre>
 */
public final class ModelCheckpoint implements Callback {

  private final String filepath;
  private final Monitor monitor;
  private final int verbose;
  private final boolean saveBestOnly;
  private final boolean saveWeightsOnly;
  private final int saveFreq;
  private Training training;
  private Double best;
  private int currentEpoch;
  private int batchesSinceSave;
  private Integer lastBatchSeen;

  /** Keras's defaults: every epoch, the whole model. */
  public ModelCheckpoint(String filepath) {
    this(new Builder(filepath));
  }

  private ModelCheckpoint(Builder b) {
    this.filepath = b.filepath;
    this.monitor = new Monitor("ModelCheckpoint", b.monitor, b.mode, 0);
    this.verbose = b.verbose;
    this.saveBestOnly = b.saveBestOnly;
    this.saveWeightsOnly = b.saveWeightsOnly;
    this.saveFreq = b.saveFreq;
    this.best = b.initialValueThreshold;
  }

  /** Keras's arguments by name, with its defaults. */
  public static final class Builder {
    private final String filepath;
    private String monitor = "val_loss";
    private int verbose;
    private boolean saveBestOnly;
    private boolean saveWeightsOnly;
    private String mode = "auto";
    private int saveFreq; // 0: "epoch"
    private Double initialValueThreshold;

    /** @param filepath a path, or a pattern in Python's {@code str.format} syntax */
    public Builder(String filepath) {
      this.filepath = Objects.requireNonNull(filepath, "filepath");
      if (filepath.isEmpty()) {
        throw new IllegalArgumentException("ModelCheckpoint filepath is empty");
      }
    }

    public Builder(Path filepath) {
      this(filepath.toString());
    }

    public Builder monitor(String monitor) {
      this.monitor = Objects.requireNonNull(monitor, "monitor");
      return this;
    }

    /** 0: silent; 1: prints each save (and, with saveBestOnly, each epoch that does not). */
    public Builder verbose(int verbose) {
      this.verbose = verbose;
      return this;
    }

    public Builder saveBestOnly(boolean saveBestOnly) {
      this.saveBestOnly = saveBestOnly;
      return this;
    }

    /** The weights alone ({@code Model.saveWeights}, for {@code loadWeights}). */
    public Builder saveWeightsOnly(boolean saveWeightsOnly) {
      this.saveWeightsOnly = saveWeightsOnly;
      return this;
    }

    /** {@code "auto"}, {@code "min"} or {@code "max"}. */
    public Builder mode(String mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Keras's {@code save_freq="epoch"}, the default: save at each epoch's end. */
    public Builder saveFreqEpoch() {
      this.saveFreq = 0;
      return this;
    }

    /** Keras's integer {@code save_freq}: save every {@code batches} batches. */
    public Builder saveFreq(int batches) {
      if (batches < 1) {
        throw new IllegalArgumentException("ModelCheckpoint saveFreq must be at least 1 batch, "
            + "got " + batches);
      }
      this.saveFreq = batches;
      return this;
    }

    /** The value the first save must beat, with saveBestOnly; none by default. */
    public Builder initialValueThreshold(Double initialValueThreshold) {
      this.initialValueThreshold = initialValueThreshold;
      return this;
    }

    public ModelCheckpoint build() {
      return new ModelCheckpoint(this);
    }
  }

  @Override
  public void onTrainBegin(Training training) {
    this.training = training; // as Keras, the best value carries over to a later fit
    monitor.bind(training);
  }

  @Override
  public void onEpochBegin(int epoch) {
    currentEpoch = epoch;
  }

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    if (saveFreq == 0) {
      return;
    }
    int added = lastBatchSeen == null || batch <= lastBatchSeen ? batch + 1 : batch - lastBatchSeen;
    batchesSinceSave += added;
    lastBatchSeen = batch;
    if (batchesSinceSave >= saveFreq) {
      batchesSinceSave = 0;
      save(currentEpoch, batch, logs);
    }
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    monitor.maximise(); // as Keras: resolved (or refused) at each epoch's end
    if (saveFreq == 0) {
      save(epoch, null, logs);
    }
  }

  private void save(int epoch, Integer batch, Map<String, Double> logs) {
    Path path = Path.of(filePath(epoch, batch, logs));
    if (!shouldSave(epoch, logs, path)) {
      return;
    }
    try {
      if (Files.isDirectory(path)) {
        throw new IOException("Please specify a non-directory filepath for ModelCheckpoint. "
            + "Filepath used is an existing directory: " + path);
      }
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (saveWeightsOnly) {
        training.model().saveWeights(path);
      } else {
        training.model().save(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("ModelCheckpoint cannot save " + path + ": "
          + e.getMessage(), e);
    }
    if (verbose > 0) {
      training.out().println("\nEpoch " + (epoch + 1) + ": finished saving model to " + path);
    }
  }

  private boolean shouldSave(int epoch, Map<String, Double> logs, Path path) {
    if (!saveBestOnly) {
      if (verbose > 0) {
        training.out().println("\nEpoch " + (epoch + 1) + ": saving model to " + path);
      }
      return true;
    }
    Double current = logs.get(monitor.monitor());
    if (current == null) {
      return true; // Keras warns "Can save best model only with ... available" and saves
    }
    String bestText = best == null ? "None" : PythonFormat.formatValue(best, ".5f");
    if (monitor.improves(current, best)) {
      if (verbose > 0) {
        training.out().println("\nEpoch " + (epoch + 1) + ": " + monitor.monitor()
            + " improved from " + bestText + " to " + PythonFormat.formatValue(current, ".5f")
            + ", saving model to " + path);
      }
      best = current;
      return true;
    }
    if (verbose > 0) {
      training.out().println("\nEpoch " + (epoch + 1) + ": " + monitor.monitor()
          + " did not improve from " + bestText);
    }
    return false;
  }

  /**
   * Keras's {@code _get_file_path}: the pattern formatted with {@code epoch} (one-based), the
   * logs and, when saving by batches, {@code batch} (one-based).
   */
  String filePath(int epoch, Integer batch, Map<String, Double> logs) {
    Map<String, Object> values = new LinkedHashMap<>(logs);
    values.put("epoch", epoch + 1);
    if (batch != null && !logs.containsKey("batch")) {
      values.put("batch", batch + 1);
    }
    try {
      return PythonFormat.format(filepath, values);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Failed to format this callback filepath: \""
          + filepath + "\". Reason: " + e.getMessage() + "; the logs have " + logs.keySet(), e);
    }
  }

  /** The best monitored value so far (or the threshold), or {@code null}. */
  public Double best() {
    return best;
  }
}
