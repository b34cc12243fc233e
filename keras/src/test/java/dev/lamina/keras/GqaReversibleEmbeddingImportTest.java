package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.layers.attention.GroupQueryAttention;
import dev.lamina.runtime.layers.core.ReversibleEmbedding;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keras 3's GroupQueryAttention (class {@code GroupedQueryAttention}) in {@code .keras} files
 * imports and predicts what Keras predicted (tools/keras_import_gqa_embedding_fixture.py): a trained block
 * Embedding(mask_zero) → GroupQueryAttention(4, 4, 2, use_gate=True, sliding_window=3)(x, x,
 * use_causal_mask=True) → Add → GlobalAveragePooling1D → Dense, whose gate weights Keras keeps
 * under {@code gate_dense}; and one called with every tensor by keyword, an attention mask and
 * its scores as a second output; and a tied language model whose ReversibleEmbedding(mask_zero,
 * logit_soft_cap) Keras calls twice, forward and with {@code reverse=True}, around a causal
 * GroupQueryAttention: one Lamina layer, its weights shared (tools/keras_import_gqa_embedding_fixture.py).
 */
class GqaReversibleEmbeddingImportTest {

  @Test
  void trainedBlockPredictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("gqa_block.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "gqa_block");
      GroupQueryAttention gqa = attention(model);
      assertEquals(true, gqa.arguments().get("use_causal_mask"));
      assertEquals(true, gqa.arguments().get("use_gate"));
      assertEquals(3, gqa.arguments().get("sliding_window"));
      assertEquals(List.of("query/kernel", "query/bias", "key/kernel", "key/bias",
          "gate/kernel", "gate/bias", "value/kernel", "value/bias", "attention_output/kernel",
          "attention_output/bias"), gqa.weights().stream().map(w -> w.name()).toList());
    }
  }

  @Test
  void everyTensorByKeywordAttentionMaskAndScoresPredictAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("gqa_call.keras"))) {
      assertEquals(2, model.outputs().size());
      Fixtures.assertPredictsAsKeras(model, "gqa_call");
      assertEquals(true, attention(model).arguments().get("return_attention_scores"));
    }
  }

  @Test
  void tiedReversibleEmbeddingPredictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("tied_lm.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "tied_lm");
      List<ReversibleEmbedding> embeddings = model.layers().stream()
          .filter(l -> l instanceof ReversibleEmbedding).map(l -> (ReversibleEmbedding) l)
          .toList();
      assertEquals(1, embeddings.size());
      assertEquals(List.of("embeddings"),
          embeddings.get(0).weights().stream().map(w -> w.name()).toList());
      assertEquals(5.0, embeddings.get(0).arguments().get("logit_soft_cap"));
    }
  }

  private static GroupQueryAttention attention(Model model) {
    return (GroupQueryAttention) model.layers().stream()
        .filter(l -> l instanceof GroupQueryAttention).findFirst().orElseThrow();
  }
}
