package dev.lamina.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the side-by-side parts' tables share, over a {@link SideBySideRun}'s samples: times in
 * µs, Keras's fastest predict path and faster fit path by the median, every Keras predict path's
 * median (quartiles) by batch, and every Keras fit path's samples/s. Medians, quartiles and
 * ratios are {@link Stats#withQuartiles} and {@link TrainBenchmark#ratio}.
 */
final class SideBySideTables {

  /** The Keras script's predict paths, as it names them. */
  static final String[] KERAS_PATHS = {"model.predict", "model(x)", "tf.function",
      "tf.function(jit_compile=True)"};
  /** The Keras script's fit paths. */
  static final String[] KERAS_FITS = {"fit", "fit(jit_compile=True)"};

  private final Map<String, List<Double>> samples;

  SideBySideTables(Map<String, List<Double>> samples) {
    this.samples = samples;
  }

  /** The samples of {@code key} (seconds per call) in µs; none if there are none. */
  List<Double> micros(String key) {
    List<Double> us = new ArrayList<>();
    samples.getOrDefault(key, List.of()).forEach(s -> us.add(s * 1e6));
    return us;
  }

  /** The samples of {@code key} as they are (samples/s for fit). */
  List<Double> rates(String key) {
    return samples.get(key);
  }

  /** The Keras predict path with the lowest median time at {@code batch}. */
  String fastestPredict(int batch) {
    String fastest = KERAS_PATHS[0];
    for (String path : KERAS_PATHS) {
      if (Stats.median(micros("keras:" + path + "@" + batch))
          < Stats.median(micros("keras:" + fastest + "@" + batch))) {
        fastest = path;
      }
    }
    return fastest;
  }

  /** The Keras fit path with the highest median samples/s at {@code batch}. */
  String fastestFit(int batch) {
    String best = KERAS_FITS[0];
    for (String path : KERAS_FITS) {
      if (Stats.median(rates("keras:" + path + "@" + batch))
          > Stats.median(rates("keras:" + best + "@" + batch))) {
        best = path;
      }
    }
    return best;
  }

  /** Keras's fastest predict path's samples at {@code batch}, in µs. */
  List<Double> fastestPredictMicros(int batch) {
    return micros("keras:" + fastestPredict(batch) + "@" + batch);
  }

  /** "`path`: median (quartiles)" of Keras's fastest predict path at {@code batch}, in µs. */
  String fastestPredictCell(int batch, String format) {
    return "`" + fastestPredict(batch) + "`: "
        + Stats.withQuartiles(fastestPredictMicros(batch), format);
  }

  /** Keras's faster fit path's samples/s at {@code batch}. */
  List<Double> fastestFitRates(int batch) {
    return rates("keras:" + fastestFit(batch) + "@" + batch);
  }

  /** "`path`: median (quartiles)" of Keras's faster fit path's samples/s at {@code batch}. */
  String fastestFitCell(int batch) {
    return "`" + fastestFit(batch) + "`: " + Stats.withQuartiles(fastestFitRates(batch), "%,.0f");
  }

  /** The paragraph after a fit table: every Keras fit path's samples/s at each batch. */
  String kerasFitsParagraph(int[] batches) {
    return "\nKeras `fit` by path, samples/s, median (quartiles): "
        + String.join("; ", kerasFits(batches)) + ".\n";
  }

  /** Every Keras predict path's median (quartiles) at each of {@code batches}, for the record. */
  String kerasPathsTable(int[] batches, String format) {
    StringBuilder text = new StringBuilder("| Keras path |");
    for (int batch : batches) {
      text.append(String.format(Locale.ROOT, " batch %,d (µs) |", batch));
    }
    text.append("\n| --- |").append(" ---: |".repeat(batches.length)).append('\n');
    for (String path : KERAS_PATHS) {
      text.append("| `").append(path).append('`');
      for (int batch : batches) {
        text.append(" | ").append(Stats.withQuartiles(micros("keras:" + path + "@" + batch),
            format));
      }
      text.append(" |\n");
    }
    return text.toString();
  }

  /** "`path` at batch: median (quartiles)" of samples/s for every Keras fit path and batch. */
  private List<String> kerasFits(int[] batches) {
    List<String> parts = new ArrayList<>();
    for (String path : KERAS_FITS) {
      for (int batch : batches) {
        parts.add(String.format(Locale.ROOT, "`%s` at %d: %s", path, batch,
            Stats.withQuartiles(rates("keras:" + path + "@" + batch), "%,.0f")));
      }
    }
    return parts;
  }
}
