package dev.lamina.runtime.layers.rnn;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.regularizers.Regularizer;

/**
 * The Keras arguments every recurrent layer's builder takes ({@link RNN.Builder},
 * {@link ConvLSTM.Builder}), with Keras's defaults, held once so that one reader
 * ({@link RnnTypes}) maps them from a config.
 *
 * @param <B> the concrete builder, which each setter returns
 */
public abstract class RecurrentBuilder<B extends RecurrentBuilder<B>> {
  String name;
  String activation = "tanh";
  boolean useBias = true;
  Initializer kernelInitializer;
  Initializer recurrentInitializer;
  Initializer biasInitializer;
  Regularizer kernelRegularizer;
  Regularizer recurrentRegularizer;
  Regularizer biasRegularizer;
  Regularizer activityRegularizer;
  Constraint kernelConstraint;
  Constraint recurrentConstraint;
  Constraint biasConstraint;
  double dropout;
  double recurrentDropout;
  Long seed;
  boolean returnSequences;
  boolean returnState;
  boolean goBackwards;
  boolean stateful;
  boolean unroll;
  boolean zeroOutputForMask;
  int maxSteps = RNN.DEFAULT_MAX_STEPS;

  RecurrentBuilder() {}

  @SuppressWarnings("unchecked")
  B self() {
    return (B) this;
  }

  public B name(String name) {
    this.name = name;
    return self();
  }

  /** Keras's {@code activation}: {@code tanh} by default; {@code null} is linear. */
  public B activation(String activation) {
    this.activation = activation == null ? "linear" : activation;
    return self();
  }

  public B useBias(boolean useBias) {
    this.useBias = useBias;
    return self();
  }

  /** Keras's {@code kernel_initializer}: {@code glorot_uniform} (unseeded) by default. */
  public B kernelInitializer(Initializer initializer) {
    this.kernelInitializer = initializer;
    return self();
  }

  /** Keras's {@code recurrent_initializer}: {@code orthogonal} (unseeded) by default. */
  public B recurrentInitializer(Initializer initializer) {
    this.recurrentInitializer = initializer;
    return self();
  }

  /** Keras's {@code bias_initializer}: {@code zeros} by default. */
  public B biasInitializer(Initializer initializer) {
    this.biasInitializer = initializer;
    return self();
  }

  public B kernelRegularizer(Regularizer regularizer) {
    this.kernelRegularizer = regularizer;
    return self();
  }

  public B recurrentRegularizer(Regularizer regularizer) {
    this.recurrentRegularizer = regularizer;
    return self();
  }

  public B biasRegularizer(Regularizer regularizer) {
    this.biasRegularizer = regularizer;
    return self();
  }

  /** Keras's {@code activity_regularizer}: its penalty of the outputs joins the loss. */
  public B activityRegularizer(Regularizer regularizer) {
    this.activityRegularizer = regularizer;
    return self();
  }

  public B kernelConstraint(Constraint constraint) {
    this.kernelConstraint = constraint;
    return self();
  }

  public B recurrentConstraint(Constraint constraint) {
    this.recurrentConstraint = constraint;
    return self();
  }

  public B biasConstraint(Constraint constraint) {
    this.biasConstraint = constraint;
    return self();
  }

  /** Keras's {@code dropout}: of the inputs, one mask per gate, in {@code fit} only; 0. */
  public B dropout(double dropout) {
    this.dropout = dropout;
    return self();
  }

  /** Keras's {@code recurrent_dropout}: of the recurrent state, in {@code fit} only; 0. */
  public B recurrentDropout(double recurrentDropout) {
    this.recurrentDropout = recurrentDropout;
    return self();
  }

  /**
   * Keras's {@code seed} of the dropout masks: with it, step {@code k} draws what Keras's
   * {@code SeedGenerator(seed)} draws; without it they follow {@code FitOptions.seed}.
   */
  public B seed(Long seed) {
    this.seed = seed;
    return self();
  }

  public B returnSequences(boolean returnSequences) {
    this.returnSequences = returnSequences;
    return self();
  }

  /** Keras's {@code return_state}: the outputs are then {@code [output, *states]}. */
  public B returnState(boolean returnState) {
    this.returnState = returnState;
    return self();
  }

  public B goBackwards(boolean goBackwards) {
    this.goBackwards = goBackwards;
    return self();
  }

  /** Keras's {@code stateful}: only {@code false}; {@code true} is refused at build. */
  public B stateful(boolean stateful) {
    this.stateful = stateful;
    return self();
  }

  /**
   * Keras's {@code unroll}. Lamina unrolls every time axis of known length anyway (see
   * {@link RNN}); {@code true} refuses a time axis of unknown length, as Keras does.
   */
  public B unroll(boolean unroll) {
    this.unroll = unroll;
    return self();
  }

  /** Keras's {@code zero_output_for_mask}: masked steps output zeros; false by default. */
  public B zeroOutputForMask(boolean zeroOutputForMask) {
    this.zeroOutputForMask = zeroOutputForMask;
    return self();
  }

  /**
   * Lamina's: how many steps a time axis of unknown length is unrolled to ({@value
   * RNN#DEFAULT_MAX_STEPS} by default); longer batches fail. Not used for a known length.
   */
  public B maxSteps(int maxSteps) {
    this.maxSteps = maxSteps;
    return self();
  }
}
