package dev.lamina.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The benchmarks' command line: words ({@code predict}, {@code smoke}), {@code key=value} settings
 * ({@code rows=100000}), and from the first argument that starts with {@code -} on, JMH's own
 * options ({@code -f 3 -prof gc}), passed to JMH as they are.
 */
record Options(Set<String> words, Map<String, String> settings, List<String> jmh) {

  static Options parse(String... args) {
    Set<String> words = new LinkedHashSet<>();
    Map<String, String> settings = new LinkedHashMap<>();
    List<String> jmh = new ArrayList<>();
    for (String arg : args) {
      if (!jmh.isEmpty() || arg.startsWith("-")) {
        jmh.add(arg);
      } else if (arg.contains("=")) {
        settings.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
      } else if (!arg.isBlank()) {
        words.add(arg);
      }
    }
    return new Options(words, settings, jmh);
  }

  boolean has(String word) {
    return words.contains(word);
  }

  /** A setting of at least 1, or {@code fallback} if it is not given. */
  long number(String key, long fallback) {
    return number(key, fallback, 1);
  }

  /** A setting of at least {@code min}, or {@code fallback} if it is not given. */
  long number(String key, long fallback, long min) {
    String value = settings.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.replace("_", "").replace(",", ""));
      if (parsed < min) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number of at least " + min
          + ", got " + value);
    }
  }

  /** Fails on a word or setting that none of {@code knownWords} and {@code knownKeys} names. */
  Options check(Set<String> knownWords, Set<String> knownKeys) {
    for (String word : words) {
      if (!knownWords.contains(word)) {
        throw new IllegalArgumentException("Unknown argument '" + word + "'; known: "
            + new TreeSet<>(knownWords) + ", settings " + new TreeSet<>(knownKeys)
            + " as key=value, then JMH options (-f, -wi, ...)");
      }
    }
    for (String key : settings.keySet()) {
      if (!knownKeys.contains(key)) {
        throw new IllegalArgumentException("Unknown setting '" + key + "'; known: "
            + new TreeSet<>(knownKeys));
      }
    }
    return this;
  }
}
