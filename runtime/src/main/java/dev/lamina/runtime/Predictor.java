package dev.lamina.runtime;

import dev.lamina.runtime.data.BatchSource;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Keras's predict loop for a model, beside {@link Trainer}'s training loop: the data checked
 * against the inputs, batches of rows fed to the model's {@link Executor}, the outputs fetched
 * and concatenated, Keras's progress bar, and the conversions from and to plain Java arrays.
 *
 * <p>One per model, called from any number of threads at once. It holds no lock of its own:
 * the topology is read once per call (a volatile read in {@link Model}), the per-topology
 * {@link Plan} is an immutable value published through a volatile field (two threads may work it
 * out at once, to the same result), the executor is obtained under the model's monitor, and the
 * runs themselves share the executor's read lock (see {@link Executor#predict}).
 */
final class Predictor {

  private final Model model;

  /**
   * What every predict on one topology needs besides the data, worked out on the first and kept:
   * the inputs' dtypes and names for messages (the outputs' dtypes are checked then too).
   */
  private record Plan(Topology topology, List<Class<? extends TType>> inputTypes,
      List<String> inputNames) {}

  private volatile Plan plan;

  Predictor(Model model) {
    this.model = model;
  }

  /** {@link Model#predict(FloatNdArray, int)}: one float32 input and output. */
  FloatNdArray predict(FloatNdArray x, int batchSize) {
    Objects.requireNonNull(x, "x");
    Topology current = model.topology();
    singleFloat(current.inputs(), "input");
    singleFloat(current.outputs(), "output");
    return (FloatNdArray) predict(List.of(x), batchSize, null).get(0);
  }

  /** {@link Model#predict(List, int, PrintStream)}: the loop itself. */
  List<NdArray<?>> predict(List<? extends NdArray<?>> data, int batchSize,
      PrintStream progress) {
    Objects.requireNonNull(data, "data");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    Topology current = model.topology();
    List<SymbolicTensor<?>> inputs = current.inputs();
    if (data.size() != inputs.size()) {
      StringJoiner expected = new StringJoiner(", ");
      inputs.forEach(input -> expected.add(describeInput(input) + " "
          + Shapes.format(input.shape()) + " " + Shapes.dtypeName(input.dtype())));
      throw new IllegalArgumentException("This model takes " + inputs.size() + " arrays ("
          + expected + "), got " + data.size());
    }
    Plan plan = plan(current);
    long samples = -1;
    for (int i = 0; i < inputs.size(); i++) {
      Shape shape = Objects.requireNonNull(data.get(i), "data").shape();
      checkData(inputs.get(i), shape);
      if (samples >= 0 && shape.get(0) != samples) {
        throw new IllegalArgumentException("Every input needs the same number of samples: "
            + describeInput(inputs.get(0)) + " has " + samples + ", " + describeInput(inputs.get(i))
            + " has " + shape.get(0));
      }
      samples = shape.get(0);
    }
    if (samples == 0) {
      throw new IllegalArgumentException("The data have no samples: "
          + describeInput(inputs.get(0)) + " has shape " + Shapes.format(data.get(0).shape()));
    }
    Executor built = model.executor();
    List<SymbolicTensor<?>> outputs = current.outputs();
    TensorData.Dense[] results = new TensorData.Dense[outputs.size()];
    Batches batches = new Batches(current, plan, data, samples, results);
    long steps = (samples + batchSize - 1) / batchSize;
    ProgressBar bar = progress == null ? null : new ProgressBar(progress, steps);
    for (long step = 0; step < steps; step++) {
      long start = step * batchSize;
      long end = Math.min(samples, start + batchSize);
      batches.run(built, start, end);
      if (bar != null) {
        bar.update(step + 1);
      }
    }
    List<NdArray<?>> arrays = new ArrayList<>(results.length);
    for (TensorData.Dense result : results) {
      arrays.add(result.array());
    }
    return arrays;
  }

  /** {@link Model#predict(Object, Class)}: one Java array in, one out. */
  <A> A predict(Object x, Class<A> resultType) {
    Objects.requireNonNull(resultType, "resultType");
    Topology current = model.topology();
    JavaArrays.requireOne(current.inputs(), "input");
    JavaArrays.requireOne(current.outputs(), "output");
    // Arrays.asList, unlike List.of, lets a null x through to JavaArrays' message.
    return resultType.cast(predict(Arrays.asList(x), List.of(resultType)).get(0));
  }

  /** {@link Model#predict(Object, Class, int)}: one Java array in, one out. */
  <A> A predict(Object x, Class<A> resultType, int batchSize) {
    Objects.requireNonNull(resultType, "resultType");
    Topology current = model.topology();
    JavaArrays.requireOne(current.inputs(), "input");
    JavaArrays.requireOne(current.outputs(), "output");
    return resultType.cast(predict(Arrays.asList(x), List.of(resultType), batchSize).get(0));
  }

  /** {@link Model#predict(List, List)}: Java arrays in, one per input; one per output out. */
  List<Object> predict(List<?> x, List<? extends Class<?>> resultTypes) {
    return predict(x, resultTypes, Model.DEFAULT_BATCH_SIZE);
  }

  /** {@link Model#predict(List, List, int)}. */
  List<Object> predict(List<?> x, List<? extends Class<?>> resultTypes, int batchSize) {
    Objects.requireNonNull(resultTypes, "resultTypes");
    Topology current = model.topology();
    List<SymbolicTensor<?>> outs = current.outputs();
    if (resultTypes.size() != outs.size()) {
      throw new IllegalArgumentException("This model gives " + outs.size() + " outputs; got "
          + resultTypes.size() + " result types");
    }
    List<NdArray<?>> data = javaInputs(current, x);
    for (int j = 0; j < outs.size(); j++) {
      JavaArrays.requireResultType(Objects.requireNonNull(resultTypes.get(j), "resultTypes"),
          outs.get(j).dtype(), outs.get(j).shape(), outs.size() == 1 ? "output" : "output " + j);
    }
    List<NdArray<?>> results = predict(data, batchSize, null);
    List<Object> arrays = new ArrayList<>(results.size());
    for (int j = 0; j < results.size(); j++) {
      arrays.add(JavaArrays.toJavaArray(results.get(j), outs.get(j).dtype(), resultTypes.get(j)));
    }
    return arrays;
  }

  /** {@link Model#predictOutputs(List, int)}: Java arrays in, typed results by name out. */
  Predictions predictOutputs(List<?> x, int batchSize) {
    Topology current = model.topology();
    List<NdArray<?>> results = predict(javaInputs(current, x), batchSize, null);
    List<String> names = new ArrayList<>();
    List<Class<? extends TType>> dtypes = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    for (SymbolicTensor<?> output : current.outputs()) {
      names.add(model.nameOf(output.producer().layer()));
      dtypes.add(output.dtype());
      shapes.add(output.shape());
    }
    return new Predictions(names, dtypes, shapes, results);
  }

  /**
   * {@link Model#predict(BatchSource, int)}: the inputs of {@code steps} batches (or a whole
   * pass, 0), read and converted on a background thread while the current batch runs, and the
   * outputs concatenated.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  List<NdArray<?>> predict(BatchSource source, int steps) {
    Objects.requireNonNull(source, "source");
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be at least 0, got " + steps);
    }
    Topology current = model.topology();
    List<List<NdArray<?>>> parts = new ArrayList<>();
    long total = 0;
    try (Prefetcher prefetcher = new Prefetcher(10)) {
      prefetcher.start(source, new Cursor(source, steps, false, 0).next(), batch -> {
        Object x = batch.x();
        return javaInputs(current, x instanceof List<?> list ? list : List.of(x));
      });
      for (Object prepared; (prepared = prefetcher.next()) != null; ) {
        List<NdArray<?>> data = (List<NdArray<?>>) prepared;
        long rows = data.get(0).shape().get(0);
        parts.add(predict(data, (int) Math.min(Integer.MAX_VALUE, Math.max(1, rows)), null));
        total += rows;
      }
      prefetcher.finish();
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException(source + " gave no batches to predict");
    }
    List<SymbolicTensor<?>> outs = current.outputs();
    List<NdArray<?>> results = new ArrayList<>(outs.size());
    for (int j = 0; j < outs.size(); j++) {
      int output = j;
      Shape first = parts.get(0).get(j).shape();
      TensorData.Dense out = TensorData.allocate(outs.get(j).dtype(),
          Shapes.perSample(first).prepend(total), () -> "output " + output);
      long at = 0;
      for (List<NdArray<?>> part : parts) {
        NdArray<?> piece = part.get(j);
        ((NdArray) piece).copyTo((org.tensorflow.ndarray.buffer.DataBuffer)
            out.buffer().slice(at, piece.size()));
        at += piece.size();
      }
      results.add(out.array());
    }
    return results;
  }

  /** Java arrays (or NdArrays), one per input, checked and converted to the inputs' dtypes. */
  private List<NdArray<?>> javaInputs(Topology current, List<?> x) {
    Objects.requireNonNull(x, "x");
    List<SymbolicTensor<?>> ins = current.inputs();
    if (x.size() != ins.size()) {
      // List.of(rows) with one float[][] spreads its rows into the list: say so.
      boolean spread = x.size() > ins.size() && x.stream().allMatch(
          e -> e != null && e.getClass().isArray() && e.getClass() == x.get(0).getClass());
      throw new IllegalArgumentException("This model takes " + ins.size() + " input "
          + (ins.size() == 1 ? "array" : "arrays") + "; got " + x.size() + (spread
              ? " (List.of(x) with a single array x lists x's rows; write List.of((Object) x))"
              : ""));
    }
    List<NdArray<?>> data = new ArrayList<>(ins.size());
    for (int i = 0; i < ins.size(); i++) {
      data.add(JavaArrays.toNdArray(x.get(i), ins.get(i).dtype(), describeInput(ins.get(i))));
      checkData(ins.get(i), data.get(i).shape());
    }
    return data;
  }

  /** Runs one batch; a model closed meanwhile says so, rather than TensorFlow's session. */
  private Result run(Executor built, List<Tensor> feeds) {
    try {
      return built.predict(feeds);
    } catch (IllegalStateException e) {
      if (model.isClosed()) {
        throw new IllegalStateException("This model was closed during predict", e);
      }
      throw e;
    }
  }

  private Plan plan(Topology current) {
    Plan known = plan;
    if (known != null && known.topology() == current) {
      return known;
    }
    for (SymbolicTensor<?> output : current.outputs()) {
      TensorData.requireSupported(output.dtype(), "output '"
          + model.nameOf(output.producer().layer()) + "'");
    }
    List<Class<? extends TType>> types = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (SymbolicTensor<?> input : current.inputs()) {
      types.add(input.dtype());
      names.add(describeInput(input));
    }
    known = new Plan(current, List.copyOf(types), List.copyOf(names));
    plan = known;
    return known;
  }

  /** One predict's batches. */
  private final class Batches {
    private final List<? extends NdArray<?>> data;
    private final List<Class<? extends TType>> inputTypes;
    private final List<String> inputNames;
    private final List<SymbolicTensor<?>> outputs;
    private final Topology topology;
    private final long samples;
    private final TensorData.Dense[] results;

    Batches(Topology topology, Plan plan, List<? extends NdArray<?>> data, long samples,
        TensorData.Dense[] results) {
      this.data = data;
      this.inputTypes = plan.inputTypes();
      this.inputNames = plan.inputNames();
      this.outputs = topology.outputs();
      this.topology = topology;
      this.samples = samples;
      this.results = results;
    }

    /** Runs rows {@code [start, end)} and copies the outputs into the results. */
    void run(Executor built, long start, long end) {
      List<Tensor> feeds = new ArrayList<>(data.size());
      try {
        for (int i = 0; i < data.size(); i++) {
          NdArray<?> rows = start == 0 && end == samples
              ? data.get(i) : data.get(i).slice(Indices.range(start, end));
          feeds.add(TensorData.tensorOf(inputTypes.get(i), rows, inputNames.get(i)::toString));
        }
        try (Result fetched = Predictor.this.run(built, feeds)) {
          for (int j = 0; j < results.length; j++) {
            Tensor out = fetched.get(built.resultIndex(j));
            if (results[j] == null) {
              int output = j;
              results[j] = TensorData.allocate(outputs.get(j).dtype(),
                  Shapes.perSample(out.shape()).prepend(samples), () -> "output " + output);
            }
            BatchSizes.check(built, topology, feeds, j, out.shape(), results[j].array().shape(),
                end - start);
            TensorData.copyRows(out, results[j], start);
          }
        }
      } finally {
        feeds.forEach(Tensor::close);
      }
    }
  }

  private static SymbolicTensor<?> singleFloat(List<SymbolicTensor<?>> tensors, String role) {
    if (tensors.size() != 1 || tensors.get(0).dtype() != TFloat32.class) {
      StringJoiner found = new StringJoiner(", ");
      tensors.forEach(t -> found.add(Shapes.dtypeName(t.dtype())));
      throw new IllegalArgumentException("This predict needs a model with one float32 " + role
          + "; this model's " + role + "s are [" + found + "]");
    }
    return tensors.get(0);
  }

  private String describeInput(SymbolicTensor<?> input) {
    return "input '" + model.nameOf(input.producer().layer()) + "'";
  }

  /** Data must have the input's rank, with the input's fixed sizes after the batch dimension. */
  private void checkData(SymbolicTensor<?> input, Shape data) {
    Shapes.requireBatchOf(input.shape(), data, describeInput(input));
  }
}
