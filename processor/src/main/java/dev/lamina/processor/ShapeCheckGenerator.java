package dev.lamina.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
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

  ShapeCheckGenerator(LambdaSpec spec) {
    this.spec = spec;
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
      method.addStatement("check.require($S, $L$L)", requires.source(),
          expression(requires.condition()), values.build());
    });
    if (shapes.outputShape().isPresent()) {
      CodeBlock dims = shapes.outputShape().get().dims().stream()
          .map(this::expression)
          .collect(CodeBlock.joining(", "));
      method.addStatement("return check.output($L)", dims);
    } else if (shapes.outputShapeFn().isPresent()) {
      CodeBlock.Builder call = CodeBlock.builder();
      for (int i = 0; i < spec.inputs().size(); i++) {
        call.add(i == 0 ? "" : ", ").add("inputShapes.get($L)", i);
      }
      if (shapes.outputShapeFn().get().takesArgs()) {
        call.add(LayerGenerator.argumentValues(spec));
      }
      method.addStatement("return $L.$N($L)", LayerGenerator.owner(spec),
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

  private CodeBlock expression(Expr expr) {
    if (expr instanceof Expr.Num num) {
      return CodeBlock.of("$LL", num.value());
    }
    if (expr instanceof Expr.Unknown) {
      return CodeBlock.of("$T.UNKNOWN", SHAPE_CHECK);
    }
    if (expr instanceof Expr.Name name) {
      return reference(name.name());
    }
    if (expr instanceof Expr.Negate negate) {
      return CodeBlock.of("$T.neg($L)", SHAPE_CHECK, expression(negate.operand()));
    }
    if (expr instanceof Expr.Not not) {
      return CodeBlock.of("$T.not($L)", SHAPE_CHECK, expression(not.operand()));
    }
    Expr.Binary binary = (Expr.Binary) expr;
    return CodeBlock.of("$T.$L($L, $L)", SHAPE_CHECK, binary.op().name().toLowerCase(
        java.util.Locale.ROOT), expression(binary.left()), expression(binary.right()));
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
