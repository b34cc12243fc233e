package dev.lamina.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Medians and quartiles of repeated samples, as the tables report them. */
final class Stats {

  private Stats() {}

  static double median(List<Double> values) {
    return quantile(values, 0.5);
  }

  /** The {@code q}-quantile, interpolating linearly between order statistics. */
  static double quantile(List<Double> values, double q) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    double at = q * (sorted.length - 1);
    int low = (int) Math.floor(at);
    int high = Math.min(sorted.length - 1, low + 1);
    return sorted[low] + (at - low) * (sorted[high] - sorted[low]);
  }

  /** "median (q1–q3)" with {@code format} for each. */
  static String withQuartiles(List<Double> values, String format) {
    return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", median(values),
        quantile(values, 0.25), quantile(values, 0.75));
  }
}
