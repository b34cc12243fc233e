package dev.lamina.samples.readme;

// README: adamw
import dev.lamina.runtime.Model;
import dev.lamina.runtime.train.AdamW;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.schedules.CosineDecay;
import java.io.IOException;
import java.nio.file.Path;
// END README: adamw

/** The README's "Optimizers, learning-rate schedules and clipping". */
public final class Optimizers {

  private Optimizers() {}

  /**
   * Trains {@code model} (integer class labels, logits out) three epochs with AdamW under a
   * warmup-then-cosine schedule, saves it to {@code model.lamina} in the working directory, and
   * trains the loaded copy three epochs more.
   */
  public static void adamW(Model model, Object x, Object y) throws IOException {
    // README: adamw
    var optimizer = new AdamW(new CosineDecay(0.0, 1000, 0.0, 1e-3, 100), 0.01) // warmup, decay
        .excludeFromWeightDecay("bias")
        .globalClipnorm(1.0);
    model.compile(optimizer, Losses.sparseCategoricalCrossentropy(true), "accuracy");
    model.fit(x, y, new FitOptions().epochs(3));
    model.save(Path.of("model.lamina")); // options, schedule, slots and step count included
    try (Model resumed = Model.load(Path.of("model.lamina"))) {
      resumed.fit(x, y, new FitOptions().epochs(3));                  // goes on as one run
    }
    // END README: adamw
  }
}
