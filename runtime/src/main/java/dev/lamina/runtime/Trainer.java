package dev.lamina.runtime;

import dev.lamina.runtime.data.Batch;
import dev.lamina.runtime.data.BatchSource;
import dev.lamina.runtime.data.BatchSourceException;
import dev.lamina.runtime.train.Callback;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.History;
import dev.lamina.runtime.train.Loss;
import dev.lamina.runtime.train.Optimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.family.TType;

/**
 * Keras's training loop for a compiled model: epochs of shuffled batches through the training
 * pass, running means of the loss and metrics, validation at each epoch's end, callbacks, and
 * the progress Keras prints.
 */
final class Trainer {

  private final Model model;
  private final TrainingGraph graph;
  private final Optimizer optimizer;
  private final CompileSpec spec;

  Trainer(Model model, TrainingGraph graph, CompileSpec spec) {
    this.model = model;
    this.graph = graph;
    this.spec = spec;
    this.optimizer = spec.optimizer();
  }

  TrainingGraph graph() {
    return graph;
  }

  /** The compile: each output's loss, the metrics, what a model file keeps. */
  CompileSpec spec() {
    return spec;
  }

  Optimizer optimizer() {
    return optimizer;
  }

  /** The inputs {@code x} as the training and evaluation passes are fed. */
  TrainingData inputs(Object x) {
    List<Class<? extends TType>> dtypes = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> inputNames = new ArrayList<>();
    for (SymbolicTensor<?> input : model.inputs()) {
      dtypes.add(input.dtype());
      shapes.add(input.shape());
      inputNames.add(model.nameOf(input.producer().layer()));
      names.add("input '" + inputNames.get(inputNames.size() - 1) + "'");
    }
    return TrainingData.of(byName(x, inputNames, "x", "input"), dtypes, shapes, names, "x");
  }

  /**
   * Data given as a {@link Map} by input or output name (Keras's dict {@code x} / {@code y}) in
   * the model's order; anything else as it is.
   */
  static Object byName(Object data, List<String> names, String role, String what) {
    if (!(data instanceof Map<?, ?> byName)) {
      return data;
    }
    for (Object key : byName.keySet()) {
      if (!names.contains(key)) {
        throw new IllegalArgumentException(role + " names " + what + " '" + key + "', which "
            + "this model does not have; its " + what + "s are " + names);
      }
    }
    List<Object> ordered = new ArrayList<>();
    for (String name : names) {
      if (!byName.containsKey(name)) {
        throw new IllegalArgumentException(role + " has no data for " + what + " '" + name
            + "'; give an array for each of " + names);
      }
      ordered.add(byName.get(name));
    }
    return ordered;
  }

  /** The targets {@code y}: one per output, shaped as it, or class indices for sparse losses. */
  TrainingData targets(Object y) {
    List<Class<? extends TType>> dtypes = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Loss> losses = spec.losses();
    for (int i = 0; i < losses.size(); i++) {
      SymbolicTensor<?> output = model.outputs().get(spec.targets().get(i));
      Loss loss = losses.get(i);
      dtypes.add(loss.targetType());
      Shape shape = output.shape();
      shapes.add(loss.sparseTargets() ? null : shape);
      names.add("target of output '" + model.nameOf(output.producer().layer()) + "'"
          + (loss.sparseTargets() ? " (class indices)" : ""));
    }
    TrainingData targets = TrainingData.of(forTargets(y, "y"), dtypes, shapes, names, "y");
    for (int i = 0; i < losses.size(); i++) {
      if (losses.get(i).sparseTargets()) {
        requireSparseShape(targets, i, names.get(i));
        Shape output = model.outputs().get(spec.targets().get(i)).shape();
        targets.requireIndicesBelow(i, output.get(output.numDimensions() - 1), names.get(i));
      }
    }
    return targets;
  }

  /**
   * Keras's {@code sample_weight} / {@code class_weight} for the targets {@code ys}, as the
   * training pass takes them; {@code null} if neither.
   */
  TrainingData weights(Object sampleWeight, Map<Integer, Double> classWeight, TrainingData ys) {
    List<Boolean> sparse = new ArrayList<>();
    spec.losses().forEach(loss -> sparse.add(loss.sparseTargets()));
    return SampleWeights.of(forTargets(sampleWeight, "sampleWeight"), classWeight, ys,
        spec.targetNames(), graph.train().weightRanks(), sparse);
  }

  /**
   * Per-output data ({@code y}, sample weights) for the outputs with a loss: a {@link Map} by
   * output name (entries of outputs without a loss ignored, as Keras ignores them), or a
   * {@link List} of one per target, or one per output of which the targets' are taken.
   */
  private Object forTargets(Object data, String role) {
    List<String> targetNames = spec.targetNames();
    if (data instanceof Map<?, ?> byName) {
      Map<Object, Object> kept = new LinkedHashMap<>(byName);
      spec.outputNames().stream().filter(name -> !targetNames.contains(name))
          .forEach(kept::remove);
      return byName(kept, targetNames, role, "output");
    }
    if (data instanceof List<?> list && targetNames.size() < spec.outputNames().size()
        && list.size() == spec.outputNames().size()) {
      List<Object> picked = new ArrayList<>();
      spec.targets().forEach(output -> picked.add(list.get(output)));
      return picked;
    }
    return data;
  }

  private static void requireSparseShape(TrainingData targets, int index, String name) {
    // (samples,) or (samples, 1): Keras squeezes the second. Checked on the dense copy.
    Shape shape = targets.shapeOf(index);
    if (shape.numDimensions() > 2 || (shape.numDimensions() == 2 && shape.get(1) != 1)) {
      throw new IllegalArgumentException(name + " must be one class index per sample, shape "
          + "(samples) or (samples, 1), got " + Shapes.format(shape) + "; for one-hot targets "
          + "use categorical_crossentropy");
    }
  }

  /**
   * Keras's {@code fit}. The model publishes what it trained to its weights (see {@link
   * Executor#publish()}) where user code can look: before each epoch's {@code onEpochEnd} if
   * there are callbacks, after each batch if a callback overrides a batch hook, and at the end,
   * failed or not (and whenever another thread asks for the weights).
   */
  History fit(Object x, Object y, FitOptions options) {
    graph.beginTraining();
    try {
      return fitClaimed(x, y, options);
    } finally {
      graph.endTraining();
    }
  }

  /** Whether {@code callback} overrides a batch hook, so that it may look at the weights there. */
  private static boolean watchesBatches(Callback callback) {
    try {
      Class<?> type = callback.getClass();
      return type.getMethod("onTrainBatchBegin", int.class).getDeclaringClass() != Callback.class
          || type.getMethod("onTrainBatchEnd", int.class, Map.class).getDeclaringClass()
          != Callback.class;
    } catch (NoSuchMethodException e) {
      return true; // cannot happen: Callback declares both
    }
  }

  private History fitClaimed(Object x, Object y, FitOptions options) {
    TrainingData xs = inputs(x);
    TrainingData ys = targets(y);
    xs.requireSameSamples(ys, "");
    SampleWeights.requireNotBoth(options.sampleWeight(), options.classWeight());
    // Sample weights split with the data; class weights weigh the training part only (Keras).
    TrainingData ws = weights(options.sampleWeight(), null, ys);
    graph.setBaseSeed(options.seed()); // what the layers' random ops mix in (SeedStream)
    TrainingData valX = null;
    TrainingData valY = null;
    TrainingData valW = null;
    if (options.validationX() != null) {
      valX = inputs(options.validationX());
      valY = targets(options.validationY());
      valX.requireSameSamples(valY, " in validationData");
      valW = weights(options.validationSampleWeight(), null, valY);
    } else if (options.validationSplit() > 0) {
      // Keras: the last fraction of the samples, taken before any shuffling.
      long split = (long) (xs.samples() * (1 - options.validationSplit()));
      if (split == 0 || split == xs.samples()) {
        throw new IllegalArgumentException("validationSplit " + options.validationSplit()
            + " of " + xs.samples() + " samples leaves " + split + " for training and "
            + (xs.samples() - split) + " for validation; both need at least one");
      }
      valX = xs.rows(split, xs.samples());
      valY = ys.rows(split, ys.samples());
      valW = ws == null ? null : ws.rows(split, ws.samples());
      xs = xs.rows(0, split);
      ys = ys.rows(0, split);
      ws = ws == null ? null : ws.rows(0, split);
    }
    if (xs.samples() == 0) {
      throw new IllegalArgumentException("fit needs at least one sample, got none");
    }
    if (options.classWeight() != null) {
      ws = weights(null, options.classWeight(), ys);
    }

    History history = new History();
    boolean[] stop = {false};
    int[] initialEpoch = {options.initialEpoch()};
    boolean[] starting = {true};
    List<Callback> callbacks = options.callbacks();
    Callback.Training control = control(options, stop, initialEpoch, starting);
    boolean publishEachBatch = callbacks.stream().anyMatch(Trainer::watchesBatches);
    callbacks.forEach(callback -> callback.onTrainBegin(control));
    starting[0] = false;
    long samples = xs.samples();
    int batchSize = options.batchSize();
    long steps = (samples + batchSize - 1) / batchSize;
    boolean dynamic = options.out() == System.out && System.console() != null;
    Map<String, Double> logs = new LinkedHashMap<>();
    for (int epoch = initialEpoch[0]; epoch < options.epochs() && !stop[0]; epoch++) {
      for (Callback callback : callbacks) {
        callback.onEpochBegin(epoch);
      }
      // Each epoch's order depends on the seed and the epoch alone, so that a training resumed
      // at initialEpoch (from a saved model, say) sees the orders an unbroken one would.
      long[] order = order(samples, options.shuffle()
          ? new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + epoch) : null);
      EpochProgress progress = new EpochProgress(options.out(), options.verbose(), epoch,
          options.epochs(), steps, dynamic);
      Means means = new Means(graph);
      for (int step = 0; step < steps && !stop[0]; step++) {
        for (Callback callback : callbacks) {
          callback.onTrainBatchBegin(step);
        }
        long from = (long) step * batchSize;
        long[] rows = java.util.Arrays.copyOfRange(order, (int) from,
            (int) Math.min(samples, from + batchSize));
        means.add(runBatch(graph.train(), xs, ys, ws, rows), rows.length);
        batchEnd(step, means, publishEachBatch, callbacks, progress, step + 1);
      }
      TrainingData validationX = valX;
      TrainingData validationY = valY;
      TrainingData validationW = valW;
      logs = epochEnd(epoch, means, validationX == null ? null
          : () -> evaluate(validationX, validationY, validationW, batchSize), callbacks, progress,
          history);
    }
    for (Callback callback : callbacks) {
      callback.onTrainEnd(logs);
    }
    return history;
  }

  /**
   * After a training batch: publish if a callback watches batches, then the batch callbacks and
   * the progress bar, which get the running logs if they show them (computed only then: a
   * batch's own cost should be TensorFlow's step).
   */
  private void batchEnd(int step, Means means, boolean publishEachBatch,
      List<Callback> callbacks, EpochProgress progress, long done) {
    if (publishEachBatch) {
      graph.executor().publish();
    }
    Map<String, Double> logs = callbacks.isEmpty() && !progress.showsBatches() ? null
        : means.logs();
    for (Callback callback : callbacks) {
      callback.onTrainBatchEnd(step, logs);
    }
    progress.batch(done, logs);
  }

  /**
   * After an epoch's batches: publish the trained values if a callback may look at them (else
   * the end of the call publishes), validate ({@code validate} null for none) into {@code val_}
   * entries, then Keras's order: the callbacks, then its progress bar and
   * History (callbacks it appends last), so that what a callback adds to the logs
   * ({@code learning_rate}) is shown and recorded.
   */
  private Map<String, Double> epochEnd(int epoch, Means means,
      java.util.function.Supplier<Map<String, Double>> validate, List<Callback> callbacks,
      EpochProgress progress, History history) {
    if (!callbacks.isEmpty()) {
      graph.executor().publish(); // before onEpochEnd
    }
    Map<String, Double> logs = new LinkedHashMap<>(means.logs());
    if (validate != null) {
      validate.get().forEach((name, value) -> logs.put("val_" + name, value));
    }
    for (Callback callback : callbacks) {
      callback.onEpochEnd(epoch, logs);
    }
    progress.end(logs);
    history.record(epoch, logs);
    return logs;
  }

  /** A batch of a source, checked and converted on the prefetch thread. */
  private record Prepared(TrainingData xs, TrainingData ys, TrainingData ws) {}

  private Prepared prepare(Batch batch) {
    if (batch.y() == null) {
      throw new IllegalArgumentException("the batch has no targets y; fit and evaluate need "
          + "them");
    }
    TrainingData xs = inputs(batch.x());
    TrainingData ys = targets(batch.y());
    xs.requireSameSamples(ys, " in the batch");
    if (xs.samples() == 0) {
      throw new IllegalArgumentException("the batch has no samples");
    }
    return new Prepared(xs, ys, weights(batch.sampleWeight(), null, ys));
  }

  /** A batch of a training source: its sample weights, or class weights from its targets. */
  private Prepared prepare(Batch batch, Map<Integer, Double> classWeight) {
    Prepared prepared = prepare(batch);
    if (classWeight == null) {
      return prepared;
    }
    if (batch.sampleWeight() != null) {
      throw new IllegalArgumentException("the batch has sample weights and fit has classWeight; "
          + "use one of them (as in Keras)");
    }
    return new Prepared(prepared.xs(), prepared.ys(), weights(null, classWeight, prepared.ys()));
  }

  /**
   * Keras's {@code fit} over a {@link BatchSource}: batches read and prepared on a background
   * thread ({@link Prefetcher}) while the current one trains, epochs as Keras's
   * {@code EpochIterator} counts them ({@link Cursor}).
   */
  History fit(BatchSource source, FitOptions options) {
    Objects.requireNonNull(source, "source");
    graph.beginTraining();
    try {
      return fitClaimed(source, options);
    } finally {
      graph.endTraining();
    }
  }

  private History fitClaimed(BatchSource source, FitOptions options) {
    if (options.validationSplit() > 0) {
      throw new IllegalArgumentException("validationSplit needs arrays; with a BatchSource pass "
          + "validationData(source)");
    }
    graph.setBaseSeed(options.seed());
    Cursor cursor = new Cursor(source, options.stepsPerEpoch(), options.shuffle(),
        options.seed());
    BatchSource validation = options.validationSource();
    Cursor validationCursor = validation == null ? null
        : new Cursor(validation, options.validationSteps(), false, 0);
    if (options.sampleWeight() != null) {
      throw new IllegalArgumentException("sampleWeight goes with arrays; a BatchSource gives its "
          + "weights with each batch (Batch.of(x, y, sampleWeight))");
    }
    TrainingData valX = null;
    TrainingData valY = null;
    TrainingData valW = null;
    if (options.validationX() != null) {
      valX = inputs(options.validationX());
      valY = targets(options.validationY());
      valX.requireSameSamples(valY, " in validationData");
      valW = weights(options.validationSampleWeight(), null, valY);
    }
    Map<Integer, Double> classWeight = options.classWeight();
    History history = new History();
    boolean[] stop = {false};
    int[] initialEpoch = {options.initialEpoch()};
    boolean[] starting = {true};
    List<Callback> callbacks = options.callbacks();
    Callback.Training control = control(options, stop, initialEpoch, starting);
    boolean publishEachBatch = callbacks.stream().anyMatch(Trainer::watchesBatches);
    boolean dynamic = options.out() == System.out && System.console() != null;
    Map<String, Double> logs = new LinkedHashMap<>();
    try (Prefetcher prefetcher = new Prefetcher(options.maxQueueSize())) {
      callbacks.forEach(callback -> callback.onTrainBegin(control));
      starting[0] = false;
      for (int epoch = initialEpoch[0]; epoch < options.epochs() && !stop[0]; epoch++) {
        for (Callback callback : callbacks) {
          callback.onEpochBegin(epoch);
        }
        EpochProgress progress = new EpochProgress(options.out(), options.verbose(), epoch,
            options.epochs(), cursor.expectedSteps(), dynamic);
        Means means = new Means(graph);
        prefetcher.start(source, cursor.next(), batch -> prepare(batch, classWeight));
        long step = 0;
        while (!stop[0]) {
          Prepared batch = (Prepared) prefetcher.next();
          if (batch == null) {
            break;
          }
          for (Callback callback : callbacks) {
            callback.onTrainBatchBegin((int) step);
          }
          means.add(runBatch(graph.train(), batch.xs(), batch.ys(), batch.ws(),
              order(batch.xs().samples(), null)), batch.xs().samples());
          batchEnd((int) step, means, publishEachBatch, callbacks, progress, step + 1);
          step++;
        }
        boolean exhausted = !stop[0] && prefetcher.exhausted();
        prefetcher.finish();
        cursor.advance(step, exhausted);
        if (step == 0 && !stop[0]) {
          throw new IllegalArgumentException(source + " gave no batches in epoch " + (epoch + 1)
              + (options.stepsPerEpoch() > 0 ? "" : "; a source that runs out needs a whole "
              + "pass per epoch, or stepsPerEpoch within what it holds"));
        }
        if (exhausted && options.stepsPerEpoch() > 0 && options.verbose() > 0) {
          // Keras's warning; the next epoch starts a new pass.
          options.out().println("Your input ran out of data after " + step + " of "
              + options.stepsPerEpoch() + " steps; the next epoch starts it over. Make sure "
              + "that your source can give at least stepsPerEpoch * epochs batches.");
        }
        try {
          source.onEpochEnd();
        } catch (RuntimeException e) {
          throw new BatchSourceException(-1, source + ".onEpochEnd() failed: " + e.getMessage(),
              e);
        }
        TrainingData validationX = valX;
        TrainingData validationY = valY;
        TrainingData validationW = valW;
        java.util.function.Supplier<Map<String, Double>> validate = validationX != null
            ? () -> evaluate(validationX, validationY, validationW, options.batchSize())
            : validation != null ? () -> evaluate(validation, validationCursor, prefetcher)
            : null;
        logs = epochEnd(epoch, means, validate, callbacks, progress, history);
      }
    }
    for (Callback callback : callbacks) {
      callback.onTrainEnd(logs);
    }
    return history;
  }

  /** Keras's {@code evaluate} over a source: {@code steps} batches, or all (0). */
  Map<String, Double> evaluate(BatchSource source, int steps, int maxQueueSize) {
    Objects.requireNonNull(source, "source");
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be at least 0, got " + steps);
    }
    try (Prefetcher prefetcher = new Prefetcher(maxQueueSize)) {
      return evaluate(source, new Cursor(source, steps, false, 0), prefetcher);
    }
  }

  private Map<String, Double> evaluate(BatchSource source, Cursor cursor, Prefetcher prefetcher) {
    Means means = new Means(graph);
    prefetcher.start(source, cursor.next(), this::prepare);
    long step = 0;
    for (Prepared batch; (batch = (Prepared) prefetcher.next()) != null; step++) {
      means.add(runBatch(graph.evaluate(), batch.xs(), batch.ys(), batch.ws(),
          order(batch.xs().samples(), null)), batch.xs().samples());
    }
    boolean exhausted = prefetcher.exhausted();
    prefetcher.finish();
    cursor.advance(step, exhausted);
    if (step == 0) {
      throw new IllegalArgumentException(source + " gave no batches to evaluate");
    }
    return means.logs();
  }

  private Callback.Training control(FitOptions options, boolean[] stop, int[] initialEpoch,
      boolean[] starting) {
    return new Callback.Training() {
      @Override
      public void stop() {
        stop[0] = true;
      }

      @Override
      public Optimizer optimizer() {
        return optimizer;
      }

      @Override
      public List<float[]> weights() {
        graph.executor().publish();
        List<float[]> values = new ArrayList<>();
        model.weights().forEach(weight -> values.add(weight.values()));
        return values;
      }

      @Override
      public void setWeights(List<float[]> values) {
        List<Weight> weights = model.weights();
        for (int i = 0; i < weights.size(); i++) {
          weights.get(i).assign(values.get(i));
        }
      }

      @Override
      public List<NdArray<?>> weightArrays() {
        return model.getWeightArrays();
      }

      @Override
      public void setWeightArrays(List<? extends NdArray<?>> values) {
        model.setWeightArrays(values);
      }

      @Override
      public Model model() {
        return model;
      }

      @Override
      public java.io.PrintStream out() {
        return options.out();
      }

      @Override
      public int epochs() {
        return options.epochs();
      }

      @Override
      public Map<String, String> metricDirections() {
        Map<String, String> directions = new LinkedHashMap<>();
        List<String> names = graph.names();
        int losses = names.size() - graph.metrics().size();
        for (int i = 0; i < graph.metrics().size(); i++) {
          String direction = graph.metrics().get(i).direction();
          if (direction != null) {
            directions.put(names.get(losses + i), direction);
          }
        }
        return directions;
      }

      @Override
      public List<String> metricNames() {
        return List.copyOf(graph.names());
      }

      @Override
      public long iterations() {
        return graph.iterations();
      }

      @Override
      public Map<String, float[]> optimizerState() {
        return graph.slotValues();
      }

      @Override
      public void setOptimizerState(Map<String, float[]> slots, long iterations) {
        Map<String, TrainingGraph.Slot> declared = graph.slots();
        if (!slots.keySet().equals(declared.keySet())) {
          throw new IllegalArgumentException("The optimizer has slots " + declared.keySet()
              + ", got " + slots.keySet());
        }
        for (Map.Entry<String, float[]> slot : slots.entrySet()) {
          long size = declared.get(slot.getKey()).shape().size();
          if (slot.getValue().length != size) {
            throw new IllegalArgumentException("Slot " + slot.getKey() + " has " + size
                + " values, got " + slot.getValue().length);
          }
        }
        if (iterations < 0) {
          throw new IllegalArgumentException("iterations must be at least 0, got " + iterations);
        }
        graph.restore(slots, iterations);
      }

      @Override
      public void setInitialEpoch(int epoch) {
        if (!starting[0]) {
          throw new IllegalStateException("The initial epoch can change only in onTrainBegin");
        }
        if (epoch < 0) {
          throw new IllegalArgumentException("The initial epoch must be at least 0, got " + epoch);
        }
        initialEpoch[0] = epoch;
      }
    };
  }

  /** The sample order of one epoch: as given, or a seeded Fisher–Yates shuffle. */
  private static long[] order(long samples, SplittableRandom random) {
    long[] order = new long[Math.toIntExact(samples)];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    if (random != null) {
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        long swap = order[i];
        order[i] = order[j];
        order[j] = swap;
      }
    }
    return order;
  }

  private double[][] runBatch(TrainingGraph.Pass pass, TrainingData xs, TrainingData ys,
      TrainingData ws, long[] rows) {
    List<Tensor> inputs = xs.batch(rows);
    try {
      List<Tensor> targets = ys.batch(rows);
      try {
        List<Tensor> weights = ws == null ? null : ws.batch(rows);
        try {
          return graph.run(pass, inputs, targets, weights);
        } finally {
          if (weights != null) {
            weights.forEach(Tensor::close);
          }
        }
      } finally {
        targets.forEach(Tensor::close);
      }
    } finally {
      inputs.forEach(Tensor::close);
    }
  }

  /**
   * Loss and metrics over all of {@code xs}, batch by batch, training off; {@code ws} the
   * sample weights, or {@code null}.
   */
  Map<String, Double> evaluate(TrainingData xs, TrainingData ys, TrainingData ws,
      int batchSize) {
    xs.requireSameSamples(ys, "");
    long samples = xs.samples();
    if (samples == 0) {
      throw new IllegalArgumentException("evaluate needs at least one sample, got none");
    }
    Means means = new Means(graph);
    for (long from = 0; from < samples; from += batchSize) {
      long[] rows = new long[(int) Math.min(batchSize, samples - from)];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = from + i;
      }
      means.add(runBatch(graph.evaluate(), xs, ys, ws, rows), rows.length);
    }
    return means.logs();
  }

  /**
   * One training step on all of {@code x}: Keras's {@code train_on_batch}; the model publishes
   * the step's values to its weights at its end.
   */
  Map<String, Double> trainOnBatch(Object x, Object y, Object sampleWeight) {
    graph.beginTraining();
    try {
      return oneBatch(graph.train(), x, y, sampleWeight);
    } finally {
      graph.endTraining();
    }
  }

  /** Keras's {@code test_on_batch}. */
  Map<String, Double> testOnBatch(Object x, Object y, Object sampleWeight) {
    return oneBatch(graph.evaluate(), x, y, sampleWeight);
  }

  private Map<String, Double> oneBatch(TrainingGraph.Pass pass, Object x, Object y,
      Object sampleWeight) {
    TrainingData xs = inputs(x);
    TrainingData ys = targets(y);
    xs.requireSameSamples(ys, "");
    if (xs.samples() == 0) {
      throw new IllegalArgumentException("A batch needs at least one sample, got none");
    }
    TrainingData ws = weights(sampleWeight, null, ys);
    Means means = new Means(graph);
    means.add(runBatch(pass, xs, ys, ws, order(xs.samples(), null)), xs.samples());
    return means.logs();
  }

  /**
   * The epoch's (or evaluation's) state: running means of the losses, as Keras's {@code Mean}
   * metrics, and each metric's statistics summed over the batches, its result computed from the
   * totals (Keras's stateful metrics, reset with each new Means).
   *
   * <p>{@code loss} is weighted by batch size, each output's {@code <output>_loss} is not: every
   * batch counts once. That is what Keras 3 logs by default: its CompileLoss updates each
   * output's tracker with {@code sample_weight=y_pred.shape[0]}, the static batch dimension,
   * which is {@code None} in the traced train and test functions (only {@code run_eagerly=True}
   * weighs by size), while the trainer's {@code loss} tracker uses the dynamic
   * {@code tf.shape(x)[0]}. With batches of unequal sizes the two differ, and {@code loss} is
   * then not the loss-weighted sum of the outputs' logs (tools/keras_weighting_fixtures.py).
   */
  private static final class Means {
    private final List<String> names;
    private final List<dev.lamina.runtime.train.Metric> metrics;
    private final int losses;
    private final double[][] sums;
    private long count;
    private long batches;

    Means(TrainingGraph graph) {
      this.names = graph.names();
      this.metrics = graph.metrics();
      this.losses = names.size() - metrics.size();
      this.sums = new double[names.size()][];
    }

    void add(double[][] batch, long size) {
      for (int i = 0; i < sums.length; i++) {
        if (sums[i] == null) {
          sums[i] = new double[batch[i].length];
        }
        // The total loss by batch size; the outputs' losses and the statistics once a batch.
        double weight = i == 0 ? size : 1;
        for (int j = 0; j < sums[i].length; j++) {
          sums[i][j] += batch[i][j] * weight;
        }
      }
      count += size;
      batches++;
    }

    Map<String, Double> logs() {
      Map<String, Double> logs = new LinkedHashMap<>();
      for (int i = 0; i < sums.length; i++) {
        logs.put(names.get(i), i == 0 ? sums[i][0] / count
            : i < losses ? sums[i][0] / batches : metrics.get(i - losses).result(sums[i]));
      }
      return logs;
    }
  }
}
