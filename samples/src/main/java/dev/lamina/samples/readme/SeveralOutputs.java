package dev.lamina.samples.readme;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.layers.core.Dense;
// README: several-outputs
import dev.lamina.runtime.train.Adam;
import dev.lamina.runtime.train.CompileOptions;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.History;
import java.util.List;
import java.util.Map;
// END README: several-outputs
import org.tensorflow.types.TFloat32;

/**
 * The README's "Several outputs, loss weights, sample and class weights": a model with a
 * regression output {@code price} and a three-class output {@code kind}, compiled with a loss,
 * a loss weight and metrics per output and trained with per-output sample weights.
 */
public final class SeveralOutputs {

  private SeveralOutputs() {}

  /** The model: features of 4 → Dense(8, relu) → {@code price} (1) and {@code kind} (3, softmax). */
  public static Model model() {
    var features = Input.of("features", TFloat32.class, 4);
    var hidden = Dense.builder(8).activation("relu").seed(1).build().apply(features);
    var price = Dense.builder(1).name("price").seed(2).build().apply(hidden);
    var kind = Dense.builder(3).activation("softmax").name("kind").seed(3).build().apply(hidden);
    return Model.of(List.of(features), List.of(price, kind));
  }

  /**
   * Compiles and trains {@code model} on {@code x} (batch, 4), {@code prices} (batch, 1) and
   * class indices {@code kinds} (batch, 1), each output's samples weighed by its own weights;
   * returns the history.
   */
  public static History train(Model model, float[][] x, float[][] prices, int[][] kinds,
      float[] priceWeights, float[] kindWeights) {
    // README: several-outputs
    model.compile(new CompileOptions(new Adam(1e-3))
        .loss("price", "mean_squared_error")
        .loss("kind", "sparse_categorical_crossentropy")
        .lossWeight("price", 1.0).lossWeight("kind", 0.2)
        .metricsFor("price", "mae")
        .metricsFor("kind", "accuracy")
        .weightedMetricsFor("kind", "accuracy"));
    History history = model.fit(x, List.of(prices, kinds),
        new FitOptions().epochs(10).sampleWeight(Map.of("price", priceWeights, "kind", kindWeights)));
    history.get("kind_weighted_accuracy");   // Keras's name for a metric in both lists
    // END README: several-outputs
    return history;
  }
}
