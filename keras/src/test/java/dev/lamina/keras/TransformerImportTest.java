package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.attention.MultiHeadAttention;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Optimizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Keras-trained transformer block imports and predicts what Keras predicted (1e-5 relative):
 * Embedding(mask_zero) → MultiHeadAttention(x, x, key=x, use_causal_mask=True) → Add →
 * LayerNormalization → Dense → Dense → Add → LayerNormalization → GlobalAveragePooling1D (masked)
 * → Lambda(scaled_tanh) → Dense(softmax); and a MultiHeadAttention called with every tensor by
 * keyword, an attention mask and its scores as a second output
 * (tools/keras_import_transformer_fixture.py). Keras's call arguments in {@code inbound_nodes}
 * map onto the layer's inputs and options; one the importer cannot map is refused.
 */
class TransformerImportTest {

  @TempDir
  Path dir;

  private static final LambdaBindings SCALED_TANH = LambdaBindings.of()
      .bind("scaled_tanh", args -> ScaledTanhLayer.of(args.requireFloat("scale")));

  /** The transformer's attention node: args {@code [x, x]}, kwargs key and use_causal_mask. */
  private static final String KEY_AND_CAUSAL = "\"kwargs\": {\"key\": {\"class_name\": "
      + "\"__keras_tensor__\", \"config\": {\"shape\": [null, 8, 8], \"dtype\": \"float32\", "
      + "\"keras_history\": [\"embedding\", 0, 0]}}, \"use_causal_mask\": true}";

  private static final String X = "{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\":"
      + " [null, 8, 8], \"dtype\": \"float32\", \"keras_history\": [\"embedding\", 0, 0]}}";

  private static final String ATTENTION_ARGS = "{\"args\": [" + X + ", " + X + "], ";

  @Test
  void transformerBlockPredictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("transformer.keras"), SCALED_TANH)) {
      Fixtures.assertPredictsAsKeras(model, "transformer");
      MultiHeadAttention mha = attention(model);
      assertEquals(true, mha.arguments().get("use_causal_mask"));
      assertEquals(List.of("query/kernel", "query/bias", "key/kernel", "key/bias",
          "value/kernel", "value/bias", "attention_output/kernel", "attention_output/bias"),
          mha.weights().stream().map(w -> w.name()).toList());
    }
  }

  @Test
  void everyTensorByKeywordAttentionMaskAndScoresPredictAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("attention_call.keras"))) {
      assertEquals(2, model.outputs().size());
      Fixtures.assertPredictsAsKeras(model, "attention_call");
      assertEquals(true, attention(model).arguments().get("return_attention_scores"));
    }
  }

  @Test
  void queryValueAndKeyByKeywordPredictAsByPosition() throws Exception {
    Path file = KerasZips.withConfig(dir, "transformer.keras", c -> c.replace(
        ATTENTION_ARGS + KEY_AND_CAUSAL,
        "{\"args\": [], \"kwargs\": {\"query\": " + X + ", \"value\": " + X + ", \"key\": " + X
            + ", \"use_causal_mask\": true}"));
    try (Model model = KerasModels.load(file, SCALED_TANH)) {
      Fixtures.assertPredictsAsKeras(model, "transformer");
    }
    // The key left out is the value, as in Keras: the same model.
    Path noKey = KerasZips.withConfig(dir, "transformer.keras", c -> c.replace(
        ATTENTION_ARGS + KEY_AND_CAUSAL,
        "{\"args\": [" + X + "], \"kwargs\": {\"value\": " + X + ", \"use_causal_mask\": true}"));
    try (Model model = KerasModels.load(noKey, SCALED_TANH)) {
      Fixtures.assertPredictsAsKeras(model, "transformer");
    }
  }

  @Test
  void withoutTheCausalMaskThePredictionDiffers() throws Exception {
    // The call option is read, not ignored: dropping it changes what the model predicts.
    Path file = KerasZips.withConfig(dir, "transformer.keras", c -> c.replace(
        ", \"use_causal_mask\": true}", "}"));
    try (Model model = KerasModels.load(file, SCALED_TANH)) {
      assertEquals(null, attention(model).arguments().get("use_causal_mask")); // the default
      assertThrows(org.opentest4j.AssertionFailedError.class,
          () -> Fixtures.assertPredictsAsKeras(model, "transformer"));
    }
  }

  @Test
  void unsupportedCallArgumentsAreClearErrors() throws Exception {
    assertRefused(c -> c.replace("\"use_causal_mask\": true}", "\"use_causal_mask\": true, "
        + "\"use_fancy_mask\": true}"), "use_fancy_mask", "use_causal_mask, "
        + "return_attention_scores");
    assertRefused(c -> c.replace("\"use_causal_mask\": true}", "\"use_causal_mask\": \"yes\"}"),
        "use_causal_mask");
    // Keras's query_mask/value_mask/key_mask tensors: Lamina takes masks from the tensors.
    assertRefused(c -> c.replace("\"use_causal_mask\": true}", "\"use_causal_mask\": true, "
        + "\"query_mask\": " + X + "}"), "query_mask", "query, value, key, attention_mask");
    assertRefused(c -> c.replace(ATTENTION_ARGS + KEY_AND_CAUSAL, ATTENTION_ARGS
        + "\"kwargs\": {\"value\": " + X + "}"), "value twice");
    assertRefused(c -> c.replace(ATTENTION_ARGS + KEY_AND_CAUSAL,
        "{\"args\": [" + X + "], \"kwargs\": {\"key\": " + X + "}"), "without value");
    // A layer that is not called with options refuses them as before.
    assertRefused(c -> c.replace("\"keras_history\": [\"ff_1\", 0, 0]}}], \"kwargs\": {}",
        "\"keras_history\": [\"ff_1\", 0, 0]}}], \"kwargs\": {\"use_causal_mask\": true}"),
        "use_causal_mask",
        "no call keywords but training and mask=None");
  }

  @Test
  void maskingsMaskRecordedAsKerasOpsPredictsAsKeras() throws Exception {
    // Keras records the pooling's mask= as ConvertToTensor(Any(NotEqual(x, 0.5), axis=-1)):
    // Masking's mask, through Dense and Attention.
    try (Model model = KerasModels.load(Fixtures.path("masking_pool.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "masking_pool");
    }
    // Attention([h, h], use_causal_mask=True): the call option reaches the layer, a bad one is
    // refused naming the layer's call options.
    String attentionCall = "\"keras_history\": [\"dense\", 0, 0]}}]], \"kwargs\": {}";
    Path causal = KerasZips.withConfig(dir, "masking_pool.keras", c -> c.replace(attentionCall,
        attentionCall.replace("{}", "{\"use_causal_mask\": true}")));
    try (Model model = KerasModels.load(causal)) {
      Layer attention = model.getLayer("attention");
      assertEquals(true, attention.arguments().get("use_causal_mask"));
    }
    assertRefused("masking_pool.keras", c -> c.replace(attentionCall,
        attentionCall.replace("{}", "{\"use_sliding_window\": 2}")), "Attention 'attention'",
        "use_sliding_window", "use_causal_mask, return_attention_scores");
    assertRefused("masking_pool.keras", c -> c.replace("\"axis\": -1", "\"axis\": 1"),
        "'any' (Any)", "axis=-1");
    assertRefused("masking_pool.keras", c -> c.replace("\"keras_history\": [\"steps\", 0, 0]}}, "
        + "0.5]", "\"keras_history\": [\"steps\", 0, 0]}}, 0.25]"), "0.25",
        "neither an Embedding(mask_zero=True)'s ids != 0 nor a Masking's inputs != mask_value");
  }

  @Test
  void masksNotPropagatedAsKerasDoesAreRefused() throws Exception {
    // The pooling's mask= is a layer's output, not Keras's mask ops.
    assertRefused(c -> c.replace("\"keras_history\": [\"logical_or_1\", 0, 0]",
        "\"keras_history\": [\"tokens\", 0, 0]"), "layer 'pool'", "mask=",
        "NotEqual");
    // Without mask_zero no layer of the file makes the mask Keras's file passes.
    assertRefused(c -> c.replace("\"mask_zero\": true", "\"mask_zero\": false"),
        "layer 'tokens' (InputLayer) with 0", "neither an Embedding(mask_zero=True)");
    // A mask Keras's layers do not make: tokens != 5.
    assertRefused(c -> c.replace("\"keras_history\": [\"tokens\", 0, 0]}}, 0]",
        "\"keras_history\": [\"tokens\", 0, 0]}}, 5]"), "'not_equal' compares",
        "layer 'tokens' (InputLayer) with 5");
    // A mask op's output used as a layer's input.
    assertRefused(c -> c.replace("\"keras_history\": [\"ff_1\", 0, 0]",
        "\"keras_history\": [\"logical_or\", 0, 0]"), "'logical_or' is Keras's op LogicalOr");
  }

  /**
   * Issue 22: three train_on_batch steps of the imported block (Embedding with mask_zero,
   * causal MultiHeadAttention, LayerNormalization, Dense, masked pooling) with SGD(0.1) and
   * sparse categorical cross-entropy, from the file's weights, as Keras took them: each step's
   * returned loss (1e-5 relative) and every weight after it (1e-5 of each weight tensor's
   * largest magnitude: Keras's float32 kernels sum in other orders than TensorFlow Java's).
   */
  @Test
  void transformerBlockTakesKerassTrainingSteps() throws Exception {
    JsonObject fixture = Fixtures.expected("transformer_training");
    try (Model model = KerasModels.load(Fixtures.path("transformer_training.keras"))) {
      model.compile(Optimizer.fromConfig("SGD", Map.of("learning_rate",
          fixture.requireObject("optimizer").requireDouble("learning_rate"))),
          Losses.get(fixture.requireString("loss")));
      List<JsonObject> steps = fixture.requireArray("steps").objects();
      assertEquals(3, steps.size());
      for (int step = 0; step < steps.size(); step++) {
        JsonObject expected = steps.get(step);
        Map<String, Double> logs = model.trainOnBatch(Fixtures.input(expected.requireObject("x")),
            expected.requireArray("y").ints());
        double kerasLoss = expected.requireDouble("returned_loss");
        assertEquals(kerasLoss, logs.get("loss"), 1e-5 * Math.abs(kerasLoss),
            "loss of step " + (step + 1));
        JsonObject layers = expected.requireObject("weights");
        int compared = 0;
        for (String layerName : layers.keySet()) {
          JsonObject kerasWeights = layers.requireObject(layerName);
          List<Weight> own = model.getLayer(layerName).weights();
          assertEquals(kerasWeights.keySet().size(), own.size(), layerName + " weights");
          for (Weight weight : own) {
            assertClose(kerasWeights.requireArray(weight.name()).floats(), weight.values(),
                layerName + "/" + weight.name() + " after step " + (step + 1));
            compared++;
          }
        }
        // embeddings; mha: 8; norm_1, ff_1, ff_2, norm_2, probs: 2 each
        assertEquals(19, compared);
      }
    }
  }

  private static void assertClose(float[] keras, float[] lamina, String what) {
    assertEquals(keras.length, lamina.length, what);
    double scale = 0;
    for (float v : keras) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < keras.length; i++) {
      double difference = Math.abs(keras[i] - lamina[i]);
      assertTrue(difference <= 1e-5 * scale, what + "[" + i + "]: Keras " + keras[i]
          + ", Lamina " + lamina[i] + " (tolerance " + 1e-5 * scale + ")");
    }
  }

  private void assertRefused(java.util.function.UnaryOperator<String> edit, String... words)
      throws Exception {
    assertRefused("transformer.keras", edit, words);
  }

  private void assertRefused(String fixture, java.util.function.UnaryOperator<String> edit,
      String... words) throws Exception {
    Path file = KerasZips.withConfig(dir, fixture, edit);
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> KerasModels.load(file, SCALED_TANH).close());
    for (String word : words) {
      assertTrue(e.getMessage().contains(word), e.getMessage());
    }
  }

  private static MultiHeadAttention attention(Model model) {
    Layer layer = model.layers().stream().filter(l -> l instanceof MultiHeadAttention)
        .findFirst().orElseThrow();
    return (MultiHeadAttention) layer;
  }
}
