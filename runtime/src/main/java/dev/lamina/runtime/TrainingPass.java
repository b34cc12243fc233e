package dev.lamina.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * What the pass {@code fit} runs gives its layer calls beyond their inputs (the step and base
 * seed their {@link SeedStream}s draw from) and collects from them beyond weight updates: the
 * rows they looked up from weights ({@link Layer.CallContext#lookedUp}).
 *
 * @param step Keras's {@code optimizer.iterations} before this step
 * @param baseSeed {@code FitOptions.seed}
 */
record TrainingPass(Operand<TInt64> step, Operand<TInt64> baseSeed,
    Map<Weight, List<Lookup>> lookups, java.util.Set<Weight> denseReads,
    Map<Weight, Operand<?>> assigned) {

  TrainingPass(Operand<TInt64> step, Operand<TInt64> baseSeed) {
    this(step, baseSeed, new LinkedHashMap<>(), new java.util.HashSet<>(), new LinkedHashMap<>());
  }

  /** A call assigned {@code value} to the trainable {@code weight} ({@link Layer.CallContext#assign}). */
  void assign(Weight weight, Operand<?> value) {
    if (assigned.putIfAbsent(weight, value) != null) {
      throw new IllegalStateException("weight '" + weight.name() + "' is assigned twice in one "
          + "step (a layer that assigns its weights in training can be called once in a model)");
    }
  }

  /** {@code rows} is {@code gather(weight, indices)} along the weight's first axis. */
  record Lookup(Operand<? extends TNumber> indices, Operand<TFloat32> rows) {}

  /**
   * A call reads {@code weight} other than by a lookup ({@link Layer.CallContext#readDensely}):
   * its gradient is dense, as Keras's sum of slices and a dense gradient is.
   */
  void readDensely(Weight weight) {
    denseReads.add(weight);
  }

  void add(Weight weight, Lookup lookup) {
    lookups.computeIfAbsent(weight, w -> new ArrayList<>()).add(lookup);
  }
}
