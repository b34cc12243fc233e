package dev.lamina.samples;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Sequential;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.regularization.Dropout;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.History;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.RmsProp;
import java.io.PrintStream;
import java.util.Map;
import org.tensorflow.types.TFloat32;

/**
 * Keras's antirectifier example, trained: two Dense(256) layers each followed by the
 * antirectifier lambda and Dropout(0.1), then Dense(10, softmax), with RMSprop and categorical
 * cross-entropy, on the 8×8 digits (the Keras example uses MNIST, which cannot ship here).
 */
public final class DigitsTraining {

  private DigitsTraining() {}

  /** The model, seeded so that every run starts from the same weights and dropout masks. */
  public static Sequential model() {
    return Sequential.of(Input.of(TFloat32.class, Digits.PIXELS),
        Dense.builder(256).seed(1).build(),
        AntirectifierLayer.of(),
        new Dropout(0.1, 3),
        Dense.builder(256).seed(2).build(),
        AntirectifierLayer.of(),
        new Dropout(0.1, 4),
        Dense.builder(Digits.CLASSES).activation("softmax").seed(5).build());
  }

  /** Keras's example: {@code batch_size=128}, {@code validation_split=0.15}; 40 epochs here. */
  public static FitOptions fitOptions(PrintStream out) {
    return new FitOptions().batchSize(128).epochs(40).validationSplit(0.15).seed(0).out(out);
  }

  /**
   * Compiles and trains the model on the standard split, printing Keras's epoch lines to
   * {@code out}, and returns the test set's loss and accuracy.
   */
  public static Map<String, Double> train(Sequential model, Digits data, PrintStream out) {
    model.compile(new RmsProp(0.001), Losses.categoricalCrossentropy(), "accuracy");
    History history = model.fit(data.xTrain(), data.yTrain(), fitOptions(out));
    if (history.epochs().isEmpty()) {
      throw new IllegalStateException("no epoch ran");
    }
    return model.evaluate(data.xTest(), data.yTest());
  }
}
