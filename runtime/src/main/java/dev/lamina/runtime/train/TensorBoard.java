package dev.lamina.runtime.train;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SourceMetadata;
import org.tensorflow.proto.Summary;
import org.tensorflow.proto.SummaryMetadata;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Keras's {@code TensorBoard(log_dir="logs", update_freq="epoch", write_steps_per_second=False)}
 * for scalars: event files TensorBoard reads, as Keras writes them. Under {@code logDir/train},
 * at each epoch's end, {@code epoch_<name>} for the loss, each metric and the learning rate, at
 * step {@code epoch}; under {@code logDir/validation}, {@code epoch_<name>} for the validation
 * loss and metrics (without their {@code val_} prefix) and, as Keras's end of evaluation,
 * {@code evaluation_<name>_vs_iterations} at the optimizer's step count. With
 * {@code updateFreq} {@code "batch"} or a number {@code n}, also {@code batch_<name>} (the
 * running means) every {@code n} batches, at the global batch count.
 *
 * <p>The files are TensorFlow's: records framed as TFRecords (length, masked CRC-32C of the
 * length, data, masked CRC-32C of the data) holding {@code Event} protocol buffers, the first
 * saying {@code brain.Event:2}, each scalar a float32 tensor tagged with the {@code scalars}
 * plugin, as TensorBoard's {@code tf.summary.scalar} writes it for Keras; named
 * {@code events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2}. Each epoch's events are appended
 * and the file closed, so nothing stays open if training fails. With {@code histogramFreq},
 * each weight's histogram as Keras writes it; Keras's weight images, graph, embeddings and
 * profiling are not written.
 *
 * <pre>{@code
 * model.fit(x, y, new FitOptions().epochs(10).callbacks(new TensorBoard(Path.of("logs"))));
 * // then: tensorboard --logdir logs
 * }</pre>
 */
public final class TensorBoard implements Callback {

  private static final AtomicInteger FILES = new AtomicInteger();

  /** TensorBoard's {@code DEFAULT_BUCKET_COUNT}. */
  static final int BUCKETS = 30;

  private final Path logDir;
  private final int histogramFreq;
  private final int updateFreq; // 0: "epoch"
  private final boolean writeStepsPerSecond;
  private Training training;
  private Path trainFile;
  private Path validationFile;
  private long globalTrainBatch;
  private long epochStartIterations;
  private long epochStartNanos;

  /** Keras's defaults: scalars at each epoch's end, under {@code logDir}. */
  public TensorBoard(Path logDir) {
    this(logDir, 0, "epoch", false);
  }

  /**
   * @param updateFreq {@code "epoch"}, {@code "batch"} or a number of batches, as Keras's
   *     {@code update_freq}
   * @param writeStepsPerSecond also log {@code epoch_steps_per_second} (and, by batches,
   *     {@code batch_steps_per_second})
   */
  public TensorBoard(Path logDir, String updateFreq, boolean writeStepsPerSecond) {
    this(logDir, 0, updateFreq, writeStepsPerSecond);
  }

  /**
   * Keras's {@code TensorBoard(log_dir, histogram_freq, update_freq, write_steps_per_second)}:
   * also, every {@code histogramFreq} epochs (0: never), a histogram of each weight, tagged
   * {@code <layer>/<weight>/histogram}, as Keras writes it (TensorBoard's 30 buckets).
   */
  public TensorBoard(Path logDir, int histogramFreq, String updateFreq,
      boolean writeStepsPerSecond) {
    this.logDir = Objects.requireNonNull(logDir, "logDir");
    if (histogramFreq < 0) {
      throw new IllegalArgumentException("TensorBoard histogramFreq must be at least 0, got "
          + histogramFreq);
    }
    this.histogramFreq = histogramFreq;
    Objects.requireNonNull(updateFreq, "updateFreq");
    if (updateFreq.equals("epoch")) {
      this.updateFreq = 0;
    } else if (updateFreq.equals("batch")) {
      this.updateFreq = 1;
    } else {
      int n;
      try {
        n = Integer.parseInt(updateFreq);
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1) {
        throw new IllegalArgumentException("TensorBoard updateFreq must be \"epoch\", \"batch\" "
            + "or a positive number of batches, got \"" + updateFreq + "\"");
      }
      this.updateFreq = n;
    }
    this.writeStepsPerSecond = writeStepsPerSecond;
  }

  /** The event file of the training scalars, once training began. */
  public Path trainFile() {
    return trainFile;
  }

  /** The event file of the validation scalars, once one was written, else {@code null}. */
  public Path validationFile() {
    return validationFile;
  }

  @Override
  public void onTrainBegin(Training training) {
    this.training = training;
    globalTrainBatch = 0;
    trainFile = create(logDir.resolve("train"));
    validationFile = null;
  }

  @Override
  public void onEpochBegin(int epoch) {
    if (writeStepsPerSecond) {
      epochStartIterations = training.iterations();
      epochStartNanos = System.nanoTime();
    }
  }

  private long batchStartNanos;

  @Override
  public void onTrainBatchBegin(int batch) {
    globalTrainBatch++;
    batchStartNanos = System.nanoTime();
  }

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    if (updateFreq == 0 || globalTrainBatch % updateFreq != 0) {
      return;
    }
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    if (writeStepsPerSecond) {
      double seconds = (System.nanoTime() - batchStartNanos) / 1e9;
      record(records, scalar("batch_steps_per_second", 1.0 / seconds, globalTrainBatch));
    }
    logs.forEach((name, value) ->
        record(records, scalar("batch_" + name, value, globalTrainBatch)));
    append(trainFile, records);
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    Map<String, Double> train = new LinkedHashMap<>();
    Map<String, Double> validation = new LinkedHashMap<>();
    logs.forEach((name, value) -> (name.startsWith("val_") ? validation : train).put(name, value));
    train.put("learning_rate", (double) (float) training.optimizer().learningRate());
    if (writeStepsPerSecond) {
      double seconds = (System.nanoTime() - epochStartNanos) / 1e9;
      train.put("steps_per_second", (training.iterations() - epochStartIterations) / seconds);
    }
    if (!validation.isEmpty()) {
      if (validationFile == null) {
        validationFile = create(logDir.resolve("validation"));
      }
      ByteArrayOutputStream records = new ByteArrayOutputStream();
      long iterations = training.iterations();
      // Keras's on_test_end, which runs before on_epoch_end.
      validation.forEach((name, value) -> record(records,
          scalar("evaluation_" + name.substring(4) + "_vs_iterations", value, iterations)));
      validation.forEach((name, value) ->
          record(records, scalar("epoch_" + name.substring(4), value, epoch)));
      append(validationFile, records);
    }
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    train.forEach((name, value) -> record(records, scalar("epoch_" + name, value, epoch)));
    if (histogramFreq > 0 && epoch % histogramFreq == 0) {
      dev.lamina.runtime.Model model = training.model();
      for (dev.lamina.runtime.Weight weight : model.weights()) {
        String tag = (model.nameOf(weight.layer()) + "/" + weight.name()).replace(":", "_")
            + "/histogram";
        record(records, histogram(tag, weight.values(), epoch));
      }
    }
    append(trainFile, records);
  }

  /**
   * As TensorBoard's {@code tf.summary.histogram}: a float64 tensor of {@link #BUCKETS} rows
   * {@code [left edge, right edge, count]}, computed as its {@code _buckets}: equal widths from
   * the minimum to the maximum (the edges {@code min + i * (max - min) / 30}, the last the
   * maximum), each value in bucket {@code floor((v - min) / width)}, the maximum in the last;
   * one distinct value: every edge that value and the count in the last row; no values: zeros.
   */
  static Event histogram(String tag, float[] values, long step) {
    double[][] rows = buckets(values);
    ByteBuffer content = ByteBuffer.allocate(rows.length * 3 * Double.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    for (double[] row : rows) {
      for (double v : row) {
        content.putDouble(v);
      }
    }
    Summary.Value entry = Summary.Value.newBuilder()
        .setTag(tag)
        .setTensor(TensorProto.newBuilder()
            .setDtype(DataType.DT_DOUBLE)
            .setTensorShape(TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dim.newBuilder().setSize(rows.length))
                .addDim(TensorShapeProto.Dim.newBuilder().setSize(3)))
            .setTensorContent(ByteString.copyFrom(content.array())))
        .setMetadata(SummaryMetadata.newBuilder()
            .setPluginData(SummaryMetadata.PluginData.newBuilder().setPluginName("histograms")))
        .build();
    return Event.newBuilder()
        .setWallTime(System.currentTimeMillis() / 1000.0)
        .setStep(step)
        .setSummary(Summary.newBuilder().addValue(entry))
        .build();
  }

  static double[][] buckets(float[] values) {
    double[][] rows = new double[BUCKETS][3];
    if (values.length == 0) {
      return rows;
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (float v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    double range = max - min;
    if (range == 0) {
      for (double[] row : rows) {
        row[0] = max;
        row[1] = max;
      }
      rows[BUCKETS - 1][2] = values.length;
      return rows;
    }
    double width = range / BUCKETS;
    for (float v : values) {
      int index = (int) Math.floor((v - min) / width);
      rows[Math.min(index, BUCKETS - 1)][2]++;
    }
    double step = (max - min) / BUCKETS; // TensorFlow's linspace(min, max, 31)
    double[] edges = new double[BUCKETS + 1];
    for (int i = 0; i < BUCKETS; i++) {
      edges[i] = min + step * i;
    }
    edges[BUCKETS] = max;
    for (int i = 0; i < BUCKETS; i++) {
      rows[i][0] = edges[i];
      rows[i][1] = edges[i + 1];
    }
    return rows;
  }

  // ------------------------------------------------------------------ the event file format

  /** Creates a new event file in {@code dir}, holding the file-version event. */
  private static Path create(Path dir) {
    long millis = System.currentTimeMillis();
    Path file = dir.resolve(String.format(java.util.Locale.ROOT,
        "events.out.tfevents.%010d.%s.%d.%d.v2", millis / 1000, hostname(),
        ProcessHandle.current().pid(), FILES.getAndIncrement()));
    Event version = Event.newBuilder()
        .setWallTime(millis / 1000)
        .setFileVersion("brain.Event:2")
        .setSourceMetadata(SourceMetadata.newBuilder().setWriter("lamina"))
        .build();
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    record(records, version);
    try {
      Files.createDirectories(dir);
      Files.write(file, records.toByteArray(), StandardOpenOption.CREATE_NEW);
    } catch (IOException e) {
      throw new UncheckedIOException("TensorBoard cannot create " + file, e);
    }
    return file;
  }

  private static String hostname() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      return name.isEmpty() ? "localhost" : name;
    } catch (IOException e) {
      return "localhost";
    }
  }

  private static void append(Path file, ByteArrayOutputStream records) {
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
      records.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException("TensorBoard cannot write " + file, e);
    }
  }

  /**
   * As TensorBoard's {@code tf.summary.scalar}: a float32 scalar tensor with the scalars
   * plugin's metadata (its name alone, as Keras's files have it).
   */
  static Event scalar(String tag, double value, long step) {
    byte[] content = ByteBuffer.allocate(Float.BYTES).order(ByteOrder.LITTLE_ENDIAN)
        .putFloat((float) value).array();
    Summary.Value entry = Summary.Value.newBuilder()
        .setTag(tag)
        .setTensor(TensorProto.newBuilder()
            .setDtype(DataType.DT_FLOAT)
            .setTensorShape(TensorShapeProto.getDefaultInstance())
            .setTensorContent(ByteString.copyFrom(content)))
        .setMetadata(SummaryMetadata.newBuilder()
            .setPluginData(SummaryMetadata.PluginData.newBuilder().setPluginName("scalars")))
        .build();
    return Event.newBuilder()
        .setWallTime(System.currentTimeMillis() / 1000.0)
        .setStep(step)
        .setSummary(Summary.newBuilder().addValue(entry))
        .build();
  }

  /** One TFRecord: length, its masked CRC-32C, the data, its masked CRC-32C (little-endian). */
  static void record(ByteArrayOutputStream out, Event event) {
    byte[] data = event.toByteArray();
    ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(data.length);
    int lengthCrc = maskedCrc32c(header.array(), 0, 8);
    header.putInt(lengthCrc);
    out.writeBytes(header.array());
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(maskedCrc32c(data, 0, data.length)).array());
  }

  /** TensorFlow's masked CRC: the CRC-32C rotated right by 15 bits plus 0xa282ead8. */
  static int maskedCrc32c(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    int value = (int) crc.getValue();
    return ((value >>> 15) | (value << 17)) + 0xa282ead8;
  }
}
