package dev.lamina.samples;

import dev.lamina.plot.ModelPlot;
import dev.lamina.plot.PlotOptions;
import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.Sequential;
import dev.lamina.runtime.layers.merging.Concatenate;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.regularization.Dropout;
import dev.lamina.runtime.layers.reshaping.Reshape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.tensorflow.types.TFloat32;

/**
 * The Keras {@code Lambda} tutorial's examples, run with Lamina. The main job of the README:
 * {@code mvn -B -q -DskipTests package exec:exec -pl samples -am}.
 */
public final class Tutorial {

  private Tutorial() {}

  /** Keras: {@code model.add(Lambda(lambda x: x ** 2))} on inputs of 3 features. */
  static Sequential squareModel() {
    var model = Sequential.of(Input.of(TFloat32.class, 3));
    model.add(SquareLayer.of());
    return model;
  }

  /** Five samples of three features, negative, fractional and zero values among them. */
  static float[][] squareInput() {
    return new float[][] {
      {1, 2, 3}, {-1, -2, -3}, {0.5f, -0.25f, 0}, {10, -10, 4}, {1.5f, 2.5f, -3.5f},
    };
  }

  /**
   * Keras: two {@code Lambda(slice, arguments={'index': i})} on {@code Input(shape=(4, 2))}, each
   * reshaped to (4, 1, 1), concatenated on the last axis.
   */
  static Model sliceModel() {
    var a = Input.of(TFloat32.class, 4, 2);
    var x1 = new Reshape(4, 1, 1).apply(SliceLayer.of(0).apply(a));
    var x2 = new Reshape(4, 1, 1).apply(SliceLayer.of(1).apply(a));
    return Model.of(a, new Concatenate().apply(x1, x2));
  }

  /**
   * The antirectifier inside a small classifier, as in Keras's antirectifier example (there 784
   * features, Dense(256) twice and Dense(10)): Dense(16), antirectifier (32 features), dropout,
   * Dense(3, softmax). Seeded, so every run prints the same probabilities.
   */
  public static Sequential antirectifierModel() {
    return Sequential.of(Input.of(TFloat32.class, 8),
        Dense.builder(16).seed(1).build(),
        AntirectifierLayer.of(),
        new Dropout(0.1),
        Dense.builder(3).activation("softmax").seed(2).build());
  }

  /** Two samples of eight features. */
  static float[][] antirectifierInput() {
    return new float[][] {
      {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f}, {1, -1, 1, -1, 1, -1, 1, -1},
    };
  }

  /** The tutorial's {@code x_test}. */
  static float[][][] sliceInput() {
    return new float[][][] {{{1, 2}, {2, 3}, {3, 4}, {4, 5}}};
  }

  /**
   * Runs the tutorial's three examples, printing each model's summary and predictions, and draws
   * the slice model as the tutorial does ({@code plot(model, to_file='lambda.png',
   * show_shapes=True)}) to {@code lambda.png} in the working directory (the README's command runs
   * it in {@code docs/}). The README's snippets are the marked regions.
   */
  public static void main(String[] args) throws IOException {
    System.out.println("== x -> x^2 (Keras: model.add(Lambda(lambda x: x ** 2))) ==");
    float[][] x = squareInput();
    // README: square-model
    try (var model = Sequential.of(Input.of(TFloat32.class, 3))) {
      model.add(SquareLayer.of());                   // SquareLayer is generated from square
      float[][] y = model.predict(x, float[][].class);
      // END README: square-model
      System.out.println(model); // one line: inputs -> layers -> outputs
      System.out.print(model.summary());
      for (int i = 0; i < x.length; i++) {
        System.out.println("  " + Arrays.toString(x[i]) + " -> " + Arrays.toString(y[i]));
      }
    // README: square-model
    }
    // END README: square-model

    System.out.println();
    System.out.println("== antirectifier (Keras: Lambda(antirectifier, "
        + "output_shape=antirectifier_output_shape)) in a Dense model ==");
    try (var model = antirectifierModel()) {
      System.out.println(model); // one line: inputs -> layers -> outputs
      System.out.print(model.summary());
      float[][] y = model.predict(antirectifierInput(), float[][].class);
      for (int i = 0; i < y.length; i++) {
        System.out.println("  sample " + i + " -> class probabilities " + Arrays.toString(y[i]));
      }
    }

    System.out.println();
    System.out.println("== slice columns, reshape, concatenate (Keras: Lambda(slice, "
        + "arguments={'index': i})) ==");
    // README: slice-model
    var a = Input.of(TFloat32.class, 4, 2);
    var x1 = new Reshape(4, 1, 1).apply(SliceLayer.of(0).apply(a));
    var x2 = new Reshape(4, 1, 1).apply(SliceLayer.of(1).apply(a));
    try (var model = Model.of(a, new Concatenate().apply(x1, x2))) {
      float[][][][] y = model.predict(new float[][][] {{{1, 2}, {2, 3}, {3, 4}, {4, 5}}},
          float[][][][].class);                      // [[[[1, 2]], [[2, 3]], [[3, 4]], [[4, 5]]]]
      // END README: slice-model
      System.out.println(model); // one line: inputs -> layers -> outputs
      System.out.print(model.summary());
      System.out.println("  x_test = " + Arrays.deepToString(sliceInput()));
      System.out.println("  predict(x_test) = " + Arrays.deepToString(y)
          + ", shape (" + y.length + ", " + y[0].length + ", " + y[0][0].length + ", "
          + y[0][0][0].length + ")");
    // README: slice-model
      ModelPlot.plot(model, Path.of("lambda.png"), PlotOptions.showShapes());   // lamina-plot
      // END README: slice-model
      System.out.println("  plotted to " + Path.of("lambda.png").toAbsolutePath());
    // README: slice-model
    }
    // END README: slice-model

    System.out.println();
    System.out.println("== the antirectifier classifier, trained (Keras: model.fit) on the 8x8 "
        + "digits ==");
    try (var model = DigitsTraining.model()) {
      Digits data = Digits.standardSplit();
      System.out.println(data.xTrain().length + " training and " + data.xTest().length
          + " test images");
      var scores = DigitsTraining.train(model, data, System.out);
      System.out.printf(java.util.Locale.ROOT, "Test loss: %.4f%nTest accuracy: %.4f%n",
          scores.get("loss"), scores.get("accuracy"));
    }

    System.out.println();
    System.out.println("== Keras's simple MNIST convnet, with a standardising lambda, trained on "
        + "the 8x8 digits as 8x8x1 images ==");
    try (var model = DigitsConvnet.model()) {
      System.out.print(model.summary());
      var scores = DigitsConvnet.train(model, Digits.standardSplit(), System.out);
      System.out.printf(java.util.Locale.ROOT, "Test loss: %.4f%nTest accuracy: %.4f%n",
          scores.get("loss"), scores.get("accuracy"));
    }
  }
}
