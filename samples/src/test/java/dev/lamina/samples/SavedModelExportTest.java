package dev.lamina.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SavedModelCheckMaterial;
import dev.lamina.runtime.SavedModelConventions;
import dev.lamina.runtime.Sequential;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.regularization.Dropout;
import dev.lamina.runtime.serving.ServingSignature;
import dev.lamina.runtime.train.FitOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * The tutorial's models and a trained one, exported as SavedModels and reloaded by TensorFlow
 * Java: {@code serving_default} gives {@code predict}'s results bit for bit.
 *
 * <p>Each export is also checked against TensorFlow's SavedModel conventions
 * ({@link SavedModelConventions}), and each test leaves its export, inputs and Lamina's
 * predictions under {@code target/savedmodel-check/<model>/} for
 * {@code tools/check_savedmodel.py}, which runs them through Python's {@code tf.saved_model.load},
 * TensorFlow Lite and ONNX Runtime.
 */
class SavedModelExportTest {

  @Test
  void squareModel() throws IOException {
    try (Model model = Tutorial.squareModel()) {
      check("square", model, StdArrays.ndCopyOf(Tutorial.squareInput()));
    }
  }

  @Test
  void sliceModel() throws IOException {
    try (Model model = Tutorial.sliceModel()) {
      check("slice", model, StdArrays.ndCopyOf(Tutorial.sliceInput()));
    }
  }

  @Test
  void antirectifierModel() throws IOException {
    try (Model model = Tutorial.antirectifierModel()) {
      check("antirectifier", model, StdArrays.ndCopyOf(Tutorial.antirectifierInput()));
    }
  }

  /** The antirectifier classifier after a few epochs of fit: the trained weights are served. */
  @Test
  void trainedAntirectifierModel() throws IOException {
    Random random = new Random(2026);
    float[][] x = new float[64][8];
    float[][] y = new float[64][3];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < 8; j++) {
        x[i][j] = (float) random.nextGaussian();
      }
      // Three classes by which of the first three features is largest.
      int best = x[i][0] >= x[i][1] && x[i][0] >= x[i][2] ? 0 : x[i][1] >= x[i][2] ? 1 : 2;
      y[i][best] = 1;
    }
    float[][] sample = Arrays.copyOf(x, 16);
    try (Model model = Tutorial.antirectifierModel()) {
      float[][] untrained = model.predict(sample, float[][].class);
      model.compile("rmsprop", "categorical_crossentropy", "accuracy");
      model.fit(x, y, new FitOptions().epochs(4).batchSize(16).seed(3).verbose(0));
      float[][] trained = check("trained_antirectifier", model, StdArrays.ndCopyOf(sample));
      assertFalse(Arrays.deepEquals(untrained, trained), "fit changed the predictions");
    }
  }

  /**
   * Two named inputs and two outputs: TensorFlow Serving's requests and responses then carry
   * objects keyed by these names.
   */
  @Test
  void twoInputsTwoOutputs() throws IOException {
    var a = Input.of("a", TFloat32.class, 4, 2);
    var b = Input.of("b", TFloat32.class, 3);
    var column = SliceLayer.of(1).name("column").apply(a);
    var squared = SquareLayer.of().apply(b);
    float[][][] aData = {
      {{1, 2}, {3, 4}, {5, 6}, {7, 8}}, {{-1, -2}, {-3, -4}, {-5, -6}, {-7, -8}},
    };
    float[][] bData = {{0.5f, -1.5f, 2}, {3, -0.25f, 0}};
    try (Model model = Model.of(List.of(a, b), List.of(column, squared))) {
      List<float[][]> outputs = check("two_in_two_out", model,
          List.of(StdArrays.ndCopyOf(aData), StdArrays.ndCopyOf(bData)));
      // Worked by hand: column 1 of each sample, and b squared.
      assertArrayEquals(new float[] {2, 4, 6, 8}, outputs.get(0)[0]);
      assertArrayEquals(new float[] {-2, -4, -6, -8}, outputs.get(0)[1]);
      assertArrayEquals(new float[] {0.25f, 2.25f, 4}, outputs.get(1)[0]);
      assertArrayEquals(new float[] {9, 0.0625f, 0}, outputs.get(1)[1]);
    }
  }

  /**
   * A digits classifier (8x8 images, scikit-learn's copy of the UCI set, shipped with the
   * samples) with an antirectifier inside, trained a few epochs on 1,500 images; the export is
   * checked on the 297 held-out ones.
   */
  @Test
  void digitsTrainedModel() throws IOException {
    float[][] images = new float[1797][64];
    int[] labels = new int[1797];
    readDigits(images, labels);
    float[][] trainX = Arrays.copyOf(images, 1500);
    float[][] trainY = new float[1500][10];
    for (int i = 0; i < 1500; i++) {
      trainY[i][labels[i]] = 1;
    }
    float[][] testX = Arrays.copyOfRange(images, 1500, images.length);
    try (Model model = Sequential.of(Input.of("pixels", TFloat32.class, 64),
        Dense.builder(32).seed(1).name("hidden").build(),
        AntirectifierLayer.of(),
        new Dropout("dropout", 0.1, 5),
        Dense.builder(10).activation("softmax").seed(2).name("digit").build())) {
      model.compile("adam", "categorical_crossentropy", "accuracy");
      model.fit(trainX, trainY, new FitOptions().epochs(5).batchSize(32).seed(9).verbose(0));
      float[][] probabilities = check("digits", model, StdArrays.ndCopyOf(testX));
      int right = 0;
      for (int i = 0; i < testX.length; i++) {
        int best = 0;
        for (int k = 1; k < 10; k++) {
          best = probabilities[i][k] > probabilities[i][best] ? k : best;
        }
        right += best == labels[1500 + i] ? 1 : 0;
      }
      // Trained, not just initialised: a 10-class guess gets about 30 of the 297 right.
      assertTrue(right > 200, right + " of " + testX.length + " held-out digits right");
    }
  }

  /** The 1,797 rows of digits.csv.gz: 64 pixels 0-16, scaled to [0, 1], then the label. */
  private static void readDigits(float[][] images, int[] labels) throws IOException {
    try (InputStream resource = SavedModelExportTest.class.getResourceAsStream(
            "/dev/lamina/samples/digits/digits.csv.gz");
        BufferedReader reader = new BufferedReader(new InputStreamReader(
            new GZIPInputStream(resource), StandardCharsets.US_ASCII))) {
      for (int row = 0; row < images.length; row++) {
        String[] fields = reader.readLine().split(",");
        for (int j = 0; j < 64; j++) {
          images[row][j] = Integer.parseInt(fields[j]) / 16f;
        }
        labels[row] = Integer.parseInt(fields[64]);
      }
    }
  }

  /**
   * Exports {@code model} (straight away: for a trained model, while its session still holds the
   * trained values), reloads it and checks that {@code serving_default} on {@code x} gives what
   * {@code predict} gives, bit for bit; leaves the material for the Python check. Returns the
   * predictions as float[][] when they are rank 2.
   */
  private static float[][] check(String name, Model model, FloatNdArray x) throws IOException {
    return check(name, model, List.of(x)).get(0);
  }

  /**
   * {@link #check(String, Model, FloatNdArray)} for any number of float inputs and outputs;
   * returns each output as float[][] when it is rank 2, else null.
   */
  private static List<float[][]> check(String name, Model model, List<FloatNdArray> x)
      throws IOException {
    Path dir = SavedModelCheckMaterial.freshDirectory(name);
    Path export = dir.resolve("model/1");
    ServingSignature signature = model.exportSavedModel(export);
    // What TensorFlow Lite's converter and TensorFlow's other tools rely on, read from disk.
    SavedModelConventions.assertFollowed(export);
    assertEquals(model.inputs().size(), signature.inputs().size());
    assertEquals(model.outputs().size(), signature.outputs().size());
    int samples = (int) x.get(0).shape().get(0);
    // One batch, as the SavedModel is called below: the same computation, row for row.
    List<NdArray<?>> expected = model.predict(x, samples);
    List<TFloat32> feeds = new ArrayList<>();
    try {
      Map<String, Tensor> named = new HashMap<>();
      for (int i = 0; i < x.size(); i++) {
        FloatNdArray input = x.get(i);
        feeds.add(TFloat32.tensorOf(input.shape(), input::copyTo));
        named.put(signature.inputs().get(i), feeds.get(i));
      }
      try (SavedModelBundle bundle = SavedModelBundle.load(export.toString(), "serve");
          Result result = bundle.function("serving_default").call(named)) {
        for (int j = 0; j < expected.size(); j++) {
          String key = signature.outputs().get(j);
          TFloat32 served = (TFloat32) result.get(key).orElseThrow();
          FloatNdArray want = (FloatNdArray) expected.get(j);
          assertEquals(want.shape(), served.shape(), name + ": " + key);
          float[] wanted = flat(want);
          float[] got = flat(served);
          for (int i = 0; i < wanted.length; i++) {
            assertEquals(Float.floatToRawIntBits(wanted[i]), Float.floatToRawIntBits(got[i]),
                name + ": " + key + " element " + i + ": predict " + wanted[i]
                + ", SavedModel " + got[i]);
          }
        }
      }
    } finally {
      feeds.forEach(TFloat32::close);
    }

    Map<String, NdArray<?>> inputs = new LinkedHashMap<>();
    for (int i = 0; i < x.size(); i++) {
      inputs.put(signature.inputs().get(i), x.get(i));
    }
    Map<String, NdArray<?>> outputs = new LinkedHashMap<>();
    for (int j = 0; j < expected.size(); j++) {
      outputs.put(signature.outputs().get(j), expected.get(j));
    }
    SavedModelCheckMaterial.writeArrays(dir, inputs, outputs);
    List<float[][]> results = new ArrayList<>();
    for (int j = 0; j < expected.size(); j++) {
      FloatNdArray output = (FloatNdArray) expected.get(j);
      if (output.rank() != 2) {
        results.add(null);
        continue;
      }
      float[][] rows = new float[(int) output.shape().get(0)][(int) output.shape().get(1)];
      StdArrays.copyFrom(output, rows);
      assertArrayEquals(flat(output), flatten(rows));
      results.add(rows);
    }
    return results;
  }

  private static float[] flat(FloatNdArray array) {
    float[] values = new float[Math.toIntExact(array.size())];
    array.copyTo(NdArrays.wrap(array.shape(), DataBuffers.of(values, false, false)));
    return values;
  }

  private static float[] flatten(float[][] rows) {
    float[] values = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, values, i * rows[0].length, rows[0].length);
    }
    return values;
  }
}
