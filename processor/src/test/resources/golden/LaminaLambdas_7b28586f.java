package pkg;

import dev.lamina.runtime.registry.LambdaFactory;
import dev.lamina.runtime.registry.LambdaProvider;
import java.util.List;
import javax.annotation.processing.Generated;

/**
 * The {@code @Lambda} methods of package {@code pkg} compiled together, for the registry that
 * loading a saved model looks lambdas up in. Listed in {@code META-INF/services/dev.lamina.runtime.registry.LambdaProvider}.
 */
@Generated("dev.lamina.processor.LambdaProcessor")
@SuppressWarnings("deprecation")
public final class LaminaLambdas_7b28586f implements LambdaProvider {
  /**
   * For {@link java.util.ServiceLoader}.
   */
  public LaminaLambdas_7b28586f() {
  }

  @Override
  public List<LambdaFactory> lambdas() {
    return List.of(
        ClipLayer.FACTORY);
  }
}
