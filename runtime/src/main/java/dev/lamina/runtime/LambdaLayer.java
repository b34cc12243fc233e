package dev.lamina.runtime;

import dev.lamina.runtime.LambdaSignature.InputSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * The base class of every layer the annotation processor generates from a {@code @Lambda} method:
 * Keras's {@code Lambda} layer with the function fixed at compile time.
 *
 * <p>Applying it checks the inputs' number and dtypes against the method's signature, then traces
 * the method in a scratch graph so that TensorFlow's own shape inference gives the output shape
 * at once. A declared {@code outputShape} is checked against that traced shape; a contradiction is
 * an error here, before any data flows (Keras would trust the declaration).
 */
public abstract class LambdaLayer extends Layer {

  private final LambdaSignature signature;
  private final Map<String, Object> arguments;

  /**
   * @param signature the method's signature, a constant of the generated class
   * @param name the user's name for this layer, or {@code null}
   * @param arguments the {@code @Arg} values by parameter name, in declaration order
   */
  protected LambdaLayer(LambdaSignature signature, String name, Map<String, Object> arguments) {
    super(name);
    this.signature = Objects.requireNonNull(signature, "signature");
    this.arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
  }

  /** Builds an argument map in order, allowing {@code null} values (boxed {@code @Arg}s). */
  protected static Map<String, Object> arguments(Object... namesAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return map;
  }

  /** The signature of the {@code @Lambda} method behind this layer. */
  public final LambdaSignature signature() {
    return signature;
  }

  @Override
  public final String typeName() {
    return signature.layerType();
  }

  @Override
  public final String defaultName() {
    return signature.defaultName();
  }

  /** The {@code @Arg} values by name; arrays are copies, so the layer stays immutable. */
  @Override
  public final Map<String, Object> arguments() {
    Map<String, Object> copy = new LinkedHashMap<>();
    arguments.forEach((name, value) -> copy.put(name, copyIfArray(value)));
    return Collections.unmodifiableMap(copy);
  }

  private static Object copyIfArray(Object value) {
    if (value == null || !value.getClass().isArray()) {
      return value;
    }
    int length = java.lang.reflect.Array.getLength(value);
    Object copy = java.lang.reflect.Array.newInstance(value.getClass().getComponentType(), length);
    System.arraycopy(value, 0, copy, 0, length);
    return copy;
  }

  /**
   * Calls the {@code @Lambda} method. Generated code passes each operand to its parameter, each
   * {@code @Arg} value after them, and {@code training} (Keras's {@code training} flag) to the
   * method's {@code @Training} parameter if it has one. A method with a {@link SeedStream}
   * parameter gets {@link #invoke(Ops, List, boolean, SeedStream)} generated instead, and this
   * form is never called.
   */
  protected Operand<?> invoke(Ops tf, List<Operand<?>> inputs, boolean training) {
    throw new UnsupportedOperationException(describe() + " must override an invoke method");
  }

  /**
   * Calls the {@code @Lambda} method with the call's seeds too: generated for a method with a
   * {@link SeedStream} parameter, which receives {@code seeds}. By default, the form without
   * seeds.
   *
   * @param seeds the call's seed stream ({@link CallContext#seeds()}); while the layer is traced
   *     at {@code apply}, one of a throw-away graph
   */
  protected Operand<?> invoke(Ops tf, List<Operand<?>> inputs, boolean training,
      SeedStream seeds) {
    return invoke(tf, inputs, training);
  }

  @Override
  protected final Operand<?> build(Ops tf, List<Operand<?>> inputs,
      List<Operand<TFloat32>> weights, CallContext context) {
    // tracing at apply has already rejected a null result
    return invoke(tf, inputs, context.training(), context.seeds());
  }

  /**
   * Calls the {@code mask} method: each input, then each input's mask ({@code null} where an input
   * has none), then the {@code @Arg} values. Generated for lambdas that declare {@code mask}.
   */
  protected Operand<TBool> invokeMask(Ops tf, List<Operand<?>> inputs, List<Operand<TBool>> masks) {
    throw new UnsupportedOperationException(describe() + " declares no mask");
  }

  @Override
  protected final MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    return signature.mask().isEmpty() ? null : this::invokeMask;
  }

  @Override
  protected final String maskFunctionName() {
    return signature.mask();
  }

  /**
   * Checks the inputs' full shapes against the declared {@code inputShape} patterns and
   * {@code requires}, and computes the declared output shape. Generated from the declarations;
   * layers that declare no shape keep this default.
   *
   * @return the full output shape (batch first), or {@code null} when none is declared
   * @throws IllegalArgumentException naming the rule that fails and the shapes
   */
  protected Shape checkShapes(List<Shape> inputShapes) {
    return null;
  }

  @Override
  protected final OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    checkInputs(inputs);
    List<Shape> shapes = new ArrayList<>(inputs.size());
    inputs.forEach(input -> shapes.add(input.shape()));
    Shape declared;
    try {
      declared = checkShapes(shapes);
    } catch (RuntimeException e) {
      if (e instanceof ShapeRuleException || signature.outputShapeFn().isEmpty()) {
        throw e;
      }
      // An outputShapeFn that throws, e.g. the tutorial's "assert len(shape) == 2".
      throw new IllegalArgumentException(describe() + ": " + signature.describeOutputDeclaration()
          + " fails for input " + Tracer.formatShapes(inputs) + ": " + e, e);
    }
    if (declared == null && !signature.outputShapeFn().isEmpty()) {
      throw new IllegalArgumentException(describe() + ": " + signature.describeOutputDeclaration()
          + " returned null for input " + Tracer.formatShapes(inputs) + "; it must return a Shape");
    }
    OutputSpec<?> traced = trace(inputs);
    return declared == null ? traced : reconcile(declared, traced, inputs);
  }

  private void checkInputs(List<SymbolicTensor<?>> inputs) {
    List<InputSpec> specs = signature.inputs();
    if (inputs.size() != specs.size()) {
      StringJoiner names = new StringJoiner(", ");
      specs.forEach(spec -> names.add(spec.name()));
      throw new IllegalArgumentException(describe() + " takes " + specs.size()
          + (specs.size() == 1 ? " input (" : " inputs (") + names + "), got " + inputs.size());
    }
    Map<String, Class<?>> boundDtypes = new HashMap<>();
    Map<String, String> boundBy = new HashMap<>();
    for (int i = 0; i < specs.size(); i++) {
      InputSpec spec = specs.get(i);
      Class<?> dtype = inputs.get(i).dtype();
      if (!spec.accepts(dtype)) {
        throw new IllegalArgumentException(describe() + ": input " + spec.name() + " must be "
            + spec.describeType() + ", got " + dtype.getSimpleName());
      }
      if (spec.typeVariable() != null) {
        Class<?> earlier = boundDtypes.putIfAbsent(spec.typeVariable(), dtype);
        boundBy.putIfAbsent(spec.typeVariable(), spec.name());
        if (earlier != null && !earlier.equals(dtype)) {
          throw new IllegalArgumentException(describe() + ": inputs " + boundBy.get(spec.typeVariable())
              + " and " + spec.name() + " share type " + spec.typeVariable() + " but are "
              + earlier.getSimpleName() + " and " + dtype.getSimpleName());
        }
      }
    }
  }

  /** Runs the method on placeholders in a throw-away graph to learn the output's shape and dtype. */
  private OutputSpec<?> trace(List<SymbolicTensor<?>> inputs) {
    return Tracer.trace(this, inputs, signature.function(),
        (tf, operands) -> invoke(tf, operands, false,
            new SeedStream(tf, null, defaultName(), 1, 0)));
  }

  /**
   * Checks a declared full shape against the traced one and merges the two: a size either one
   * knows is kept.
   */
  private <T extends TType> OutputSpec<T> reconcile(
      Shape declared, OutputSpec<T> traced, List<SymbolicTensor<?>> inputs) {
    Shape tracedShape = traced.shape();
    if (declared.isUnknown()) {
      return traced;
    }
    if (tracedShape.isUnknown()) {
      return new OutputSpec<>(declared, traced.dtype());
    }
    boolean fits = tracedShape.numDimensions() == declared.numDimensions();
    long[] merged = new long[declared.numDimensions()];
    for (int i = 0; fits && i < merged.length; i++) {
      long want = declared.get(i);
      long actual = tracedShape.get(i);
      fits = want == Shape.UNKNOWN_SIZE || actual == Shape.UNKNOWN_SIZE || want == actual;
      merged[i] = actual != Shape.UNKNOWN_SIZE ? actual : want;
    }
    if (!fits) {
      // outputShape declares one sample's shape; outputShapeFn, Keras-like, the full shape.
      boolean perSample = signature.outputShapeFn().isEmpty();
      String unit = perSample ? " per sample" : "";
      throw new IllegalArgumentException(describe() + ": declares "
          + signature.describeOutputDeclaration() + ", which gives "
          + Shapes.format(perSample ? Shapes.perSample(declared) : declared) + unit
          + ", but its ops produce "
          + Shapes.format(perSample ? Shapes.perSample(tracedShape) : tracedShape) + unit
          + " (output " + Shapes.format(tracedShape) + " for input "
          + Tracer.formatShapes(inputs) + "); fix the declaration or the ops");
    }
    return new OutputSpec<>(Shape.of(merged), traced.dtype());
  }
}
