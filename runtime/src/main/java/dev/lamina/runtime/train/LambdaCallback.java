package dev.lamina.runtime.train;

import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Keras's {@code LambdaCallback(on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
 * on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None)}: a callback made of
 * functions, each optional.
 *
 * <pre>{@code
 * new LambdaCallback.Builder()
 *     .onEpochEnd((epoch, logs) -> System.out.println(epoch + ": " + logs.get("loss")))
 *     .build()
 * }</pre>
 */
public final class LambdaCallback implements Callback {

  private final Consumer<Training> onTrainBegin;
  private final IntConsumer onEpochBegin;
  private final IntConsumer onTrainBatchBegin;
  private final BiConsumer<Integer, Map<String, Double>> onTrainBatchEnd;
  private final BiConsumer<Integer, Map<String, Double>> onEpochEnd;
  private final Consumer<Map<String, Double>> onTrainEnd;

  private LambdaCallback(Builder b) {
    this.onTrainBegin = b.onTrainBegin;
    this.onEpochBegin = b.onEpochBegin;
    this.onTrainBatchBegin = b.onTrainBatchBegin;
    this.onTrainBatchEnd = b.onTrainBatchEnd;
    this.onEpochEnd = b.onEpochEnd;
    this.onTrainEnd = b.onTrainEnd;
  }

  /** Keras's arguments by name; each function is optional. */
  public static final class Builder {
    private Consumer<Training> onTrainBegin = training -> { };
    private IntConsumer onEpochBegin = epoch -> { };
    private IntConsumer onTrainBatchBegin = batch -> { };
    private BiConsumer<Integer, Map<String, Double>> onTrainBatchEnd = (batch, logs) -> { };
    private BiConsumer<Integer, Map<String, Double>> onEpochEnd = (epoch, logs) -> { };
    private Consumer<Map<String, Double>> onTrainEnd = logs -> { };

    public Builder onTrainBegin(Consumer<Training> f) {
      this.onTrainBegin = Objects.requireNonNull(f);
      return this;
    }

    public Builder onEpochBegin(IntConsumer f) {
      this.onEpochBegin = Objects.requireNonNull(f);
      return this;
    }

    public Builder onTrainBatchBegin(IntConsumer f) {
      this.onTrainBatchBegin = Objects.requireNonNull(f);
      return this;
    }

    public Builder onTrainBatchEnd(BiConsumer<Integer, Map<String, Double>> f) {
      this.onTrainBatchEnd = Objects.requireNonNull(f);
      return this;
    }

    public Builder onEpochEnd(BiConsumer<Integer, Map<String, Double>> f) {
      this.onEpochEnd = Objects.requireNonNull(f);
      return this;
    }

    public Builder onTrainEnd(Consumer<Map<String, Double>> f) {
      this.onTrainEnd = Objects.requireNonNull(f);
      return this;
    }

    public LambdaCallback build() {
      return new LambdaCallback(this);
    }
  }

  @Override
  public void onTrainBegin(Training training) {
    onTrainBegin.accept(training);
  }

  @Override
  public void onEpochBegin(int epoch) {
    onEpochBegin.accept(epoch);
  }

  @Override
  public void onTrainBatchBegin(int batch) {
    onTrainBatchBegin.accept(batch);
  }

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    onTrainBatchEnd.accept(batch, logs);
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    onEpochEnd.accept(epoch, logs);
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    onTrainEnd.accept(logs);
  }
}
