package dev.lamina.runtime.data;

/**
 * One batch of a {@link BatchSource}: the inputs {@code x}, targets {@code y} and optionally
 * sample weights in the forms {@code fit} takes (an NdArray or tensor, a Java array such as
 * {@code float[][]}, or a list of them for several inputs or outputs), batch first, as a Keras
 * {@code PyDataset} gives {@code (x, y)} or {@code (x, y, sample_weight)}. {@code y} is
 * {@code null} for a source only {@code predict} reads.
 */
public record Batch(Object x, Object y, Object sampleWeight) {

  public Batch {
    if (x == null) {
      throw new IllegalArgumentException("A batch needs inputs x, got null");
    }
    if (sampleWeight != null && y == null) {
      throw new IllegalArgumentException("A batch with sample weights needs targets y");
    }
  }

  /** A batch of inputs and targets. */
  public static Batch of(Object x, Object y) {
    return new Batch(x, y, null);
  }

  /**
   * A batch of inputs, targets and sample weights (one per sample, or a list with one array per
   * output: the forms of {@code FitOptions.sampleWeight}).
   */
  public static Batch of(Object x, Object y, Object sampleWeight) {
    return new Batch(x, y, sampleWeight);
  }

  /** A batch of inputs alone, for {@code predict}. */
  public static Batch of(Object x) {
    return new Batch(x, null, null);
  }
}
