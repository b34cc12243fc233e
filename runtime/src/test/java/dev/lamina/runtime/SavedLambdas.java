package dev.lamina.runtime;

import dev.lamina.runtime.LambdaSignature.InputSpec;
import dev.lamina.runtime.registry.LambdaFactory;
import dev.lamina.runtime.registry.LambdaRegistry;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A lambda layer with arguments of several types and its registry factory, written the way the
 * processor generates them, so the runtime's file format is tested without the processor.
 */
final class SavedLambdas {

  private SavedLambdas() {}

  enum Mode { ADD, SUBTRACT }

  /** x · factor ± offset (0 when null); {@code label} only travels with the layer. */
  static final class Affine extends LambdaLayer {
    static final LambdaSignature SIGNATURE = new LambdaSignature("AffineLayer",
        "SavedLambdas.affine", "affine", List.of(InputSpec.of("x", TFloat32.class)));

    private final float factor;
    private final Mode mode;
    private final Integer offset;

    Affine(String name, float factor, Mode mode, String label, Integer offset, int[] pick) {
      super(SIGNATURE, name, arguments("factor", factor, "mode", mode, "label", label,
          "offset", offset, "pick", pick));
      this.factor = factor;
      this.mode = mode;
      this.offset = offset;
    }

    SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
      return applyTyped(x);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Operand<?> invoke(Ops tf, List<Operand<?>> inputs, boolean training) {
      Operand<TFloat32> scaled = tf.math.mul((Operand<TFloat32>) inputs.get(0),
          tf.constant(factor));
      float shift = offset == null ? 0 : offset;
      return mode == Mode.ADD ? tf.math.add(scaled, tf.constant(shift))
          : tf.math.sub(scaled, tf.constant(shift));
    }
  }

  static final LambdaFactory AFFINE = new LambdaFactory() {
    @Override
    public String name() {
      return "dev.lamina.runtime.SavedLambdas.affine";
    }

    @Override
    public LambdaSignature signature() {
      return Affine.SIGNATURE;
    }

    @Override
    public List<ArgumentSpec> arguments() {
      return List.of(new ArgumentSpec("factor", float.class), new ArgumentSpec("mode", Mode.class),
          new ArgumentSpec("label", String.class), new ArgumentSpec("offset", Integer.class),
          new ArgumentSpec("pick", int[].class));
    }

    @Override
    public LambdaLayer create(String layerName, Map<String, Object> arguments) {
      return new Affine(layerName, (Float) arguments.get("factor"), (Mode) arguments.get("mode"),
          (String) arguments.get("label"), (Integer) arguments.get("offset"),
          (int[]) arguments.get("pick"));
    }
  };

  static LambdaRegistry registry() {
    return LambdaRegistry.of(AFFINE);
  }
}
