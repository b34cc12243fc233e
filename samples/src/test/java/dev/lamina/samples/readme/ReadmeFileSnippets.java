package dev.lamina.samples.readme;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.Sequential;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.samples.readme.keras.KerasImport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tensorflow.types.TFloat32;

/**
 * Runs, in the working directory, the README's snippets that read or write files there: the
 * Keras import, the export, the optimizer's save and resume, saving and loading, the callbacks
 * and the CSV source.
 * {@link ReadmeSamplesTest} starts it in a temporary directory; small data, few steps.
 */
final class ReadmeFileSnippets {

  private ReadmeFileSnippets() {}

  /** {@code args[0]}: the Keras importer's fixtures directory, whose files the import reads. */
  public static void main(String[] args) throws Exception {
    Path fixtures = Path.of(args[0]);
    for (String file : List.of("slice.keras", "square.keras", "h5/slice.h5", "h5/square.h5")) {
      Files.copy(fixtures.resolve(file), Path.of(Path.of(file).getFileName().toString()));
    }
    float[][][] xTest = {{{1, 2}, {2, 3}, {3, 4}, {4, 5}}};
    try (Model square = KerasImport.keras(xTest); Model squareH5 = KerasImport.h5(xTest)) {
      System.out.println("imported: " + square.summary() + squareH5.summary());
    }

    Random random = new Random(1);
    float[][] x8 = rows(random, 32, 8);
    float[][] y3 = new float[32][3];
    for (int i = 0; i < y3.length; i++) {
      y3[i][i % 3] = 1;
    }
    Serving.export(x8, y3);

    int[] labels = new int[32];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 3;
    }
    try (var logits = Sequential.of(Input.of(TFloat32.class, 8), Dense.builder(3).seed(1).build())) {
      Optimizers.adamW(logits, x8, labels);
    }

    try (var model = classifier(); var other = classifier()) {
      model.compile("adam", "categorical_crossentropy", "accuracy");
      Callbacks.fit(model, x8, y3);
      Model copy = Saving.saveAndLoad(model, other, Path.of("weights.lamina"), x8, y3);
      copy.close();
    }

    List<String> csv = new ArrayList<>(List.of("f1,f2,f3,label"));
    for (float[] row : rows(random, 600, 3)) {
      csv.add(row[0] + "," + row[1] + "," + row[2] + "," + (row[0] > 0 ? 1 : 0));
    }
    Files.write(Path.of("train.csv"), csv);
    Files.write(Path.of("valid.csv"), csv.subList(0, 100));
    try (var model = Sequential.of(Input.of(TFloat32.class, 3),
        Dense.builder(1).activation("sigmoid").seed(2).build())) {
      model.compile("sgd", "binary_crossentropy");
      System.out.println("streamed: " + Streaming.train(model));
    }
  }

  private static Sequential classifier() {
    return Sequential.of(Input.of(TFloat32.class, 8), Dense.builder(3).activation("softmax")
        .seed(3).build());
  }

  private static float[][] rows(Random random, int n, int features) {
    float[][] x = new float[n][features];
    for (float[] row : x) {
      for (int j = 0; j < features; j++) {
        row[j] = (float) random.nextGaussian();
      }
    }
    return x;
  }

}
