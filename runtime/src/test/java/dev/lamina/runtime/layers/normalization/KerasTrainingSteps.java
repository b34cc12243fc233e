package dev.lamina.runtime.layers.normalization;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Optimizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.tensorflow.ndarray.NdArray;

/**
 * Keras's three {@code train_on_batch} steps of a fixture's "training" run (the format of {@code
 * layers.json}'s, written by {@code tools/keras_group_norm_fixtures.py}) taken by a Lamina model
 * built the same way: from the same initial weights, each step's loss and every weight after it
 * (non-trainable ones such as the moving statistics included), then the predictions and, where
 * recorded, the {@code evaluate} loss, all to 1e-5 relative.
 */
final class KerasTrainingSteps {

  static final String FIXTURE = "group_norm.json";

  private KerasTrainingSteps() {}

  /** The fixture's training runs whose id starts with {@code prefix}. */
  static Stream<Arguments> runs(String prefix) throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject t : KerasLayerFixtures.fixture(FIXTURE).requireArray("training").objects()) {
      if (t.requireString("id").startsWith(prefix)) {
        out.add(Arguments.of(t.requireString("id"), t));
      }
    }
    if (out.isEmpty()) {
      throw new AssertionError("no training runs " + prefix + "* in " + FIXTURE);
    }
    return out.stream();
  }

  /** Takes Keras's steps with {@code built}, closing it. */
  static void assertTakesKerassSteps(String id, JsonObject t, Model built) throws IOException {
    try (Model model = built) {
      List<JsonObject> initial = t.requireArray("initial_weights").objects();
      List<Weight> all = model.weights();
      assertEquals(initial.size(), all.size(), id + ": number of weights");
      List<NdArray<?>> values = new ArrayList<>();
      for (int w = 0; w < all.size(); w++) {
        JsonObject weight = initial.get(w);
        assertEquals(weight.requireString("name"), all.get(w).name(), id + ": weight " + w);
        assertEquals(weight.requireBoolean("trainable"), all.get(w).declaredTrainable(),
            id + ": whether " + weight.requireString("path") + " is trainable");
        values.add(KerasLayerFixtures.weightValue(weight));
      }
      model.setWeightArrays(values);
      JsonObject optimizer = t.requireObject("optimizer");
      Map<String, Object> options = new LinkedHashMap<>(optimizer);
      options.remove("class");
      model.compile(Optimizer.fromConfig(optimizer.requireString("class"), options),
          Losses.get("mean_squared_error", false));
      NdArray<?> x = KerasLayerFixtures.array(t.requireObject("x"));
      NdArray<?> y = KerasLayerFixtures.array(t.requireObject("y"));
      List<JsonObject> steps = t.requireArray("steps").objects();
      for (int step = 0; step < steps.size(); step++) {
        double loss = model.trainOnBatch(x, y).get("loss");
        double keras = steps.get(step).requireDouble("returned_loss");
        KerasLayerFixtures.assertClose(new float[] {(float) keras}, new float[] {(float) loss},
            id + ": loss of step " + (step + 1));
        List<JsonObject> weights = steps.get(step).requireArray("weights").objects();
        for (int w = 0; w < all.size(); w++) {
          KerasLayerFixtures.assertClose(weights.get(w).requireArray("values").floats(),
              all.get(w).values(), id + ": " + weights.get(w).requireString("path")
                  + " after step " + (step + 1));
        }
      }
      KerasLayerFixtures.assertClose(t.requireObject("predict_after").requireArray("values")
          .floats(), KerasLayerFixtures.floats(model.predict(List.of(x)).get(0)),
          id + ": predictions after the steps");
      if (t.containsKey("evaluate_after")) {
        double keras = t.requireDouble("evaluate_after");
        double lamina = model.evaluate(x, y).get("loss");
        KerasLayerFixtures.assertClose(new float[] {(float) keras}, new float[] {(float) lamina},
            id + ": evaluate loss after the steps");
      }
    }
  }
}
