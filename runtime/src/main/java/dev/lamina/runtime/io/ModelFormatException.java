package dev.lamina.runtime.io;

import java.io.IOException;

/**
 * A model file, or a part of one, is malformed, hostile or beyond a reader's limits. This is the
 * one exception type every Lamina file reader throws for bad content; its message says what is
 * wrong and where (a file or zip entry, a line and column or byte offset, a JSON path).
 *
 * <p>It is checked, and an {@link IOException}, on purpose: a file's content is outside the
 * program's control, so a caller must decide what a bad file means (as for {@code ZipException}
 * and {@code CharacterCodingException}); and a loader already declares {@code IOException} for
 * the disk, so one {@code throws} clause covers both while a caller can still catch bad content
 * alone. Other {@code IOException}s mean the file could not be read at all.
 */
public final class ModelFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final int column;
  private final String path;

  /** Bad content with no finer position than what {@code message} says. */
  public ModelFormatException(String message) {
    this(message, null);
  }

  /** Bad content that a lower layer (a zip or number parser, say) found first. */
  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
    this.source = null;
    this.line = 0;
    this.column = 0;
    this.path = null;
  }

  /**
   * Bad content at a place in a text file: the message reads {@code source:line:column: at path:
   * detail}, as compilers write it, so editors and people find the spot.
   */
  ModelFormatException(String source, int line, int column, String path, String detail) {
    super(format(source, line, column, path, detail));
    this.source = source;
    this.line = line;
    this.column = column;
    this.path = path;
  }

  private static String format(String source, int line, int column, String path, String detail) {
    var sb = new StringBuilder(source);
    if (line > 0) {
      sb.append(':').append(line).append(':').append(column);
    }
    sb.append(": ");
    if (path != null) {
      sb.append("at ").append(path).append(": ");
    }
    return sb.append(detail).toString();
  }

  /** The file or zip entry at fault, if this error came with a position; otherwise null. */
  public String source() {
    return source;
  }

  /** The 1-based line of the fault, or 0 if unknown. */
  public int line() {
    return line;
  }

  /** The 1-based column (in UTF-16 characters) of the fault, or 0 if unknown. */
  public int column() {
    return column;
  }

  /** The JSON path of the value at fault ({@code $.layers[2].name}), or null if none. */
  public String path() {
    return path;
  }
}
