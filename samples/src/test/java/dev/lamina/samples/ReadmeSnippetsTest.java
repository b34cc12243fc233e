package dev.lamina.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ```java} block of the README is code that compiles: it must equal one or more
 * marked regions of compiled sources, so a change of the API that breaks a snippet breaks the
 * build, and an edit of a snippet that its source does not share fails here.
 *
 * <p>A region is the lines between {@code // README: name} and {@code // END README: name} in a
 * {@code .java} file of any module's {@code src/main/java} or {@code src/test/java}; the start
 * marker's column is the snippet's left margin. A name may open and close several times in one
 * file: its parts join in file order (so a snippet can leave out what is not its point, such as
 * the printing around it), each part's marker placed at the snippet's margin. A block is one region or several in a row, from any files; each file must be
 * linked from the README in the block's section (between the heading above it and the paragraph
 * right after it). Blank lines and trailing spaces do not count. Every region must be some
 * block's. A block may be exempt only through {@code <!-- snippet: not compiled: why -->} on the
 * line right above its fence.
 */
class ReadmeSnippetsTest {

  private static final Pattern START = Pattern.compile("^(\\s*)// README: (\\S+)\\s*$");
  private static final Pattern END = Pattern.compile("^(\\s*)// END README: (\\S+)\\s*$");
  private static final Pattern EXEMPT = Pattern.compile("^\\s*<!-- snippet: not compiled: .+-->\\s*$");
  private static final String HOW = "Make the block and its region the same again (the region "
      + "is the compiled truth), or mark the code in a compiled file as a region, "
      + "// README: <name> ... // END README: <name> (the marker at the snippet's left margin), "
      + "and link the file next to the block.";

  /** A fenced java block: its fence's line number (from 1) and its lines, fence indent removed. */
  record Block(int line, List<String> lines, boolean exempt) {}

  /** A named region of one file: its parts' lines, each part dedented by its marker's indent. */
  record Region(String file, String name, int line, List<String> lines) {
    String label() {
      return file + " region '" + name + "' (line " + line + ")";
    }
  }

  @Test
  void everyJavaBlockOfTheReadmeIsCompiledCode() throws IOException {
    Path root = repositoryRoot();
    List<String> readme = Files.readAllLines(root.resolve("README.md"), StandardCharsets.UTF_8);
    List<Block> blocks = javaBlocks(readme);
    List<String> problems = new ArrayList<>();
    List<Region> regions = regions(root, problems);
    Set<Region> used = new HashSet<>();
    int exempt = 0;
    for (Block block : blocks) {
      if (block.exempt()) {
        exempt++;
        continue;
      }
      List<String> wanted = significant(block.lines());
      List<Region> cover = cover(wanted, 0, regions);
      String where = "README.md line " + block.line() + " (```java block starting `"
          + (wanted.isEmpty() ? "" : wanted.get(0).strip()) + "`)";
      if (cover == null) {
        problems.add(where + " matches no marked region of a compiled source. "
            + closest(wanted, readmeLines(block), regions) + HOW);
        continue;
      }
      used.addAll(cover);
      String section = section(readme, block);
      for (Region region : cover) {
        if (!section.contains("(" + region.file() + ")")) {
          problems.add(where + " is " + region.label() + ", but its section does not link "
              + region.file() + ": add [`" + Path.of(region.file()).getFileName() + "`]("
              + region.file() + ") above or right below the block.");
        }
      }
    }
    for (Region region : regions) {
      if (!used.contains(region)) {
        problems.add(region.label() + " is no README block: update the README's block from it"
            + " (a snippet that changed in the README alone is reported above), or remove the"
            + " markers.");
      }
    }
    if (!problems.isEmpty()) {
      fail(problems.size() + " README snippet problem(s):\n  - "
          + String.join("\n  - ", problems));
    }
    assertTrue(blocks.size() >= 19, "README java blocks found: " + blocks.size());
    assertTrue(exempt <= 2, "exempt blocks: " + exempt + "; keep exemptions for illustrative errors");
  }

  /** The checks of the check: extraction, dedent, parts, and a block covered by two regions. */
  @Test
  void blocksAndRegionsAreReadAsDocumented() {
    List<String> readme = List.of("# T", "see [`A.java`](a/A.java)", "", "<!-- snippet: not "
        + "compiled: an error -->", "```java", "bad(", "```", "", "- item", "  ```java",
        "  int x = 1;", "", "  int y = 2;", "  ```");
    List<Block> blocks = javaBlocks(readme);
    assertEquals(2, blocks.size());
    assertTrue(blocks.get(0).exempt());
    assertEquals(List.of("int x = 1;", "", "int y = 2;"), blocks.get(1).lines());
    assertEquals(10, blocks.get(1).line());

    List<String> problems = new ArrayList<>();
    List<Region> regions = regions("a/A.java", List.of(
        "class A {", "  void f() {", "    // README: x", "    int x = 1;", "    // END README: x",
        "    print();", "    // README: y", "    int y = 2;", "    // END README: y", "  }", "}"),
        problems);
    assertEquals(List.of(), problems);
    List<Region> cover = cover(significant(blocks.get(1).lines()), 0, regions);
    assertEquals(List.of("x", "y"), cover.stream().map(Region::name).toList());
    assertTrue(section(readme, blocks.get(1)).contains("(a/A.java)"));

    regions("a/B.java", List.of("  // README: z", "int z;", "  // END README: z",
        "// README: open"), problems);
    assertEquals(2, problems.size(), problems.toString());
  }

  static Path repositoryRoot() {
    for (Path dir = Path.of(System.getProperty("basedir", "")).toAbsolutePath(); dir != null;
        dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("samples"))
          && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no README.md with a samples/ module above "
        + Path.of("").toAbsolutePath());
  }

  static List<Block> javaBlocks(List<String> readme) {
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < readme.size(); i++) {
      String fence = readme.get(i);
      if (!fence.strip().equals("```java") && !fence.strip().startsWith("```java ")) {
        continue;
      }
      int indent = fence.indexOf('`');
      boolean exempt = i > 0 && EXEMPT.matcher(readme.get(i - 1)).matches();
      List<String> lines = new ArrayList<>();
      int j = i + 1;
      for (; j < readme.size() && !readme.get(j).strip().equals("```"); j++) {
        String line = readme.get(j);
        int cut = Math.min(indent, line.length() - line.stripLeading().length());
        lines.add(line.substring(cut));
      }
      blocks.add(new Block(i + 1, lines, exempt));
      i = j;
    }
    return blocks;
  }

  /** The README from the heading above the block to the end of the paragraph after it. */
  static String section(List<String> readme, Block block) {
    int from = block.line() - 1;
    while (from > 0 && !readme.get(from).startsWith("#")) {
      from--;
    }
    int to = block.line();
    while (to < readme.size() && !readme.get(to).strip().equals("```")) {
      to++;
    }
    to++;
    while (to < readme.size() && readme.get(to).isBlank()) {
      to++;
    }
    while (to < readme.size() && !readme.get(to).isBlank() && !readme.get(to).startsWith("```")) {
      to++;
    }
    return String.join("\n", readme.subList(from, Math.min(to, readme.size())));
  }

  static List<Region> regions(Path root, List<String> problems) throws IOException {
    List<Region> regions = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> modules = Files.list(root)) {
      files = modules.filter(Files::isDirectory)
          .flatMap(module -> Stream.of(module.resolve("src/main/java"), module.resolve("src/test/java")))
          .filter(Files::isDirectory)
          .flatMap(ReadmeSnippetsTest::javaFiles)
          .sorted()
          .toList();
    }
    for (Path file : files) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      if (text.contains("// README: ")) {
        regions.addAll(regions(root.relativize(file).toString().replace('\\', '/'),
            text.lines().toList(), problems));
      }
    }
    return regions;
  }

  private static Stream<Path> javaFiles(Path dir) {
    try {
      return Files.walk(dir).filter(p -> p.toString().endsWith(".java"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Region> regions(String file, List<String> lines, List<String> problems) {
    Map<String, List<String>> content = new LinkedHashMap<>();
    Map<String, Integer> firstLine = new LinkedHashMap<>();
    Map<String, Integer> open = new LinkedHashMap<>();   // name -> indent of its start marker
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher start = START.matcher(line);
      Matcher end = END.matcher(line);
      if (start.matches()) {
        String name = start.group(2);
        if (open.putIfAbsent(name, start.group(1).length()) != null) {
          problems.add(file + " line " + (i + 1) + ": region '" + name + "' opens twice");
        }
        firstLine.putIfAbsent(name, i + 1);
        content.computeIfAbsent(name, n -> new ArrayList<>());
      } else if (end.matches()) {
        if (open.remove(end.group(2)) == null) {
          problems.add(file + " line " + (i + 1) + ": END README: " + end.group(2)
              + " closes no open region");
        }
      } else {
        for (Map.Entry<String, Integer> region : open.entrySet()) {
          int indent = region.getValue();
          int leading = line.length() - line.stripLeading().length();
          if (!line.isBlank() && leading < indent) {
            problems.add(file + " line " + (i + 1) + ": region '" + region.getKey() + "' holds a"
                + " line indented less than its // README: marker; the marker's column is the"
                + " snippet's left margin, so place it there");
          }
          content.get(region.getKey()).add(line.isBlank() ? "" : line.substring(Math.min(indent, leading)));
        }
      }
    }
    for (String name : open.keySet()) {
      problems.add(file + ": region '" + name + "' is never closed (// END README: " + name + ")");
    }
    return content.entrySet().stream()
        .map(e -> new Region(file, e.getKey(), firstLine.get(e.getKey()), significant(e.getValue())))
        .collect(Collectors.toList());
  }

  /** What is compared: the non-blank lines, trailing spaces removed. */
  static List<String> significant(List<String> lines) {
    return lines.stream().filter(l -> !l.isBlank()).map(String::stripTrailing).toList();
  }

  /** Regions whose lines, one after another, are exactly {@code wanted[from..]}; else null. */
  static List<Region> cover(List<String> wanted, int from, List<Region> regions) {
    if (from == wanted.size()) {
      return from == 0 ? null : new ArrayList<>();
    }
    for (Region region : regions) {
      List<String> lines = region.lines();
      if (!lines.isEmpty() && from + lines.size() <= wanted.size()
          && wanted.subList(from, from + lines.size()).equals(lines)) {
        List<Region> rest = cover(wanted, from + lines.size(), regions);
        if (rest != null) {
          rest.add(0, region);
          return rest;
        }
      }
    }
    return null;
  }

  /** The region sharing most lines with the block, and where they first differ. */
  /** The README line number of each of the block's non-blank lines. */
  static List<Integer> readmeLines(Block block) {
    List<Integer> numbers = new ArrayList<>();
    for (int i = 0; i < block.lines().size(); i++) {
      if (!block.lines().get(i).isBlank()) {
        numbers.add(block.line() + 1 + i);
      }
    }
    return numbers;
  }

  static String closest(List<String> wanted, List<Integer> readmeLines, List<Region> regions) {
    Region best = null;
    long bestShared = 0;
    for (Region region : regions) {
      Set<String> lines = new HashSet<>(region.lines());   // braces alone say nothing
      long shared = wanted.stream().filter(l -> l.strip().length() > 3 && lines.contains(l)).count();
      if (shared > bestShared) {
        best = region;
        bestShared = shared;
      }
    }
    if (best == null) {
      return "No region shares a line with it. ";
    }
    int offset = 0;   // where the region's first line sits in the block, best aligned
    int most = -1;
    for (int o = -best.lines().size(); o <= wanted.size(); o++) {
      int matches = 0;
      for (int i = 0; i < best.lines().size(); i++) {
        if (i + o >= 0 && i + o < wanted.size() && best.lines().get(i).equals(wanted.get(i + o))) {
          matches++;
        }
      }
      if (matches > most) {
        most = matches;
        offset = o;
      }
    }
    for (int i = 0; i < best.lines().size(); i++) {
      int w = i + offset;
      String theirs = best.lines().get(i);
      boolean inBlock = w >= 0 && w < wanted.size();
      if (!inBlock || !theirs.equals(wanted.get(w))) {
        return "Closest: " + best.label() + ", which differs at its line `" + theirs.strip()
            + "` where the README has " + (inBlock ? "`" + wanted.get(w).strip() + "` (line "
            + readmeLines.get(w) + ")" : "nothing") + ". ";
      }
    }
    return "Closest: " + best.label() + ", which is part of it: the rest is in no region. ";
  }
}
