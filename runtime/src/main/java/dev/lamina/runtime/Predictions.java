package dev.lamina.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.family.TType;

/**
 * What {@link Model#predictOutputs(List, int)} gives: one result per model output, taken as the
 * Java array type you name, by position or by output name (Keras's {@code output_names}: the
 * producing layer's name), so several outputs need no {@code List<Object>} casts.
 *
 * <pre>{@code
 * Predictions out = model.predictOutputs(List.of(features, ids), 256);
 * float[][] probabilities = out.get("probs", float[][].class);
 * float[] score = out.get(1, float[][].class)[0];
 * }</pre>
 */
public final class Predictions {

  private final List<String> names;
  private final List<Class<? extends TType>> dtypes;
  private final List<Shape> shapes;
  private final List<NdArray<?>> values;

  Predictions(List<String> names, List<Class<? extends TType>> dtypes, List<Shape> shapes,
      List<NdArray<?>> values) {
    this.names = List.copyOf(names);
    this.dtypes = List.copyOf(dtypes);
    this.shapes = List.copyOf(shapes);
    this.values = List.copyOf(values);
  }

  /** How many outputs. */
  public int size() {
    return values.size();
  }

  /** The outputs' names, in order. */
  public List<String> names() {
    return names;
  }

  /**
   * Output {@code index} as {@code type}, an array class of its element type and rank
   * ({@code float[][]} for a float32 output of shape {@code (None, c)}).
   *
   * @throws IllegalArgumentException if {@code type} does not fit the output
   * @throws IndexOutOfBoundsException if there is no such output
   */
  public <A> A get(int index, Class<A> type) {
    Objects.requireNonNull(type, "type");
    Objects.checkIndex(index, values.size());
    JavaArrays.requireResultType(type, dtypes.get(index), shapes.get(index),
        "output " + index + " '" + names.get(index) + "'");
    return JavaArrays.toJavaArray(values.get(index), dtypes.get(index), type);
  }

  /**
   * The output named {@code name} as {@code type}.
   *
   * @throws IllegalArgumentException if no output, or more than one, has that name, or
   *     {@code type} does not fit it
   */
  public <A> A get(String name, Class<A> type) {
    int found = -1;
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equals(name)) {
        if (found >= 0) {
          throw new IllegalArgumentException("Outputs " + found + " and " + i + " are both named '"
              + name + "'; take them by position");
        }
        found = i;
      }
    }
    if (found < 0) {
      throw new IllegalArgumentException("No output is named '" + name + "'; the outputs are "
          + names);
    }
    return get(found, type);
  }

  /** Output {@code index} as the NdArray predict computed (no copy). */
  public NdArray<?> array(int index) {
    return values.get(index);
  }

  /** Every output as an NdArray, in order. */
  public List<NdArray<?>> arrays() {
    return new ArrayList<>(values);
  }
}
