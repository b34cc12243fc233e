package dev.lamina.runtime.data;

import java.nio.file.Path;

/** A CSV file that does not match its declared schema, naming the file, line and column. */
public final class CsvFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final Path file;
  private final long line;
  private final int column;

  CsvFormatException(Path file, long line, int column, String message) {
    super(file + " line " + line + (column > 0 ? ", column " + column : "") + ": " + message);
    this.file = file;
    this.line = line;
    this.column = column;
  }

  public Path file() {
    return file;
  }

  /** The line, counting from 1 (the header, when there is one, is line 1). */
  public long line() {
    return line;
  }

  /** The column, counting from 1; 0 when the error is about the whole line. */
  public int column() {
    return column;
  }
}
