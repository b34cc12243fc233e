package dev.lamina.samples.readme;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Sequential;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.reshaping.RepeatVector;
import dev.lamina.runtime.layers.rnn.LSTM;
import dev.lamina.runtime.train.Adam;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.Losses;
import dev.lamina.samples.ReverseTimeLayer;
import org.tensorflow.types.TFloat32;

/**
 * The README's "Sequence layers": Keras's number-addition model as the README shows it
 * ({@code NumberAddition} is the same model, wired for the main command and its test).
 */
public final class Sequences {

  private Sequences() {}

  /** Questions (batch, 5, 12) and answers (batch, 3, 12), one-hot; returns the trained model. */
  public static Sequential numberAddition(float[][][] xTrain, float[][][] yTrain,
      float[][][] xVal, float[][][] yVal) {
    // README: number-addition
    var model = Sequential.of(Input.of(TFloat32.class, 5, 12),
        ReverseTimeLayer.of(),
        LSTM.builder(128).seed(21L).build(),
        new RepeatVector(3),
        LSTM.builder(128).returnSequences(true).seed(22L).build(),
        Dense.builder(12).activation("softmax").seed(23).build());
    model.compile(new Adam(0.001), Losses.categoricalCrossentropy(), "accuracy");
    model.fit(xTrain, yTrain, new FitOptions().batchSize(32).epochs(30)
        .validationData(xVal, yVal).seed(0));
    // END README: number-addition
    return model;
  }
}
