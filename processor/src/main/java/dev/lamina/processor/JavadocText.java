package dev.lamina.processor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A method's Javadoc split into its description and its {@code @param} texts, so the generated
 * class can show the description and document each {@code @Arg} on its factory.
 */
record JavadocText(String description, Map<String, String> params) {

  static final JavadocText EMPTY = new JavadocText("", Map.of());

  /** Parses the text {@code Elements.getDocComment} returns; other block tags are dropped. */
  static JavadocText parse(String comment) {
    if (comment == null || comment.isBlank()) {
      return EMPTY;
    }
    StringBuilder description = new StringBuilder();
    Map<String, String> params = new LinkedHashMap<>();
    String currentParam = null;
    boolean inBlockTags = false;
    for (String rawLine : comment.split("\n", -1)) {
      String line = rawLine.strip();
      if (line.startsWith("@")) {
        inBlockTags = true;
        currentParam = null;
        if (line.startsWith("@param ")) {
          String rest = line.substring("@param ".length()).strip();
          int space = rest.indexOf(' ');
          currentParam = space < 0 ? rest : rest.substring(0, space);
          params.put(currentParam, space < 0 ? "" : rest.substring(space + 1).strip());
        }
      } else if (!inBlockTags) {
        description.append(rawLine.startsWith(" ") ? rawLine.substring(1) : rawLine).append('\n');
      } else if (currentParam != null && !line.isEmpty()) {
        params.merge(currentParam, line, (a, b) -> a.isEmpty() ? b : a + " " + b);
      }
    }
    return new JavadocText(description.toString().strip(), params);
  }
}
