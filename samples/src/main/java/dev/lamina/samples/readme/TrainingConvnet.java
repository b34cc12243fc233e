package dev.lamina.samples.readme;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Sequential;
import dev.lamina.runtime.layers.convolutional.Conv2D;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.pooling.MaxPooling2D;
import dev.lamina.runtime.layers.regularization.Dropout;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.train.Adam;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.Losses;
import dev.lamina.samples.StandardizeLayer;
import java.util.Map;
import org.tensorflow.types.TFloat32;

/**
 * The README's "Training": Keras's simple MNIST convnet as the README shows it, compiled, trained
 * and evaluated ({@code DigitsConvnet} is the same model, seeded and wired for the main command
 * and the tests).
 */
public final class TrainingConvnet {

  private TrainingConvnet() {}

  /** Keras's simple MNIST convnet on 8×8×1 images and one-hot labels of 10 classes. */
  public static Map<String, Double> convnet(float[][][][] xTrain, float[][] yTrain,
      float[][][][] xTest, float[][] yTest) {
    // README: digits-convnet
    var model = Sequential.of(Input.of(TFloat32.class, 8, 8, 1),
        StandardizeLayer.of(),
        Conv2D.builder(32, 3).activation("relu").padding("same").seed(11).build(),
        new MaxPooling2D(2, 2),
        Conv2D.builder(64, 3).activation("relu").padding("same").seed(12).build(),
        new MaxPooling2D(2, 2),
        new Flatten(),
        new Dropout(0.5, 13),
        Dense.builder(10).activation("softmax").seed(14).build());
    model.compile(new Adam(0.001), Losses.categoricalCrossentropy(), "accuracy");
    model.fit(xTrain, yTrain, new FitOptions().batchSize(32).epochs(15).validationSplit(0.1));
    Map<String, Double> scores = model.evaluate(xTest, yTest);
    // END README: digits-convnet
    model.close();
    return scores;
  }
}
