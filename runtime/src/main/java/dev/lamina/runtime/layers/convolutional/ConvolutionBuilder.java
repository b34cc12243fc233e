package dev.lamina.runtime.layers.convolutional;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The arguments every Keras convolution takes: {@code kernel_size}, {@code strides}, {@code
 * padding}, {@code dilation_rate}, {@code activation}, {@code use_bias}, the bias's initializer,
 * regularizer and constraint, and {@code activity_regularizer}. Each layer's builder adds its
 * own ({@code filters}, {@code groups}, {@code output_padding}, {@code depth_multiplier}, and its
 * kernels' initializers, regularizers and constraints).
 *
 * @param <L> the layer built
 * @param <B> the builder itself, for chained calls
 */
@SuppressWarnings("unchecked")
public abstract class ConvolutionBuilder<L extends Layer, B extends ConvolutionBuilder<L, B>> {
  final int[] kernelSize;
  int[] strides;
  String padding = "valid";
  int[] dilationRate;
  String activation;
  boolean useBias = true;
  long seed = ThreadLocalRandom.current().nextLong();
  String name;
  Initializer biasInitializer;
  Regularizer biasRegularizer;
  Regularizer activityRegularizer;
  Constraint biasConstraint;

  ConvolutionBuilder(int[] kernelSize) {
    this.kernelSize = kernelSize == null ? null : kernelSize.clone();
  }

  /** Keras's {@code strides}: one int for every axis, or one per axis; 1 by default. */
  public B strides(int... strides) {
    this.strides = strides.clone();
    return (B) this;
  }

  /**
   * Keras's {@code padding}: {@code "valid"} (default) or {@code "same"}; Conv1D also {@code
   * "causal"}.
   */
  public B padding(String padding) {
    this.padding = padding;
    return (B) this;
  }

  /** Keras's {@code dilation_rate}: one int for every axis, or one per axis; 1 by default. */
  public B dilationRate(int... dilationRate) {
    this.dilationRate = dilationRate.clone();
    return (B) this;
  }

  /** A Keras activation name, e.g. {@code "relu"}; none (linear) by default. */
  public B activation(String activation) {
    this.activation = "linear".equals(activation) ? null : activation;
    return (B) this;
  }

  /** Keras's {@code use_bias}: true by default. */
  public B useBias(boolean useBias) {
    this.useBias = useBias;
    return (B) this;
  }

  /** The seed of the default Glorot-uniform kernels; random by default, as Keras. */
  public B seed(long seed) {
    this.seed = seed;
    return (B) this;
  }

  public B name(String name) {
    this.name = name;
    return (B) this;
  }

  /** Keras's {@code bias_initializer}: {@code zeros} by default. */
  public B biasInitializer(Initializer initializer) {
    this.biasInitializer = initializer;
    return (B) this;
  }

  public B biasInitializer(String name) {
    return biasInitializer(Initializer.get(name));
  }

  public B biasRegularizer(Regularizer regularizer) {
    this.biasRegularizer = regularizer;
    return (B) this;
  }

  public B biasRegularizer(String name) {
    return biasRegularizer(Regularizer.get(name));
  }

  /** Keras's {@code activity_regularizer}: its penalty of the output, over the batch size. */
  public B activityRegularizer(Regularizer regularizer) {
    this.activityRegularizer = regularizer;
    return (B) this;
  }

  public B activityRegularizer(String name) {
    return activityRegularizer(Regularizer.get(name));
  }

  /** Keras's {@code bias_constraint}: applied to the bias after each optimizer step. */
  public B biasConstraint(Constraint constraint) {
    this.biasConstraint = constraint;
    return (B) this;
  }

  public B biasConstraint(String name) {
    return biasConstraint(Constraint.get(name));
  }

  public abstract L build();
}
