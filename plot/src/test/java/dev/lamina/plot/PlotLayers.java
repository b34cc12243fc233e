package dev.lamina.plot;

import dev.lamina.runtime.LambdaLayer;
import dev.lamina.runtime.LambdaSignature;
import dev.lamina.runtime.LambdaSignature.InputSpec;
import dev.lamina.runtime.ShapeCheck;
import dev.lamina.runtime.SymbolicTensor;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/** Lambda layers written the way the processor generates them, to plot without the processor. */
final class PlotLayers {

  private PlotLayers() {}

  /** x -> x^2 for any number type. */
  static final class Square extends LambdaLayer {
    Square(String name) {
      super(new LambdaSignature("SquareLayer", "PlotLayers.square", "square",
          List.of(InputSpec.generic("x", "T", TNumber.class))), name, Map.of());
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

  /** The first {@code count} columns of a (batch, n) input, declaring {@code "(declared)"}. */
  static final class Head extends LambdaLayer {
    private final int count;
    private final long declared;

    Head(long declared, int count) {
      super(new LambdaSignature("HeadLayer", "PlotLayers.head", "head",
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
}
