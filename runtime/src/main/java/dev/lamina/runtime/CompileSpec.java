package dev.lamina.runtime;

import dev.lamina.runtime.train.CompileOptions;
import dev.lamina.runtime.train.Loss;
import dev.lamina.runtime.train.Metric;
import dev.lamina.runtime.train.Metrics;
import dev.lamina.runtime.train.Optimizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.Shape;

/**
 * A compile resolved against a model's outputs: each output's loss, loss weight, metrics and
 * weighted metrics, the names Keras logs them by, and the configuration a model file keeps.
 * The outputs with a loss are the <em>targets</em>: {@code fit} takes targets {@code y} for
 * those alone (Keras's {@code None} loss leaves an output untrained), in output order.
 */
final class CompileSpec {

  /** One metric of one target (an index among {@link #targets()}), and whether it is weighted. */
  record MetricSlot(int target, Metric metric, boolean weighted) {}

  private final Optimizer optimizer;
  private final List<String> outputNames;
  private final List<Integer> targets;
  private final List<Loss> losses;
  private final double[] lossWeights;
  private final List<MetricSlot> metrics;
  private final List<String> logNames;
  private final Map<String, Object> fileConfig;

  private CompileSpec(Optimizer optimizer, List<String> outputNames, List<Integer> targets,
      List<Loss> losses, double[] lossWeights, List<MetricSlot> metrics,
      Map<String, Object> fileConfig) {
    this.optimizer = optimizer;
    this.outputNames = List.copyOf(outputNames);
    this.targets = List.copyOf(targets);
    this.losses = List.copyOf(losses);
    this.lossWeights = lossWeights;
    this.metrics = List.copyOf(metrics);
    this.fileConfig = fileConfig;
    this.logNames = List.copyOf(logNames(outputNames, targets, metrics));
  }

  static CompileSpec of(CompileOptions options, List<String> outputNames,
      List<SymbolicTensor<?>> outputs) {
    List<Loss> perOutput = options.lossesFor(outputNames);
    double[] perOutputWeights = options.lossWeightsFor(outputNames);
    List<Integer> targets = new ArrayList<>();
    List<Loss> losses = new ArrayList<>();
    for (int i = 0; i < perOutput.size(); i++) {
      if (perOutput.get(i) != null) {
        targets.add(i);
        losses.add(perOutput.get(i));
      }
    }
    double[] weights = null;
    if (perOutputWeights != null) {
      weights = new double[targets.size()];
      for (int k = 0; k < weights.length; k++) {
        weights[k] = perOutputWeights[targets.get(k)];
      }
    }
    List<List<Object>> plain = options.metricsFor(outputNames);
    List<List<Object>> weighted = options.weightedMetricsFor(outputNames);
    List<MetricSlot> metrics = new ArrayList<>();
    for (boolean isWeighted : new boolean[] {false, true}) {
      List<List<Object>> given = isWeighted ? weighted : plain;
      for (int i = 0; i < outputNames.size(); i++) {
        if (given.get(i).isEmpty()) {
          continue;
        }
        int target = targets.indexOf(i);
        if (target < 0) {
          throw new IllegalArgumentException("output '" + outputNames.get(i) + "' has no loss, "
              + "so fit takes no targets for it and its metrics " + given.get(i) + " have "
              + "nothing to compare with; give it a loss, or its metrics to another output");
        }
        Shape shape = outputs.get(i).shape();
        long units = shape.numDimensions() < 2 ? 1 : shape.get(shape.numDimensions() - 1);
        for (Object metric : given.get(i)) {
          metrics.add(new MetricSlot(target, metric instanceof Metric object ? object
              : Metrics.get((String) metric, perOutput.get(i), units), isWeighted));
        }
      }
    }
    return new CompileSpec(options.optimizer(), outputNames, targets, losses, weights, metrics,
        fileConfig(outputNames, perOutput, perOutputWeights, plain, weighted));
  }

  /**
   * Keras's log names: {@code loss}, each output's {@code <output>_loss} if several, then the
   * metrics, {@code <output>_<name>} if several outputs; a name taken already gets {@code _1},
   * {@code _2}, ..., and a weighted metric's {@code weighted_} first (Keras's
   * {@code CompileMetrics.result}).
   */
  private static List<String> logNames(List<String> outputNames, List<Integer> targets,
      List<MetricSlot> metrics) {
    List<String> names = new ArrayList<>();
    names.add("loss");
    if (targets.size() > 1) { // Keras: a tracker per loss when there are several
      targets.forEach(output -> names.add(outputNames.get(output) + "_loss"));
    }
    boolean several = outputNames.size() > 1;
    Map<String, Integer> counters = new HashMap<>();
    for (MetricSlot slot : metrics) {
      String prefix = several ? outputNames.get(targets.get(slot.target())) + "_" : "";
      String name = prefix + slot.metric().name();
      if (counters.containsKey(name)) {
        if (slot.weighted()) {
          name = prefix + "weighted_" + slot.metric().name();
        }
        if (counters.containsKey(name)) {
          int index = counters.get(name);
          counters.put(name, index + 1);
          name = name + "_" + index;
        }
      }
      counters.putIfAbsent(name, 1);
      names.add(name);
    }
    return names;
  }

  /**
   * What a model file keeps, Keras's compile arguments: {@code loss} (one, or one per output,
   * {@code null} for an output without), {@code loss_weights} if given, {@code metrics} and
   * {@code weighted_metrics} (one list for every output, or per output name); {@code null} when
   * a metric is the user's.
   */
  private static Map<String, Object> fileConfig(List<String> outputNames, List<Loss> losses,
      double[] weights, List<List<Object>> plain, List<List<Object>> weighted) {
    Map<String, Object> config = new LinkedHashMap<>();
    List<Object> lossEntries = new ArrayList<>();
    for (Loss loss : losses) {
      if (loss == null) {
        lossEntries.add(null);
        continue;
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", loss.name());
      entry.put("from_logits", loss.fromLogits());
      lossEntries.add(entry);
    }
    config.put("loss", lossEntries.stream().distinct().count() == 1 && lossEntries.get(0) != null
        ? lossEntries.get(0) : lossEntries);
    if (weights != null) {
      List<Double> list = new ArrayList<>();
      for (double weight : weights) {
        list.add(weight);
      }
      config.put("loss_weights", list);
    }
    Object metrics = metricsConfig(outputNames, plain);
    Object weightedMetrics = metricsConfig(outputNames, weighted);
    if (metrics == null || weightedMetrics == null) {
      return null;
    }
    config.put("metrics", metrics);
    if (!(weightedMetrics instanceof List<?> list && list.isEmpty())) {
      config.put("weighted_metrics", weightedMetrics);
    }
    return config;
  }

  /** One list if every output has the same metrics, else a map by output; null if unsaveable. */
  private static Object metricsConfig(List<String> outputNames, List<List<Object>> perOutput) {
    List<List<Object>> saved = new ArrayList<>();
    for (List<Object> metrics : perOutput) {
      List<Object> entries = new ArrayList<>();
      for (Object metric : metrics) {
        if (metric instanceof String name) {
          entries.add(name);
        } else if (((Metric) metric).className() != null) {
          Metric object = (Metric) metric;
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("class_name", object.className());
          entry.put("config", new LinkedHashMap<>(object.config()));
          entries.add(entry);
        } else {
          return null; // one of the user's: the file keeps no compile configuration
        }
      }
      saved.add(entries);
    }
    if (saved.stream().distinct().count() <= 1) {
      return saved.isEmpty() ? List.of() : saved.get(0);
    }
    Map<String, Object> byOutput = new LinkedHashMap<>();
    for (int i = 0; i < outputNames.size(); i++) {
      if (!saved.get(i).isEmpty()) {
        byOutput.put(outputNames.get(i), saved.get(i));
      }
    }
    return byOutput;
  }

  Optimizer optimizer() {
    return optimizer;
  }

  List<String> outputNames() {
    return outputNames;
  }

  /** The indices of the outputs with a loss, which {@code fit} takes targets for. */
  List<Integer> targets() {
    return targets;
  }

  /** The names of the outputs with a loss. */
  List<String> targetNames() {
    return targets.stream().map(outputNames::get).toList();
  }

  /** Each target's loss. */
  List<Loss> losses() {
    return losses;
  }

  /** Each target's loss weight, or {@code null} for none (each counts once). */
  double[] lossWeights() {
    return lossWeights == null ? null : lossWeights.clone();
  }

  /** The metrics in log order: the unweighted ones by target, then the weighted ones. */
  List<MetricSlot> metrics() {
    return metrics;
  }

  /** The names of what a step returns: loss, per-output losses if several, metrics. */
  List<String> logNames() {
    return logNames;
  }

  /** Keras's compile arguments as a model file keeps them; {@code null} if it cannot. */
  Map<String, Object> fileConfig() {
    return fileConfig;
  }
}
