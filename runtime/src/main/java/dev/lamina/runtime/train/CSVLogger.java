package dev.lamina.runtime.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keras's {@code CSVLogger(filename, separator=",", append=False)}: one row per epoch, as Keras
 * writes it with Python's {@code csv} module: a header {@code epoch} then the first epoch's log
 * names sorted (and, if none starts with {@code val_}, their {@code val_} names too, which stay
 * {@code NA}), values as Python prints floats ({@code repr}), rows ended by {@code \r\n}, fields
 * holding the separator, a quote or a line break quoted. With {@code append} it adds to an
 * existing file, writing the header only if the file is empty. Each row is on disk when the
 * epoch ends (the file is opened, appended to and closed for each), so nothing stays open if
 * training fails.
 */
public final class CSVLogger implements Callback {

  private final Path filename;
  private final String separator;
  private final boolean append;
  private List<String> keys;
  private boolean appendHeader;

  /** Keras's defaults: separator {@code ,}, overwriting. */
  public CSVLogger(Path filename) {
    this(filename, ",", false);
  }

  public CSVLogger(Path filename, String separator, boolean append) {
    this.filename = Objects.requireNonNull(filename, "filename");
    this.separator = Objects.requireNonNull(separator, "separator");
    if (separator.length() != 1) {
      throw new IllegalArgumentException("CSVLogger separator must be one character (Python's "
          + "csv delimiter), got \"" + separator + "\"");
    }
    this.append = append;
  }

  @Override
  public void onTrainBegin(Training training) {
    keys = null;
    appendHeader = true;
    try {
      if (append) {
        if (Files.exists(filename)) {
          appendHeader = Files.size(filename) == 0 || firstLineEmpty();
        } else {
          Files.createFile(filename);
        }
      } else {
        Files.write(filename, new byte[0]); // Python's "w": create or truncate
      }
    } catch (IOException e) {
      throw new UncheckedIOException("CSVLogger cannot open " + filename, e);
    }
  }

  /** Keras: {@code not bool(len(f.readline()))}, i.e. the file is empty. */
  private boolean firstLineEmpty() throws IOException {
    try (var reader = Files.newBufferedReader(filename, StandardCharsets.UTF_8)) {
      return reader.read() < 0;
    }
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    StringBuilder text = new StringBuilder();
    if (keys == null) {
      keys = new ArrayList<>(logs.keySet());
      keys.sort(null);
      boolean validation = keys.stream().anyMatch(key -> key.startsWith("val_"));
      if (!validation && !keys.isEmpty()) {
        List<String> withVal = new ArrayList<>(keys);
        keys.forEach(key -> withVal.add("val_" + key));
        keys = withVal;
      }
      if (appendHeader) {
        List<String> header = new ArrayList<>();
        header.add("epoch");
        header.addAll(keys);
        row(text, header);
      }
    }
    List<String> row = new ArrayList<>();
    row.add(Integer.toString(epoch));
    for (String key : keys) {
      Double value = logs.get(key);
      row.add(value == null ? "NA" : PythonFormat.repr(value));
    }
    row(text, row);
    try (Writer out = Files.newBufferedWriter(filename, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      out.write(text.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("CSVLogger cannot write " + filename, e);
    }
  }

  /** One line as Python's {@code csv.excel} dialect writes it (QUOTE_MINIMAL, CRLF). */
  private void row(StringBuilder out, List<String> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.append(separator);
      }
      String field = fields.get(i);
      if (field.contains(separator) || field.contains("\"") || field.contains("\r")
          || field.contains("\n")) {
        out.append('"').append(field.replace("\"", "\"\"")).append('"');
      } else {
        out.append(field);
      }
    }
    out.append("\r\n");
  }
}
