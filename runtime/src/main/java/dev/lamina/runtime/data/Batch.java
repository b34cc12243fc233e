package dev.lamina.runtime.data;

/**
 * One batch of a {@link BatchSource}: the inputs {@code x} and targets {@code y} in the forms
 * {@code fit} takes (an NdArray or tensor, a Java array such as {@code float[][]}, or a list of
 * them for several inputs or outputs), batch first. {@code y} is {@code null} for a source only
 * {@code predict} reads.
 */
public record Batch(Object x, Object y) {

  public Batch {
    if (x == null) {
      throw new IllegalArgumentException("A batch needs inputs x, got null");
    }
  }

  /** A batch of inputs and targets. */
  public static Batch of(Object x, Object y) {
    return new Batch(x, y);
  }

  /** A batch of inputs alone, for {@code predict}. */
  public static Batch of(Object x) {
    return new Batch(x, null);
  }
}
