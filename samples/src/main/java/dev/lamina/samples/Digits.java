package dev.lamina.samples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * The 8×8 handwritten digits shipped with the samples (scikit-learn's copy of the UCI data:
 * 1,797 images of 64 pixels valued 0 to 16, and their labels; see {@code digits/README.md}),
 * scaled to [0, 1] and split into a fixed, seeded training and test set.
 *
 * @param xTrain training images, 64 values each in [0, 1]
 * @param yTrain their labels, one-hot over the 10 digits
 * @param xTest test images
 * @param yTest their labels, one-hot
 */
public record Digits(float[][] xTrain, float[][] yTrain, float[][] xTest, float[][] yTest) {

  public static final int PIXELS = 64;
  public static final int CLASSES = 10;
  public static final int SAMPLES = 1797;

  /** The images in file order, scaled to [0, 1], and their labels. */
  record Raw(float[][] images, int[] labels) {}

  static Raw read() {
    float[][] images = new float[SAMPLES][PIXELS];
    int[] labels = new int[SAMPLES];
    try (InputStream in = Digits.class.getResourceAsStream("digits/digits.csv.gz")) {
      if (in == null) {
        throw new IllegalStateException("digits/digits.csv.gz is missing from the class path");
      }
      var reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(in),
          StandardCharsets.US_ASCII));
      int row = 0;
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        String[] values = line.split(",");
        if (row >= SAMPLES || values.length != PIXELS + 1) {
          throw new IllegalStateException("digits.csv.gz: line " + (row + 1) + " has "
              + values.length + " values, or the file has more than " + SAMPLES + " rows");
        }
        for (int p = 0; p < PIXELS; p++) {
          images[row][p] = Float.parseFloat(values[p]) / 16f;
        }
        labels[row] = (int) Float.parseFloat(values[PIXELS]);
        row++;
      }
      if (row != SAMPLES) {
        throw new IllegalStateException("digits.csv.gz has " + row + " rows, not " + SAMPLES);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Raw(images, labels);
  }

  /**
   * The data set shuffled with {@code seed} and split: the first {@code testSamples} go to the
   * test set, the rest to training.
   */
  public static Digits load(long seed, int testSamples) {
    Raw raw = read();
    int[] order = new int[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = SAMPLES - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    int train = SAMPLES - testSamples;
    float[][] xTrain = new float[train][];
    float[][] yTrain = new float[train][CLASSES];
    float[][] xTest = new float[testSamples][];
    float[][] yTest = new float[testSamples][CLASSES];
    for (int i = 0; i < SAMPLES; i++) {
      int source = order[i];
      if (i < testSamples) {
        xTest[i] = raw.images()[source];
        yTest[i][raw.labels()[source]] = 1;
      } else {
        xTrain[i - testSamples] = raw.images()[source];
        yTrain[i - testSamples][raw.labels()[source]] = 1;
      }
    }
    return new Digits(xTrain, yTrain, xTest, yTest);
  }

  /** The split the samples use: 360 test images (20%), shuffled with seed 0. */
  public static Digits standardSplit() {
    return load(0, 360);
  }
}
