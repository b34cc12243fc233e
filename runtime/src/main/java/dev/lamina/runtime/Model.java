package dev.lamina.runtime;

import dev.lamina.runtime.data.BatchSource;
import dev.lamina.runtime.registry.LambdaRegistry;
import dev.lamina.runtime.serving.ServingSignature;
import dev.lamina.runtime.train.CompileOptions;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.History;
import dev.lamina.runtime.train.Loss;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Metric;
import dev.lamina.runtime.train.Metrics;
import dev.lamina.runtime.train.Optimizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;

/**
 * A model in Keras's functional style: the layers between some {@link Input}s and some outputs,
 * executed as one TensorFlow graph.
 *
 * <pre>{@code
 * var a = Input.of(TFloat32.class, 4, 2);
 * try (var model = Model.of(a, SquareLayer.of().apply(a))) {
 *   float[][][] y = model.predict(xTest, float[][][].class);
 * }
 * }</pre>
 *
 * <p>The graph and its session are created on the first {@code predict} and released by
 * {@link #close()}. {@code predict} may be called from several threads at once.
 */
public class Model implements AutoCloseable {

  /** Keras's default batch size for {@code predict}. */
  public static final int DEFAULT_BATCH_SIZE = 32;

  private volatile Topology topology;
  private Executor graph;
  private SessionOptions sessionOptions = SessionOptions.defaults();
  private Trainer trainer;
  private volatile boolean closed;
  private Device device = Device.AUTO;
  private final Predictor predictor = new Predictor(this);

  Model(Topology topology) {
    this.topology = topology;
  }

  /** A model from one input to one output. */
  public static Model of(SymbolicTensor<?> input, SymbolicTensor<?> output) {
    // Arrays.asList, unlike List.of, lets a null through to Topology's message.
    return of(Arrays.asList(input), Arrays.asList(output));
  }

  /**
   * A model from several inputs to several outputs.
   *
   * @throws IllegalArgumentException if an input is not from {@link Input#of}, an output depends
   *     on an input not listed, or two layers share a name
   */
  public static Model of(List<? extends SymbolicTensor<?>> inputs,
      List<? extends SymbolicTensor<?>> outputs) {
    return new Model(Topology.of(inputs, outputs));
  }

  public final List<SymbolicTensor<?>> inputs() {
    return topology.inputs();
  }

  public final List<SymbolicTensor<?>> outputs() {
    return topology.outputs();
  }

  /** The distinct layers, inputs first, each after the layers that feed it. */
  public final List<Layer> layers() {
    return topology.layers();
  }

  /** The name a layer has in this model: its given name, or a unique default one. */
  public final String nameOf(Layer layer) {
    String name = topology.names().get(layer);
    if (name == null) {
      throw new IllegalArgumentException(layer.describe() + " is not part of this model");
    }
    return name;
  }

  /**
   * Places the model's ops on {@code device} (default {@link Device#AUTO}); before the first
   * {@code predict}, which builds the graph.
   *
   * @throws IllegalStateException once the graph is built
   */
  public final synchronized Model placeOn(Device device) {
    requireUnbuilt();
    this.device = Objects.requireNonNull(device, "device");
    return this;
  }

  /**
   * Sets how the model's TensorFlow session runs its ops (threads, op fusion), default
   * {@link SessionOptions#defaults()}; before the first {@code predict} or {@code compile}, which
   * build the graph. What TensorFlow honours per session and per process is said on
   * {@link SessionOptions}.
   *
   * @throws IllegalStateException once the graph is built
   */
  public final synchronized Model withSessionOptions(SessionOptions options) {
    requireUnbuilt();
    this.sessionOptions = Objects.requireNonNull(options, "options");
    return this;
  }

  /** The session options the model's session is (or will be) opened with. */
  public final synchronized SessionOptions sessionOptions() {
    return sessionOptions;
  }

  /** The device asked for. */
  public final synchronized Device device() {
    return device;
  }

  private void requireUnbuilt() {
    if (graph != null || closed) {
      throw new IllegalStateException("This model has already been built (predict was called) "
          + "or closed; it cannot change any more. Start a new one.");
    }
  }

  /** Replaces the topology; only while the graph is not built (Sequential's {@code add}). */
  synchronized void setTopology(Topology topology) {
    requireUnbuilt();
    this.topology = topology;
  }

  /** {@link #predict(FloatNdArray, int)} with Keras's default batch size of 32. */
  public final FloatNdArray predict(FloatNdArray x) {
    return predict(x, DEFAULT_BATCH_SIZE);
  }

  /**
   * Runs the model on every sample of {@code x}, {@code batchSize} samples at a time, and returns
   * the outputs concatenated along the batch dimension. The model must have one float input and
   * one float output.
   *
   * @param x samples along the first dimension, the rest matching the input's shape
   * @throws IllegalArgumentException if {@code x} does not match the input's shape
   */
  public final FloatNdArray predict(FloatNdArray x, int batchSize) {
    return predictor.predict(x, batchSize);
  }

  /**
   * Runs the model on every sample, {@code batchSize} samples at a time, for any number of inputs
   * and outputs: one NdArray per input, in order, whose class fits the input's dtype
   * ({@code FloatNdArray} for float32, {@code BooleanNdArray} for bool, ...). Returns one NdArray
   * per output, the batches' results concatenated.
   *
   * @throws IllegalArgumentException if the data do not match the inputs' number, dtypes or
   *     shapes, or the inputs have different numbers of samples
   */
  public final List<NdArray<?>> predict(List<? extends NdArray<?>> data, int batchSize) {
    return predict(data, batchSize, null);
  }

  /** {@link #predict(List, int)} with Keras's default batch size of 32. */
  public final List<NdArray<?>> predict(List<? extends NdArray<?>> data) {
    return predict(data, DEFAULT_BATCH_SIZE, null);
  }

  /**
   * {@code predict} over a whole pass of {@code source} (its batches' {@code y} are ignored):
   * one array per output, the batches' results in order.
   */
  public final List<NdArray<?>> predict(BatchSource source) {
    return predictor.predict(source, 0);
  }

  /** {@link #predict(BatchSource)} over {@code steps} batches, Keras's {@code steps}; 0: all. */
  public final List<NdArray<?>> predict(BatchSource source, int steps) {
    return predictor.predict(source, steps);
  }

  /**
   * {@link #predict(List, int)} that draws Keras's progress bar ({@code verbose=1}) on
   * {@code progress}, or nothing if it is {@code null}. TensorFlow tensors are NdArrays too, so
   * they can be passed as they are.
   */
  public final List<NdArray<?>> predict(List<? extends NdArray<?>> data, int batchSize,
      PrintStream progress) {
    return predictor.predict(data, batchSize, progress);
  }

  /**
   * Like {@link #predict(List)} for plain Java arrays, for a model with one input and one output:
   * {@code x} is an array of any rank of the input's element type ({@code float[][]} for a float32
   * input, {@code double} for float64, {@code int} for int32, {@code long} for int64,
   * {@code boolean} for bool), and the result comes back as {@code resultType}, an array class of
   * the output's element type and rank.
   *
   * <pre>{@code float[][][][] y = model.predict(xTest, float[][][][].class);}</pre>
   *
   * @throws IllegalArgumentException if {@code x} is ragged, empty, not an array of the input's
   *     element type, does not match the input's shape, or {@code resultType} does not match the
   *     output's element type and rank
   */
  public final <A> A predict(Object x, Class<A> resultType) {
    return predictor.predict(x, resultType);
  }

  /**
   * {@link #predict(Object, Class)} for any number of inputs and outputs: one Java array (or
   * NdArray) per input, in order, and one array class per output; returns one array per output.
   */
  public final List<Object> predict(List<?> x, List<? extends Class<?>> resultTypes) {
    return predictor.predict(x, resultTypes);
  }

  /** {@link #predict(Object, Class)}, {@code batchSize} samples at a time. */
  public final <A> A predict(Object x, Class<A> resultType, int batchSize) {
    return predictor.predict(x, resultType, batchSize);
  }

  /** {@link #predict(List, List)}, {@code batchSize} samples at a time. */
  public final List<Object> predict(List<?> x, List<? extends Class<?>> resultTypes,
      int batchSize) {
    return predictor.predict(x, resultTypes, batchSize);
  }

  /**
   * Runs the model on Java arrays (or NdArrays), one per input, {@code batchSize} samples at a
   * time, and gives each output typed, by position or by name, without casts:
   *
   * <pre>{@code
   * Predictions out = model.predictOutputs(List.of(features, ids), 256);
   * float[][] probabilities = out.get("probs", float[][].class);
   * }</pre>
   */
  public final Predictions predictOutputs(List<?> x, int batchSize) {
    return predictor.predictOutputs(x, batchSize);
  }

  /**
   * The TensorFlow graph, built on first use; for inspection, e.g. counting ops. It stays the
   * model's: read it, but do not close it or add ops to it.
   */
  public final Graph tensorFlowGraph() {
    return executor().graph();
  }

  /** The model's executor, built on first use; for {@link Predictor}, compile and inspection. */
  synchronized Executor executor() {
    if (closed) {
      throw new IllegalStateException("This model is closed");
    }
    if (graph == null) {
      graph = Executor.build(topology, device.resolve(), sessionOptions);
    }
    return graph;
  }

  /** Builds the graph on a device as requested, unchecked; lets tests show soft placement. */
  synchronized Graph buildForTest(Device requested) {
    requireUnbuilt();
    graph = Executor.build(topology, requested.requested());
    return graph.graph();
  }

  /** Whether {@link #close()} was called; read without the model's lock. */
  boolean isClosed() {
    return closed;
  }

  /** Releases the TensorFlow graph and session. Further predicts fail. */
  @Override
  public synchronized void close() {
    closed = true;
    if (graph != null) {
      graph.close();
      graph = null;
    }
  }

  // --- weights (Keras's get_weights / set_weights) ---

  /**
   * The layer named {@code name} in this model (Keras's {@code model.get_layer(name)}).
   *
   * @throws IllegalArgumentException naming the model's layers if none has that name
   */
  public final Layer getLayer(String name) {
    for (Layer layer : layers()) {
      if (nameOf(layer).equals(name)) {
        return layer;
      }
    }
    List<String> names = new ArrayList<>();
    layers().forEach(layer -> names.add(nameOf(layer)));
    throw new IllegalArgumentException("No layer named '" + name + "'; this model has " + names);
  }

  /** Every layer's weights, layer by layer in model order (Keras's {@code model.weights}). */
  public final List<Weight> weights() {
    List<Weight> weights = new ArrayList<>();
    layers().forEach(layer -> weights.addAll(layer.weights()));
    return weights;
  }

  /**
   * Copies of the weights' values, in {@link #weights()} order (Keras's {@code get_weights}), for
   * a model whose weights are all float32; {@link #getWeightArrays()} gives weights of any
   * dtype. During a {@code fit} on another thread: the values of its last epoch or batch
   * boundary, all of one step.
   *
   * @throws IllegalStateException if a weight is not float32, naming it
   */
  public final List<FloatNdArray> getWeights() {
    publishTrained();
    return Weight.snapshotFloatArrays(weights(), "getWeights()", "getWeightArrays()");
  }

  /**
   * Copies of the weights' values, in {@link #weights()} order, each of its own dtype (a
   * {@code FloatNdArray} for float32, a {@code LongNdArray} for int64, ...): Keras's
   * {@code get_weights}.
   */
  public final List<NdArray<?>> getWeightArrays() {
    publishTrained();
    return Weight.snapshotArrays(weights());
  }

  /**
   * Sets every weight, in {@link #weights()} order (Keras's {@code set_weights}), for a model
   * whose weights are all float32; models sharing the layers see the values too.
   *
   * @throws IllegalArgumentException if the count, a shape or a dtype differs; then nothing
   *     changes
   */
  public final void setWeights(List<? extends FloatNdArray> values) {
    setWeightArrays(values);
  }

  /**
   * Sets every weight, in {@link #weights()} order, each from an NdArray of its dtype and shape
   * (Keras's {@code set_weights}); models sharing the layers see the values too.
   *
   * @throws IllegalArgumentException if the count, a shape or a dtype differs; then nothing
   *     changes
   */
  public final void setWeightArrays(List<? extends NdArray<?>> values) {
    Objects.requireNonNull(values, "values");
    List<Weight> weights = weights();
    if (values.size() != weights.size()) {
      throw new IllegalArgumentException("This model has " + weights.size() + " weights, got "
          + values.size() + " arrays");
    }
    for (int i = 0; i < weights.size(); i++) {
      Shape given = Objects.requireNonNull(values.get(i), "values").shape();
      if (!given.equals(weights.get(i).shape())) {
        throw new IllegalArgumentException("Weight " + i + " (" + weights.get(i) + ") has shape "
            + Shapes.format(weights.get(i).shape()) + ", got " + Shapes.format(given));
      }
    }
    Weight.assignAllCopies(weights, values); // a model predicting meanwhile sees all or none
  }

  /** The model's executor if built, else {@code null}; for publishing and saving. */
  synchronized Executor builtExecutor() {
    return graph;
  }

  /**
   * Hands what this model trained so far back to its weights (nothing if it did not train since
   * it last did): the model is being read, saved or exported.
   */
  final void publishTrained() {
    Executor executor = builtExecutor();
    if (executor != null) {
      executor.publish();
    }
  }

  // --- training (Keras's compile / fit / evaluate) ---

  /**
   * Keras's {@code compile(optimizer, loss, metrics)} by name, e.g.
   * {@code compile("rmsprop", "categorical_crossentropy", "accuracy")}.
   *
   * @throws IllegalArgumentException for an unknown name, naming the known ones
   */
  public final void compile(String optimizer, String loss, String... metrics) {
    compile(Optimizer.get(optimizer), Losses.get(loss), metrics);
  }

  /** Keras's {@code compile} with typed optimizer and loss, and metrics by name. */
  public final void compile(Optimizer optimizer, Loss loss, String... metrics) {
    compile(new CompileOptions(optimizer).loss(loss).metrics(metrics));
  }

  /**
   * Keras's {@code compile} with metric objects (e.g. {@code Metrics.auc().curve("PR")}), the
   * same for every output. A model file keeps them when each is one of {@link Metrics}'s (with a
   * Keras class name): as Keras's {@code {"class_name", "config"}}.
   */
  public final void compile(Optimizer optimizer, Loss loss, List<Metric> metrics) {
    compile(new CompileOptions(optimizer).loss(loss).metrics(metrics.toArray(Metric[]::new)));
  }

  /**
   * Keras's {@code compile} with every argument: a loss per output, {@code loss_weights},
   * metrics and weighted metrics per output ({@link CompileOptions}).
   *
   * @throws IllegalArgumentException for an unknown output, metric or loss name, or a loss
   *     missing for an output, naming the outputs
   */
  public final synchronized void compile(CompileOptions options) {
    Objects.requireNonNull(options, "options");
    List<String> outputNames = new ArrayList<>();
    outputs().forEach(output -> outputNames.add(nameOf(output.producer().layer())));
    CompileSpec spec = CompileSpec.of(options, outputNames, outputs());
    TrainingGraph training = new TrainingGraph(executor(), spec);
    trainer = new Trainer(this, training, spec);
  }

  /** The current topology; for saving. */
  final Topology topology() {
    return topology;
  }

  // --- files (Keras's save / load_model / save_weights / load_weights) ---

  /**
   * Keras's {@code model.save}: writes the model to one file (a zip): its description, its
   * weights and, when compiled, the optimizer's state and the compile configuration, so that a
   * loaded model resumes {@code fit}. Lambda layers are stored by their registry name and typed
   * arguments, never as code. The file is written whole or not at all (a temporary file moved
   * into place), with an ordinary file's permissions. The format: {@code docs/model-format.md}.
   *
   * @throws IllegalArgumentException if a layer cannot be saved (a layer class of your own that
   *     is neither built in nor generated from {@code @Lambda})
   * @throws IOException if the file cannot be written; an older file there is left as it was
   */
  public final void save(Path path) throws IOException {
    ModelFiles.save(this, Objects.requireNonNull(path, "path"), false);
  }

  /** Keras's {@code save_weights}: the weights alone, for {@link #loadWeights}. */
  public final void saveWeights(Path path) throws IOException {
    ModelFiles.save(this, Objects.requireNonNull(path, "path"), true);
  }

  /**
   * Keras's {@code load_weights}: sets this model's weights from a file {@link #save} or
   * {@link #saveWeights} wrote for a model of the same layers.
   *
   * @throws dev.lamina.runtime.io.ModelFormatException if the file is not such a file, or its
   *     weights do not match this model's by layer name, weight name and shape
   */
  public final void loadWeights(Path path) throws IOException {
    ModelFiles.loadWeights(this, Objects.requireNonNull(path, "path"));
  }

  /**
   * Keras's {@code load_model}: reads a model {@link #save} wrote, resolving its lambdas in the
   * registry of the {@code @Lambda} methods compiled onto the class path.
   *
   * @throws dev.lamina.runtime.io.ModelFormatException if the file is corrupt, hostile, names a
   *     lambda no one registered, or describes a model whose shapes do not fit
   */
  public static Model load(Path path) throws IOException {
    return load(path, LambdaRegistry.load());
  }

  /** {@link #load(Path)} resolving lambdas in {@code registry} only. */
  public static Model load(Path path, LambdaRegistry registry) throws IOException {
    return ModelFiles.load(Objects.requireNonNull(path, "path"),
        Objects.requireNonNull(registry, "registry"));
  }

  /**
   * Reads a model from the bytes of a file {@link #save} wrote (or {@link #toBytes} gave): what a
   * Spark executor or a service receives instead of a path. The same checks as for a file; errors
   * name it {@code bytes.lamina}.
   *
   * @throws dev.lamina.runtime.io.ModelFormatException as {@link #load(Path)}
   */
  public static Model load(byte[] bytes) throws IOException {
    return load(bytes, LambdaRegistry.load());
  }

  /** {@link #load(byte[])}, resolving lambdas in {@code registry}. */
  public static Model load(byte[] bytes, LambdaRegistry registry) throws IOException {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(registry, "registry");
    return ModelFiles.viaTemporaryFile("bytes.lamina", file -> {
      Files.write(file, bytes);
      return load(file, registry);
    });
  }

  /**
   * Reads a model from a stream of a saved file's bytes, up to the archive size limit (8 GiB);
   * the stream is read to its end, not closed. Errors name it {@code stream.lamina}.
   *
   * @throws dev.lamina.runtime.io.ModelFormatException as {@link #load(Path)}, or if the stream
   *     holds more than the limit
   */
  public static Model load(InputStream in) throws IOException {
    return load(in, LambdaRegistry.load());
  }

  /** {@link #load(InputStream)}, resolving lambdas in {@code registry}. */
  public static Model load(InputStream in, LambdaRegistry registry) throws IOException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(registry, "registry");
    return ModelFiles.viaTemporaryFile("stream.lamina", file -> {
      ModelFiles.copyBounded(in, file);
      return load(file, registry);
    });
  }

  /** The bytes {@link #save} writes: the model as it is now, for {@link #load(byte[])}. */
  public final byte[] toBytes() throws IOException {
    return ModelFiles.viaTemporaryFile("model.lamina", file -> {
      save(file);
      long size = Files.size(file);
      if (size > Integer.MAX_VALUE - 8) {
        throw new IOException("This model's file has " + size + " bytes, more than one byte "
            + "array holds; save it to a path instead");
      }
      return Files.readAllBytes(file);
    });
  }

  /** The compiled training state, or {@code null}; for saving. */
  synchronized Trainer compiled() {
    return trainer;
  }

  private synchronized Trainer trainer(String what) {
    if (closed) {
      throw new IllegalStateException("This model is closed");
    }
    if (trainer == null) {
      throw new IllegalStateException("Call compile(optimizer, loss, metrics...) before " + what);
    }
    return trainer;
  }

  /** {@link #fit(Object, Object, FitOptions)} with Keras's defaults (one epoch, batch 32). */
  public final History fit(Object x, Object y) {
    return fit(x, y, new FitOptions());
  }

  /**
   * Keras's {@code fit}: trains the model on {@code x} (an NdArray or tensor, a list of them for
   * several inputs, or a Java array) against targets {@code y} (the same forms, one per output;
   * class indices for sparse losses), epoch by epoch, and returns the per-epoch loss and metrics.
   *
   * @throws IllegalStateException if the model is not compiled
   * @throws IllegalArgumentException if the data do not fit the model, naming input and shapes
   */
  public final History fit(Object x, Object y, FitOptions options) {
    Objects.requireNonNull(options, "options");
    Trainer current = trainer("fit");
    synchronized (current) {
      return current.fit(x, y, options);
    }
  }

  /**
   * Keras's {@code fit} over data that need not fit in memory: batches from {@code source}
   * (a {@link BatchSource}: your own over files, a database or a generator, or
   * {@link dev.lamina.runtime.data.BatchSources#of}, {@link dev.lamina.runtime.data.CsvSource}),
   * read and prepared on a background thread while TensorFlow runs the current batch. Each
   * epoch is a pass over the source, or {@link FitOptions#stepsPerEpoch} batches continuing where
   * the last epoch stopped; with {@code shuffle} a source of known length is read in a new
   * seeded order of batches each epoch. The options' {@code batchSize} is the source's business
   * and is ignored, except for array validation data.
   *
   * @throws dev.lamina.runtime.data.BatchSourceException if the source fails or gives a batch
   *     that does not fit the model, naming the batch
   */
  public final History fit(BatchSource source, FitOptions options) {
    Objects.requireNonNull(options, "options");
    Trainer current = trainer("fit");
    synchronized (current) {
      return current.fit(source, options);
    }
  }

  /** {@link #fit(BatchSource, FitOptions)} with Keras's defaults (one epoch). */
  public final History fit(BatchSource source) {
    return fit(source, new FitOptions());
  }

  /** Keras's {@code evaluate} over a whole pass of {@code source}: loss and metrics by name. */
  public final Map<String, Double> evaluate(BatchSource source) {
    return evaluate(source, 0);
  }

  /** Keras's {@code evaluate(x=source, steps=steps)}: {@code steps} batches; 0 for all. */
  public final Map<String, Double> evaluate(BatchSource source, int steps) {
    return trainer("evaluate").evaluate(source, steps, 10);
  }

  /** Keras's {@code evaluate} with batch size 32: loss and metrics by name. */
  public final Map<String, Double> evaluate(Object x, Object y) {
    return evaluate(x, y, DEFAULT_BATCH_SIZE);
  }

  /** Keras's {@code evaluate(x, y, batch_size, return_dict=True)}, training off. */
  public final Map<String, Double> evaluate(Object x, Object y, int batchSize) {
    return evaluate(x, y, null, batchSize);
  }

  /**
   * Keras's {@code evaluate(x, y, sample_weight, batch_size, return_dict=True)}: the loss and
   * weighted metrics weigh each sample by {@code sampleWeight} (the forms of
   * {@link FitOptions#sampleWeight}; {@code null} for none).
   */
  public final Map<String, Double> evaluate(Object x, Object y, Object sampleWeight,
      int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    Trainer current = trainer("evaluate");
    TrainingData ys = current.targets(y);
    return current.evaluate(current.inputs(x), ys, current.weights(sampleWeight, null, ys),
        batchSize);
  }

  /** Keras's {@code train_on_batch(x, y, return_dict=True)}: one step on all of x. */
  public final Map<String, Double> trainOnBatch(Object x, Object y) {
    return trainOnBatch(x, y, null);
  }

  /**
   * Keras's {@code train_on_batch(x, y, sample_weight, return_dict=True)} (the forms of
   * {@link FitOptions#sampleWeight}; {@code null} for none).
   */
  public final Map<String, Double> trainOnBatch(Object x, Object y, Object sampleWeight) {
    Trainer current = trainer("trainOnBatch");
    synchronized (current) {
      return current.trainOnBatch(x, y, sampleWeight);
    }
  }

  /** Keras's {@code test_on_batch(x, y, return_dict=True)}. */
  public final Map<String, Double> testOnBatch(Object x, Object y) {
    return testOnBatch(x, y, null);
  }

  /** Keras's {@code test_on_batch(x, y, sample_weight, return_dict=True)}. */
  public final Map<String, Double> testOnBatch(Object x, Object y, Object sampleWeight) {
    return trainer("testOnBatch").testOnBatch(x, y, sampleWeight);
  }

  /** The compiled optimizer (for schedules and inspection). */
  public final Optimizer optimizer() {
    return trainer("optimizer()").optimizer();
  }

  /**
   * Keras's {@code model.summary()}: a table of the layers with their output shapes, parameter
   * counts, connections and arguments, and the parameter totals. Print it, or log it.
   */
  public String summary() {
    return summary(0);
  }

  /**
   * {@link #summary()} {@code lineLength} characters wide, as Keras's
   * {@code summary(line_length=...)}: text that does not fit its column wraps onto more lines.
   *
   * @param lineLength the table's width; 0 sizes each column to its widest text
   * @throws IllegalArgumentException if it is negative or too narrow for the table's columns
   */
  public String summary(int lineLength) {
    if (lineLength < 0) {
      throw new IllegalArgumentException("lineLength must be positive (or 0), got " + lineLength);
    }
    boolean sequential = this instanceof Sequential;
    return Summary.of(sequential ? "sequential" : "model", topology, !sequential, lineLength);
  }

  /**
   * Exports the model as a TensorFlow SavedModel, for TensorFlow Serving and Python's
   * {@code tf.saved_model.load}: the inference pass (training off, no training ops), the
   * weights' current values as variables (trained values included, even while the model's
   * session holds them), tag {@code serve}, and a {@code serving_default} signature (method
   * {@code tensorflow/serving/predict}) whose inputs and outputs are keyed by the model's input
   * and output layer names ({@link #nameOf}; a layer giving several outputs keys the later ones
   * {@code name_1}, {@code name_2}...), batch dimension unknown. Lambda layers are exported as the
   * TensorFlow ops they build; nothing of Lamina is needed to serve the result.
   *
   * <p>All or nothing: the files are written to a hidden sibling directory and renamed into
   * place. For TensorFlow Serving export to {@code <base>/<version>}, e.g. {@code models/demo/1}.
   *
   * @param directory the SavedModel directory: new, or an empty directory; parents are created
   * @return the tag, signature key and input and output keys written
   * @throws java.nio.file.FileAlreadyExistsException if {@code directory} is a file or a
   *     non-empty directory; nothing is written
   * @throws IOException if it cannot be written (e.g. a parent is a file, or not writable),
   *     naming the path; nothing is left behind
   * @throws IllegalStateException if the model is closed
   */
  public final ServingSignature exportSavedModel(Path directory) throws IOException {
    Objects.requireNonNull(directory, "directory");
    Topology current;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("This model is closed");
      }
      current = topology;
    }
    publishTrained(); // the export's variables take the weights' values
    return SavedModelExport.write(current, directory);
  }

  /**
   * Every layer call (Keras's nodes), each after the calls that feed it, with its layer, the
   * layer's name in this model, and the tensors in and out: what {@code lamina-plot} draws.
   */
  public final List<LayerCall> calls() {
    return LayerCall.of(topology);
  }

  /** One line: inputs, the layers in order, outputs. */
  @Override
  public String toString() {
    StringJoiner layers = new StringJoiner(" -> ");
    for (Layer layer : layers()) {
      if (!(layer instanceof InputLayer)) {
        layers.add(nameOf(layer) + " (" + layer.typeName() + ")");
      }
    }
    StringJoiner ins = new StringJoiner(", ");
    inputs().forEach(t -> ins.add(Shapes.format(t.shape()) + " " + Shapes.dtypeName(t.dtype())));
    StringJoiner outs = new StringJoiner(", ");
    outputs().forEach(t -> outs.add(Shapes.format(t.shape()) + " " + Shapes.dtypeName(t.dtype())));
    return getClass().getSimpleName() + ": " + ins + " -> " + layers + " -> " + outs;
  }
}
