package dev.lamina.keras;

import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.io.ModelFormatException;
import io.jhdf.AbstractNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.message.FilterPipelineMessage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

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
  private final long fileBytes;
  /** The child of {@code vars} being read, for messages. */
  private String reading;

  private KerasWeights(HdfFile file, String source, long maxValues, long fileBytes) {
    this.file = file;
    this.source = source;
    this.maxValues = maxValues;
    this.fileBytes = fileBytes;
  }

  /** Opens HDF5 bytes already read (within limits) from the archive. */
  static KerasWeights open(byte[] bytes, String source, long maxValues)
      throws ModelFormatException {
    try {
      return new KerasWeights(HdfFile.fromBytes(bytes), source, maxValues, bytes.length);
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      throw new ModelFormatException(source + ": not a readable HDF5 file: " + message(e), e);
    }
  }

  /**
   * The values of one layer's weights, after checking that the file holds exactly as many as the
   * Lamina layer declares, each of its shape and dtype (float32, float64, int32 or int64: an
   * NdArray of that dtype).
   *
   * @param group e.g. {@code layers/dense_1}
   * @param layer how messages name the layer
   * @param layerName the Keras layer's name, to cross-check the group's {@code name} attribute;
   *     null for a sublayer's group (Keras names a recurrent layer's cell {@code lstm_cell})
   */
  List<NdArray<?>> read(String group, String layer, String layerName, List<Weight> expected)
      throws ModelFormatException {
    if (expected.stream().noneMatch(w -> w.name().contains("/"))) {
      return readGroup(group, layer, layerName, expected);
    }
    // A layer built of Keras sublayers (MultiHeadAttention's EinsumDense projections): a weight
    // "query/kernel" is the sublayer 'query''s, whose weights Keras keeps in the group of the
    // attribute that holds it, <group>/query_dense/vars, named by the sublayer's name.
    Map<String, List<Integer>> bySublayer = new java.util.LinkedHashMap<>();
    for (int i = 0; i < expected.size(); i++) {
      String name = expected.get(i).name();
      int slash = name.lastIndexOf('/');
      bySublayer.computeIfAbsent(slash < 0 ? "" : name.substring(0, slash),
          k -> new ArrayList<>()).add(i);
    }
    NdArray<?>[] values = new NdArray<?>[expected.size()];
    for (var e : bySublayer.entrySet()) {
      String sublayer = e.getKey();
      List<Weight> part = e.getValue().stream().map(expected::get).toList();
      List<NdArray<?>> read = sublayer.isEmpty()
          ? readGroup(group, layer, layerName, part)
          : readGroup(sublayerGroup(group, sublayer),
              layer + "'s sublayer '" + sublayer + "'", sublayer, part);
      for (int j = 0; j < part.size(); j++) {
        values[e.getValue().get(j)] = read.get(j);
      }
    }
    if (!bySublayer.containsKey("")) {
      readGroup(group, layer, layerName, List.of()); // the layer's own vars: none
    }
    return List.of(values);
  }

  /**
   * The group of a sublayer's weights: Keras's {@code model.weights.h5} keeps them under the
   * attribute that holds the sublayer, by its name ({@link #SUBLAYER_ATTRIBUTES}): {@code
   * query_dense} for MultiHeadAttention (whose public properties Keras saves), {@code
   * _query_dense} for GroupedQueryAttention (which has only the private attributes).
   */
  private String sublayerGroup(String group, String sublayer) throws ModelFormatException {
    String attribute = SUBLAYER_ATTRIBUTES.getOrDefault(sublayer, sublayer);
    String plain = group + "/" + attribute;
    String underscored = group + "/_" + attribute;
    return find(plain) == null && find(underscored) != null ? underscored : plain;
  }

  /**
   * The attribute of a Keras layer that holds a sublayer, by the sublayer's name: Keras's
   * {@code model.weights.h5} groups a sublayer's weights under it. MultiHeadAttention's
   * and GroupedQueryAttention's projections (and the latter's {@code gate}).
   */
  private static final Map<String, String> SUBLAYER_ATTRIBUTES = Map.of(
      "query", "query_dense", "key", "key_dense", "value", "value_dense",
      "attention_output", "output_dense", "gate", "gate_dense");

  /** One group's {@code vars}, in order, with {@link #read}'s checks; null name: unchecked. */
  List<NdArray<?>> readGroup(String group, String layer, String layerName,
      List<Weight> expected) throws ModelFormatException {
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
      List<NdArray<?>> values = new ArrayList<>(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        reading = String.valueOf(i);
        Node node = children.get(reading);
        if (node == null) {
          throw error(varsPath + "/" + i, "missing: the weights must be numbered 0, 1, ...; "
              + "found " + children.keySet());
        }
        values.add(readOne(node, varsPath + "/" + i, layer, expected.get(i)));
      }
      return values;
    } catch (ModelFormatException e) {
      throw e;
    } catch (ChunkException e) {
      throw error(varsPath + "/" + reading, e.getMessage(), null);
    } catch (RuntimeException | StackOverflowError e) {
      throw error(varsPath + (reading == null ? "" : "/" + reading), "unreadable: " + message(e),
          e);
    } catch (OutOfMemoryError e) {
      throw error(varsPath + (reading == null ? "" : "/" + reading), "needs more memory than "
          + "the JVM has (" + message(e) + "): a damaged or hostile file", e);
    } finally {
      reading = null;
    }
  }

  /**
   * The values of the datasets at {@code paths} (from the file's root), one per weight of the
   * layer in its order, with the same checks as {@link #read}: the legacy {@code .h5} layout,
   * whose paths the file's {@code weight_names} give.
   */
  List<NdArray<?>> readPaths(List<String> paths, String layer, List<Weight> expected)
      throws ModelFormatException {
    try {
      List<NdArray<?>> values = new ArrayList<>(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        reading = paths.get(i);
        Node node = find(reading);
        if (node == null) {
          throw error(reading, "missing: the layer's weight_names name it, but the file has no "
              + "such dataset");
        }
        values.add(readOne(node, reading, layer, expected.get(i)));
      }
      return values;
    } catch (ModelFormatException e) {
      throw e;
    } catch (ChunkException e) {
      throw error(reading, e.getMessage(), null);
    } catch (RuntimeException | StackOverflowError e) {
      throw error(reading, "unreadable: " + message(e), e);
    } catch (OutOfMemoryError e) {
      throw error(reading, "needs more memory than the JVM has (" + message(e) + "): a damaged "
          + "or hostile file", e);
    } finally {
      reading = null;
    }
  }

  /** The file's root group, for readers of its attributes. */
  HdfFile file() {
    return file;
  }

  /** Where messages say the file is: e.g. {@code model.h5} or {@code m.keras!model.weights.h5}. */
  String source() {
    return source;
  }

  private NdArray<?> readOne(Node node, String path, String layer, Weight weight)
      throws ModelFormatException {
    if (!(node instanceof Dataset dataset)) {
      throw error(path, "is not a dataset");
    }
    // Type and dimensions first: nothing of the size the file claims is allocated before this.
    // A dataset is read into a weight of its own dtype: Keras's int64 counters (an adapted
    // Normalization's count) are int64 weights in Lamina too.
    DataType type = dataset.getDataType();
    if (dtypeOf(type) != weight.dtypeClass()) {
      throw error(path, layer + "'s weight '" + weight.name() + "' must be " + weight.dtype()
          + ", found " + describeType(type));
    }
    int width = type.getSize();
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
    Object flat;
    if (dataset instanceof ChunkedDataset chunked) {
      ByteOrder order = type instanceof FloatingPoint floating ? floating.getByteOrder()
          : ((FixedPoint) type).getByteOrder();
      flat = readChunked(chunked, path, dims, (int) count, width, order, newArray(width,
          type instanceof FloatingPoint, (int) count));
    } else {
      // Contiguous or compact: no filters (HDF5 filters only chunks), and the dimensions, checked
      // above, size everything jhdf allocates; data the file lacks fails as a RuntimeException.
      flat = dataset.getDataFlat();
      if (flat == null || flat.getClass() != newArray(width, type instanceof FloatingPoint, 0)
          .getClass() || java.lang.reflect.Array.getLength(flat) != count) {
        throw error(path, "did not read as " + count + " " + weight.dtype() + " values");
      }
    }
    Shape shape = Shape.of(want);
    if (flat instanceof float[] floats) {
      return NdArrays.wrap(shape, DataBuffers.of(floats, true, false));
    } else if (flat instanceof double[] doubles) {
      return NdArrays.wrap(shape, DataBuffers.of(doubles, true, false));
    } else if (flat instanceof int[] ints) {
      return NdArrays.wrap(shape, DataBuffers.of(ints, true, false));
    }
    return NdArrays.wrap(shape, DataBuffers.of((long[]) flat, true, false));
  }

  /**
   * The weight dtype an HDF5 type holds: 4- and 8-byte floats are float32 and float64, signed
   * 4- and 8-byte integers int32 and int64; {@code null} for any other (float16, unsigned,
   * strings...), which no Lamina weight has.
   */
  static Class<? extends TType> dtypeOf(DataType type) {
    if (type instanceof FloatingPoint) {
      return type.getSize() == 4 ? TFloat32.class : type.getSize() == 8 ? TFloat64.class : null;
    }
    if (type instanceof FixedPoint fixed && fixed.isSigned()) {
      return type.getSize() == 4 ? TInt32.class : type.getSize() == 8 ? TInt64.class : null;
    }
    return null;
  }

  /** A Java array for {@code count} values of a weight dtype of {@code width} bytes. */
  private static Object newArray(int width, boolean floating, int count) {
    if (floating) {
      return width == 4 ? new float[count] : new double[count];
    }
    return width == 4 ? new int[count] : new long[count];
  }

  /** The most bytes a chunk may have beyond its dataset's own size (h5py makes up to 1 MiB). */
  static final int CHUNK_SLACK = 4 << 20;

  /**
   * A chunked dataset's values, each chunk read raw from jhdf and decoded here by {@link
   * Hdf5Filters} under the bound its shape gives: nothing is allocated from what a chunk declares
   * or inflates to, only from the dataset's dimensions (checked against the model) and chunk
   * shape (checked against those). jhdf's own decoding allocates what a chunk declares.
   */
  private Object readChunked(ChunkedDataset dataset, String path, int[] dims, int count,
      int width, ByteOrder order, Object out) throws ModelFormatException {
    int[] chunk = dataset.getChunkDimensions();
    long chunkValues = 1;
    boolean fits = chunk.length == dims.length && dims.length > 0;
    for (int i = 0; fits && i < chunk.length; i++) {
      fits = chunk[i] >= 1;
      long cap = Long.MAX_VALUE / 1024; // saturate: the product is compared, never used beyond
      int d = Math.max(chunk[i], 1);
      chunkValues = chunkValues > cap / d ? cap : chunkValues * d;
    }
    long chunkBytes = chunkValues * width;
    if (!fits || chunkBytes > Math.max((long) width * count, CHUNK_SLACK)) {
      throw error(path, "chunks of shape " + formatDims(chunk) + " for a dataset of shape "
          + formatDims(dims) + ": " + (fits ? "a chunk of " + chunkBytes + " bytes, more than"
          + " the dataset's " + (long) width * count + " (or " + CHUNK_SLACK + ")"
          : "not a chunk shape of the dataset's rank"));
    }
    long chunks = 1;
    int[] grid = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      grid[i] = (dims[i] + chunk[i] - 1) / chunk[i];
      chunks *= grid[i];
    }
    if (chunks > fileBytes) {
      throw error(path, chunks + " chunks of shape " + formatDims(chunk) + ", more than the"
          + " file has bytes");
    }
    List<FilterPipelineMessage.FilterInfo> pipeline = pipeline(dataset, path);
    if (count == 0) {
      return out;
    }
    int[] index = new int[dims.length];
    int[] offset = new int[dims.length];
    for (long c = 0; c < chunks; c++) {
      for (int i = 0; i < dims.length; i++) {
        offset[i] = index[i] * chunk[i];
      }
      byte[] bytes = decodeChunk(dataset, path, offset, pipeline, (int) chunkBytes);
      copyChunk(ByteBuffer.wrap(bytes).order(order), chunk, offset, dims, out);
      for (int i = dims.length - 1; i >= 0 && ++index[i] == grid[i]; i--) {
        index[i] = 0;
      }
    }
    return out;
  }

  /** The filters of a dataset, from its header (not jhdf's filter registry), all supported. */
  private List<FilterPipelineMessage.FilterInfo> pipeline(ChunkedDataset dataset, String path)
      throws ModelFormatException {
    if (!(dataset instanceof AbstractNode node)
        || !node.getHeader().hasMessageOfType(FilterPipelineMessage.class)) {
      return List.of();
    }
    List<FilterPipelineMessage.FilterInfo> filters =
        node.getHeader().getMessageOfType(FilterPipelineMessage.class).getFilters();
    for (var filter : filters) {
      if (!Hdf5Filters.supported(filter.getId())) {
        throw error(path, "its chunks pass through filter " + filter.getId() + " ('"
            + clip(filter.getName()) + "'), which Lamina does not decode; it decodes deflate, "
            + "shuffle, fletcher32, lzf, lz4 and bitshuffle (Keras itself writes no filters)");
      }
    }
    return filters;
  }

  private static byte[] decodeChunk(ChunkedDataset dataset, String path, int[] offset,
      List<FilterPipelineMessage.FilterInfo> pipeline, int chunkBytes)
      throws ModelFormatException {
    ByteBuffer raw = dataset.getRawChunkBuffer(offset); // a view of the file's bytes
    byte[] bytes = new byte[raw.remaining()];
    raw.get(bytes);
    // Each stage may hold the chunk plus the 4 bytes of each fletcher32 checksum still on it.
    int max = (int) Math.min(Integer.MAX_VALUE - 8, chunkBytes + 4L * pipeline.size());
    try {
      for (int i = pipeline.size() - 1; i >= 0; i--) {
        var filter = pipeline.get(i);
        bytes = Hdf5Filters.decode(filter.getId(), filter.getData(), bytes, max);
      }
    } catch (Hdf5Filters.Refused e) {
      throw new ChunkException("chunk at " + formatDims(offset) + ": " + e.getMessage());
    }
    if (bytes.length != chunkBytes) {
      throw new ChunkException("chunk at " + formatDims(offset) + " holds " + bytes.length
          + " bytes once decoded" + (pipeline.isEmpty() ? "" : " (" + names(pipeline) + ")")
          + "; a chunk of its shape holds " + chunkBytes);
    }
    return bytes;
  }

  /** A chunk that does not decode; becomes the dataset's ModelFormatException. */
  static final class ChunkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ChunkException(String message) {
      super(message, null, false, false);
    }
  }

  private static String names(List<FilterPipelineMessage.FilterInfo> pipeline) {
    StringBuilder text = new StringBuilder();
    for (var filter : pipeline) {
      text.append(text.length() == 0 ? "" : ", ").append(Hdf5Filters.name(filter.getId()));
    }
    return text.toString();
  }

  /**
   * Copies the part of a chunk at {@code offset} that lies inside the dataset into {@code out}, a
   * float[], double[], int[] or long[].
   */
  private static void copyChunk(ByteBuffer bytes, int[] chunkDims, int[] offset, int[] dims,
      Object out) {
    java.nio.Buffer chunk = out instanceof float[] ? bytes.asFloatBuffer()
        : out instanceof double[] ? bytes.asDoubleBuffer()
        : out instanceof int[] ? bytes.asIntBuffer() : bytes.asLongBuffer();
    int rank = dims.length;
    int[] extent = new int[rank];
    for (int i = 0; i < rank; i++) {
      extent[i] = Math.min(chunkDims[i], dims[i] - offset[i]);
    }
    int run = extent[rank - 1];
    int[] at = new int[rank]; // position in the chunk, last dimension always 0
    while (true) {
      int from = 0;
      int to = 0;
      for (int i = 0; i < rank; i++) {
        from = from * chunkDims[i] + at[i];
        to = to * dims[i] + offset[i] + at[i];
      }
      if (out instanceof float[] floats) {
        ((FloatBuffer) chunk).get(from, floats, to, run);
      } else if (out instanceof double[] doubles) {
        ((java.nio.DoubleBuffer) chunk).get(from, doubles, to, run);
      } else if (out instanceof int[] ints) {
        ((java.nio.IntBuffer) chunk).get(from, ints, to, run);
      } else {
        ((java.nio.LongBuffer) chunk).get(from, (long[]) out, to, run);
      }
      int i = rank - 2;
      while (i >= 0 && ++at[i] == extent[i]) {
        at[i] = 0;
        i--;
      }
      if (i < 0) {
        return;
      }
    }
  }

  private static String clip(String text) {
    return text == null ? "" : text.length() > 60 ? text.substring(0, 60) + "..." : text;
  }

  private void checkName(Group vars, String path, String layer, String layerName)
      throws ModelFormatException {
    Attribute name = vars.getAttributes().get("name");
    if (name == null || layerName == null) { // null: a sublayer's group (a cell), named by Keras
      return; // older writers leave it out; the position in the file is what Keras itself uses
    }
    // Both the element count and the element size: a fixed-length string type may declare
    // gigabytes per element, which jhdf would allocate.
    if (name.getSize() > 4096 || name.getDataType().getSize() > 4096) {
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

  /**
   * The node at a {@code /}-separated path from the root, or null; a group whose children do not
   * read (jhdf reads them when first asked) is an error naming the path.
   */
  Node find(String path) throws ModelFormatException {
    try {
      return findUnguarded(path);
    } catch (RuntimeException | StackOverflowError e) {
      throw error(path, "unreadable: " + message(e), e);
    } catch (OutOfMemoryError e) {
      throw error(path, "needs more memory than the JVM has (" + message(e) + "): a damaged "
          + "or hostile file", e);
    }
  }

  private Node findUnguarded(String path) {
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
    if (type instanceof FixedPoint fixed) {
      return "a" + (fixed.isSigned() ? " " : "n unsigned ") + (type.getSize() * 8)
          + "-bit integer";
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

  ModelFormatException error(String path, String detail) {
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
