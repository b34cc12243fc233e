package dev.lamina.runtime.registry;

import java.util.List;

/**
 * The lambdas of one compilation, found through {@link java.util.ServiceLoader}: the processor
 * generates one provider per compilation and lists it in
 * {@code META-INF/services/dev.lamina.runtime.registry.LambdaProvider}.
 */
public interface LambdaProvider {

  /** The factories of the {@code @Lambda} methods this compilation declared. */
  List<LambdaFactory> lambdas();
}
