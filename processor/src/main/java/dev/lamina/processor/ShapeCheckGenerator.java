package dev.lamina.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import dev.lamina.processor.LambdaSpec.Shapes;
import dev.lamina.processor.shape.Expr;
import dev.lamina.processor.shape.Pattern;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes a layer's {@code checkShapes}: its shape declarations compiled to calls of the runtime's
 * {@code ShapeCheck}, so nothing is parsed at run time.
 */
final class ShapeCheckGenerator {

  private static final ClassName SHAPE = ClassName.get("org.tensorflow.ndarray", "Shape");
  private static final ClassName SHAPE_CHECK = ClassName.get("dev.lamina.runtime", "ShapeCheck");

  private final LambdaSpec spec;
  private final Shapes shapes;

  private final CodeBlock owner;

  /** @param owner how calls name the declaring class, {@link LayerGenerator#owner} */
  ShapeCheckGenerator(LambdaSpec spec, CodeBlock owner) {
    this.spec = spec;
    this.owner = owner;
    this.shapes = spec.shapes();
  }

  MethodSpec checkShapes() {
    MethodSpec.Builder method = MethodSpec.methodBuilder("checkShapes")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PROTECTED)
        .returns(SHAPE)
        .addParameter(ParameterizedTypeName.get(ClassName.get(List.class), SHAPE), "inputShapes")
        .addStatement("$T check = new $T(this, inputShapes)", SHAPE_CHECK, SHAPE_CHECK);
    Set<String> declared = new HashSet<>();
    List<Pattern> patterns = shapes.inputPatterns();
    for (int i = 0; i < patterns.size(); i++) {
      Pattern pattern = patterns.get(i);
      int count = pattern.dims().size();
      method.addStatement("check.rank($L, $L, $L)", i, count, pattern.leadingEllipsis());
      for (int j = 0; j < count; j++) {
        Expr dim = pattern.dims().get(j);
        if (dim instanceof Expr.Num num) {
          method.addStatement("check.fixed($L, $L, $L, $LL)", i, j, count, num.value());
        } else if (dim instanceof Expr.Name name) {
          method.addStatement("$L$N = check.symbol($S, $L, $L, $L)",
              declared.add(name.name()) ? "long " : "", variable(name.name()), name.name(), i, j,
              count);
        }
      }
    }
    shapes.requires().ifPresent(requires -> {
      CodeBlock.Builder values = CodeBlock.builder();
      for (String name : names(requires.condition())) {
        values.add(", $S, $L", name, reference(name));
      }
      CodeBlock condition = expression(requires.condition(), method);
      method.addStatement("check.require($S, $L$L)", requires.source(), condition,
          values.build());
    });
    if (shapes.outputShape().isPresent()) {
      List<CodeBlock> each = new java.util.ArrayList<>();
      for (Expr dim : shapes.outputShape().get().dims()) {
        each.add(expression(dim, method));
      }
      CodeBlock dims = CodeBlock.join(each, ", ");
      method.addStatement("return check.output($L)", dims);
    } else if (shapes.outputShapeFn().isPresent()) {
      CodeBlock.Builder call = CodeBlock.builder();
      for (int i = 0; i < spec.inputs().size(); i++) {
        call.add(i == 0 ? "" : ", ").add("inputShapes.get($L)", i);
      }
      if (shapes.outputShapeFn().get().takesArgs()) {
        call.add(LayerGenerator.argumentValues(spec));
      }
      method.addStatement("return $L.$N($L)", owner,
          shapes.outputShapeFn().get().methodName(), call.build());
    } else {
      method.addStatement("return null");
    }
    return method.build();
  }

  /** Symbols live in locals named {@code sym_<symbol>}, so no symbol clashes with Java. */
  private static String variable(String symbol) {
    return "sym_" + symbol;
  }

  private CodeBlock reference(String name) {
    return shapes.symbols().contains(name)
        ? CodeBlock.of("$N", variable(name))
        : CodeBlock.of("((long) this.$N)", name);
  }

  /**
   * Calls nest at most this deep in generated code; a deeper part of an expression goes into a
   * local first, so javac's stack use does not grow with the declaration.
   */
  static final int MAX_NESTING = 8;

  /** Generated code for an expression, and how deeply its calls nest. */
  private record Code(CodeBlock code, int nesting) {}

  private int locals;

  /** The expression as {@code ShapeCheck} calls; parts nested too deep go to locals first. */
  private CodeBlock expression(Expr expr, MethodSpec.Builder method) {
    return emit(expr, method).code();
  }

  private Code emit(Expr expr, MethodSpec.Builder method) {
    if (expr instanceof Expr.Num num) {
      return new Code(CodeBlock.of("$LL", num.value()), 0);
    }
    if (expr instanceof Expr.Unknown) {
      return new Code(CodeBlock.of("$T.UNKNOWN", SHAPE_CHECK), 0);
    }
    if (expr instanceof Expr.Name name) {
      return new Code(reference(name.name()), 0);
    }
    Code result;
    if (expr instanceof Expr.Negate negate) {
      Code operand = emit(negate.operand(), method);
      result = new Code(CodeBlock.of("$T.$L($L)", SHAPE_CHECK, NEGATE, operand.code()),
          operand.nesting() + 1);
    } else if (expr instanceof Expr.Not not) {
      Code operand = emit(not.operand(), method);
      result = new Code(CodeBlock.of("$T.$L($L)", SHAPE_CHECK, NOT, operand.code()),
          operand.nesting() + 1);
    } else {
      Expr.Binary binary = (Expr.Binary) expr;
      Code left = emit(binary.left(), method);
      Code right = emit(binary.right(), method);
      result = new Code(CodeBlock.of("$T.$L($L, $L)", SHAPE_CHECK, methodName(binary.op()),
          left.code(), right.code()), Math.max(left.nesting(), right.nesting()) + 1);
    }
    if (result.nesting() < MAX_NESTING) {
      return result;
    }
    String local = "part" + ++locals;
    boolean condition = expr instanceof Expr.Not
        || expr instanceof Expr.Binary b && b.op().kind() != Expr.Op.Kind.ARITHMETIC;
    method.addStatement("$T $N = $L", condition ? ClassName.get(Boolean.class) : TypeName.LONG,
        local, result.code());
    return new Code(CodeBlock.of("$N", local), 0);
  }

  /** {@code ShapeCheck}'s method for unary minus. */
  static final String NEGATE = "neg";

  /** {@code ShapeCheck}'s method for {@code !}. */
  static final String NOT = "not";

  /** {@code ShapeCheck}'s method for a binary operator: {@code add} for {@code +}, and so on. */
  static String methodName(Expr.Op op) {
    return op.name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Every {@code ShapeCheck} member generated code uses, by name: the contract between the
   * processor and the runtime, which a test checks against the runtime class.
   */
  static List<String> runtimeMembers() {
    List<String> names = new java.util.ArrayList<>(List.of("UNKNOWN", "rank", "fixed", "symbol",
        "require", "output", NEGATE, NOT));
    for (Expr.Op op : Expr.Op.values()) {
      names.add(methodName(op));
    }
    return names;
  }

  /** The names a condition uses, in order of first use. */
  private static Set<String> names(Expr expr) {
    Set<String> names = new LinkedHashSet<>();
    expr.forEach(e -> {
      if (e instanceof Expr.Name name) {
        names.add(name.name());
      }
    });
    return names;
  }
}
