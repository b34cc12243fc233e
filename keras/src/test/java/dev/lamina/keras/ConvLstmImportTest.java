package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.layers.rnn.ConvLSTM1D;
import dev.lamina.runtime.layers.rnn.ConvLSTM2D;
import dev.lamina.runtime.layers.rnn.ConvLSTM3D;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keras 3 files with ConvLSTM layers (tools/keras_convlstm_fixtures.py): their weights come from
 * the cells' groups of {@code model.weights.h5} ({@code conv_lstm_a/cell/vars}), and the trained
 * models predict as Keras did (1e-5 relative).
 */
class ConvLstmImportTest {

  @Test
  void stackedConvLstm1dPredictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("conv_lstm1d_stacked.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "conv_lstm1d_stacked");
      List<Layer> convLstms = model.layers().stream().filter(l -> l instanceof ConvLSTM1D)
          .toList();
      assertEquals(2, convLstms.size());
      assertTrue(((ConvLSTM1D) convLstms.get(0)).returnSequences());
      assertEquals(true, convLstms.get(1).config().get("go_backwards"));
    }
  }

  @Test
  void convLstm2dPredictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("conv_lstm2d.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "conv_lstm2d");
      assertTrue(model.layers().stream().anyMatch(l -> l instanceof ConvLSTM2D));
    }
  }

  @Test
  void stackedConvLstm3dPredictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("conv_lstm3d.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "conv_lstm3d");
      List<Layer> convLstms = model.layers().stream().filter(l -> l instanceof ConvLSTM3D)
          .toList();
      assertEquals(2, convLstms.size());
      assertTrue(((ConvLSTM3D) convLstms.get(0)).returnSequences());
      assertEquals(true, convLstms.get(1).config().get("go_backwards"));
      assertEquals(List.of(2L, 3L, 2L), convLstms.get(0).config().get("kernel_size"));
    }
  }
}
