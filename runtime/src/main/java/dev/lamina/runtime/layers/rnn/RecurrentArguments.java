package dev.lamina.runtime.layers.rnn;

import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.regularizers.Regularizer;

/**
 * The Keras arguments every recurrent layer's builder takes ({@link RNN.Builder},
 * {@link ConvLSTM.Builder}), so that one reader ({@link RnnTypes}) maps them from a config.
 */
interface RecurrentArguments<B> {

  B activation(String activation);

  B useBias(boolean useBias);

  B kernelInitializer(Initializer initializer);

  B recurrentInitializer(Initializer initializer);

  B biasInitializer(Initializer initializer);

  B kernelRegularizer(Regularizer regularizer);

  B recurrentRegularizer(Regularizer regularizer);

  B biasRegularizer(Regularizer regularizer);

  B activityRegularizer(Regularizer regularizer);

  B kernelConstraint(Constraint constraint);

  B recurrentConstraint(Constraint constraint);

  B biasConstraint(Constraint constraint);

  B dropout(double dropout);

  B recurrentDropout(double recurrentDropout);

  B seed(Long seed);

  B returnSequences(boolean returnSequences);

  B returnState(boolean returnState);

  B goBackwards(boolean goBackwards);

  B unroll(boolean unroll);

  B zeroOutputForMask(boolean zeroOutputForMask);

  B maxSteps(int maxSteps);
}
