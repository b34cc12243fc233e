package dev.lamina.keras;

import io.jhdf.GlobalHeap;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.StringData;
import io.jhdf.object.datatype.VariableLength;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * String attributes of an HDF5 file held in memory (the legacy {@code .h5} format's {@code
 * model_config}, {@code keras_version}, {@code layer_names}, {@code weight_names}), read under a
 * bound on their count and bytes checked before anything of that size is allocated. Fixed-length
 * strings are sized by their type; variable-length ones (h5py's {@code str}) are resolved here,
 * each a view of its global-heap object checked against the budget before it is decoded, so that
 * many elements naming one large heap object cannot multiply it. Whatever is wrong is an {@link
 * Bad} with a message; the caller adds the file and the path.
 */
final class Hdf5Strings {

  private Hdf5Strings() {}

  /** Distinct global-heap collections one attribute may use (h5py writes one). */
  private static final int MAX_HEAPS = 16;

  /** A string attribute that is missing, too large or not strings; the message says which. */
  static final class Bad extends Exception {
    private static final long serialVersionUID = 1L;

    Bad(String message) {
      super(message, null, false, false);
    }
  }

  /** The attribute's strings: a scalar gives one, an empty or zero-length attribute none. */
  static List<String> read(HdfFile file, Attribute attribute, int maxCount, long maxBytes)
      throws Bad {
    if (attribute.isEmpty()) {
      return List.of();
    }
    long count = attribute.getSize();
    if (count == 0) {
      return List.of(); // h5py writes an empty list as a float64 array of no elements
    }
    if (count < 0 || count > maxCount) {
      throw new Bad("holds " + count + " values, more than the " + maxCount + " expected here");
    }
    DataType type = attribute.getDataType();
    if (type instanceof StringData) {
      long bytes = count * (long) type.getSize();
      if (type.getSize() < 0 || bytes > maxBytes) {
        throw new Bad("holds " + count + " strings of " + type.getSize() + " bytes, more than "
            + "the limit of " + maxBytes + " bytes");
      }
      Object data = attribute.getData();
      return strings(data);
    }
    if (type instanceof VariableLength vlen && vlen.isVariableLengthString()) {
      return variableLength(file, attribute, vlen, (int) count, maxBytes);
    }
    throw new Bad("is not a string attribute (" + (type == null ? "no type"
        : type.getClass().getSimpleName()) + ")");
  }

  /** One string: the attribute must hold exactly one. */
  static String one(HdfFile file, Attribute attribute, long maxBytes) throws Bad {
    List<String> values = read(file, attribute, 1, maxBytes);
    if (values.size() != 1) {
      throw new Bad("holds " + values.size() + " strings; one was expected");
    }
    return values.get(0);
  }

  /**
   * Keras's {@code load_attributes_from_hdf5_group}: the attribute {@code name}, or, when Keras
   * split a large one, {@code name0}, {@code name1}, ... concatenated; null if there is none.
   */
  static List<String> keras(HdfFile file, Node node, String name, int maxCount, long maxBytes)
      throws Bad {
    Map<String, Attribute> attributes = node.getAttributes();
    Attribute whole = attributes.get(name);
    if (whole != null) {
      return read(file, whole, maxCount, maxBytes);
    }
    if (!attributes.containsKey(name + "0")) {
      return null;
    }
    List<String> out = new ArrayList<>();
    long bytes = maxBytes;
    for (int chunk = 0; attributes.containsKey(name + chunk); chunk++) {
      List<String> part = read(file, attributes.get(name + chunk), maxCount - out.size(), bytes);
      for (String s : part) {
        bytes -= s.length();
      }
      out.addAll(part);
    }
    return out;
  }

  private static List<String> strings(Object data) throws Bad {
    if (data instanceof String s) {
      return List.of(s);
    }
    if (data instanceof String[] array) {
      return List.of(array);
    }
    throw new Bad("did not read as strings");
  }

  private static List<String> variableLength(HdfFile file, Attribute attribute,
      VariableLength type, int count, long maxBytes) throws Bad {
    ByteBuffer raw = attribute.getBuffer();
    int offsets = file.getHdfBackingStorage().getSizeOfOffsets();
    int element = 4 + offsets + 4; // sequence length, heap collection address, object index
    if (type.getSize() != element || raw == null
        || raw.remaining() < (long) count * element) {
      throw new Bad("is a variable-length string attribute of " + count + " values whose data "
          + "is not " + count + " heap references");
    }
    raw = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    Charset charset = type.getEncoding();
    Map<Long, GlobalHeap> heaps = new HashMap<>();
    List<String> out = new ArrayList<>(count);
    long budget = maxBytes;
    int start = raw.position();
    for (int i = 0; i < count; i++) {
      raw.position(start + i * element);
      long length = raw.getInt() & 0xFFFFFFFFL;
      long address = offsets == 8 ? raw.getLong() : raw.getInt() & 0xFFFFFFFFL;
      int index = raw.getInt();
      if (index == 0 && length == 0) {
        out.add("");
        continue;
      }
      if (length > budget) {
        throw new Bad("holds strings of more than the limit of " + maxBytes + " bytes");
      }
      GlobalHeap heap = heaps.get(address);
      if (heap == null) {
        if (heaps.size() == MAX_HEAPS) {
          throw new Bad("spreads its strings over more than " + MAX_HEAPS + " heaps");
        }
        heap = new GlobalHeap(file.getHdfBackingStorage(), address);
        heaps.put(address, heap);
      }
      ByteBuffer object;
      try {
        object = heap.getObjectData(index); // a view of the file's bytes
      } catch (IllegalArgumentException e) {
        throw new Bad("names heap object " + index + ", which its heap does not hold");
      }
      if (object.remaining() < length) {
        throw new Bad("declares a string of " + length + " bytes in a heap object of "
            + object.remaining());
      }
      byte[] bytes = new byte[(int) length];
      object.get(bytes);
      budget -= length;
      out.add(new String(bytes, charset));
    }
    return out;
  }
}
