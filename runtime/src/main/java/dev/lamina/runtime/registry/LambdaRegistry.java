package dev.lamina.runtime.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The {@code @Lambda} methods a model file may name: those the annotation processor registered
 * in the compilations on the class path. Loading a model resolves lambdas here only, by name.
 */
public final class LambdaRegistry {

  private final Map<String, LambdaFactory> byName;

  private LambdaRegistry(Map<String, LambdaFactory> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /** Every lambda the providers on {@code loader}'s class path register. */
  public static LambdaRegistry load(ClassLoader loader) {
    Map<String, LambdaFactory> byName = new TreeMap<>();
    for (LambdaProvider provider : ServiceLoader.load(LambdaProvider.class, loader)) {
      for (LambdaFactory factory : provider.lambdas()) {
        LambdaFactory earlier = byName.putIfAbsent(factory.name(), factory);
        if (earlier != null && earlier.getClass() != factory.getClass()) {
          throw new IllegalStateException("Two compilations register the lambda '"
              + factory.name() + "': " + earlier.getClass().getName() + " and "
              + factory.getClass().getName() + "; a class is on the class path twice");
        }
      }
    }
    return new LambdaRegistry(byName);
  }

  /** The registry of the context class loader (or this library's loader when there is none). */
  public static LambdaRegistry load() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return load(loader != null ? loader : LambdaRegistry.class.getClassLoader());
  }

  /** Exactly these factories, for tests and for programs that list their lambdas by hand. */
  public static LambdaRegistry of(LambdaFactory... factories) {
    Map<String, LambdaFactory> byName = new TreeMap<>();
    for (LambdaFactory factory : factories) {
      if (byName.putIfAbsent(factory.name(), factory) != null) {
        throw new IllegalArgumentException("Lambda '" + factory.name() + "' is given twice");
      }
    }
    return new LambdaRegistry(byName);
  }

  /** The lambda registered under {@code name}, if any. */
  public Optional<LambdaFactory> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Every registered name, sorted. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** The lambdas whose method name (after the last dot) is {@code method}. */
  public List<LambdaFactory> byMethodName(String method) {
    List<LambdaFactory> found = new ArrayList<>();
    byName.forEach((name, factory) -> {
      if (name.substring(name.lastIndexOf('.') + 1).equals(method)) {
        found.add(factory);
      }
    });
    return found;
  }

  /** Up to {@code count} registered names closest to {@code name} (edit distance), for errors. */
  public List<String> closest(String name, int count) {
    List<String> names = new ArrayList<>(byName.keySet());
    names.sort((a, b) -> Integer.compare(distance(name, a), distance(name, b)));
    return names.subList(0, Math.min(count, names.size()));
  }

  /** Levenshtein distance, on at most the first 200 characters of each (names are short). */
  static int distance(String a, String b) {
    a = a.length() > 200 ? a.substring(0, 200) : a;
    b = b.length() > 200 ? b.substring(0, 200) : b;
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
