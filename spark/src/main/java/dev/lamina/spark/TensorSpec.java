package dev.lamina.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * One input or output of a model as Spark sees it: its element kind and its per-sample shape
 * (batch excluded; {@code -1} for a size the model leaves open).
 */
final class TensorSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  final String role;
  final ElementKind kind;
  private final long[] dims;

  TensorSpec(String role, ElementKind kind, long[] dims) {
    this.role = role;
    this.kind = kind;
    this.dims = dims.clone();
  }

  long[] dims() {
    return dims.clone();
  }

  int rank() {
    return dims.length;
  }

  long dim(int i) {
    return dims[i];
  }

  /** How many values one sample has, or {@code -1} if a size is open. */
  long sampleSize() {
    long size = 1;
    for (long dim : dims) {
      if (dim < 0) {
        return -1;
      }
      size = Math.multiplyExact(size, dim);
    }
    return size;
  }

  /** Keras's notation, batch included: {@code (None, 64)}. */
  String shapeText() {
    StringJoiner joiner = new StringJoiner(", ", "(", dims.length == 0 ? ",)" : ")");
    joiner.add("None");
    for (long dim : dims) {
      joiner.add(dim < 0 ? "None" : Long.toString(dim));
    }
    return joiner.toString();
  }

  /** {@code input 0 (float32, shape (None, 64))}. */
  String describe() {
    return role + " (" + kind.dtypeName + ", shape " + shapeText() + ")";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TensorSpec that && role.equals(that.role) && kind == that.kind
        && Arrays.equals(dims, that.dims);
  }

  @Override
  public int hashCode() {
    return role.hashCode() * 31 + kind.hashCode() * 7 + Arrays.hashCode(dims);
  }
}
