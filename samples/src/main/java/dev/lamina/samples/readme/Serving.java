package dev.lamina.samples.readme;

// README: serving
import dev.lamina.runtime.serving.ServingSignature;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.samples.Tutorial;
import java.io.IOException;
import java.nio.file.Path;
// END README: serving

/** The README's "Serving with TensorFlow Serving": a trained model exported as a SavedModel. */
public final class Serving {

  private Serving() {}

  /**
   * Trains the tutorial's antirectifier classifier on {@code x} (batch, 8) and one-hot {@code y}
   * (batch, 3) and exports it to {@code models/antirectifier/1} in the working directory.
   */
  public static ServingSignature export(float[][] x, float[][] y) throws IOException {
    ServingSignature exported;
    // README: serving
    try (var model = Tutorial.antirectifierModel()) {     // any Model or Sequential
      model.compile("rmsprop", "categorical_crossentropy", "accuracy");
      model.fit(x, y, new FitOptions().epochs(4));
      ServingSignature signature = model.exportSavedModel(Path.of("models/antirectifier/1"));
      System.out.println(signature);  // ServingSignature[tag=serve, key=serving_default, inputs=[input], outputs=[dense_1]]
      // END README: serving
      exported = signature;
    // README: serving
    }
    // END README: serving
    return exported;
  }
}
