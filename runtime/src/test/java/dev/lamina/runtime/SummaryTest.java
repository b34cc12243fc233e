package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.layers.merging.Concatenate;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.reshaping.Reshape;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

/** Summaries of a two-branch model like the tutorial's slice model. */
class SummaryTest {

  /** input -> square, head -> reshape each -> concatenate, as the tutorial's slice model. */
  private static Model branches() {
    var a = Input.of(TFloat32.class, 6);
    var left = new Reshape(6, 1).apply(new TestLayers.Square("sq").apply(a));
    var right = new Reshape(4, 1).apply(new TestLayers.Head(4, 4).apply(a));
    return Model.of(a, new Concatenate(1).apply(left, right));
  }

  @Test
  void summaryIsKerasTable() {
    try (var model = branches()) {
      String summary = model.summary();
      String[] lines = summary.split("\n");
      assertEquals("Model: \"model\"", lines[0]);
      assertTrue(lines[2].startsWith(" Layer (type)"), lines[2]);
      assertTrue(summary.contains(" input (InputLayer)"), summary);
      assertTrue(summary.matches("(?s).* head \\(HeadLayer\\) +\\(None, 4\\) +0 +input +count=4\n.*"),
          summary);
      assertTrue(summary.matches("(?s).* concatenate \\(Concatenate\\) +\\(None, 10, 1\\) +0 +"
          + "reshape, reshape_1 +axis=1\n.*"), summary);
      assertTrue(summary.endsWith("Total params: 0\nTrainable params: 0\nNon-trainable params: 0\n"
          + "_".repeat(lines[1].length()) + "\n"), summary);
    }
  }

  @Test
  void summaryCountsDenseParameters() {
    var model = Sequential.of(Input.of(TFloat32.class, 784), new Dense(256), new Dense(10));
    try (model) {
      String summary = model.summary();
      // 784*256 + 256 = 200,960 and 256*10 + 10 = 2,570: 203,530 in all.
      assertTrue(summary.contains(" dense (Dense)"), summary);
      assertTrue(summary.matches("(?s).*\\(None, 256\\) +200960.*"), summary);
      assertTrue(summary.contains("Total params: 203530\n"), summary);
      assertFalse(summary.contains("Connected to"), "a Sequential's rows follow one another");
    }
  }

  @Test
  void lineLengthSetsTheTablesWidthAndWrapsWhatDoesNotFit() {
    try (var model = branches()) {
      String natural = model.summary();
      int naturalWidth = natural.split("\n")[1].length();
      for (int width : new int[] {60, naturalWidth + 20}) {
        String summary = model.summary(width);
        for (String line : summary.split("\n")) {
          assertTrue(line.length() <= width, width + ": " + line);
          if (line.matches("[_=]+")) {
            assertEquals(width, line.length(), line);
          }
        }
        // Wrapped or not, every name that fits a column is still there, whole.
        for (String name : new String[] {"input", "sq", "head", "reshape_1"}) {
          assertTrue(summary.matches("(?s).*\\b" + name + "\\b.*"), summary);
        }
      }
      assertTrue(model.summary(60).split("\n").length > natural.split("\n").length,
          "narrower than its text, the table wraps onto more lines");
      assertThrows(IllegalArgumentException.class, () -> model.summary(20));
      assertThrows(IllegalArgumentException.class, () -> model.summary(-1));
    }
  }

  /** A lambda with one String argument, to show how the table prints it. */
  static final class Labelled extends LambdaLayer {
    Labelled(String label) {
      super(new LambdaSignature("LabelledLayer", "Lambdas.labelled", "labelled",
          java.util.List.of(LambdaSignature.InputSpec.of("x", TFloat32.class))), null,
          arguments("label", label));
    }

    @Override
    protected org.tensorflow.Operand<?> invoke(org.tensorflow.op.Ops tf,
        java.util.List<org.tensorflow.Operand<?>> inputs, boolean training) {
      return inputs.get(0);
    }
  }

  @Test
  void aLineBreakInAStringArgumentStaysInItsRow() {
    var x = Input.of(TFloat32.class, 2);
    try (var model = Model.of(x, new Labelled("two\nlines\tand a tab").call(x))) {
      String summary = model.summary();
      String[] lines = summary.split("\n");
      // Title, rule, header, rule, input row, rule, labelled row, rule, three totals, rule.
      assertEquals(12, lines.length, summary);
      assertTrue(lines[6].startsWith(" labelled (LabelledLayer)"), lines[6]);
      assertTrue(lines[6].endsWith("label=\"two\\nlines\\tand a tab\""), lines[6]);
    }
  }
}
