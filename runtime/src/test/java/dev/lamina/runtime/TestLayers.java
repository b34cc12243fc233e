package dev.lamina.runtime;

import dev.lamina.runtime.LambdaSignature.InputSpec;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * Layers written the way the processor generates them, so the runtime is tested without the
 * processor. The processor's golden tests pin that the generated code has this form.
 */
final class TestLayers {

  private TestLayers() {}

  /** x -> x^2 for any number type. */
  static final class Square extends LambdaLayer {
    static final LambdaSignature SIGNATURE = new LambdaSignature("SquareLayer", "TestLayers.square",
        "square", List.of(InputSpec.generic("x", "T", TNumber.class)));

    Square(String name) {
      super(SIGNATURE, name, Map.of());
    }

    <T extends TNumber> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
      return applyTyped(x);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    protected Operand<?> invoke(Ops tf, List<Operand<?>> inputs, boolean training) {
      return tf.math.square((Operand) inputs.get(0));
    }
  }

  /**
   * The first {@code count} columns of a (batch, n) float input, declaring {@code outputShape =
   * "(declared)"} as the generated code would.
   */
  static final class Head extends LambdaLayer {
    private final int count;
    private final long declared;

    Head(long declared, int count) {
      super(new LambdaSignature("HeadLayer", "TestLayers.head", "head",
              List.of(InputSpec.of("x", TFloat32.class)), List.of(), "(" + declared + ")", "", "",
              ""),
          null, arguments("count", count));
      this.count = count;
      this.declared = declared;
    }

    @Override
    protected Shape checkShapes(List<Shape> inputShapes) {
      return new ShapeCheck(this, inputShapes).output(declared);
    }

    SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
      return applyTyped(x);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Operand<?> invoke(Ops tf, List<Operand<?>> inputs, boolean training) {
      Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
      return tf.slice(x, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, count}));
    }
  }

  /** x + y, both of one number type. */
  static final class Add extends LambdaLayer {
    static final LambdaSignature SIGNATURE = new LambdaSignature("AddLayer", "TestLayers.add",
        "add", List.of(InputSpec.generic("x", "T", TNumber.class),
            InputSpec.generic("y", "T", TNumber.class)));

    Add() {
      super(SIGNATURE, null, Map.of());
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    protected Operand<?> invoke(Ops tf, List<Operand<?>> inputs, boolean training) {
      return tf.math.add((Operand) inputs.get(0), (Operand) inputs.get(1));
    }
  }
}
