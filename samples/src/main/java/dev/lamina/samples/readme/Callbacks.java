package dev.lamina.samples.readme;

import dev.lamina.runtime.Model;
// README: callbacks
import dev.lamina.runtime.train.BackupAndRestore;
import dev.lamina.runtime.train.CSVLogger;
import dev.lamina.runtime.train.EarlyStopping;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.ModelCheckpoint;
import dev.lamina.runtime.train.ReduceLROnPlateau;
import dev.lamina.runtime.train.TensorBoard;
import java.nio.file.Path;
// END README: callbacks

/**
 * The README's "Callbacks": Keras's callbacks in one fit. The paths are relative: they land in
 * the working directory.
 */
public final class Callbacks {

  private Callbacks() {}

  /** Fits a compiled {@code model} with the README's callbacks. */
  public static void fit(Model model, float[][] xTrain, float[][] yTrain) {
    // README: callbacks
    model.fit(xTrain, yTrain, new FitOptions().epochs(40).validationSplit(0.15).callbacks(
        new ModelCheckpoint.Builder("ckpt/model-{epoch:02d}-{val_loss:.2f}.lamina")
            .saveBestOnly(true).verbose(1).build(),
        new ReduceLROnPlateau.Builder().factor(0.2).patience(3).minLr(1e-4).verbose(1).build(),
        new EarlyStopping.Builder().patience(8).restoreBestWeights(true).verbose(1).build(),
        new CSVLogger(Path.of("training.csv")),
        new BackupAndRestore(Path.of("backup")),
        new TensorBoard(Path.of("logs"))));
    // END README: callbacks
  }
}
