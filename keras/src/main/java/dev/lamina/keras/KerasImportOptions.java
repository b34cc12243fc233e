package dev.lamina.keras;

import dev.lamina.runtime.io.ZipArchive;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How {@link KerasModels#load(java.nio.file.Path, LambdaBindings, KerasImportOptions)} treats what
 * is not an error but should be seen, and what it accepts. Immutable; each {@code with} method
 * returns a copy.
 *
 * <p><b>Keras's {@code output_shape}.</b> Keras trusts a {@code Lambda}'s declared {@code
 * output_shape} without checking it; the tutorial's slice model declares {@code (4, 1)} for ops
 * that give {@code (4)}. Lamina checks the bound Java layer's shape against its ops when the layer
 * is applied, so the Java shape is the true one. When the file's declaration contradicts it, the
 * file is wrong, but its user usually cannot fix it (it was written by someone's Python code), and
 * the model computes what Keras computes. So by default the contradiction is a <em>note</em>:
 * passed to {@link #withNotes}'s consumer (by default the {@code System.Logger} named {@code
 * dev.lamina.keras}, at {@code WARNING}), naming the layer, both shapes and what was used.
 * {@link #withStrictOutputShapes(boolean) withStrictOutputShapes(true)} makes it a {@link
 * dev.lamina.runtime.io.ModelFormatException} instead, for pipelines that must not load a file
 * whose description disagrees with its computation.
 */
public final class KerasImportOptions {

  private static final System.Logger LOG = System.getLogger("dev.lamina.keras");

  private static final KerasImportOptions DEFAULTS = new KerasImportOptions(false,
      note -> LOG.log(System.Logger.Level.WARNING, note), ZipArchive.Limits.DEFAULT, 1L << 28,
      64L << 20, 1L << 31, dev.lamina.runtime.io.Json.Limits.DEFAULT.maxElements());

  private final boolean strictOutputShapes;
  private final Consumer<String> notes;
  private final ZipArchive.Limits zipLimits;
  private final long maxWeightValues;
  private final long maxConfigBytes;
  private final long maxTensorValues;
  private final int maxConfigValues;

  private KerasImportOptions(boolean strictOutputShapes, Consumer<String> notes,
      ZipArchive.Limits zipLimits, long maxWeightValues, long maxConfigBytes,
      long maxTensorValues, int maxConfigValues) {
    this.strictOutputShapes = strictOutputShapes;
    this.notes = notes;
    this.zipLimits = zipLimits;
    this.maxWeightValues = maxWeightValues;
    this.maxConfigBytes = maxConfigBytes;
    this.maxTensorValues = maxTensorValues;
    this.maxConfigValues = maxConfigValues;
  }

  /**
   * Notes to the logger, Keras's {@code output_shape} not enforced, {@link
   * ZipArchive.Limits#DEFAULT}, at most 2^28 values (1 GiB of float32) per weight, 64 MiB of
   * {@code config.json}, 2^31 values per sample of any tensor.
   */
  public static KerasImportOptions defaults() {
    return DEFAULTS;
  }

  /** Whether a {@code Lambda}'s {@code output_shape} that contradicts its Java layer is an error. */
  public KerasImportOptions withStrictOutputShapes(boolean strict) {
    return new KerasImportOptions(strict, notes, zipLimits, maxWeightValues, maxConfigBytes,
        maxTensorValues, maxConfigValues);
  }

  /** Where notes go (one line of text each), instead of the logger. */
  public KerasImportOptions withNotes(Consumer<String> notes) {
    return new KerasImportOptions(strictOutputShapes, Objects.requireNonNull(notes, "notes"),
        zipLimits, maxWeightValues, maxConfigBytes, maxTensorValues, maxConfigValues);
  }

  /** The zip reader's limits: archive size, entries, inflated bytes, compression ratio. */
  public KerasImportOptions withZipLimits(ZipArchive.Limits limits) {
    return new KerasImportOptions(strictOutputShapes, notes, Objects.requireNonNull(limits,
        "limits"), maxWeightValues, maxConfigBytes, maxTensorValues, maxConfigValues);
  }

  /** The most values one weight may hold, checked before anything of its size is allocated. */
  public KerasImportOptions withMaxWeightValues(long max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxWeightValues must be positive, got " + max);
    }
    return new KerasImportOptions(strictOutputShapes, notes, zipLimits, max, maxConfigBytes,
        maxTensorValues, maxConfigValues);
  }

  boolean strictOutputShapes() {
    return strictOutputShapes;
  }

  void note(String text) {
    notes.accept(text);
  }

  ZipArchive.Limits zipLimits() {
    return zipLimits;
  }

  long maxWeightValues() {
    return maxWeightValues;
  }

  long maxConfigBytes() {
    return maxConfigBytes;
  }

  long maxTensorValues() {
    return maxTensorValues;
  }

  int maxConfigValues() {
    return maxConfigValues;
  }

  /**
   * Raises the size limits of {@code config.json} (bytes, JSON values; by default 64 MiB and the
   * JSON reader's 500,000 values, about 26,000 minimal layers). Package-private: for measuring
   * import at sizes beyond the defaults, not an option users need yet.
   */
  KerasImportOptions withConfigLimits(long maxBytes, int maxValues) {
    return new KerasImportOptions(strictOutputShapes, notes, zipLimits, maxWeightValues,
        maxBytes, maxTensorValues, maxValues);
  }
}
