package dev.lamina.runtime;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffer;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * The data adapter of {@code fit} and {@code evaluate}: takes the forms {@code predict} takes (an
 * NdArray or tensor, a list of them, a Java array), checks them against the model, copies them
 * once into dense arrays of the dtypes the graph is fed, and cuts batches from any list of rows.
 */
final class TrainingData {

  private final List<TensorData.Dense> arrays;
  private final List<Class<? extends TType>> dtypes;
  private final long samples;
  /** Per array, the Java array {@link #batch} gathers rows into, kept from batch to batch. */
  private final Object[] staging;

  private TrainingData(List<TensorData.Dense> arrays, List<Class<? extends TType>> dtypes,
      long samples) {
    this.arrays = arrays;
    this.dtypes = dtypes;
    this.samples = samples;
    this.staging = new Object[arrays.size()];
  }

  /**
   * @param data the user's data for {@code count} arrays
   * @param dtypes the dtype each array is fed as
   * @param expected each array's full shape, batch first ({@code -1} where any size goes), or
   *     {@code null} where any shape goes
   * @param names how messages name each array, e.g. {@code input 'input'}
   * @throws IllegalArgumentException if the data do not fit
   */
  static TrainingData of(Object data, List<Class<? extends TType>> dtypes, List<Shape> expected,
      List<String> names, String role) {
    List<Given> given = arraysOf(data, dtypes.size(), names, role);
    List<TensorData.Dense> arrays = new ArrayList<>();
    long samples = -1;
    for (int i = 0; i < given.size(); i++) {
      NdArray<?> array = given.get(i).array();
      Shape shape = array.shape();
      if (shape.numDimensions() == 0) {
        throw new IllegalArgumentException(names.get(i) + " needs a batch of samples, got a "
            + "scalar");
      }
      if (expected.get(i) != null) {
        Shapes.requireBatchOf(expected.get(i), shape, names.get(i));
      }
      if (samples >= 0 && shape.get(0) != samples) {
        throw new IllegalArgumentException("Every " + role + " array needs the same number of "
            + "samples: " + names.get(0) + " has " + samples + ", " + names.get(i) + " has "
            + shape.get(0));
      }
      samples = shape.get(0);
      TensorData.Dense own = given.get(i).own();
      arrays.add(own != null && TensorData.holds(array, dtypes.get(i)) ? own
          : convert(array, dtypes.get(i), names.get(i)));
    }
    return new TrainingData(arrays, List.copyOf(dtypes), samples);
  }

  long samples() {
    return samples;
  }

  /**
   * float32 arrays of the given values and shapes (row-major, batch first, each holding the same
   * number of samples): sample weights.
   */
  static TrainingData ofFloats(List<float[]> values, List<Shape> shapes) {
    List<TensorData.Dense> arrays = new ArrayList<>();
    List<Class<? extends TType>> dtypes = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      TensorData.Dense array = TensorData.allocate(TFloat32.class, shapes.get(i), () -> "weights");
      ((org.tensorflow.ndarray.buffer.FloatDataBuffer) array.buffer()).write(values.get(i));
      arrays.add(array);
      dtypes.add(TFloat32.class);
    }
    return new TrainingData(arrays, dtypes, shapes.get(0).get(0));
  }

  /** Array {@code index}'s values as doubles, row-major. */
  double[] doubles(int index) {
    DataBuffer<?> buffer = arrays.get(index).buffer();
    double[] values = new double[Math.toIntExact(buffer.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = ((Number) buffer.getObject(i)).doubleValue();
    }
    return values;
  }

  /** An array's values as float32, row-major: sample weights. */
  static float[] floats(NdArray<?> array, String name) {
    TensorData.Dense dense = convert(array, TFloat32.class, name);
    float[] values = new float[Math.toIntExact(array.shape().size())];
    ((org.tensorflow.ndarray.buffer.FloatDataBuffer) dense.buffer()).read(values);
    return values;
  }

  /**
   * Fails unless every value of array {@code index} (class indices) is in {@code [0, classes)}:
   * TensorFlow's one-hot would silently give an out-of-range label no class, as Keras does not.
   */
  void requireIndicesBelow(int index, long classes, String name) {
    if (classes == Shape.UNKNOWN_SIZE) {
      return;
    }
    org.tensorflow.ndarray.buffer.LongDataBuffer labels =
        (org.tensorflow.ndarray.buffer.LongDataBuffer) arrays.get(index).buffer();
    for (long i = 0; i < labels.size(); i++) {
      long label = labels.getLong(i);
      if (label < 0 || label >= classes) {
        throw new IllegalArgumentException(name + " holds class index " + label + " at sample "
            + i + "; the output has " + classes + " classes, so indices run from 0 to "
            + (classes - 1));
      }
    }
  }

  /** The full shape of array {@code index}. */
  Shape shapeOf(int index) {
    return arrays.get(index).array().shape();
  }

  /** Fails unless {@code other} has as many samples, naming both roles as Keras does. */
  void requireSameSamples(TrainingData other, String what) {
    if (other.samples != samples) {
      throw new IllegalArgumentException("x and y must have the same number of samples"
          + what + ": x has " + samples + ", y has " + other.samples);
    }
  }

  /** Rows {@code [from, to)} of this data, for validation splits. */
  TrainingData rows(long from, long to) {
    List<TensorData.Dense> parts = new ArrayList<>();
    for (int i = 0; i < arrays.size(); i++) {
      TensorData.Dense source = arrays.get(i);
      Shape shape = source.array().shape();
      int rowSize = rowSize(shape);
      TensorData.Dense part = TensorData.allocate(dtypes.get(i),
          Shapes.perSample(shape).prepend(to - from), () -> "rows");
      System.arraycopy(source.values(), Math.toIntExact(from * rowSize), part.values(), 0,
          Math.toIntExact((to - from) * rowSize));
      parts.add(part);
    }
    return new TrainingData(parts, dtypes, to - from);
  }

  private static int rowSize(Shape shape) {
    return Math.toIntExact(shape.size() / Math.max(1, shape.get(0)));
  }

  /**
   * One tensor per array holding {@code rows} in order; the caller closes them. Rows are gathered
   * into a Java array kept for the next batch, then copied into the tensor in one go: nothing is
   * allocated per row (fit's per-step cost).
   */
  List<Tensor> batch(long[] rows) {
    List<Tensor> tensors = new ArrayList<>(arrays.size());
    try {
      for (int i = 0; i < arrays.size(); i++) {
        TensorData.Dense source = arrays.get(i);
        Shape shape = source.array().shape();
        int rowSize = rowSize(shape);
        Tensor tensor = Tensor.of(dtypes.get(i), Shapes.perSample(shape).prepend(rows.length));
        tensors.add(tensor);
        int length = rows.length * rowSize;
        if (staging[i] == null || java.lang.reflect.Array.getLength(staging[i]) < length) {
          staging[i] = TensorData.stagingFor(source, length);
        }
        TensorData.gatherRows(source, rows, rowSize, staging[i],
            TensorData.memoryOf(tensor, dtypes.get(i), "batch"));
      }
      return tensors;
    } catch (RuntimeException | Error e) {
      tensors.forEach(Tensor::close);
      throw e;
    }
  }

  /**
   * A user's array as an NdArray, and {@code own}: the copy made of a Java array, which needs no
   * second copy if it already is of the dtype fed ({@code null} for an NdArray of the user's).
   */
  private record Given(NdArray<?> array, TensorData.Dense own) {}

  /** The user's arrays: one NdArray, a list of them, or a Java array for a single one. */
  private static List<Given> arraysOf(Object data, int count, List<String> names, String role) {
    if (data == null) {
      throw new IllegalArgumentException(role + " is null");
    }
    List<?> items = data instanceof List<?> list ? list : List.of(data);
    if (items.size() != count) {
      throw new IllegalArgumentException("This model takes " + count + " " + role + " array"
          + (count == 1 ? "" : "s") + " " + names + ", got " + items.size());
    }
    List<Given> arrays = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      arrays.add(given(items.get(i), names.get(i)));
    }
    return arrays;
  }

  /** An NdArray from an NdArray, a tensor or a Java array of float, double, int, long, boolean. */
  static NdArray<?> ndArrayOf(Object item, String name) {
    return given(item, name).array();
  }

  private static Given given(Object item, String name) {
    if (item instanceof NdArray<?> array) {
      return new Given(array, null);
    }
    if (item == null || !item.getClass().isArray()) {
      throw new IllegalArgumentException(name + " must be an NdArray, a tensor or a Java array, "
          + "got " + (item == null ? "null" : item.getClass().getSimpleName()));
    }
    Class<?> element = item.getClass();
    while (element.isArray()) {
      element = element.getComponentType();
    }
    // Read the array as its own element type; convert() then casts to the dtype fed.
    Class<? extends TType> dtype = JavaArrays.dtypeOf(element);
    if (dtype == null) {
      throw new IllegalArgumentException(name + " is a " + item.getClass().getSimpleName()
          + "; pass float, double, int, long or boolean arrays, or an NdArray");
    }
    TensorData.Dense copy = JavaArrays.toDense(item, dtype, name);
    return new Given(copy.array(), copy);
  }

  /** A dense copy in {@code dtype}; numbers convert as Keras converts targets (e.g. 1.0 to 1). */
  private static TensorData.Dense convert(NdArray<?> array, Class<? extends TType> dtype,
      String name) {
    TensorData.Dense out = TensorData.allocate(dtype, array.shape(), () -> name);
    if (TensorData.holds(array, dtype)) {
      copy(array, out);
      return out;
    }
    DataBuffer<?> buffer = out.buffer();
    long[] index = {0};
    array.scalars().forEach(scalar -> {
      Object value = scalar.getObject();
      put(buffer, index[0]++, value, dtype, name);
    });
    return out;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void copy(NdArray<?> array, TensorData.Dense out) {
    ((NdArray) array).copyTo((NdArray) out.array());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void put(DataBuffer buffer, long at, Object value, Class<? extends TType> dtype,
      String name) {
    if (!(value instanceof Number number)) {
      throw new IllegalArgumentException(name + " holds " + value + ", which is not a number; "
          + "it is fed as " + Shapes.dtypeName(dtype));
    }
    if (dtype == TFloat32.class) {
      buffer.setObject(number.floatValue(), at);
    } else if (dtype == TFloat64.class) {
      buffer.setObject(number.doubleValue(), at);
    } else if (dtype == TInt32.class || dtype == TInt64.class) {
      double d = number.doubleValue();
      if (d != Math.rint(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(name + " holds " + value + " where a whole number "
            + "(a class index) is needed");
      }
      buffer.setObject(dtype == TInt32.class ? (Object) number.intValue()
          : (Object) number.longValue(), at);
    } else {
      throw new IllegalArgumentException(name + " cannot be converted to "
          + Shapes.dtypeName(dtype));
    }
  }
}
