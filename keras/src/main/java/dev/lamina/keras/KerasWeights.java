package dev.lamina.keras;

import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.io.ModelFormatException;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FloatingPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;

/**
 * Keras 3's {@code model.weights.h5}, read in memory with jhdf: a layer's weights are the
 * datasets {@code layers/<snake_case class>[_n]/vars/0, 1, ...}, and the {@code vars} group's
 * {@code name} attribute names the layer. Every dataset's type and dimensions are checked against
 * the Lamina layer's weights before its values are read, and whatever jhdf throws on a damaged
 * file becomes a {@link ModelFormatException} naming the dataset.
 */
final class KerasWeights implements AutoCloseable {

  private final HdfFile file;
  private final String source;
  private final long maxValues;

  private KerasWeights(HdfFile file, String source, long maxValues) {
    this.file = file;
    this.source = source;
    this.maxValues = maxValues;
  }

  /** Opens HDF5 bytes already read (within limits) from the archive. */
  static KerasWeights open(byte[] bytes, String source, long maxValues)
      throws ModelFormatException {
    try {
      return new KerasWeights(HdfFile.fromBytes(bytes), source, maxValues);
    } catch (RuntimeException | StackOverflowError e) {
      throw new ModelFormatException(source + ": not a readable HDF5 file: " + message(e), e);
    }
  }

  /**
   * The values of one layer's weights, after checking that the file holds exactly as many as the
   * Lamina layer declares, each of its shape, as float32.
   *
   * @param group e.g. {@code layers/dense_1}
   * @param layer how messages name the layer
   * @param layerName the Keras layer's name, to cross-check the group's {@code name} attribute
   */
  List<FloatNdArray> read(String group, String layer, String layerName, List<Weight> expected)
      throws ModelFormatException {
    String varsPath = group + "/vars";
    try {
      Node vars = find(varsPath);
      if (vars == null) {
        if (expected.isEmpty()) {
          return List.of();
        }
        throw error(varsPath, "missing: " + layer + " has " + expected.size()
            + " weights and Keras keeps them there");
      }
      if (!(vars instanceof Group varsGroup)) {
        throw error(varsPath, "is not a group");
      }
      checkName(varsGroup, varsPath, layer, layerName);
      Map<String, Node> children = varsGroup.getChildren();
      if (children.size() != expected.size()) {
        throw error(varsPath, "holds " + children.size() + " weights " + children.keySet()
            + ", but " + layer + " has " + expected.size() + describeWeights(expected));
      }
      List<FloatNdArray> values = new ArrayList<>(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        values.add(readOne(varsGroup, varsPath + "/" + i, String.valueOf(i), layer,
            expected.get(i)));
      }
      return values;
    } catch (ModelFormatException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      throw error(varsPath, "unreadable: " + message(e), e);
    }
  }

  private FloatNdArray readOne(Group vars, String path, String child, String layer, Weight weight)
      throws ModelFormatException {
    Node node = vars.getChildren().get(child);
    if (node == null) {
      throw error(path, "missing: the weights must be numbered 0, 1, ...; found "
          + vars.getChildren().keySet());
    }
    if (!(node instanceof Dataset dataset)) {
      throw error(path, "is not a dataset");
    }
    // Type and dimensions first: nothing of the size the file claims is allocated before this.
    DataType type = dataset.getDataType();
    if (!(type instanceof FloatingPoint) || type.getSize() != 4) {
      throw error(path, layer + "'s weight '" + weight.name() + "' must be float32, found "
          + describeType(type));
    }
    int[] dims = dataset.getDimensions();
    long[] want = weight.shape().asArray();
    long count = 1;
    for (int d : dims) {
      if (d < 0) {
        throw error(path, "negative dimension in " + java.util.Arrays.toString(dims));
      }
      count = Math.multiplyHigh(count, d) != 0 ? Long.MAX_VALUE : count * d;
    }
    if (!sameDims(dims, want)) {
      throw error(path, "has shape " + formatDims(dims) + ", but " + layer + "'s weight '"
          + weight.name() + "' has shape " + Shapes.format(weight.shape()));
    }
    if (count > maxValues) {
      throw error(path, count + " values, more than the limit of " + maxValues);
    }
    Object data = dataset.getDataFlat();
    if (!(data instanceof float[] flat) || flat.length != count) {
      throw error(path, "did not read as " + count + " float32 values");
    }
    return NdArrays.wrap(Shape.of(want), DataBuffers.of(flat, true, false));
  }

  private void checkName(Group vars, String path, String layer, String layerName)
      throws ModelFormatException {
    Attribute name = vars.getAttributes().get("name");
    if (name == null) {
      return; // older writers leave it out; the position in the file is what Keras itself uses
    }
    if (name.getSize() > 4096) {
      throw error(path, "attribute 'name' is too large");
    }
    Object value = name.getData();
    if (value instanceof String[] array && array.length == 1) {
      value = array[0];
    }
    if (!(value instanceof String s) || !s.equals(layerName)) {
      throw error(path, "belongs to layer '" + value + "', but Keras's order puts the weights of "
          + layer + " here: the weights file does not match config.json");
    }
  }

  private Node find(String path) {
    Node node = file;
    for (String part : path.split("/")) {
      if (!(node instanceof Group group)) {
        return null;
      }
      node = group.getChildren().get(part);
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  private static boolean sameDims(int[] dims, long[] want) {
    if (dims.length != want.length) {
      return false;
    }
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] != want[i]) {
        return false;
      }
    }
    return true;
  }

  private static String formatDims(int[] dims) {
    long[] longs = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      longs[i] = dims[i];
    }
    return Shapes.format(longs);
  }

  private static String describeType(DataType type) {
    if (type instanceof FloatingPoint) {
      return "a " + (type.getSize() * 8) + "-bit float";
    }
    return type == null ? "no type" : type.getClass().getSimpleName() + " of " + type.getSize()
        + " bytes";
  }

  private static String describeWeights(List<Weight> weights) {
    StringBuilder text = new StringBuilder(weights.isEmpty() ? "" : " (");
    for (int i = 0; i < weights.size(); i++) {
      text.append(i == 0 ? "" : ", ").append(weights.get(i).name()).append(' ')
          .append(Shapes.format(weights.get(i).shape()));
    }
    return text.append(weights.isEmpty() ? "" : ")").toString();
  }

  private ModelFormatException error(String path, String detail) {
    return new ModelFormatException(source + ": " + path + ": " + detail);
  }

  private ModelFormatException error(String path, String detail, Throwable cause) {
    return new ModelFormatException(source + ": " + path + ": " + detail, cause);
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    if (m != null && m.length() > 300) {
      m = m.substring(0, 300) + "...";
    }
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  @Override
  public void close() {
    try {
      file.close();
    } catch (RuntimeException e) {
      // In-memory: nothing to release that matters.
    }
  }
}
