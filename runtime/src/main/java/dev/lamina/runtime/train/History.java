package dev.lamina.runtime.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code fit} returns, as Keras's {@code History}: per epoch, the loss and metrics on the
 * training data and, with validation, the same with a {@code val_} prefix.
 */
public final class History {

  private final List<Integer> epochs = new ArrayList<>();
  private final Map<String, List<Double>> values = new LinkedHashMap<>();

  /** Records one epoch's logs; for the training loop. */
  public void record(int epoch, Map<String, Double> logs) {
    epochs.add(epoch);
    logs.forEach((name, value) -> values.computeIfAbsent(name, key -> new ArrayList<>()).add(value));
  }

  /** The epochs run, zero-based (Keras's {@code history.epoch}). */
  public List<Integer> epochs() {
    return Collections.unmodifiableList(epochs);
  }

  /** Every series by name (Keras's {@code history.history}). */
  public Map<String, List<Double>> history() {
    Map<String, List<Double>> copy = new LinkedHashMap<>();
    values.forEach((name, series) -> copy.put(name, List.copyOf(series)));
    return Collections.unmodifiableMap(copy);
  }

  /**
   * One series, e.g. {@code "loss"} or {@code "val_accuracy"}.
   *
   * @throws IllegalArgumentException naming the series there are
   */
  public List<Double> get(String name) {
    List<Double> series = values.get(name);
    if (series == null) {
      throw new IllegalArgumentException("No series '" + name + "' in this history; it has "
          + values.keySet());
    }
    return List.copyOf(series);
  }

  @Override
  public String toString() {
    return "History" + history();
  }
}
