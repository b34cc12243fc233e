package dev.lamina.runtime;

import dev.lamina.runtime.registry.LambdaFactory;
import dev.lamina.runtime.registry.LambdaProvider;
import java.util.List;

/** Registers the test lambdas as a generated provider would, through the service file. */
public final class SavedLambdasProvider implements LambdaProvider {
  @Override
  public List<LambdaFactory> lambdas() {
    return List.of(SavedLambdas.AFFINE);
  }
}
