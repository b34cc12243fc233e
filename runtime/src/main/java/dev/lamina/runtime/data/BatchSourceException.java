package dev.lamina.runtime.data;

/**
 * A {@link BatchSource} failed to give a batch, or gave one that does not fit the model: the
 * batch's index is in the message and in {@link #index()}, the source's exception is the cause.
 */
public final class BatchSourceException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final long index;

  public BatchSourceException(long index, String message, Throwable cause) {
    super(message, cause);
    this.index = index;
  }

  /** The index of the batch that failed. */
  public long index() {
    return index;
  }
}
