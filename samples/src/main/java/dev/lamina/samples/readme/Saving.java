package dev.lamina.samples.readme;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.train.FitOptions;
import java.io.IOException;
import java.nio.file.Path;

/** The README's "Saving and loading". */
public final class Saving {

  private Saving() {}

  /**
   * Saves the compiled {@code model} (trained for 40 epochs) to {@code digits.lamina} in the working
   * directory and resumes its training to epoch 60 from the file; copies its weights to {@code
   * other} through {@code path}; returns the model read back from its bytes.
   */
  public static Model saveAndLoad(Model model, Model other, Path path, float[][] xTrain,
      float[][] yTrain) throws IOException {
    // README: saving
    model.save(Path.of("digits.lamina"));              // Keras: model.save("digits.keras")
    try (Model again = Model.load(Path.of("digits.lamina"))) {   // keras.models.load_model(...)
      again.fit(xTrain, yTrain, new FitOptions().initialEpoch(40).epochs(60));   // resumes
    }
    model.saveWeights(path);  other.loadWeights(path);  // Keras's save_weights / load_weights
    byte[] bytes = model.toBytes();  Model copy = Model.load(bytes);   // or Model.load(inputStream)
    // END README: saving
    return copy;
  }
}
