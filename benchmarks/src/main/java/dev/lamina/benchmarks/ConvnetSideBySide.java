package dev.lamina.benchmarks;

import dev.lamina.runtime.Sequential;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.ndarray.FloatNdArray;

/**
 * {@link ConvNet} (Keras's MNIST convnet) with Lamina, written by hand in TensorFlow Java and in
 * Keras 3, timed in one run, alternating round by round so that the machine's noise hits all
 * three ({@link SideBySideRun}): predict at batch 1, 32 and 1,024 ({@link HandConvGraph}), fit at
 * batch 32 and 128 ({@link ConvnetTraining}). Keras runs in a Python process, {@code
 * tools/keras_convnet_timing.py} ({@link KerasTimingProcess}), fed the same weights, images and
 * training data through {@code .npz} files and checked against Lamina's outputs before anything
 * is timed. Never run by CI: only the {@code convnet} part of the benchmarks, given a Python with
 * TensorFlow and Keras.
 */
final class ConvnetSideBySide extends SideBySidePart {

  static final int[] BATCHES = {1, 32, 1024};

  private final Sequential lamina;
  private final HandConvGraph hand;
  private final ConvnetTraining training;

  ConvnetSideBySide(String pythonExe, Path script, double sampleSeconds) throws IOException {
    super("convnet", 2021, BATCHES, "%,.0f");
    ConvNet.Weights weights = ConvNet.Weights.seeded(ConvNet.WEIGHT_SEED);
    lamina = ConvNet.lamina(weights, ConvNet.DROPOUT);
    hand = new HandConvGraph(weights);
    training = new ConvnetTraining();
    Map<Integer, FloatNdArray> inputs = new LinkedHashMap<>();
    Npz predict = weights.npz();
    for (int batch : BATCHES) {
      FloatNdArray x = ConvNet.images(ConvNet.INPUT_SEED, batch);
      inputs.put(batch, x);
      predict.add("x" + batch, Npz.flat(x), batch, ConvNet.ROWS, ConvNet.COLS, 1);
      predict.add("y" + batch, Npz.flat(lamina.predict(x, batch)), batch, ConvNet.CLASSES);
    }
    predict.write(keras.file("predict.npz"));
    ConvnetTraining.Data data = training.data();
    ConvNet.Weights.seeded(ConvnetTraining.WEIGHT_SEED).npz()
        .add("x", data.x(), data.samples(), ConvNet.ROWS, ConvNet.COLS, 1)
        .add("y", data.y(), data.samples(), ConvNet.CLASSES)
        .write(keras.file("fit.npz"));

    keras.start(pythonExe, script, keras.file("predict.npz").toString(),
        keras.file("fit.npz").toString(), "--sample-seconds", Double.toString(sampleSeconds));
    // One warm-up epoch per fit configuration builds its training graph.
    begin(new SideBySideRun(keras, lamina, hand, inputs, sampleSeconds,
        training.sampler(), ConvnetTraining.BATCHES, 1));
  }

  /** Predict: Lamina, hand-written and Keras's fastest path by batch, with the ratios. */
  @Override
  String predictTable() {
    StringBuilder text = new StringBuilder("| batch | Lamina (µs) | hand-written (µs) "
        + "| Lamina / hand (target ≤ 1.05) | Keras's fastest path (µs) "
        + "| Keras fastest / Lamina |\n| ---: | ---: | ---: | ---: | --- | ---: |\n");
    for (int batch : BATCHES) {
      List<Double> l = tables.micros("lamina@" + batch);
      List<Double> h = tables.micros("hand@" + batch);
      text.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s |%n", batch,
          Stats.withQuartiles(l, "%,.0f"), Stats.withQuartiles(h, "%,.0f"),
          TrainBenchmark.ratio(l, h), tables.fastestPredictCell(batch, "%,.0f"),
          TrainBenchmark.ratio(tables.fastestPredictMicros(batch), l)));
    }
    return text.toString();
  }

  /**
   * Fit: Lamina, hand-written and Keras's faster fit by batch, with the ratios; then Keras's bare
   * training step ("train_step"), which is not {@code fit}.
   */
  @Override
  String fitTable() {
    StringBuilder text = new StringBuilder("| batch | Lamina fit (samples/s) "
        + "| hand-written loop (samples/s) | Lamina / hand | Keras fit, faster path (samples/s) "
        + "| Lamina / Keras (target ≥ 2) |\n| ---: | ---: | ---: | ---: | --- | ---: |\n");
    for (int batch : ConvnetTraining.BATCHES) {
      List<Double> l = tables.rates("fit:lamina@" + batch);
      List<Double> h = tables.rates("fit:hand@" + batch);
      text.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s |%n", batch,
          Stats.withQuartiles(l, "%,.0f"), Stats.withQuartiles(h, "%,.0f"),
          TrainBenchmark.ratio(l, h), tables.fastestFitCell(batch),
          TrainBenchmark.ratio(l, tables.fastestFitRates(batch))));
    }
    text.append(tables.kerasFitsParagraph(ConvnetTraining.BATCHES))
        .append("\nKeras's model under a bare `tf.function` training step (GradientTape, the "
            + "loss, Adam's apply; in-memory tensors, no `fit`), samples/s: ");
    List<String> parts = new java.util.ArrayList<>();
    for (int batch : ConvnetTraining.BATCHES) {
      List<Double> step = tables.rates("keras:train_step@" + batch);
      parts.add(String.format(Locale.ROOT, "at %d: %s, Lamina / it %s", batch,
          Stats.withQuartiles(step, "%,.0f"),
          TrainBenchmark.ratio(tables.rates("fit:lamina@" + batch), step)));
    }
    return text.append(String.join("; ", parts)).append('\n').toString();
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
