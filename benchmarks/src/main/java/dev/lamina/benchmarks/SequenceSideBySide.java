package dev.lamina.benchmarks;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.Sequential;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.attention.MultiHeadAttention;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.core.Embedding;
import dev.lamina.runtime.layers.merging.Add;
import dev.lamina.runtime.layers.normalization.LayerNormalization;
import dev.lamina.runtime.layers.pooling.GlobalAveragePooling1D;
import dev.lamina.runtime.layers.rnn.LSTM;
import dev.lamina.runtime.train.Adam;
import dev.lamina.runtime.train.Losses;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Two sequence models with Lamina's runtime layers and in Keras 3, timed in one run, alternating
 * round by round ({@link SideBySideRun}): an LSTM text classifier and a transformer block
 * ({@link Kind}), on token sequences of {@link #LENGTH} from a vocabulary of {@link #VOCABULARY}.
 * Predict at batch 1, 32 and 256; fit at batch 32 (Adam's defaults, binary cross-entropy, one
 * epoch of {@link #SAMPLES} sequences per call). Keras runs in {@code
 * tools/keras_sequence_timing.py} ({@link KerasTimingProcess}), fed Lamina's initial weights,
 * the inputs and the training data through {@code .npz} files, and checked against Lamina's
 * outputs before anything is timed. There is no hand-written TensorFlow Java twin here: the
 * tables set Lamina against Keras's fastest predict path and faster {@code fit} only. Never run
 * by CI: only the {@code sequence} part of the benchmarks, given a Python with Keras.
 */
final class SequenceSideBySide extends SideBySidePart {

  static final int LENGTH = 40;
  static final int VOCABULARY = 1000;
  static final int WIDTH = 32;
  static final int SAMPLES = 1024;
  static final int[] BATCHES = {1, 32, 256};
  static final int[] FIT_BATCHES = {32};
  static final long INPUT_SEED = 0x5eed_0061L;
  static final long DATA_SEED = 0x5eed_0062L;

  /** The two models, each built anew with Lamina's layers (fresh initial weights). */
  enum Kind {
    /** Embedding(1000, 32) → LSTM(64) → Dense(1, sigmoid). */
    LSTM_CLASSIFIER("lstm", "An LSTM text classifier: Embedding(1000, 32) → LSTM(64) → "
        + "Dense(1, sigmoid), length 40", () -> Sequential.of(Input.of(TInt32.class, LENGTH),
            new Embedding(VOCABULARY, WIDTH), new LSTM(64), new Dense(1, "sigmoid"))),
    /**
     * Embedding(1000, 32) → x + MultiHeadAttention(2 heads, key_dim 16)(x, x) →
     * LayerNormalization → x + Dense(32)(Dense(64, relu)(x)) → LayerNormalization →
     * GlobalAveragePooling1D → Dense(1, sigmoid).
     */
    TRANSFORMER_BLOCK("transformer", "A transformer block: Embedding(1000, 32) → "
        + "MultiHeadAttention(2 heads, key_dim 16) + Add + LayerNormalization → Dense(64, relu) "
        + "→ Dense(32) + Add + LayerNormalization → GlobalAveragePooling1D → Dense(1, sigmoid), "
        + "length 40", Kind::transformer);

    final String script;
    final String title;
    private final Supplier<Model> build;

    Kind(String script, String title, Supplier<Model> build) {
      this.script = script;
      this.title = title;
      this.build = build;
    }

    Model build() {
      return build.get();
    }

    private static Model transformer() {
      SymbolicTensor<TInt32> ids = Input.of(TInt32.class, LENGTH);
      SymbolicTensor<TFloat32> x = new Embedding(VOCABULARY, WIDTH).apply(ids);
      x = new LayerNormalization().apply(new Add().apply(x,
          new MultiHeadAttention(2, 16).apply(x, x)));
      SymbolicTensor<TFloat32> fed = new Dense(WIDTH).apply(new Dense(64, "relu").apply(x));
      x = new LayerNormalization().apply(new Add().apply(x, fed));
      x = new GlobalAveragePooling1D().apply(x);
      return Model.of(ids, new Dense(1, "sigmoid").apply(x));
    }
  }

  private final Kind kind;
  private final Model lamina;
  private final Model trainer;

  SequenceSideBySide(Kind kind, String pythonExe, Path script, double sampleSeconds)
      throws IOException {
    super("sequence-" + kind.script, 2022, BATCHES, "%,.0f");
    this.kind = kind;
    lamina = kind.build();
    trainer = kind.build();
    Map<String, Runnable> predicts = new LinkedHashMap<>();
    Npz predict = weights(lamina);
    SplittableRandom tokens = new SplittableRandom(INPUT_SEED);
    for (int batch : BATCHES) {
      int[] ids = tokens(tokens, batch);
      IntNdArray x = NdArrays.wrap(Shape.of(batch, LENGTH), DataBuffers.of(ids, true, false));
      List<IntNdArray> data = List.of(x);
      predicts.put("lamina@" + batch, () -> lamina.predict(data, batch));
      NdArray<?> y = lamina.predict(data, batch).get(0);
      predict.add("x" + batch, floats(ids), batch, LENGTH)
          .add("y" + batch, Npz.flat((FloatNdArray) y), batch, 1);
    }
    predict.write(keras.file("predict.npz"));

    SplittableRandom random = new SplittableRandom(DATA_SEED);
    int[] ids = tokens(random, SAMPLES);
    float[] labels = new float[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      labels[i] = random.nextInt(2);
    }
    weights(trainer).add("x", floats(ids), SAMPLES, LENGTH).add("y", labels, SAMPLES, 1)
        .write(keras.file("fit.npz"));
    trainer.compile(new Adam(), Losses.binaryCrossentropy());
    FitSampler fit = new FitSampler(trainer,
        NdArrays.wrap(Shape.of(SAMPLES, LENGTH), DataBuffers.of(ids, true, false)),
        NdArrays.wrap(Shape.of(SAMPLES, 1), DataBuffers.of(labels, true, false)), SAMPLES, null);

    keras.start(pythonExe, script, kind.script, keras.file("predict.npz").toString(),
        keras.file("fit.npz").toString(), "--sample-seconds", Double.toString(sampleSeconds));
    // One warm-up epoch builds the training graph.
    begin(new SideBySideRun(keras, predicts, sampleSeconds, fit,
        SideBySideRun.configs(List.of("lamina"), FIT_BATCHES), 1));
  }

  /** {@code model}'s weights as w0, w1, ... in Keras's get_weights order and shapes. */
  private static Npz weights(Model model) {
    Npz npz = new Npz();
    List<FloatNdArray> weights = model.getWeights();
    for (int i = 0; i < weights.size(); i++) {
      npz.add("w" + i, Npz.flat(weights.get(i)), weights.get(i).shape().asArray());
    }
    return npz;
  }

  /** {@code n} sequences of {@link #LENGTH} token ids in [1, {@link #VOCABULARY}). */
  private static int[] tokens(SplittableRandom random, int n) {
    int[] ids = new int[n * LENGTH];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = random.nextInt(1, VOCABULARY);
    }
    return ids;
  }

  private static float[] floats(int[] ids) {
    float[] values = new float[ids.length];
    for (int i = 0; i < ids.length; i++) {
      values[i] = ids[i];
    }
    return values;
  }

  /** The model, for the tables' heading. */
  String title() {
    return kind.title;
  }

  /** Predict: Lamina and Keras's fastest path by batch, with the ratio. */
  @Override
  String predictTable() {
    StringBuilder text = new StringBuilder("| batch | Lamina (µs) | Keras's fastest path (µs) "
        + "| Keras fastest / Lamina |\n| ---: | ---: | --- | ---: |\n");
    for (int batch : BATCHES) {
      List<Double> l = tables.micros("lamina@" + batch);
      text.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s |%n", batch,
          Stats.withQuartiles(l, "%,.0f"), tables.fastestPredictCell(batch, "%,.0f"),
          TrainBenchmark.ratio(tables.fastestPredictMicros(batch), l)));
    }
    return text.toString();
  }

  /** Fit: Lamina and Keras's faster fit by batch, with the ratio; then every Keras fit path. */
  @Override
  String fitTable() {
    StringBuilder text = new StringBuilder("| batch | Lamina fit (samples/s) "
        + "| Keras fit, faster path (samples/s) | Lamina / Keras |\n| ---: | ---: | --- | ---: |\n");
    for (int batch : FIT_BATCHES) {
      List<Double> l = tables.rates("fit:lamina@" + batch);
      text.append(String.format(Locale.ROOT, "| %d | %s | %s | %s |%n", batch,
          Stats.withQuartiles(l, "%,.0f"), tables.fastestFitCell(batch),
          TrainBenchmark.ratio(l, tables.fastestFitRates(batch))));
    }
    return text.append(tables.kerasFitsParagraph(FIT_BATCHES)).toString();
  }

  @Override
  void closeModels() {
    try {
      lamina.close();
    } finally {
      trainer.close();
    }
  }
}
