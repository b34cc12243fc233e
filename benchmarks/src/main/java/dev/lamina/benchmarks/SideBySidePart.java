package dev.lamina.benchmarks;

import java.io.IOException;

/**
 * A side-by-side part ({@code keras}, {@code convnet}, {@code sequence}): its Keras process, the
 * {@link SideBySideRun} of its rounds and the {@link SideBySideTables} over them. A part writes
 * its {@code .npz} files into {@link #keras}'s directory, starts the process, then hands its run
 * to {@link #begin}; {@code Main} runs it and prints its tables.
 */
abstract class SideBySidePart implements AutoCloseable {

  /** The Keras side: its files first, then the running script. */
  final KerasTimingProcess keras;
  private final String name;
  private final long orderSeed;
  private final int[] batches;
  private final String format;
  private SideBySideRun run;
  /** The tables over the run's samples, once {@link #begin} has been called. */
  SideBySideTables tables;

  /**
   * A part named {@code name} (its temporary directory, its progress lines), Java's orders drawn
   * from {@code orderSeed}, predicting at {@code batches}, Keras's paths printed in {@code
   * format}.
   */
  SideBySidePart(String name, long orderSeed, int[] batches, String format) throws IOException {
    this.keras = new KerasTimingProcess(name);
    this.name = name;
    this.orderSeed = orderSeed;
    this.batches = batches.clone();
    this.format = format;
  }

  /** Once the Keras script is ready: the calibrated run the part's rounds and tables use. */
  final void begin(SideBySideRun run) {
    this.run = run;
    this.tables = new SideBySideTables(run.samples);
  }

  /** {@code rounds} rounds of Java's and Keras's predict and fit, alternating. */
  final void run(int rounds, int fitEpochs) throws IOException {
    run.run(rounds, fitEpochs, orderSeed, name);
  }

  /** The Keras side's versions. */
  final String versionLine() {
    return keras.versionLine();
  }

  /** Predict: Lamina (and the hand-written graph, if any) and Keras by batch, with the ratios. */
  abstract String predictTable();

  /** Every Keras predict path, for the record. */
  final String kerasPathsTable() {
    return tables.kerasPathsTable(batches, format);
  }

  /** Fit: Lamina (and the hand-written loop, if any) and Keras by batch, with the ratios. */
  abstract String fitTable();

  /** Closes the part's Lamina models and hand-written graphs. */
  abstract void closeModels();

  @Override
  public final void close() throws IOException {
    try {
      keras.close();
    } finally {
      closeModels();
    }
  }
}
