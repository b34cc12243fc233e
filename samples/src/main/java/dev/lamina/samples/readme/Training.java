package dev.lamina.samples.readme;

// README: digits-antirectifier
import dev.lamina.runtime.Input;
import dev.lamina.runtime.Sequential;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.regularization.Dropout;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.RmsProp;
import dev.lamina.samples.AntirectifierLayer;
import java.util.Map;
import org.tensorflow.types.TFloat32;
// END README: digits-antirectifier

/**
 * The README's "Training": Keras's antirectifier example as the README shows it, compiled, trained
 * and evaluated ({@code DigitsTraining} is the same model, seeded and wired for the main command
 * and the tests).
 */
public final class Training {

  private Training() {}

  /** Keras's antirectifier example on rows of 64 pixels and one-hot labels of 10 classes. */
  public static Map<String, Double> antirectifier(float[][] xTrain, float[][] yTrain,
      float[][] xTest, float[][] yTest) {
    // README: digits-antirectifier
    var model = Sequential.of(Input.of(TFloat32.class, 64),
        Dense.builder(256).seed(1).build(), AntirectifierLayer.of(), new Dropout(0.1, 3),
        Dense.builder(256).seed(2).build(), AntirectifierLayer.of(), new Dropout(0.1, 4),
        Dense.builder(10).activation("softmax").seed(5).build());
    model.compile(new RmsProp(0.001), Losses.categoricalCrossentropy(), "accuracy");
    model.fit(xTrain, yTrain, new FitOptions().batchSize(128).epochs(40).validationSplit(0.15));
    Map<String, Double> scores = model.evaluate(xTest, yTest);   // {loss=..., accuracy=...}
    // END README: digits-antirectifier
    model.close();
    return scores;
  }
}
