package dev.lamina.runtime.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keras's {@code compile} arguments for a model of one or several outputs: a loss for every
 * output or one per output (Keras's {@code loss={"price": "mse", "kind": ...}} or a list),
 * {@code loss_weights}, {@code metrics} and {@code weighted_metrics} for every output or per
 * output. Outputs are named as {@code model.nameOf(output layer)} names them (Keras's
 * {@code output_names}).
 *
 * <pre>{@code
 * model.compile(new CompileOptions(new Adam(1e-3))
 *     .loss("price", "mean_squared_error")
 *     .loss("kind", "sparse_categorical_crossentropy")
 *     .lossWeight("price", 1.0).lossWeight("kind", 0.2)
 *     .metricsFor("price", "mae")
 *     .metricsFor("kind", "accuracy")
 *     .weightedMetrics("accuracy"));
 * }</pre>
 *
 * <p>As in Keras, the total loss is the sum of each output's loss times its weight (1 unless
 * given), logged as {@code loss}, and each output's own unweighted loss is logged as
 * {@code <output>_loss} when there are several. {@code weighted_metrics} receive the sample
 * weights of {@code fit} and {@code evaluate} ({@link FitOptions#sampleWeight},
 * {@link FitOptions#classWeight}); {@code metrics} do not. A metric in both is logged the second
 * time as {@code weighted_<name>}.
 */
public final class CompileOptions {

  private final Optimizer optimizer;
  private Loss loss;
  private final Map<String, Loss> lossByOutput = new LinkedHashMap<>();
  /** Outputs given no loss (Keras's {@code None}), which fit does not train on. */
  private final java.util.Set<String> noLoss = new java.util.LinkedHashSet<>();
  private List<Loss> lossList;
  private final Map<String, Double> weightByOutput = new LinkedHashMap<>();
  private double[] weightList;
  private final List<Object> metrics = new ArrayList<>();
  private final Map<String, List<Object>> metricsByOutput = new LinkedHashMap<>();
  private final List<Object> weightedMetrics = new ArrayList<>();
  private final Map<String, List<Object>> weightedMetricsByOutput = new LinkedHashMap<>();

  /** Compiles with {@code optimizer}; a loss must follow. */
  public CompileOptions(Optimizer optimizer) {
    this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
  }

  /** Compiles with an optimizer by Keras's name ({@code "adam"}, {@code "rmsprop"}, ...). */
  public CompileOptions(String optimizer) {
    this(Optimizer.get(Objects.requireNonNull(optimizer, "optimizer")));
  }

  /** The same loss for every output (Keras's {@code loss="mse"}). */
  public CompileOptions loss(Loss loss) {
    requireNoPerOutputLoss();
    this.loss = Objects.requireNonNull(loss, "loss");
    return this;
  }

  /** The same loss for every output, by Keras's name. */
  public CompileOptions loss(String loss) {
    return loss(Losses.get(Objects.requireNonNull(loss, "loss")));
  }

  /** The loss of the output {@code output} (Keras's {@code loss={output: ...}}). */
  public CompileOptions loss(String output, Loss loss) {
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(loss, "loss");
    if (this.loss != null || lossList != null) {
      throw new IllegalStateException("a loss for every output is already set; give either one "
          + "loss, a list, or one per output name");
    }
    if (noLoss.contains(output) || lossByOutput.putIfAbsent(output, loss) != null) {
      throw new IllegalArgumentException("output '" + output + "' has a loss already");
    }
    return this;
  }

  /** The loss of the output {@code output}, by Keras's name. */
  public CompileOptions loss(String output, String loss) {
    return loss(output, Losses.get(Objects.requireNonNull(loss, "loss")));
  }

  /**
   * No loss for the output {@code output} (Keras's {@code loss={output: None}}): {@code fit}
   * takes no targets for it and does not train on it (an output for inference alone, such as
   * an attention map); it can have no metrics.
   */
  public CompileOptions noLoss(String output) {
    Objects.requireNonNull(output, "output");
    if (this.loss != null || lossList != null) {
      throw new IllegalStateException("a loss for every output is already set; give either one "
          + "loss, a list, or one per output name");
    }
    if (lossByOutput.containsKey(output) || !noLoss.add(output)) {
      throw new IllegalArgumentException("output '" + output + "' has a loss already");
    }
    return this;
  }

  /**
   * One loss per output in the model's output order (Keras's {@code loss=[...]}): each a
   * {@link Loss}, a Keras name, or {@code null} for no loss ({@link #noLoss}).
   */
  public CompileOptions losses(Object... perOutput) {
    requireNoPerOutputLoss();
    List<Loss> list = new ArrayList<>();
    for (Object each : perOutput) {
      if (each == null) {
        list.add(null);
      } else if (each instanceof Loss given) {
        list.add(given);
      } else if (each instanceof String name) {
        list.add(Losses.get(name));
      } else {
        throw new IllegalArgumentException("losses takes Loss objects, Keras loss names or null "
            + "(no loss), got " + each.getClass().getName());
      }
    }
    lossList = java.util.Collections.unmodifiableList(list);
    return this;
  }

  private void requireNoPerOutputLoss() {
    if (loss != null || lossList != null || !lossByOutput.isEmpty() || !noLoss.isEmpty()) {
      throw new IllegalStateException("the loss is already set; give either one loss, a list, "
          + "or one per output name");
    }
  }

  /** Keras's {@code loss_weights={output: weight}}: the output's loss counts {@code weight}x. */
  public CompileOptions lossWeight(String output, double weight) {
    Objects.requireNonNull(output, "output");
    if (weightList != null) {
      throw new IllegalStateException("loss weights are already given as a list");
    }
    requireFinite(weight, "loss weight of '" + output + "'");
    weightByOutput.put(output, weight);
    return this;
  }

  /** Keras's {@code loss_weights=[...]}: one weight per output, in the model's output order. */
  public CompileOptions lossWeights(double... perOutput) {
    if (!weightByOutput.isEmpty()) {
      throw new IllegalStateException("loss weights are already given by output name");
    }
    for (double weight : perOutput) {
      requireFinite(weight, "a loss weight");
    }
    weightList = perOutput.clone();
    return this;
  }

  private static void requireFinite(double value, String what) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(what + " must be a finite number, got " + value);
    }
  }

  /** Metrics by Keras's names for every output, logged {@code <output>_<name>} if several. */
  public CompileOptions metrics(String... names) {
    metrics.addAll(checked(names));
    return this;
  }

  /** Metric objects for every output (e.g. {@code Metrics.auc().curve("PR")}). */
  public CompileOptions metrics(Metric... metrics) {
    this.metrics.addAll(checked(metrics));
    return this;
  }

  /** Metrics of the output {@code output} (Keras's {@code metrics={output: [...]}}). */
  public CompileOptions metricsFor(String output, String... names) {
    return addFor(metricsByOutput, output, names);
  }

  /** Metric objects of the output {@code output}. */
  public CompileOptions metricsFor(String output, Metric... metrics) {
    return addFor(metricsByOutput, output, metrics);
  }

  /** Keras's {@code weighted_metrics} for every output: they receive the sample weights. */
  public CompileOptions weightedMetrics(String... names) {
    weightedMetrics.addAll(checked(names));
    return this;
  }

  /** Weighted metric objects for every output. */
  public CompileOptions weightedMetrics(Metric... metrics) {
    weightedMetrics.addAll(checked(metrics));
    return this;
  }

  /** Weighted metrics of the output {@code output}. */
  public CompileOptions weightedMetricsFor(String output, String... names) {
    return addFor(weightedMetricsByOutput, output, names);
  }

  /** Weighted metric objects of the output {@code output}. */
  public CompileOptions weightedMetricsFor(String output, Metric... metrics) {
    return addFor(weightedMetricsByOutput, output, metrics);
  }

  private CompileOptions addFor(Map<String, List<Object>> byOutput, String output,
      Object[] items) {
    byOutput.computeIfAbsent(Objects.requireNonNull(output, "output"), key -> new ArrayList<>())
        .addAll(checked(items));
    return this;
  }

  private static List<Object> checked(Object[] items) {
    for (Object item : items) {
      Objects.requireNonNull(item, "metric");
    }
    return Arrays.asList(items);
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  /**
   * The loss of each output, in {@code outputs}' order; {@code null} for an output given none.
   *
   * @throws IllegalArgumentException if no loss is given, a name is not an output's, or an
   *     output is left out
   */
  public List<Loss> lossesFor(List<String> outputs) {
    if (loss != null) {
      return Collections.nCopies(outputs.size(), loss);
    }
    List<Loss> list;
    if (lossList != null) {
      if (lossList.size() != outputs.size()) {
        throw new IllegalArgumentException("losses gives " + lossList.size() + " losses for "
            + outputs.size() + " outputs " + outputs);
      }
      list = lossList;
    } else {
      if (lossByOutput.isEmpty() && noLoss.isEmpty()) {
        throw new IllegalArgumentException("compile needs a loss: loss(\"mse\") for every "
            + "output, or loss(output, ...) for each of " + outputs);
      }
      requireOutputs(lossByOutput.keySet(), outputs, "loss");
      requireOutputs(noLoss, outputs, "noLoss");
      list = new ArrayList<>();
      for (String output : outputs) {
        Loss each = lossByOutput.get(output);
        if (each == null && !noLoss.contains(output)) {
          // Keras: the loss dict's keys must be the output names.
          throw new IllegalArgumentException("output '" + output + "' has no loss; Keras "
              + "expects one for each of " + outputs + ": add loss(\"" + output + "\", ...), "
              + "or noLoss(\"" + output + "\") to leave it untrained");
        }
        list.add(each);
      }
    }
    if (list.stream().allMatch(Objects::isNull)) {
      throw new IllegalArgumentException("compile needs a loss for at least one of the outputs "
          + outputs);
    }
    return list;
  }

  /**
   * Each output's loss weight in {@code outputs}' order, or {@code null} if none are given (no
   * weighting); an output left out of the weights by name counts once.
   */
  public double[] lossWeightsFor(List<String> outputs) {
    if (weightList != null) {
      if (weightList.length != outputs.size()) {
        // Keras: "`loss_weights` must match the number of losses".
        throw new IllegalArgumentException("lossWeights gives " + weightList.length
            + " weights for " + outputs.size() + " outputs " + outputs);
      }
      return weightList.clone();
    }
    if (weightByOutput.isEmpty()) {
      return null;
    }
    requireOutputs(weightByOutput.keySet(), outputs, "lossWeight");
    double[] weights = new double[outputs.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = weightByOutput.getOrDefault(outputs.get(i), 1.0);
    }
    return weights;
  }

  /** Each output's metrics (names or {@link Metric}s), in {@code outputs}' order. */
  public List<List<Object>> metricsFor(List<String> outputs) {
    return perOutput(metrics, metricsByOutput, outputs, "metricsFor");
  }

  /** Each output's weighted metrics (names or {@link Metric}s), in {@code outputs}' order. */
  public List<List<Object>> weightedMetricsFor(List<String> outputs) {
    return perOutput(weightedMetrics, weightedMetricsByOutput, outputs, "weightedMetricsFor");
  }

  private static List<List<Object>> perOutput(List<Object> all, Map<String, List<Object>> byOutput,
      List<String> outputs, String method) {
    requireOutputs(byOutput.keySet(), outputs, method);
    List<List<Object>> result = new ArrayList<>();
    for (String output : outputs) {
      List<Object> each = new ArrayList<>(all);
      each.addAll(byOutput.getOrDefault(output, List.of()));
      result.add(each);
    }
    return result;
  }

  private static void requireOutputs(java.util.Set<String> named, List<String> outputs,
      String method) {
    for (String name : named) {
      if (!outputs.contains(name)) {
        throw new IllegalArgumentException(method + "(\"" + name + "\", ...): the model has no "
            + "output '" + name + "'; its outputs are " + outputs);
      }
    }
  }
}
