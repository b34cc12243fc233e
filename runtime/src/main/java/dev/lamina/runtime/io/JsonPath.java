package dev.lamina.runtime.io;

import java.util.ArrayDeque;

/**
 * A value's JSON path ({@code $.layers[2].name}) as a linked list, so that reading never builds
 * a path string (which would cost depth times key length per value) until an error needs one.
 */
final class JsonPath {

  static final JsonPath ROOT = new JsonPath(null, null, -1);

  private final JsonPath parent;
  private final String key;
  private final int index;

  private JsonPath(JsonPath parent, String key, int index) {
    this.parent = parent;
    this.key = key;
    this.index = index;
  }

  JsonPath child(String key) {
    return new JsonPath(this, key, -1);
  }

  JsonPath child(int index) {
    return new JsonPath(this, null, index);
  }

  @Override
  public String toString() {
    var steps = new ArrayDeque<JsonPath>();
    for (JsonPath p = this; p.parent != null; p = p.parent) {
      steps.push(p);
    }
    var sb = new StringBuilder("$");
    for (JsonPath p : steps) {
      sb.append(p.key != null ? JsonValues.segment(p.key) : "[" + p.index + "]");
      if (sb.length() > 1000) {
        return sb.append("...").toString(); // a hostile depth must not make a huge message
      }
    }
    return sb.toString();
  }
}
