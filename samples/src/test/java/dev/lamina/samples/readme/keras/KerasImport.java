package dev.lamina.samples.readme.keras;

// README: load-keras
import dev.lamina.keras.KerasModels;
import dev.lamina.keras.LambdaBindings;
import dev.lamina.runtime.Model;
import java.io.IOException;
import java.nio.file.Path;
// END README: load-keras

/**
 * The README's "Bringing a Keras model to Java": the one call that loads, for {@code .keras} and
 * {@code .h5} files in the working directory ({@code ReadmeFileSnippets} runs them on the Keras
 * importer's fixtures).
 */
public final class KerasImport {

  private KerasImport() {}

  /** The slice model's prediction for {@code xTest}, and the square model, from .keras files. */
  public static Model keras(float[][][] xTest) throws IOException {
    // README: load-keras
    try (Model model = KerasModels.load(Path.of("slice.keras"), LambdaBindings.of()
            .bind("slice", args -> SliceLayer.of(args.requireInt("index"))))) {
      float[][][][] y = model.predict(xTest, float[][][][].class);
    }

    Model square = KerasModels.load(Path.of("square.keras"),
        LambdaBindings.of().bind("lambda", args -> SquareLayer.of()));
    // END README: load-keras
    return square;
  }

  /** The same from the legacy .h5 files. */
  public static Model h5(float[][][] xTest) throws IOException {
    // README: load-h5
    try (Model model = KerasModels.load(Path.of("slice.h5"), LambdaBindings.of()
            .bind("slice", args -> SliceLayer.of(args.requireInt("index"))))) {
      float[][][][] y = model.predict(xTest, float[][][][].class);
    }

    Model square = KerasModels.load(Path.of("square.h5"),
        LambdaBindings.of().bind("lambda", args -> SquareLayer.of()));
    // END README: load-h5
    return square;
  }
}
