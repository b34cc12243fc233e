package dev.lamina.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;

/**
 * Keras's {@code sample_weight} and {@code class_weight} as one float32 weight array per output,
 * shaped to broadcast over that output's per-sample loss values: {@code (samples, 1, ...)} for a
 * weight per sample, {@code (samples, steps, ...)} for a weight per time step.
 */
final class SampleWeights {

  private SampleWeights() {}

  /**
   * @param sampleWeight {@code null}; one array for every output ({@code (samples)} or
   *     {@code (samples, 1)}; with one output also per step); a {@link List} with one per output
   *     in output order; or a {@link Map} by output name
   * @param classWeight {@code null}, or a weight per class index (Keras's {@code class_weight}:
   *     a sample weighs its target class's weight, 1 for a class not listed)
   * @param targets the targets the weights go with (class weights read them)
   * @param ranks each output's rank of per-sample loss values
   * @return {@code null} if neither is given
   * @throws IllegalArgumentException for both at once, class weights with several outputs, or
   *     weights that do not fit the samples, naming the output
   */
  static TrainingData of(Object sampleWeight, Map<Integer, Double> classWeight,
      TrainingData targets, List<String> outputs, int[] ranks, List<Boolean> sparseTargets) {
    if (sampleWeight == null && classWeight == null) {
      return null;
    }
    requireNotBoth(sampleWeight, classWeight);
    long samples = targets.samples();
    List<float[]> values = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    if (classWeight != null) {
      if (outputs.size() > 1) {
        throw new IllegalArgumentException("classWeight is only supported for models with a "
            + "single output (as in Keras); this one has outputs " + outputs + ": give "
            + "sampleWeight per output instead");
      }
      values.add(fromClasses(classWeight, targets, sparseTargets.get(0)));
      shapes.add(broadcastShape(samples, ranks[0]));
      return TrainingData.ofFloats(values, shapes);
    }
    List<NdArray<?>> given = perOutput(sampleWeight, outputs);
    for (int i = 0; i < outputs.size(); i++) {
      String name = "sampleWeight of output '" + outputs.get(i) + "'";
      NdArray<?> array = given.get(i);
      Shape shape = array.shape();
      if (shape.numDimensions() == 0 || shape.get(0) != samples) {
        throw new IllegalArgumentException(name + " needs one weight per sample (" + samples
            + "), got shape " + Shapes.format(shape));
      }
      float[] weights = TrainingData.floats(array, name);
      for (float weight : weights) {
        if (!Float.isFinite(weight)) {
          throw new IllegalArgumentException(name + " holds " + weight + "; weights must be "
              + "finite numbers");
        }
      }
      boolean perSample = shape.numDimensions() == 1
          || shape.numDimensions() == 2 && shape.get(1) == 1 && ranks[i] < 2;
      if (perSample) {
        shape = broadcastShape(samples, ranks[i]);
      } else if (shape.numDimensions() != ranks[i]) {
        throw new IllegalArgumentException(name + " has shape " + Shapes.format(shape) + "; it "
            + "takes one weight per sample, shape (" + samples + ")" + (ranks[i] > 1
            ? ", or one per sample and step, a shape of rank " + ranks[i] : ""));
      }
      values.add(weights);
      shapes.add(shape);
    }
    return TrainingData.ofFloats(values, shapes);
  }

  /** Keras's "You cannot `class_weight` and `sample_weight` at the same time." */
  static void requireNotBoth(Object sampleWeight, Map<Integer, Double> classWeight) {
    if (sampleWeight != null && classWeight != null) {
      throw new IllegalArgumentException("You cannot use classWeight and sampleWeight at the "
          + "same time (as in Keras): fold the class weights into the sample weights");
    }
  }

  private static List<NdArray<?>> perOutput(Object sampleWeight, List<String> outputs) {
    List<NdArray<?>> arrays = new ArrayList<>();
    if (sampleWeight instanceof Map<?, ?> byName) {
      for (Object key : byName.keySet()) {
        if (!outputs.contains(key)) {
          throw new IllegalArgumentException("sampleWeight names output '" + key + "', which "
              + "this model does not have; its outputs are " + outputs);
        }
      }
      for (String output : outputs) {
        Object each = byName.get(output);
        if (each == null) {
          throw new IllegalArgumentException("sampleWeight has no weights for output '" + output
              + "'; give one array for each of " + outputs);
        }
        arrays.add(TrainingData.ndArrayOf(each, "sampleWeight of output '" + output + "'"));
      }
      return arrays;
    }
    if (sampleWeight instanceof List<?> list) {
      if (list.size() != outputs.size()) {
        throw new IllegalArgumentException("sampleWeight gives " + list.size() + " arrays for "
            + outputs.size() + " outputs " + outputs + "; give one per output, or one array "
            + "for all");
      }
      for (int i = 0; i < list.size(); i++) {
        arrays.add(TrainingData.ndArrayOf(list.get(i),
            "sampleWeight of output '" + outputs.get(i) + "'"));
      }
      return arrays;
    }
    NdArray<?> one = TrainingData.ndArrayOf(sampleWeight, "sampleWeight");
    Shape shape = one.shape();
    if (outputs.size() > 1 && !(shape.numDimensions() == 1
        || shape.numDimensions() == 2 && shape.get(1) == 1)) {
      // Keras: one array for several outputs must be one score per sample.
      throw new IllegalArgumentException("For a model with several outputs, one sampleWeight "
          + "array must hold one weight per sample, shape (samples); got "
          + Shapes.format(shape) + ". For weights per step, give one array per output");
    }
    outputs.forEach(output -> arrays.add(one));
    return arrays;
  }

  /**
   * Keras's {@code class_weight_to_sample_weights}: each sample's class is its index, the arg-max
   * of a one-hot row, or a single column rounded; its weight is the class's, or 1.
   */
  private static float[] fromClasses(Map<Integer, Double> classWeight, TrainingData targets,
      boolean sparse) {
    Shape shape = targets.shapeOf(0);
    long samples = targets.samples();
    if (shape.numDimensions() > 2) {
      throw new IllegalArgumentException("classWeight takes targets of one class per sample, "
          + "shape (samples), (samples, 1) or one-hot (samples, classes); got "
          + Shapes.format(shape) + ". For weights per step, use sampleWeight");
    }
    for (Map.Entry<Integer, Double> entry : classWeight.entrySet()) {
      if (entry.getKey() == null || entry.getValue() == null
          || !Double.isFinite(entry.getValue())) {
        throw new IllegalArgumentException("classWeight maps class indices to finite weights, "
            + "got " + entry.getKey() + " -> " + entry.getValue());
      }
    }
    double[] y = targets.doubles(0);
    int columns = (int) (y.length / Math.max(1, samples));
    float[] weights = new float[Math.toIntExact(samples)];
    for (int i = 0; i < weights.length; i++) {
      int label;
      if (columns > 1 && !sparse) {
        int best = 0;
        for (int c = 1; c < columns; c++) {
          if (y[i * columns + c] > y[i * columns + best]) {
            best = c;
          }
        }
        label = best;
      } else {
        label = (int) Math.rint(y[i * columns]); // numpy's round: half to even
      }
      weights[i] = classWeight.getOrDefault(label, 1.0).floatValue();
    }
    return weights;
  }

  /** {@code (samples, 1, ...)} of rank {@code rank}: one weight per sample, broadcast. */
  private static Shape broadcastShape(long samples, int rank) {
    long[] dims = new long[Math.max(1, rank)];
    java.util.Arrays.fill(dims, 1);
    dims[0] = samples;
    return Shape.of(dims);
  }
}
