package dev.lamina.benchmarks;

import java.io.IOException;

/** A side-by-side part ({@code keras}, {@code convnet}): run it, then print its tables. */
interface SideBySidePart extends AutoCloseable {

  /** {@code rounds} rounds of Java's and Keras's predict and fit, alternating. */
  void run(int rounds, int fitEpochs) throws IOException;

  /** The Keras side's versions. */
  String versionLine();

  /** Predict: Lamina, hand-written and Keras by batch, with the ratios. */
  String predictTable();

  /** Every Keras predict path, for the record. */
  String kerasPathsTable();

  /** Fit: Lamina, hand-written and Keras by batch, with the ratios. */
  String fitTable();

  @Override
  void close() throws IOException;
}
