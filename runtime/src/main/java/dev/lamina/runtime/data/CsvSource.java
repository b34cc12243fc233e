package dev.lamina.runtime.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A {@link BatchSource} over a CSV file with a declared schema, read in order a batch at a time
 * (memory stays flat however large the file): each declared column has a type, the feature
 * columns make the model's inputs (one 2-D array per {@link Builder#features} call, e.g.
 * {@code float[batch][features]}), the target columns its targets (one 2-D array per
 * {@link Builder#target} call, {@code (batch, columns)}, class indices as {@code INT} or
 * {@code LONG}). Parsing is strict: a header that differs from the schema, a line with another
 * number of fields, an empty or unparsable value or a quoted field fail with a
 * {@link CsvFormatException} naming the file, line and column.
 *
 * <pre>{@code
 * try (CsvSource train = CsvSource.builder(Path.of("train.csv"))
 *     .columns(CsvSource.Type.FLOAT, "f1", "f2", "f3")
 *     .column("label", CsvSource.Type.INT)
 *     .features("f1", "f2", "f3").target("label")
 *     .batchSize(256).shuffleBuffer(10_000, 42)
 *     .build()) {
 *   model.fit(train, new FitOptions().epochs(5));
 * }
 * }</pre>
 *
 * <p>Its length is {@link BatchSource#UNKNOWN} (the file is not counted beforehand): an epoch
 * is one pass over the file, or {@code FitOptions.stepsPerEpoch} batches continuing where the
 * last epoch stopped. With a shuffle buffer, rows are drawn at random from a buffer of the next
 * rows, as {@code tf.data}'s {@code shuffle(buffer_size)}, seeded by the seed and the pass.
 */
public final class CsvSource implements BatchSource {

  /** A column's type: the Java array it is read into, or skipped unparsed. */
  public enum Type {
    FLOAT, DOUBLE, INT, LONG, SKIP
  }

  private final Path file;
  private final List<String> names;
  private final List<Type> types;
  private final boolean header;
  private final char delimiter;
  private final int batchSize;
  private final int shuffleBuffer;
  private final long seed;
  /** For each input, then each target: the column indices and their common type. */
  private final List<int[]> featureGroups;
  private final List<int[]> targetGroups;
  private final List<Type> featureTypes;
  private final List<Type> targetTypes;
  /** The sample-weight column's slot in a parsed row, or {@code -1} for none. */
  private final int weightSlot;
  /** For each column, its slot in a parsed row ({@code -1}: not used, not parsed). */
  private final int[] slotOf;
  private final int slots;

  private BufferedReader reader;
  private long line;
  private long next;
  private long pass;
  private SplittableRandom random;
  private final List<double[]> buffer = new ArrayList<>();
  private boolean ended;

  private CsvSource(Builder builder) {
    this.file = builder.file;
    this.names = List.copyOf(builder.columns.keySet());
    this.types = List.copyOf(builder.columns.values());
    this.header = builder.header;
    this.delimiter = builder.delimiter;
    this.batchSize = builder.batchSize;
    this.shuffleBuffer = builder.shuffleBuffer;
    this.seed = builder.seed;
    this.slotOf = new int[names.size()];
    java.util.Arrays.fill(slotOf, -1);
    int[] count = {0};
    this.featureGroups = groups(builder.features, count);
    this.targetGroups = groups(builder.targets, count);
    int[] weights = builder.sampleWeight == null ? null
        : groups(List.of(List.of(builder.sampleWeight)), count).get(0);
    this.slots = count[0];
    this.weightSlot = weights == null ? -1 : slotOf[weights[0]];
    if (weights != null) {
      Type type = types.get(weights[0]);
      if (type != Type.FLOAT && type != Type.DOUBLE) {
        throw new IllegalArgumentException("The sample-weight column '" + builder.sampleWeight
            + "' is " + type + "; weights are FLOAT or DOUBLE");
      }
      if (targetGroups.isEmpty()) {
        throw new IllegalArgumentException("Sample weights need targets: declare target(...)");
      }
    }
    this.featureTypes = typesOf(featureGroups, "features");
    this.targetTypes = typesOf(targetGroups, "target");
  }

  public static Builder builder(Path file) {
    return new Builder(file);
  }

  private List<int[]> groups(List<List<String>> given, int[] count) {
    List<int[]> groups = new ArrayList<>();
    for (List<String> group : given) {
      int[] columns = new int[group.size()];
      for (int i = 0; i < columns.length; i++) {
        int column = names.indexOf(group.get(i));
        columns[i] = column;
        if (slotOf[column] < 0) {
          slotOf[column] = count[0]++;
        }
      }
      groups.add(columns);
    }
    return groups;
  }

  private List<Type> typesOf(List<int[]> groups, String what) {
    List<Type> result = new ArrayList<>();
    for (int[] group : groups) {
      Type type = types.get(group[0]);
      for (int column : group) {
        if (types.get(column) != type) {
          throw new IllegalArgumentException("The " + what + " columns of one array need one "
              + "type: '" + names.get(group[0]) + "' is " + type + ", '" + names.get(column)
              + "' is " + types.get(column));
        }
        if (type == Type.SKIP) {
          throw new IllegalArgumentException("Column '" + names.get(column) + "' is SKIP, so it "
              + "cannot be among the " + what);
        }
      }
      result.add(type);
    }
    return result;
  }

  @Override
  public synchronized Batch batch(long index) throws IOException {
    if (index == 0) {
      rewind();
    } else if (index != next) {
      throw new IllegalStateException("A CsvSource reads its file in order: batch " + index
          + " was asked for after batch " + (next - 1) + " (batches() is UNKNOWN, so fit reads "
          + "it in order)");
    }
    next = index + 1;
    List<double[]> rows = new ArrayList<>(batchSize);
    while (rows.size() < batchSize) {
      double[] row = nextRow();
      if (row == null) {
        break;
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      closeReader();
      return null;
    }
    List<Object> x = arrays(rows, featureGroups, featureTypes);
    Object y = null;
    if (!targetGroups.isEmpty()) {
      List<Object> targets = arrays(rows, targetGroups, targetTypes);
      y = targets.size() == 1 ? targets.get(0) : targets;
    }
    float[] weights = null;
    if (weightSlot >= 0) {
      weights = new float[rows.size()];
      for (int r = 0; r < weights.length; r++) {
        weights[r] = (float) rows.get(r)[weightSlot];
      }
    }
    return Batch.of(x.size() == 1 ? x.get(0) : x, y, weights);
  }

  private List<Object> arrays(List<double[]> rows, List<int[]> groups, List<Type> groupTypes) {
    List<Object> arrays = new ArrayList<>(groups.size());
    int n = rows.size();
    for (int g = 0; g < groups.size(); g++) {
      int[] columns = groups.get(g);
      int width = columns.length;
      switch (groupTypes.get(g)) {
        case FLOAT -> {
          float[][] a = new float[n][width];
          for (int r = 0; r < n; r++) {
            double[] row = rows.get(r);
            for (int c = 0; c < width; c++) {
              a[r][c] = (float) row[slotOf[columns[c]]];
            }
          }
          arrays.add(a);
        }
        case DOUBLE -> {
          double[][] a = new double[n][width];
          for (int r = 0; r < n; r++) {
            for (int c = 0; c < width; c++) {
              a[r][c] = rows.get(r)[slotOf[columns[c]]];
            }
          }
          arrays.add(a);
        }
        case INT -> {
          int[][] a = new int[n][width];
          for (int r = 0; r < n; r++) {
            for (int c = 0; c < width; c++) {
              a[r][c] = (int) rows.get(r)[slotOf[columns[c]]];
            }
          }
          arrays.add(a);
        }
        case LONG -> {
          long[][] a = new long[n][width];
          for (int r = 0; r < n; r++) {
            for (int c = 0; c < width; c++) {
              a[r][c] = (long) rows.get(r)[slotOf[columns[c]]];
            }
          }
          arrays.add(a);
        }
        default -> throw new IllegalStateException();
      }
    }
    return arrays;
  }

  /** The next row, through the shuffle buffer when there is one; {@code null} at the end. */
  private double[] nextRow() throws IOException {
    if (shuffleBuffer <= 1) {
      return readRow();
    }
    while (!ended && buffer.size() < shuffleBuffer) {
      double[] row = readRow();
      if (row == null) {
        break;
      }
      buffer.add(row);
    }
    if (buffer.isEmpty()) {
      return null;
    }
    int pick = random.nextInt(buffer.size());
    double[] row = buffer.get(pick);
    buffer.set(pick, buffer.get(buffer.size() - 1));
    buffer.remove(buffer.size() - 1);
    return row;
  }

  private void rewind() throws IOException {
    closeReader();
    buffer.clear();
    ended = false;
    line = 0;
    random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + pass);
    pass++;
    reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
        StandardCharsets.UTF_8), 1 << 16);
    if (header) {
      String first = reader.readLine();
      line++;
      if (first == null) {
        throw new CsvFormatException(file, 1, 0, "the file is empty; a header was expected");
      }
      List<String> found = split(first);
      if (!found.equals(names)) {
        throw new CsvFormatException(file, 1, 0, "the header has columns " + found
            + ", the schema declares " + names);
      }
    }
  }

  private List<String> split(String text) {
    List<String> fields = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == delimiter) {
        fields.add(text.substring(start, i).trim());
        start = i + 1;
      }
    }
    return fields;
  }

  /** Parses one line; {@code null} at the end of the file. */
  private double[] readRow() throws IOException {
    if (ended) {
      return null;
    }
    if (reader == null) {
      throw new IllegalStateException("This CsvSource is closed");
    }
    String text = reader.readLine();
    if (text == null) {
      ended = true;
      return null;
    }
    line++;
    if (text.isBlank()) {
      throw new CsvFormatException(file, line, 0, "an empty line; the schema declares "
          + names.size() + " fields " + names);
    }
    double[] row = new double[slots];
    int column = 0;
    int start = 0;
    int length = text.length();
    for (int i = 0; i <= length; i++) {
      char c = i < length ? text.charAt(i) : delimiter;
      if (c == '"') {
        throw new CsvFormatException(file, line, column + 1, "quoted fields are not supported");
      }
      if (c != delimiter) {
        continue;
      }
      if (column >= names.size()) {
        throw new CsvFormatException(file, line, 0, "more than the " + names.size()
            + " fields the schema declares " + names);
      }
      int slot = slotOf[column];
      if (slot >= 0) {
        row[slot] = parse(text, start, i, column);
      }
      column++;
      start = i + 1;
    }
    if (column != names.size()) {
      throw new CsvFormatException(file, line, 0, column + " field" + (column == 1 ? "" : "s") + ", the schema declares "
          + names.size() + " " + names);
    }
    return row;
  }

  private static final double[] POWERS = new double[19];

  static {
    POWERS[0] = 1;
    for (int i = 1; i < POWERS.length; i++) {
      POWERS[i] = POWERS[i - 1] * 10;
    }
  }

  private double parse(String text, int from, int to, int column) {
    Type type = types.get(column);
    if (type == Type.FLOAT || type == Type.DOUBLE) {
      double fast = fastDecimal(text, from, to, type == Type.FLOAT);
      if (!Double.isNaN(fast)) {
        return fast;
      }
    }
    return parseSlow(text, from, to, column);
  }

  /**
   * A plain decimal ({@code -12.345}: no exponent, at most 15 digits) without allocating: the
   * digits as a whole number divided by a power of ten, both exact in a double, so the quotient
   * is the correctly rounded double, as {@link Double#parseDouble} gives. For a float, that
   * double rounded again, unless it lies exactly halfway between two floats (where rounding twice
   * could differ from {@link Float#parseFloat}). NaN for anything else: the slow path decides.
   */
  private static double fastDecimal(String text, int from, int to, boolean asFloat) {
    int i = from;
    boolean negative = false;
    if (i < to && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
      negative = text.charAt(i) == '-';
      i++;
    }
    long digits = 0;
    int count = 0;
    int fraction = -1;
    for (; i < to; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        digits = digits * 10 + (c - '0');
        if (++count > 15) {
          return Double.NaN;
        }
        if (fraction >= 0) {
          fraction++;
        }
      } else if (c == '.' && fraction < 0) {
        fraction = 0;
      } else {
        return Double.NaN;
      }
    }
    if (count == 0) {
      return Double.NaN;
    }
    double value = fraction > 0 ? digits / POWERS[fraction] : digits;
    if (negative) {
      value = -value;
    }
    if (asFloat) {
      float rounded = (float) value;
      long bits = Double.doubleToRawLongBits(value);
      if ((double) rounded != value && (bits & 0x1FFFFFFFL) == 0x10000000L) {
        return Double.NaN; // halfway between two floats
      }
      return rounded;
    }
    return value;
  }

  private double parseSlow(String text, int from, int to, int column) {
    String value = text.substring(from, to).trim();
    Type type = types.get(column);
    if (value.isEmpty()) {
      throw new CsvFormatException(file, line, column + 1, "column '" + names.get(column)
          + "' is empty; a " + type.name().toLowerCase(java.util.Locale.ROOT) + " is needed");
    }
    try {
      return switch (type) {
        case FLOAT -> Float.parseFloat(value);
        case DOUBLE -> Double.parseDouble(value);
        case INT -> Integer.parseInt(value);
        case LONG -> {
          long parsed = Long.parseLong(value);
          if (Math.abs(parsed) > (1L << 53)) {
            throw new NumberFormatException();
          }
          yield parsed;
        }
        case SKIP -> 0;
      };
    } catch (NumberFormatException e) {
      throw new CsvFormatException(file, line, column + 1, "column '" + names.get(column)
          + "' holds '" + value + "', which is not " + (type == Type.INT ? "an int"
              : "a " + type.name().toLowerCase(java.util.Locale.ROOT)));
    }
  }

  private void closeReader() throws IOException {
    if (reader != null) {
      BufferedReader open = reader;
      reader = null;
      open.close();
    }
  }

  @Override
  public synchronized void close() throws IOException {
    closeReader();
    buffer.clear();
  }

  @Override
  public String toString() {
    return "CsvSource(" + file + ", batches of " + batchSize + ")";
  }

  /** Declares a {@link CsvSource}'s file, columns, inputs, targets, batch size and shuffling. */
  public static final class Builder {
    private final Path file;
    private final Map<String, Type> columns = new LinkedHashMap<>();
    private final List<List<String>> features = new ArrayList<>();
    private final List<List<String>> targets = new ArrayList<>();
    private String sampleWeight;
    private boolean header = true;
    private char delimiter = ',';
    private int batchSize = 32;
    private int shuffleBuffer;
    private long seed;

    private Builder(Path file) {
      this.file = Objects.requireNonNull(file, "file");
    }

    /** The next column of the file, in the file's order. */
    public Builder column(String name, Type type) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      if (columns.putIfAbsent(name, type) != null) {
        throw new IllegalArgumentException("Column '" + name + "' is declared twice");
      }
      return this;
    }

    /** The next columns of the file, all of one type. */
    public Builder columns(Type type, String... names) {
      for (String name : names) {
        column(name, type);
      }
      return this;
    }

    /** The columns of the next model input, as one 2-D array {@code (batch, columns)}. */
    public Builder features(String... names) {
      features.add(declared(names, "features"));
      return this;
    }

    /** The columns of the next model output's target, as one 2-D array. */
    public Builder target(String... names) {
      targets.add(declared(names, "target"));
      return this;
    }

    private List<String> declared(String[] names, String what) {
      if (names.length == 0) {
        throw new IllegalArgumentException(what + " needs at least one column");
      }
      for (String name : names) {
        if (!columns.containsKey(name)) {
          throw new IllegalArgumentException("The " + what + " column '" + name
              + "' is not declared; the columns are " + columns.keySet());
        }
      }
      return List.of(names);
    }

    /**
     * The column holding each row's sample weight (Keras's {@code sample_weight}, as a
     * {@code tf.data} dataset of {@code (x, y, sample_weight)} gives it): one weight per sample,
     * for every output. FLOAT or DOUBLE; needs {@link #target}.
     */
    public Builder sampleWeight(String column) {
      this.sampleWeight = declared(new String[] {column}, "sample-weight").get(0);
      return this;
    }

    /** Whether the first line names the columns (then it must match them); true by default. */
    public Builder header(boolean header) {
      this.header = header;
      return this;
    }

    /** The field separator; {@code ','} by default. */
    public Builder delimiter(char delimiter) {
      if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
        throw new IllegalArgumentException("The delimiter cannot be " + delimiter);
      }
      this.delimiter = delimiter;
      return this;
    }

    /** Samples per batch; 32 by default. */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /**
     * Shuffles rows within a buffer of {@code size} rows, as {@code tf.data}'s
     * {@code shuffle(buffer_size)}: each row is drawn at random from the next {@code size} rows.
     * Seeded: the same seed gives the same order, pass by pass. Off (file order) by default.
     */
    public Builder shuffleBuffer(int size, long seed) {
      if (size < 0) {
        throw new IllegalArgumentException("The shuffle buffer must be at least 0, got " + size);
      }
      this.shuffleBuffer = size;
      this.seed = seed;
      return this;
    }

    public CsvSource build() {
      if (columns.isEmpty()) {
        throw new IllegalArgumentException("Declare the file's columns with column(name, type)");
      }
      if (features.isEmpty()) {
        throw new IllegalArgumentException("Declare the input columns with features(...)");
      }
      return new CsvSource(this);
    }
  }
}
