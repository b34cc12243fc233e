package dev.lamina.runtime;

import dev.lamina.runtime.SymbolicTensor.Node;
import dev.lamina.runtime.regularizers.Regularizer;
import dev.lamina.runtime.train.Loss;
import dev.lamina.runtime.train.Metric;
import dev.lamina.runtime.train.Optimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * What {@code compile} adds to a model's graph: a training pass (the layers with training on,
 * reading the weights through their own reads), the loss and metrics on it, TensorFlow's graph
 * gradients of the loss with respect to every trainable weight, and the optimizer's updates; and
 * an evaluation pass, the loss and metrics on the inference outputs.
 */
final class TrainingGraph {

  /**
   * A pass's feeds and fetches: loss first, then per-output losses if several (batch means), then
   * each metric's {@link Metric#statistics} of the batch. {@code targets} and
   * {@code sampleWeights}: one feed each per output with a loss ({@link CompileSpec#targets()}),
   * the weights 1 unless fed, of rank {@code weightRanks} (the rank of the output's per-sample
   * loss values, which a sample weight broadcasts over).
   */
  record Pass(List<Operand<?>> inputs, List<Placeholder<?>> targets,
      List<Operand<TFloat32>> sampleWeights, int[] weightRanks, List<Operand<TFloat32>> values,
      Op update) {}

  private final Executor executor;
  private final Optimizer optimizer;
  private final CompileSpec spec;
  private final List<Weight> trainable = new ArrayList<>();
  /** Every weight a step changes: the trainable ones and those layers update (moving stats). */
  private final List<Weight> changedByStep = new ArrayList<>();
  private final Pass train;
  private final Pass evaluate;
  private final Operand<?> learningRate;
  private final Placeholder<TFloat32> learningRateValue;
  private final Op learningRateAssign;
  private final Operand<TInt64> iterations;
  private double pushedLearningRate = Double.NaN;
  /**
   * {@code FitOptions.seed}, which the training pass's {@link SeedStream}s mix in: the variable's
   * value unless fed. A new seed is fed to the first step after it is set, which also assigns it
   * to the variable for the steps after (no session run of its own per {@code fit}).
   */
  private final Operand<TInt64> baseSeedFeed;
  private final Op baseSeedAssign;
  private long pushedBaseSeed;
  /** A seed set for the steps that follow and not yet fed to one; {@code null} if none. */
  private Long pendingBaseSeed;
  /** The step the training pass's random ops read; the step count waits for it. */
  private final org.tensorflow.op.core.ReadVariableOp<TInt64> seedStep;
  private final List<Op> initializers = new ArrayList<>();
  /** Every slot variable by {@code w<i>/<name>}, i the weight's place among trainable ones. */
  private final Map<String, Slot> slots = new LinkedHashMap<>();
  private final String trainScope;
  private final Operand<?> iterationsHandle;

  /** One optimizer slot: its variable, its current value, and its shape. */
  record Slot(Operand<?> handle, Operand<TFloat32> read, Shape shape) {}

  TrainingGraph(Executor executor, CompileSpec spec) {
    this.executor = executor;
    this.spec = spec;
    this.optimizer = spec.optimizer();
    Ops tf = executor.ops();
    Topology topology = executor.topology();

    Ops opt = tf.withSubScope("optimizer");
    learningRate = opt.withName("learning_rate").varHandleOp(TFloat32.class, Shape.scalar(),
        VarHandleOp.sharedName(opt.scope().makeOpName("learning_rate")));
    learningRateValue = opt.withName("learning_rate_value")
        .placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    learningRateAssign = opt.assignVariableOp(learningRate, learningRateValue);
    iterationsHandle = opt.withName("iterations").varHandleOp(TInt64.class,
        Shape.scalar(), VarHandleOp.sharedName(opt.scope().makeOpName("iterations")));
    initializers.add(opt.assignVariableOp(iterationsHandle, opt.constant(0L)));
    iterations = opt.readVariableOp(iterationsHandle, TInt64.class);
    Operand<?> baseSeed = opt.withName("base_seed").varHandleOp(TInt64.class, Shape.scalar(),
        VarHandleOp.sharedName(opt.scope().makeOpName("base_seed")));
    initializers.add(opt.assignVariableOp(baseSeed, opt.constant(0L)));

    // The training pass.
    Ops trainOps = tf.withSubScope("train");
    // "train", or "train_1" after a second compile: what the missing-gradient message looks for.
    trainScope = trainOps.scope().makeOpName("pass").split("/")[0];
    Map<Weight, Operand<?>> reads = new LinkedHashMap<>();
    executor.variables().forEach((weight, variable) ->
        reads.put(weight, trainOps.withName("read").readVariableOp(variable.handle(),
            weight.dtypeClass())));
    Map<Weight, Operand<?>> stateUpdates = new LinkedHashMap<>();
    // Random ops draw from the step about to be taken (read before the step increments it).
    seedStep = trainOps.withName("step").readVariableOp(iterationsHandle, TInt64.class);
    baseSeedFeed = trainOps.withName("base_seed").placeholderWithDefault(
        trainOps.readVariableOp(baseSeed, TInt64.class), Shape.scalar());
    baseSeedAssign = opt.assignVariableOp(baseSeed, baseSeedFeed);
    TrainingPass pass = new TrainingPass(seedStep, baseSeedFeed);
    Map<Node, List<Operand<?>>> built =
        executor.forward(trainOps, true, reads::get, stateUpdates, pass);
    // Trainable weights a call assigned before reading them (Keras's assign in call): the rest of
    // the step (regularizers, gradients, the optimizer) sees the assigned value; a frozen one is
    // assigned after the step as a layer's own update.
    pass.assigned().forEach((weight, value) -> {
      reads.put(weight, value);
      if (!weight.trainable()) {
        stateUpdates.put(weight, value);
      }
    });
    List<Operand<?>> trainInputs = new ArrayList<>();
    topology.inputs().forEach(input -> trainInputs.add(Executor.operandOf(built, input)));
    List<Operand<TFloat32>> trainOutputs = new ArrayList<>();
    topology.outputs().forEach(output ->
        trainOutputs.add(float32(Executor.operandOf(built, output))));
    Feeds trainFeeds = feeds(trainOps);
    List<Operand<TFloat32>> trainValues = lossAndMetrics(trainOps, targets(trainOutputs),
        targets(executor.outputMasks(trainOps, true, built, pass)), trainFeeds);
    // Only trainable weights reach the regularizers and the optimizer: float32 ones, checked.
    trainable.forEach(weight -> float32(weight, reads.get(weight)));
    addRegularization(trainOps, trainValues, reads::get, built);

    reads.forEach((weight, read) -> {
      if (weight.trainable()) {
        trainable.add(weight);
      }
    });
    List<Operand<TFloat32>> weightReads = new ArrayList<>();
    trainable.forEach(weight -> weightReads.add(float32(weight, reads.get(weight))));
    // With nothing to train the step is still counted: random ops draw per step (Keras's seed
    // generators advance on every call), so a frozen model's dropout must not repeat its masks.
    Op update = weightReads.isEmpty()
        ? opt.withControlDependencies(List.of(seedStep)).withName("update")
            .assignAddVariableOp(iterationsHandle, opt.constant(1L))
        : updates(trainOps, opt, trainValues.get(0), weightReads, iterationsHandle, pass);
    changedByStep.addAll(trainable);
    if (!stateUpdates.isEmpty()) {
      // Layers' own updates (Keras's assign in call), computed from this step's forward pass.
      List<Op> assigns = new ArrayList<>();
      Ops state = trainOps.withSubScope("state_updates");
      stateUpdates.forEach((weight, value) -> {
        assigns.add(state.assignVariableOp(executor.variables().get(weight).handle(), value));
        changedByStep.add(weight);
      });
      assigns.add(update);
      update = trainOps.withControlDependencies(assigns).withName("step_and_updates").noOp();
    }
    train = new Pass(trainInputs, trainFeeds.targets(), trainFeeds.weights(),
        trainFeeds.ranks(), trainValues, update);

    // The evaluation pass, on the inference outputs.
    Ops evalOps = tf.withSubScope("evaluate");
    List<Operand<TFloat32>> evalOutputs = new ArrayList<>();
    executor.outputs().forEach(output -> evalOutputs.add(float32(output)));
    Feeds evalFeeds = feeds(evalOps);
    List<Operand<TFloat32>> evalValues = lossAndMetrics(evalOps, targets(evalOutputs),
        targets(executor.outputMasks(evalOps, false, executor.built(), null)), evalFeeds);
    addRegularization(evalOps, evalValues, weight -> executor.variables().get(weight).read(),
        executor.built());
    evaluate = new Pass(executor.feeds(), evalFeeds.targets(), evalFeeds.weights(),
        evalFeeds.ranks(), evalValues, null);

    Session.Runner init = executor.session().runner();
    initializers.forEach(init::addTarget);
    init.run();
    optimizer.attach(this::iterations);
  }

  /**
   * A trainable weight's read: float32, the dtype Lamina's optimizers, regularizers and
   * constraints compute in.
   *
   * @throws IllegalArgumentException for a trainable weight of another floating dtype
   */
  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> float32(Weight weight, Operand<?> read) {
    if (read.type() != TFloat32.class) {
      throw new IllegalArgumentException(weight + " is trainable and " + weight.dtype()
          + "; Lamina's optimizers train float32 weights only: declare it float32, or freeze "
          + "its layer (setTrainable(false)) before compile");
    }
    return (Operand<TFloat32>) read;
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> float32(Operand<?> output) {
    if (output.type() != TFloat32.class) {
      throw new IllegalArgumentException("Training needs float32 outputs; this model has a "
          + Shapes.dtypeName(output.type()) + " output");
    }
    return (Operand<TFloat32>) output;
  }

  /** The entries of the outputs with a loss (the compile's targets), in order. */
  private <T> List<T> targets(List<T> perOutput) {
    List<T> picked = new ArrayList<>();
    spec.targets().forEach(output -> picked.add(perOutput.get(output)));
    return picked;
  }

  /** A pass's targets and sample weights, one of each per target; ranks filled in later. */
  private record Feeds(List<Placeholder<?>> targets, List<Operand<TFloat32>> weights,
      int[] ranks) {}

  private Feeds feeds(Ops tf) {
    List<Placeholder<?>> targets = new ArrayList<>();
    List<Operand<TFloat32>> weights = new ArrayList<>();
    List<Loss> losses = spec.losses();
    for (int i = 0; i < losses.size(); i++) {
      targets.add(tf.withName("target_" + i).placeholder(losses.get(i).targetType()));
      // 1 unless fed: an unweighted step multiplies its loss values by a scalar one.
      weights.add(tf.withName("sample_weight_" + i).placeholderWithDefault(tf.constant(1f),
          Shape.unknown()));
    }
    return new Feeds(targets, weights, new int[losses.size()]);
  }

  /**
   * Keras's {@code model.losses} added to the total loss (the first of {@code values}): each
   * trainable weight's regularizer penalty, and each layer call's activity regularizer penalty
   * of each of its outputs divided by the batch size ({@code divide_no_nan}, as Keras 3).
   */
  private void addRegularization(Ops tf, List<Operand<TFloat32>> values,
      Executor.WeightReads reads, Map<Node, List<Operand<?>>> built) {
    Ops scoped = tf.withSubScope("regularization");
    List<Operand<TFloat32>> penalties = new ArrayList<>();
    for (Node node : executor.topology().nodes()) {
      Regularizer activity = node.layer().activityRegularizer();
      if (activity == null || built.get(node) == null) {
        continue;
      }
      for (Operand<?> output : built.get(node)) {
        penalties.add(activityPenalty(scoped, node, activity, output));
      }
    }
    for (Layer layer : executor.topology().layers()) {
      for (Weight weight : layer.weights()) {
        if (weight.trainable() && weight.regularizer() != null) {
          penalties.add(weight.regularizer().penalty(scoped, float32(weight, reads.read(weight))));
        }
      }
    }
    Operand<TFloat32> total = values.get(0);
    for (Operand<TFloat32> penalty : penalties) {
      total = scoped.math.add(total, penalty);
    }
    values.set(0, total);
  }

  /** {@code activity}'s penalty of one output of a call, divided by the batch size. */
  private static Operand<TFloat32> activityPenalty(Ops scoped, Node node, Regularizer activity,
      Operand<?> output) {
    if (output.type() != TFloat32.class) {
      throw new IllegalArgumentException(node.layer().describe() + ": activity_regularizer "
          + "needs a float32 output, got " + Shapes.dtypeName(output.type()));
    }
    @SuppressWarnings("unchecked")
    Operand<TFloat32> y = (Operand<TFloat32>) output;
    Operand<TFloat32> penalty = activity.penalty(scoped, y);
    if (y.shape().numDimensions() > 0) {
      Operand<TFloat32> batch = scoped.dtypes.cast(scoped.gather(
          scoped.shape(y), scoped.constant(0), scoped.constant(0)), TFloat32.class);
      penalty = scoped.math.divNoNan(penalty, batch);
    }
    return penalty;
  }

  /**
   * The batch means of the total loss and each target's loss (if several), and each metric's
   * statistics of the batch, as Keras 3's {@code CompileLoss} and {@code CompileMetrics}: each
   * output's loss is its per-sample values times the sample weights, averaged over every value
   * ("sum_over_batch_size", not divided by the weights' sum); the total is the sum of each
   * output's loss times its loss weight; only weighted metrics see the sample weights. An
   * output's mask ({@code masks}, null where none) weighs its loss and its mean metrics too, as
   * Keras folds {@code y_pred}'s mask into the sample weights: a masked step weighs 0 and each
   * other step total / valid in the loss (the mean over the valid steps), and 1 in a metric.
   */
  private List<Operand<TFloat32>> lossAndMetrics(Ops tf, List<Operand<TFloat32>> outputs,
      List<Operand<org.tensorflow.types.TBool>> masks, Feeds feeds) {
    List<Loss> lossList = spec.losses();
    List<Operand<TFloat32>> losses = new ArrayList<>();
    List<Operand<TFloat32>> lossValues = new ArrayList<>();
    for (int i = 0; i < outputs.size(); i++) {
      Ops scoped = tf.withSubScope("loss");
      Operand<TFloat32> perSample =
          lossList.get(i).perSample(scoped, feeds.targets().get(i), outputs.get(i));
      // Keras's losses reduce the last axis: (batch, units) gives one value per sample,
      // (batch, steps, units) one per step. (The targets' shapes are free, so perSample's
      // static shape may not say.)
      feeds.ranks()[i] = Math.max(1, outputs.get(i).shape().numDimensions() - 1);
      lossValues.add(perSample);
      Operand<TFloat32> weights = feeds.weights().get(i);
      if (masks.get(i) != null) {
        // Keras's apply_mask for "sum_over_batch_size": valid steps weigh total / valid.
        Operand<TFloat32> mask = scoped.dtypes.cast(masks.get(i), TFloat32.class);
        Operand<TFloat32> total = scoped.dtypes.cast(scoped.size(mask), TFloat32.class);
        Operand<TFloat32> valid = scoped.reduceSum(mask, scoped.range(scoped.constant(0),
            scoped.rank(mask), scoped.constant(1)));
        weights = scoped.math.mul(weights, scoped.math.mul(mask,
            scoped.math.divNoNan(total, valid)));
      }
      // Keras's "sum_over_batch_size": the mean of every weighted per-sample value (rank > 2
      // outputs give several per sample).
      losses.add(scoped.math.mean(scoped.reshape(
          scoped.math.mul(perSample, weights), scoped.constant(new long[] {-1})),
          scoped.constant(0)));
    }
    List<Operand<TFloat32>> metricValues = new ArrayList<>();
    for (CompileSpec.MetricSlot slot : spec.metrics()) {
      int i = slot.target();
      Metric metric = slot.metric();
      Ops metricOps = tf.withSubScope(metric.name());
      Operand<TFloat32> statistics;
      Operand<TFloat32> mask = masks.get(i) == null || !metric.usesOutputMask() ? null
          : metricOps.dtypes.cast(masks.get(i), TFloat32.class);
      if (slot.weighted() || mask != null) {
        // The weights at the shape of the loss values: what the metric is told they weigh.
        Operand<TFloat32> weights = metricOps.broadcastTo(slot.weighted()
            ? feeds.weights().get(i) : metricOps.constant(1f), metricOps.shape(lossValues.get(i)));
        if (mask != null) {
          weights = metricOps.math.mul(weights, mask); // Keras's apply_mask, reduction "sum"
        }
        statistics = metric.weightedStatistics(metricOps, feeds.targets().get(i),
            outputs.get(i), weights);
      } else {
        statistics = metric.statistics(metricOps, feeds.targets().get(i), outputs.get(i));
      }
      metricValues.add(metricOps.reshape(statistics, metricOps.constant(new long[] {-1})));
    }
    double[] lossWeights = spec.lossWeights();
    List<Operand<TFloat32>> values = new ArrayList<>();
    Operand<TFloat32> total = null;
    for (int i = 0; i < losses.size(); i++) {
      Operand<TFloat32> term = lossWeights == null ? losses.get(i)
          : tf.math.mul(losses.get(i), tf.constant((float) lossWeights[i]));
      total = total == null ? term : tf.math.add(total, term);
    }
    values.add(total);
    if (losses.size() > 1) {
      values.addAll(losses); // Keras logs each output's loss unweighted
    }
    values.addAll(metricValues);
    return values;
  }

  /** Gradients, then every weight's update once all gradients exist, then the step count. */
  private Op updates(Ops tf, Ops opt, Operand<TFloat32> loss, List<Operand<TFloat32>> weightReads,
      Operand<?> iterationsHandle, TrainingPass pass) {
    // The gradients of the looked-up rows too: Keras's per-slice squares need them.
    List<Operand<TFloat32>> xs = new ArrayList<>(weightReads);
    Map<TrainingPass.Lookup, Integer> lookupAt = new java.util.IdentityHashMap<>();
    for (Weight weight : trainable) {
      if (sparse(weight, pass)) {
        for (TrainingPass.Lookup lookup : pass.lookups().get(weight)) {
          lookupAt.put(lookup, xs.size());
          xs.add(lookup.rows());
        }
      }
    }
    List<Output<?>> allGradients = gradients(loss, xs);
    List<Output<?>> raw = allGradients.subList(0, weightReads.size());
    // Identities of the gradients give one op each for "every gradient exists" to wait on.
    List<Operand<TFloat32>> gradients = new ArrayList<>();
    List<Op> after = new ArrayList<>();
    for (Output<?> gradient : raw) {
      @SuppressWarnings("unchecked")
      Operand<TFloat32> done = gradient == null ? null : tf.identity((Output<TFloat32>) gradient);
      gradients.add(done);
      if (done != null) {
        after.add((Op) done);
      }
    }
    Ops ordered = opt.withControlDependencies(after);
    // Keras's learning_rate: the variable, or the schedule at the steps taken so far.
    Operand<TFloat32> lr = optimizer.schedule() == null
        ? ordered.readVariableOp(learningRate, TFloat32.class)
        : optimizer.schedule().apply(ordered.withSubScope("learning_rate_schedule"),
            iterations);
    Operand<TFloat32> step = ordered.dtypes.cast(
        ordered.math.add(iterations, ordered.constant(1L)), TFloat32.class);
    // Keras's order: the gradients clipped, each weight decayed, then each update.
    List<Optimizer.Gradient> held = new ArrayList<>();
    for (int i = 0; i < trainable.size(); i++) {
      Weight weight = trainable.get(i);
      Operand<TFloat32> gradient = gradients.get(i);
      if (gradient == null) {
        held.add(null);
        continue;
      }
      Ops scoped = ordered.withSubScope("w" + i);
      held.add(sparse(weight, pass)
          ? Optimizer.Gradient.ofSlices(scoped, gradient, f -> sumOfSlices(scoped, weight,
              pass.lookups().get(weight), allGradients, lookupAt, f))
          : Optimizer.Gradient.dense(scoped, gradient));
    }
    held = optimizer.clipGradients(ordered.withSubScope("clip_gradients"), held);
    List<Op> all = new ArrayList<>();
    Map<String, Operand<TFloat32>> shared = new LinkedHashMap<>();
    for (int i = 0; i < trainable.size(); i++) {
      Weight weight = trainable.get(i);
      Executor.Variable variable = executor.variables().get(weight);
      String slotPrefix = "w" + i;
      Optimizer.Gradient gradient = held.get(i);
      if (gradient == null) {
        continue; // the weight does not reach the loss: Keras leaves it as it is too
      }
      Ops scoped = ordered.withSubScope(slotPrefix);
      Operand<TFloat32> decayed = optimizer.decay(scoped.withSubScope("weight_decay"),
          weight.name(), weightReads.get(i), lr);
      Optimizer.Update update = optimizer.buildUpdate(scoped,
          slotsFor(opt, weight, slotPrefix, shared, all), decayed, gradient, lr, step);
      all.addAll(update.slotUpdates());
      Operand<TFloat32> newValue = update.newValue();
      if (weight.constraint() != null) {
        // Keras's optimizer: variable.assign(constraint(variable)) once the gradient is applied.
        newValue = weight.constraint().apply(ordered.withSubScope(slotPrefix + "_constraint"),
            newValue);
      }
      all.add(ordered.assignVariableOp(variable.handle(), newValue));
    }
    Op weightsDone = opt.withControlDependencies(all).withName("weights_updated").noOp();
    Op count = opt.withControlDependencies(List.of(weightsDone, seedStep))
        .assignAddVariableOp(iterationsHandle, opt.constant(1L));
    return opt.withControlDependencies(List.of(count)).withName("step").noOp();
  }

  /**
   * Whether Keras would see {@code weight}'s gradient as slices (IndexedSlices): every read of
   * it is a declared lookup, and no regularizer adds a dense gradient.
   */
  private static boolean sparse(Weight weight, TrainingPass pass) {
    return pass.lookups().containsKey(weight) && !pass.denseReads().contains(weight)
        && weight.regularizer() == null;
  }

  /**
   * Keras's element-wise {@code f} of a gradient of slices (its {@code ops.square}, a clip),
   * summed into the weight's shape: {@code f} of each looked-up row's gradient, then added up
   * per index.
   */
  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> sumOfSlices(Ops tf, Weight weight,
      List<TrainingPass.Lookup> lookups, List<Output<?>> gradients,
      Map<TrainingPass.Lookup, Integer> lookupAt,
      java.util.function.UnaryOperator<Operand<TFloat32>> f) {
    long[] dims = weight.shape().asArray();
    long[] rowShape = dims.clone();
    rowShape[0] = -1;
    Operand<TFloat32> sum = tf.zeros(tf.constant(dims), TFloat32.class);
    for (TrainingPass.Lookup lookup : lookups) {
      Output<?> rowsGradient = gradients.get(lookupAt.get(lookup));
      if (rowsGradient == null) {
        continue; // these rows do not reach the loss
      }
      Operand<TFloat32> slices = tf.reshape(f.apply((Output<TFloat32>) rowsGradient),
          tf.constant(rowShape));
      Operand<? extends org.tensorflow.types.family.TNumber> indices =
          tf.reshape(lookup.indices(), tf.constant(new long[] {-1}));
      sum = tf.math.add(sum, tf.math.unsortedSegmentSum(slices,
          (Operand<org.tensorflow.types.family.TNumber>) indices, tf.constant(dims[0])));
    }
    return sum;
  }

  private static final Pattern NO_GRADIENT =
      Pattern.compile("No gradient defined for op: ([A-Za-z0-9_]+)");

  /**
   * The gradients of {@code loss} with respect to each of {@code xs}; {@code null} for one the
   * loss does not depend on (an output without a loss, a weight after it), which TensorFlow
   * refuses to differentiate.
   */
  private List<Output<?>> gradients(Operand<TFloat32> loss, List<Operand<TFloat32>> xs) {
    java.util.Set<GraphOperation> reached = reachedBy(loss);
    List<Integer> reachable = new ArrayList<>();
    for (int i = 0; i < xs.size(); i++) {
      if (reached.contains((GraphOperation) xs.get(i).op())) {
        reachable.add(i);
      }
    }
    Output<?>[] xOutputs = new Output<?>[reachable.size()];
    for (int k = 0; k < xOutputs.length; k++) {
      xOutputs[k] = xs.get(reachable.get(k)).asOutput();
    }
    List<Output<?>> all = new ArrayList<>(java.util.Collections.nCopies(xs.size(), null));
    if (xOutputs.length == 0) {
      return all;
    }
    Output<?>[] gradients;
    try {
      gradients = executor.graph().addGradients(loss.asOutput(), xOutputs);
    } catch (RuntimeException e) {
      Matcher matcher = NO_GRADIENT.matcher(String.valueOf(e.getMessage()));
      if (matcher.find()) {
        throw new IllegalStateException(noGradientMessage(matcher.group(1)), e);
      }
      throw new IllegalStateException("TensorFlow could not differentiate the loss with respect "
          + "to the weights: " + e.getMessage(), e);
    }
    for (int k = 0; k < gradients.length; k++) {
      var handle = ((GraphOperation) gradients[k].op()).getUnsafeNativeHandle();
      if (handle == null || handle.isNull()) {
        // TensorFlow's NoGradient: every path from the weight to the loss crosses an op
        // without one (a cast to an integer type, a bitwise op), so no gradient exists
        throw new IllegalStateException(cutMessage(xOutputs[k], reached));
      }
      all.set(reachable.get(k), gradients[k]);
    }
    return all;
  }

  /**
   * Names where the gradient of the loss stops on its way to {@code x}: the first ops after
   * {@code x}, on the way to the loss, that turn floating-point values into others (whose
   * TensorFlow gradient is NoGradient), with their layers.
   */
  private String cutMessage(Output<?> x, java.util.Set<GraphOperation> toLoss) {
    List<String> cuts = new ArrayList<>();
    java.util.Set<GraphOperation> seen = new java.util.HashSet<>();
    java.util.ArrayDeque<GraphOperation> pending = new java.util.ArrayDeque<>();
    pending.push((GraphOperation) x.op());
    while (!pending.isEmpty()) {
      GraphOperation op = pending.pop();
      if (!seen.add(op)) {
        continue;
      }
      for (GraphOperation next : op.consumers()) {
        if (!toLoss.contains(next)) {
          continue;
        }
        boolean floatIn = org.tensorflow.types.family.TFloating.class.isAssignableFrom(
            op.output(0).type());
        boolean floatOut = next.numOutputs() > 0
            && org.tensorflow.types.family.TFloating.class.isAssignableFrom(
                next.output(0).type());
        if (floatIn && !floatOut) {
          String[] parts = next.name().split("/");
          String layer = parts.length > 2 && parts[0].equals(trainScope)
              ? describeLayer(parts[1]) : "the loss";
          String cut = layer + " (op " + next.type() + " to "
              + next.output(0).type().getSimpleName() + ")";
          if (!cuts.contains(cut)) {
            cuts.add(cut);
          }
        } else {
          pending.push(next);
        }
      }
    }
    String where = cuts.isEmpty() ? "an op between it and the loss" : String.join(", ", cuts);
    return where + ": the loss has no gradient with respect to the trainable weight "
        + x.op().name() + " (every path from it to the loss crosses an op that has no "
        + "gradient in TensorFlow, such as a cast to an integer type or a bitwise op), so the "
        + "model cannot be trained through it. Place such a layer before every trainable "
        + "weight (as image augmentation sits right after the input).";
  }

  /** Every op whose outputs {@code loss} is computed from (data inputs, not control ones). */
  private static java.util.Set<GraphOperation> reachedBy(Operand<?> loss) {
    java.util.Set<GraphOperation> reached = new java.util.HashSet<>();
    java.util.ArrayDeque<GraphOperation> pending = new java.util.ArrayDeque<>();
    pending.push((GraphOperation) loss.op());
    while (!pending.isEmpty()) {
      GraphOperation op = pending.pop();
      if (reached.add(op)) {
        for (int i = 0; i < op.numInputs(); i++) {
          pending.push((GraphOperation) op.input(i).op());
        }
      }
    }
    return reached;
  }

  /** Names the layers whose training pass uses an op of {@code opType}. */
  private String noGradientMessage(String opType) {
    List<String> layers = new ArrayList<>();
    var ops = executor.graph().operations();
    while (ops.hasNext()) {
      GraphOperation op = ops.next();
      String[] parts = op.name().split("/");
      if (op.type().equals(opType) && parts.length > 2 && parts[0].equals(trainScope)) {
        String layer = describeLayer(parts[1]);
        if (!layers.contains(layer)) {
          layers.add(layer);
        }
      }
    }
    String where = layers.isEmpty() ? "the loss" : String.join(", ", layers);
    return where + ": op " + opType + " has no gradient in TensorFlow, and it lies between a "
        + "trainable weight and the loss, so the model cannot be trained through it. Place such "
        + "a layer before every trainable weight (as image augmentation sits right after the "
        + "input); in a Lambda, use ops with gradients, or wrap the part that needs none in "
        + "tf.stopGradient.";
  }

  private String describeLayer(String scope) {
    Map<Layer, String> names = executor.topology().names();
    if (scope.equals("loss") && !names.containsValue("loss")) {
      return "the loss";
    }
    for (boolean exact : new boolean[] {true, false}) {
      for (Map.Entry<Layer, String> entry : names.entrySet()) {
        // A layer's second call gets the scope name_1: match exactly first.
        if (exact ? scope.equals(entry.getValue()) : scope.startsWith(entry.getValue() + "_")) {
          return entry.getKey().typeName() + " '" + entry.getValue() + "'";
        }
      }
    }
    return "layer '" + scope + "'";
  }

  /**
   * Slot variables of one weight, created in the optimizer's scope and set to their initial
   * values at compile, keyed {@code <prefix>/<name>}; and the optimizer-wide ones, keyed by their
   * names, in {@code shared} (their values of this step), their updates added to {@code updates}.
   */
  private Optimizer.Slots slotsFor(Ops opt, Weight weight, String prefix,
      Map<String, Operand<TFloat32>> shared, List<Op> updates) {
    return new Optimizer.Slots() {
      private final Map<Operand<TFloat32>, Operand<?>> handles = new LinkedHashMap<>();

      @Override
      public Operand<TFloat32> create(String name, float initial) {
        return create(name, weight.shape(), initial);
      }

      @Override
      public Operand<TFloat32> create(String name, Shape shape, float initial) {
        return variable(opt.withSubScope(prefix), prefix + "/" + name, name, shape, initial,
            handles);
      }

      @Override
      public Operand<TFloat32> shared(String name, float initial,
          java.util.function.UnaryOperator<Operand<TFloat32>> next) {
        if (name.contains("/") || slots.containsKey(name) && !shared.containsKey(name)) {
          throw new IllegalArgumentException("a shared slot's name has no '/': " + name);
        }
        return shared.computeIfAbsent(name, key -> {
          Map<Operand<TFloat32>, Operand<?>> own = new LinkedHashMap<>();
          Operand<TFloat32> read = variable(opt, key, key, Shape.scalar(), initial, own);
          Operand<TFloat32> value = next.apply(read);
          updates.add(opt.assignVariableOp(own.get(read), value));
          return value;
        });
      }

      @Override
      public Op assign(Operand<TFloat32> slotRead, Operand<TFloat32> value) {
        Operand<?> handle = handles.get(slotRead);
        if (handle == null) {
          throw new IllegalArgumentException("assign takes what create returned");
        }
        return opt.assignVariableOp(handle, value);
      }
    };
  }

  /** A new slot variable, filled with {@code initial} at compile; its read. */
  private Operand<TFloat32> variable(Ops scoped, String key, String name, Shape shape,
      float initial, Map<Operand<TFloat32>, Operand<?>> handles) {
    if (slots.containsKey(key)) {
      throw new IllegalArgumentException("the optimizer creates slot " + key + " twice");
    }
    Operand<?> handle = scoped.withName(name).varHandleOp(TFloat32.class, shape,
        VarHandleOp.sharedName(scoped.scope().makeOpName(name + "_slot")));
    initializers.add(scoped.assignVariableOp(handle,
        scoped.fill(scoped.constant(shape.asArray()), scoped.constant(initial))));
    Operand<TFloat32> read = scoped.readVariableOp(handle, TFloat32.class);
    handles.put(read, handle);
    slots.put(key, new Slot(handle, read, shape));
    return read;
  }

  /** The names of what a step returns: loss, per-output losses, metrics. */
  List<String> names() {
    return spec.logNames();
  }

  /** The metrics, in the order of their names after the losses'. */
  List<Metric> metrics() {
    return spec.metrics().stream().map(CompileSpec.MetricSlot::metric).toList();
  }

  /** The compile this pass was built from. */
  CompileSpec spec() {
    return spec;
  }

  List<Weight> trainable() {
    return trainable;
  }

  Pass train() {
    return train;
  }

  Pass evaluate() {
    return evaluate;
  }

  /**
   * Runs one step of {@code pass} on a batch; for training, also the updates.
   *
   * @return the loss means and metric statistics of the batch, in the order of {@link #names()}
   */
  double[][] run(Pass pass, List<? extends Tensor> inputs, List<? extends Tensor> targets,
      List<? extends Tensor> sampleWeights) {
    executor.syncWeights();
    if (pass.update() == null) {
      return executor.whileReading(() -> runPass(pass, inputs, targets, sampleWeights));
    }
    // A step and marking its variables as trained happen together, so that neither this model's
    // own push nor a publish nor close falls in between; and no prediction runs while the step
    // changes the variables. Only inside a training call (beginTraining), which makes this model
    // the only one training these weights.
    synchronized (executor) {
      executor.requireOpen();
      try {
        return executor.whileWriting(() -> runPass(pass, inputs, targets, sampleWeights));
      } finally {
        executor.markTrained(changedByStep); // a failed step may have changed some of them
      }
    }
  }

  /**
   * Begins a training call ({@code fit}, {@code train_on_batch}): until {@link #endTraining()},
   * no other model may train the weights a step here changes.
   *
   * @throws IllegalStateException if another model is training one of them
   */
  void beginTraining() {
    executor.beginTraining(changedByStep);
  }

  /** Ends a training call: publishes what it trained to the weights. */
  void endTraining() {
    executor.endTraining();
  }

  /** {@code sampleWeights}: {@code null} for none, or one per output ({@code null} for 1). */
  private double[][] runPass(Pass pass, List<? extends Tensor> inputs,
      List<? extends Tensor> targets, List<? extends Tensor> sampleWeights) {
    Session.Runner runner = executor.session().runner();
    Long newSeed = pass == train ? pendingBaseSeed : null;
    try (TInt64 seed = newSeed == null ? null : TInt64.scalarOf(newSeed)) {
      if (pass.update() != null) {
        if (optimizer.schedule() == null) { // a schedule's rate is computed in the step
          double rate = optimizer.learningRate();
          if (Double.compare(rate, pushedLearningRate) != 0) {
            try (TFloat32 value = TFloat32.scalarOf((float) rate)) {
              executor.session().runner().feed(learningRateValue, value)
                  .addTarget(learningRateAssign).run();
            }
            pushedLearningRate = rate;
          }
        }
        runner.addTarget(pass.update());
      }
      if (seed != null) {
        runner.feed(baseSeedFeed, seed).addTarget(baseSeedAssign);
      }
      for (int i = 0; i < inputs.size(); i++) {
        runner.feed(pass.inputs().get(i), inputs.get(i));
      }
      for (int i = 0; i < targets.size(); i++) {
        runner.feed(pass.targets().get(i), targets.get(i));
      }
      if (sampleWeights != null) {
        for (int i = 0; i < sampleWeights.size(); i++) {
          if (sampleWeights.get(i) != null) {
            runner.feed(pass.sampleWeights().get(i), sampleWeights.get(i));
          }
        }
      }
      pass.values().forEach(runner::fetch);
      double[][] values = new double[pass.values().size()][];
      try (Result result = runner.run()) {
        for (int i = 0; i < values.length; i++) {
          TFloat32 value = (TFloat32) result.get(i);
          values[i] = new double[(int) value.shape().size()];
          for (int j = 0; j < values[i].length; j++) {
            values[i][j] = value.shape().numDimensions() == 0 ? value.getFloat()
                : value.getFloat(j);
          }
        }
      }
      if (newSeed != null) {
        pushedBaseSeed = newSeed;
        pendingBaseSeed = null;
      }
      return values;
    }
  }

  /**
   * Sets {@code FitOptions.seed} for the random ops of the steps that follow (0 until set), at
   * a batch boundary.
   */
  void setBaseSeed(long seed) {
    pendingBaseSeed = seed == pushedBaseSeed ? null : seed;
  }

  /** The model's graph and session this training pass lives in. */
  Executor executor() {
    return executor;
  }

  /** The optimizer's slots by key, in creation order. */
  Map<String, Slot> slots() {
    return slots;
  }

  /** The current values of every slot, by key. */
  Map<String, float[]> slotValues() {
    Map<String, float[]> values = new LinkedHashMap<>();
    if (slots.isEmpty()) {
      return values;
    }
    Session.Runner runner = executor.session().runner();
    slots.values().forEach(slot -> runner.fetch(slot.read()));
    try (Result result = runner.run()) {
      int i = 0;
      for (String key : slots.keySet()) {
        TFloat32 tensor = (TFloat32) result.get(i++);
        float[] flat = new float[Math.toIntExact(tensor.shape().size())];
        tensor.copyTo(org.tensorflow.ndarray.NdArrays.wrap(tensor.shape(),
            org.tensorflow.ndarray.buffer.DataBuffers.of(flat, false, false)));
        values.put(key, flat);
      }
    }
    return values;
  }

  /** Sets a slot's values and the step count (a loaded model's optimizer state). */
  void restore(Map<String, float[]> values, long steps) {
    Ops tf = executor.ops().withSubScope("restore");
    for (Map.Entry<String, float[]> entry : values.entrySet()) {
      Slot slot = slots.get(entry.getKey());
      try (TFloat32 value = TFloat32.tensorOf(org.tensorflow.ndarray.NdArrays.wrap(slot.shape(),
          org.tensorflow.ndarray.buffer.DataBuffers.of(entry.getValue(), true, false)))) {
        Placeholder<TFloat32> feed = tf.placeholder(TFloat32.class,
            Placeholder.shape(slot.shape()));
        Op assign = tf.assignVariableOp(slot.handle(), feed);
        executor.session().runner().feed(feed, value).addTarget(assign).run();
      }
    }
    Op count = tf.assignVariableOp(iterationsHandle, tf.constant(steps));
    executor.session().runner().addTarget(count).run();
  }

  /** Keras's {@code optimizer.iterations}: the steps taken. */
  long iterations() {
    try (Result result = executor.session().runner().fetch(iterations).run()) {
      return ((TInt64) result.get(0)).getLong();
    }
  }
}
