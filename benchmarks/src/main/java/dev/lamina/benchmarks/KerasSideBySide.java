package dev.lamina.benchmarks;

import dev.lamina.benchmarks.AntirectifierNet.Weights;
import dev.lamina.runtime.Sequential;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.ndarray.FloatNdArray;

/**
 * Lamina, the hand-written TensorFlow Java graph and Keras 3 timed in one run, alternating round
 * by round so that the machine's noise hits all three ({@link SideBySideRun}): predict of {@link
 * AntirectifierNet} (784 features) at batch 1, 32 and 1,024, and training of {@link
 * TrainBenchmark}'s digits model at batch 32 and 256. Keras runs in a Python process that {@code
 * tools/keras_predict_timing.py --serve} keeps open ({@link KerasTimingProcess}), fed the same
 * weights, inputs and training data through {@code .npz} files, and checked against Lamina's
 * outputs before anything is timed. Never run by CI: only the {@code keras} part of the
 * benchmarks, given a Python with TensorFlow and Keras.
 */
final class KerasSideBySide extends SideBySidePart {

  private final Sequential lamina;
  private final HandGraph hand;
  private final TrainBenchmark training;

  KerasSideBySide(String pythonExe, Path script, double sampleSeconds) throws IOException {
    super("keras", 1024, SessionConfigs.BATCHES, "%.0f");
    Weights weights = Weights.seeded(AntirectifierNet.WEIGHT_SEED);
    lamina = AntirectifierNet.lamina(weights);
    hand = new HandGraph(weights);
    training = new TrainBenchmark();
    Map<Integer, FloatNdArray> inputs = new LinkedHashMap<>();
    Npz predict = weightsNpz(weights);
    for (int batch : SessionConfigs.BATCHES) {
      FloatNdArray x = AntirectifierNet.rows(AntirectifierNet.INPUT_SEED, batch);
      inputs.put(batch, x);
      predict.add("x" + batch, Npz.flat(x), batch, AntirectifierNet.FEATURES);
      predict.add("y" + batch, Npz.flat(lamina.predict(x, batch)), batch,
          AntirectifierNet.CLASSES);
    }
    predict.write(keras.file("predict.npz"));
    TrainBenchmark.Data data = training.data();
    weightsNpz(Weights.seeded(TrainBenchmark.WEIGHT_SEED, TrainBenchmark.FEATURES))
        .add("x", data.x(), data.samples(), data.features())
        .add("y", data.y(), data.samples(), AntirectifierNet.CLASSES)
        .write(keras.file("fit.npz"));

    keras.start(pythonExe, script, "--serve", keras.file("predict.npz").toString(),
        keras.file("fit.npz").toString(), "--sample-seconds", Double.toString(sampleSeconds));
    begin(new SideBySideRun(keras, lamina, hand, inputs, sampleSeconds,
        training.sampler(), TrainBenchmark.BATCHES, 2));
  }

  private static Npz weightsNpz(Weights w) {
    return new Npz().add("kernel1", w.kernel1()).add("bias1", w.bias1(), w.bias1().length)
        .add("kernel2", w.kernel2()).add("bias2", w.bias2(), w.bias2().length)
        .add("kernel3", w.kernel3()).add("bias3", w.bias3(), w.bias3().length);
  }

  /** Predict: Lamina, hand-written and Keras's paths by batch, with the ratios. */
  @Override
  String predictTable() {
    StringBuilder text = new StringBuilder("| batch | Lamina (µs) | hand-written (µs) "
        + "| Lamina / hand | Keras's fastest path (µs) | Keras `model.predict` (µs) "
        + "| Keras fastest / Lamina | target |\n"
        + "| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |\n");
    for (int batch : SessionConfigs.BATCHES) {
      List<Double> l = tables.micros("lamina@" + batch);
      List<Double> h = tables.micros("hand@" + batch);
      text.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s | %s | %s |%n",
          batch, Stats.withQuartiles(l, "%.0f"), Stats.withQuartiles(h, "%.0f"),
          TrainBenchmark.ratio(l, h), tables.fastestPredictCell(batch, "%.0f"),
          Stats.withQuartiles(tables.micros("keras:model.predict@" + batch), "%.0f"),
          TrainBenchmark.ratio(tables.fastestPredictMicros(batch), l),
          batch == 1024 ? "≥ 1.3×" : "≥ 3×"));
    }
    return text.toString();
  }

  /** Fit: Lamina, hand-written and Keras's faster fit by batch. */
  @Override
  String fitTable() {
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    for (int batch : TrainBenchmark.BATCHES) {
      rates.put("lamina@" + batch, tables.rates("fit:lamina@" + batch));
      rates.put("hand@" + batch, tables.rates("fit:hand@" + batch));
      rates.put("keras@" + batch, tables.fastestFitRates(batch));
    }
    return TrainBenchmark.table(rates) + tables.kerasFitsParagraph(TrainBenchmark.BATCHES);
  }

  @Override
  void closeModels() {
    try {
      lamina.close();
    } finally {
      hand.close();
      training.close();
    }
  }
}
