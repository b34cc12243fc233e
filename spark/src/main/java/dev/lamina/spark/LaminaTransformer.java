package dev.lamina.spark;

import dev.lamina.runtime.Model;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReadable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoder;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoders;
import org.apache.spark.sql.catalyst.encoders.RowEncoder$;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A Lamina model as a Spark ML {@link Transformer}: each row's input columns (one per model
 * input) become one sample, samples are predicted in batches inside each partition, and one
 * column per model output is appended.
 *
 * <pre>{@code
 * LaminaTransformer scorer = LaminaTransformer.of(model)
 *     .setInputCols("features").setOutputCols("probabilities").setBatchSize(256);
 * Dataset<Row> scored = scorer.transform(rows);
 * }</pre>
 *
 * <p>A column feeds an input as {@code array<float>}, {@code array<double>}, {@code array<int>},
 * {@code array<long>} (as the input's dtype allows), arrays nested once per further dimension
 * for inputs of rank above 2, or an ML {@code Vector} for a float input of rank 2. An output
 * becomes an array of its dtype (nested likewise) or, with {@code outputFormat "vector"}, an ML
 * {@code Vector}. {@link #transformSchema} checks all of this before any job runs.
 *
 * <p>The model's bytes go to the executors once (a broadcast); each executor JVM loads the model
 * once, from the first task that needs it, and its task threads share it. Its {@code @Lambda}
 * methods are looked up on the executor's class path: ship their jar ({@code --jars}) or an uber
 * jar. The stage saves and loads with a pipeline ({@link MLWritable}, {@link MLReadable}); the
 * model file is saved inside, as {@code model.lamina}.
 */
public final class LaminaTransformer extends Transformer implements MLWritable {
  private static final long serialVersionUID = 1L;

  /**
   * A system property: {@code true} makes {@link #transform} read and write every column through
   * Spark's plain {@code Row} encoder (a boxed element per array value), as it did before
   * primitive arrays; the benchmark measures both ways in one JVM.
   */
  static final String BOXED_ROWS = "lamina.spark.boxedRows";

  private final String uid;
  private final byte[] modelBytes;
  private final ModelSignature signature;
  private final String key;
  private final StringArrayParam inputCols;
  private final StringArrayParam outputCols;
  private final IntParam batchSize;
  private final Param<String> handleInvalid;
  private final Param<String> outputFormat;
  private transient Broadcast<byte[]> broadcast;
  private transient SparkContext broadcastContext;

  private LaminaTransformer(String uid, byte[] modelBytes, ModelSignature signature) {
    this.uid = uid;
    this.modelBytes = modelBytes;
    this.signature = signature;
    this.key = sha256(modelBytes);
    inputCols = new StringArrayParam(this, "inputCols",
        "the input columns, one per model input, in the model's order");
    outputCols = new StringArrayParam(this, "outputCols",
        "the output columns, one per model output, in the model's order");
    batchSize = new IntParam(this, "batchSize",
        "how many rows of a partition are predicted at once (>= 1)", ParamValidators.gtEq(1));
    handleInvalid = new Param<>(this, "handleInvalid",
        "what a row whose input is null or of the wrong shape gets: \"error\" (the job fails, "
            + "naming column, row and expected shape), \"skip\" (it is dropped) or \"keep\" "
            + "(null outputs)",
        ParamValidators.inArray(new String[] {"error", "skip", "keep"}));
    outputFormat = new Param<>(this, "outputFormat",
        "\"array\" (an array of the output's dtype, nested for rank > 2) or \"vector\" (an ML "
            + "Vector, for float outputs of rank 2)",
        ParamValidators.inArray(new String[] {"array", "vector"}));
    setDefault(batchSize, 256);
    setDefault(handleInvalid, "error");
    setDefault(outputFormat, "array");
  }

  /**
   * A stage that scores with {@code model} as it is now (its bytes are taken here; later
   * training does not change the stage).
   */
  public static LaminaTransformer of(Model model) {
    Objects.requireNonNull(model, "model");
    try {
      return new LaminaTransformer(Identifiable$.MODULE$.randomUID("laminaTransformer"),
          model.toBytes(), ModelSignature.of(model));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A stage that scores with the model saved in {@code bytes} ({@link Model#toBytes()}, or a
   * file {@link Model#save} wrote). The model is loaded here once, to check it and read its
   * inputs and outputs, so its lambdas must be on this JVM's class path too.
   *
   * @throws IOException as {@link Model#load(byte[])}
   */
  public static LaminaTransformer ofBytes(byte[] bytes) throws IOException {
    byte[] copy = bytes.clone();
    try (Model model = Model.load(copy)) {
      return new LaminaTransformer(Identifiable$.MODULE$.randomUID("laminaTransformer"), copy,
          ModelSignature.of(model));
    }
  }

  /** {@link #ofBytes} for a model file. */
  public static LaminaTransformer ofFile(java.nio.file.Path file) throws IOException {
    return ofBytes(Files.readAllBytes(file));
  }

  @Override
  public String uid() {
    return uid;
  }

  /** The model's bytes, as saved. */
  public byte[] modelBytes() {
    return modelBytes.clone();
  }

  // --- params ---

  public StringArrayParam inputCols() {
    return inputCols;
  }

  public StringArrayParam outputCols() {
    return outputCols;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public Param<String> handleInvalid() {
    return handleInvalid;
  }

  public Param<String> outputFormat() {
    return outputFormat;
  }

  public LaminaTransformer setInputCols(String... columns) {
    set(inputCols, columns.clone());
    return this;
  }

  public LaminaTransformer setOutputCols(String... columns) {
    set(outputCols, columns.clone());
    return this;
  }

  public LaminaTransformer setBatchSize(int rows) {
    set(batchSize, rows);
    return this;
  }

  public LaminaTransformer setHandleInvalid(String mode) {
    set(handleInvalid, mode);
    return this;
  }

  public LaminaTransformer setOutputFormat(String format) {
    set(outputFormat, format);
    return this;
  }

  public String[] getInputCols() {
    return getOrDefault(inputCols).clone();
  }

  public String[] getOutputCols() {
    return getOrDefault(outputCols).clone();
  }

  public int getBatchSize() {
    return (Integer) getOrDefault(batchSize);
  }

  public String getHandleInvalid() {
    return getOrDefault(handleInvalid);
  }

  public String getOutputFormat() {
    return getOrDefault(outputFormat);
  }

  // --- schema and transform ---

  private InputColumn[] inputColumns(StructType schema) {
    if (!isDefined(inputCols)) {
      throw new IllegalArgumentException(uid + ": set inputCols, one column per model input ("
          + describe(signature.inputs) + ")");
    }
    String[] columns = getInputCols();
    if (columns.length != signature.inputs.size()) {
      throw new IllegalArgumentException(uid + ": inputCols names " + columns.length
          + " columns " + Arrays.toString(columns) + ", but the model has "
          + signature.inputs.size() + " inputs (" + describe(signature.inputs) + ")");
    }
    InputColumn[] readers = new InputColumn[columns.length];
    for (int i = 0; i < columns.length; i++) {
      try {
        readers[i] = InputColumn.of(schema, columns[i], signature.inputs.get(i));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(uid + ": " + e.getMessage(), e);
      }
    }
    return readers;
  }

  private OutputColumn[] outputColumns(StructType schema) {
    if (!isDefined(outputCols)) {
      throw new IllegalArgumentException(uid + ": set outputCols, one column per model output ("
          + describe(signature.outputs) + ")");
    }
    String[] columns = getOutputCols();
    if (columns.length != signature.outputs.size()) {
      throw new IllegalArgumentException(uid + ": outputCols names " + columns.length
          + " columns " + Arrays.toString(columns) + ", but the model has "
          + signature.outputs.size() + " outputs (" + describe(signature.outputs) + ")");
    }
    Set<String> existing = new HashSet<>(Arrays.asList(schema.fieldNames()));
    OutputColumn[] writers = new OutputColumn[columns.length];
    for (int j = 0; j < columns.length; j++) {
      if (!existing.add(columns[j])) {
        throw new IllegalArgumentException(uid + ": output column '" + columns[j] + "' already "
            + "exists" + (Arrays.asList(schema.fieldNames()).contains(columns[j])
                ? " in the data" : " (named twice in outputCols)"));
      }
      try {
        writers[j] = new OutputColumn(columns[j], signature.outputs.get(j),
            getOutputFormat().equals("vector"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(uid + ": " + e.getMessage(), e);
      }
    }
    return writers;
  }

  private static String describe(List<TensorSpec> specs) {
    StringBuilder text = new StringBuilder();
    for (TensorSpec spec : specs) {
      text.append(text.length() == 0 ? "" : ", ").append(spec.describe());
    }
    return text.toString();
  }

  /**
   * The input schema with the output columns appended, after checking every input column's type
   * against its model input and that no output column exists yet.
   *
   * @throws IllegalArgumentException naming the column, what it holds and what the input takes
   */
  @Override
  public StructType transformSchema(StructType schema) {
    inputColumns(schema);
    StructType out = schema;
    for (OutputColumn output : outputColumns(schema)) {
      out = out.add(new StructField(output.column, output.dataType(), true,
          org.apache.spark.sql.types.Metadata.empty()));
    }
    return out;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType schema = dataset.schema();
    StructType out = transformSchema(schema, true);
    InputColumn[] inputs = inputColumns(schema);
    OutputColumn[] outputs = outputColumns(schema);
    PartitionScorer scorer = new PartitionScorer(uid, key,
        broadcast(dataset.sparkSession().sparkContext()), signature.lambdas, inputs, outputs,
        getBatchSize(), PartitionScorer.Invalid.valueOf(getHandleInvalid().toUpperCase()));
    Encoder<Row> inEncoder = rowEncoder(schema, inputs, null);
    Encoder<Row> outEncoder = rowEncoder(out, inputs, outputs);
    if (inEncoder == null || outEncoder == null || Boolean.getBoolean(BOXED_ROWS)) {
      return dataset.toDF().mapPartitions(scorer, Encoders.row(out));
    }
    // toDF: the result's rows are Spark's usual ones (a Seq per array), whatever the encoders
    // used inside.
    return dataset.toDF().as(inEncoder).mapPartitions(scorer, outEncoder).toDF();
  }

  /**
   * Spark's {@code Row} encoder of {@code schema}, except that the columns of {@code inputs}
   * that are {@link InputColumn#primitive} (and, with {@code outputs}, the output columns after
   * them, which are {@link OutputColumn#primitiveEncoder}) go in and out of the rows as Java
   * primitive arrays, copied whole, where the plain encoder would box every element into a
   * Scala {@code Seq}. {@code null} when no column gains or the schema's names are not unique
   * (the rows are then read by name).
   */
  static Encoder<Row> rowEncoder(StructType schema, InputColumn[] inputs,
      OutputColumn[] outputs) {
    AgnosticEncoder<Row> plain = RowEncoder$.MODULE$.encoderFor(schema);
    if (!(plain instanceof AgnosticEncoders.RowEncoder row)) {
      return null;
    }
    Set<String> names = new HashSet<>();
    for (String name : schema.fieldNames()) {
      if (!names.add(name.toLowerCase(java.util.Locale.ROOT))) {
        return null;
      }
    }
    List<AgnosticEncoders.EncoderField> fields =
        new ArrayList<>(CollectionConverters.asJava(row.fields()));
    boolean changed = false;
    for (InputColumn input : inputs) {
      if (input.primitive) {
        fields.set(input.index, withEncoder(fields.get(input.index), input.primitiveEncoder()));
        changed = true;
      }
    }
    if (outputs != null) {
      int first = fields.size() - outputs.length;
      for (int j = 0; j < outputs.length; j++) {
        AgnosticEncoder<?> encoder = outputs[j].primitiveEncoder();
        if (encoder != null) {
          fields.set(first + j, withEncoder(fields.get(first + j), encoder));
          changed = true;
        }
      }
    }
    return changed
        ? new AgnosticEncoders.RowEncoder(CollectionConverters.asScala(fields).toList())
        : null;
  }

  private static AgnosticEncoders.EncoderField withEncoder(AgnosticEncoders.EncoderField field,
      AgnosticEncoder<?> encoder) {
    return new AgnosticEncoders.EncoderField(field.name(), encoder, field.nullable(),
        field.metadata(), field.readMethod(), field.writeMethod());
  }

  /** The model's bytes as a broadcast, made once per Spark context. */
  private synchronized Broadcast<byte[]> broadcast(SparkContext context) {
    if (broadcast == null || broadcastContext != context || context.isStopped()) {
      broadcast = JavaSparkContext.fromSparkContext(context).broadcast(modelBytes);
      broadcastContext = context;
    }
    return broadcast;
  }

  @Override
  public LaminaTransformer copy(ParamMap extra) {
    LaminaTransformer copy = new LaminaTransformer(uid, modelBytes, signature);
    return copyValues(copy, extra);
  }

  @Override
  public String toString() {
    return "LaminaTransformer: uid=" + uid + ", inputs " + describe(signature.inputs)
        + ", outputs " + describe(signature.outputs);
  }

  // --- saving and loading (Spark ML's MLWritable / MLReadable) ---

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  /** Spark ML's reader; {@code Pipeline.load} finds it by this static method's name. */
  public static MLReader<LaminaTransformer> read() {
    return new Reader();
  }

  /** Reads a stage {@code save} wrote. */
  public static LaminaTransformer load(String path) {
    return read().load(path);
  }

  private static final class Writer extends MLWriter {
    private final LaminaTransformer stage;

    Writer(LaminaTransformer stage) {
      this.stage = stage;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter$.MODULE$.saveMetadata(stage, path, sparkSession());
      write(new Path(path, "model.lamina"), stage.modelBytes);
      write(new Path(path, "signature.txt"),
          stage.signature.encode().getBytes(StandardCharsets.UTF_8));
    }

    private void write(Path file, byte[] bytes) {
      try {
        FileSystem fs = file.getFileSystem(sc().hadoopConfiguration());
        try (OutputStream out = fs.create(file, true)) {
          out.write(bytes);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write " + file, e);
      }
    }
  }

  private static final class Reader extends MLReader<LaminaTransformer> {
    @Override
    public LaminaTransformer load(String path) {
      DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path,
          sparkSession(), LaminaTransformer.class.getName());
      byte[] bytes = read(new Path(path, "model.lamina"));
      Path signatureFile = new Path(path, "signature.txt");
      ModelSignature signature = ModelSignature.decode(
          new String(read(signatureFile), StandardCharsets.UTF_8), signatureFile.toString());
      LaminaTransformer stage = new LaminaTransformer(metadata.uid(), bytes, signature);
      metadata.getAndSetParams(stage, metadata.getAndSetParams$default$2());
      return stage;
    }

    private byte[] read(Path file) {
      try {
        FileSystem fs = file.getFileSystem(sc().hadoopConfiguration());
        try (InputStream in = fs.open(file)) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          in.transferTo(out);
          return out.toByteArray();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + file, e);
      }
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
