package dev.lamina.benchmarks;

import org.tensorflow.ndarray.FloatNdArray;

/**
 * A model written by hand with TensorFlow Java ({@link HandGraph}, {@link HandConvGraph}), as the
 * predict benchmarks time it against Lamina.
 */
public interface HandPredictor extends AutoCloseable {

  /** Runs the graph on all of {@code x} in one batch. */
  FloatNdArray predict(FloatNdArray x);

  @Override
  void close();
}
