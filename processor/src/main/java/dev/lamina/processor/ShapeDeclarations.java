package dev.lamina.processor;

import dev.lamina.processor.LambdaSpec.Argument;
import dev.lamina.processor.LambdaSpec.Constraint;
import dev.lamina.processor.LambdaSpec.Input;
import dev.lamina.processor.LambdaSpec.OutputShape;
import dev.lamina.processor.LambdaSpec.ShapeFunction;
import dev.lamina.processor.LambdaSpec.Shapes;
import dev.lamina.processor.shape.Expr;
import dev.lamina.processor.shape.Pattern;
import dev.lamina.processor.shape.ShapeParser;
import dev.lamina.processor.shape.ShapeSyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks a lambda's shape declarations ({@code inputShape}, {@code outputShape},
 * {@code outputShapeFn}, {@code requires}) at compile time: syntax, names, pattern counts, and
 * the {@code outputShapeFn} method's signature. Each problem is reported on the annotation value
 * it concerns, with the column inside the string where there is one.
 */
final class ShapeDeclarations {

  private static final String SHAPE = "org.tensorflow.ndarray.Shape";

  private final Elements elements;
  private final Types types;
  private final Diagnostics diagnostics;

  ShapeDeclarations(Elements elements, Types types, Diagnostics diagnostics) {
    this.elements = elements;
    this.types = types;
    this.diagnostics = diagnostics;
  }

  /** Access to the {@code @Lambda} annotation's values for one method. */
  interface Values {
    /** The value as written, or {@code null} when it is not set. */
    AnnotationValue get(String attribute);

    AnnotationMirror annotation();
  }

  /**
   * @param parametersValid whether the parameters passed their checks; if not, {@code inputs}
   *     and {@code args} may be incomplete, and whatever depends on them is not judged
   */
  Shapes validate(ExecutableElement method, Values values, List<Input> inputs,
      List<Argument> args, boolean parametersValid) {
    String name = LambdaValidator.describe(method);
    int errorsBefore = diagnostics.errorCount();

    List<Pattern> patterns = patterns(method, values, inputs, name, parametersValid);
    // A pattern that does not parse binds nothing that can be judged: skip the name checks.
    boolean namesKnown = parametersValid && patterns.size() == countEntries(values);
    Map<String, Integer> symbolUses = new HashMap<>();
    Set<String> symbols = new LinkedHashSet<>();
    for (Pattern pattern : patterns) {
      for (Expr dim : pattern.dims()) {
        if (dim instanceof Expr.Name symbol) {
          symbols.add(symbol.name());
          symbolUses.merge(symbol.name(), 1, Integer::sum);
          if (args.stream().anyMatch(arg -> arg.name().equals(symbol.name()))) {
            diagnostics.report(method, values.annotation(), entryOf(pattern, values),
                Message.SYMBOL_SHADOWS_ARG, excerpt(pattern.source(), symbol.column()), name,
                symbol.name(), symbol.column());
          }
        }
      }
    }

    Optional<OutputShape> outputShape = Optional.empty();
    String outputSource = string(values, "outputShape");
    if (!outputSource.isEmpty()) {
      try {
        List<Expr> dims = ShapeParser.outputShape(outputSource);
        for (Expr dim : dims) {
          if (namesKnown) {
            checkNames(method, values, "outputShape", outputSource, dim, symbols, args,
                symbolUses, name);
          }
          Long constant = checkConstants(method, values, "outputShape", outputSource, dim, name);
          if (constant != null && constant < 0) {
            error(method, values, "outputShape", Message.NEGATIVE_SIZE,
                excerpt(outputSource, dim.column()), name, constant, dim.column());
          }
        }
        outputShape = Optional.of(new OutputShape(outputSource, dims));
      } catch (ShapeSyntaxException e) {
        error(method, values, "outputShape", Message.OUTPUT_SHAPE_SYNTAX,
            excerpt(outputSource, e.column()), name, e.problem(), e.column());
      }
    }

    Optional<Constraint> requires = Optional.empty();
    String requiresSource = string(values, "requires");
    if (!requiresSource.isEmpty()) {
      try {
        Expr condition = ShapeParser.constraint(requiresSource);
        if (namesKnown) {
          checkNames(method, values, "requires", requiresSource, condition, symbols, args,
              symbolUses, name);
        }
        checkConstants(method, values, "requires", requiresSource, condition, name);
        requires = Optional.of(new Constraint(requiresSource, condition));
      } catch (ShapeSyntaxException e) {
        error(method, values, "requires", Message.REQUIRES_SYNTAX,
            excerpt(requiresSource, e.column()), name, e.problem(), e.column());
      }
    }

    Optional<ShapeFunction> outputShapeFn = Optional.empty();
    String fnName = string(values, "outputShapeFn");
    if (!fnName.isEmpty()) {
      if (!outputSource.isEmpty()) {
        error(method, values, "outputShapeFn", Message.BOTH_OUTPUT_FORMS, name);
      }
      if (parametersValid) {
        outputShapeFn = shapeFunction(method, values, fnName, inputs, args, name);
      }
    }

    Optional<ShapeFunction> mask = Optional.empty();
    String maskName = string(values, "mask");
    if (!maskName.isEmpty() && parametersValid) {
      mask = maskFunction(method, values, maskName, inputs, args, name);
    }

    if (diagnostics.errorCount() > errorsBefore) {
      return Shapes.NONE;
    }
    for (Pattern pattern : patterns) {
      for (Expr dim : pattern.dims()) {
        if (dim instanceof Expr.Name symbol && symbolUses.get(symbol.name()) == 1) {
          diagnostics.report(method, values.annotation(), entryOf(pattern, values),
              Message.UNUSED_SYMBOL, excerpt(pattern.source(), symbol.column()), name,
              symbol.name(), symbol.column());
          symbolUses.put(symbol.name(), -1); // warn once
        }
      }
    }
    return new Shapes(patterns, outputShape, outputShapeFn, requires, Set.copyOf(symbols), mask);
  }

  /** Each parsed pattern's own array entry, so diagnostics about it point at that entry. */
  private final Map<Pattern, AnnotationValue> entries = new java.util.IdentityHashMap<>();

  private AnnotationValue entryOf(Pattern pattern, Values values) {
    return entries.getOrDefault(pattern, values.get("inputShape"));
  }

  private static int countEntries(Values values) {
    AnnotationValue value = values.get("inputShape");
    return value == null ? 0 : ((List<?>) value.getValue()).size();
  }

  private List<Pattern> patterns(ExecutableElement method, Values values, List<Input> inputs,
      String name, boolean parametersValid) {
    AnnotationValue value = values.get("inputShape");
    if (value == null) {
      return List.of();
    }
    @SuppressWarnings("unchecked")
    List<? extends AnnotationValue> entriesOf = (List<? extends AnnotationValue>) value.getValue();
    if (entriesOf.isEmpty()) {
      return List.of(); // inputShape = {} is the default: any shape
    }
    List<Pattern> patterns = new ArrayList<>();
    for (int i = 0; i < entriesOf.size(); i++) {
      String source = String.valueOf(entriesOf.get(i).getValue());
      String input = i < inputs.size() ? inputs.get(i).name() : "#" + (i + 1);
      try {
        Pattern pattern = ShapeParser.pattern(source);
        patterns.add(pattern);
        entries.put(pattern, entriesOf.get(i));
      } catch (ShapeSyntaxException e) {
        diagnostics.report(method, values.annotation(), entriesOf.get(i), Message.INPUT_SHAPE_SYNTAX,
            excerpt(source, e.column()), input, name, e.problem(), e.column());
      }
    }
    if (parametersValid && entriesOf.size() != inputs.size()) {
      StringJoiner names = new StringJoiner(", ");
      inputs.forEach(in -> names.add(in.name()));
      diagnostics.report(method, values.annotation(), value, Message.INPUT_SHAPE_COUNT, name,
          entriesOf.size(), entriesOf.size() == 1 ? "pattern" : "patterns", inputs.size(),
          inputs.size() == 1 ? "input" : "inputs", names);
    }
    return patterns;
  }

  /**
   * The known name a misspelt one most likely meant: the nearest by edit distance (insertions,
   * deletions, substitutions and swaps of neighbours), if within a third of its length; none when
   * nothing is that close (nor for names of one or two letters), so a suggestion is never a guess.
   */
  static Optional<String> closestName(String misspelt, Collection<String> known) {
    String best = null;
    int bestDistance = misspelt.length() / 3 + 1;
    for (String candidate : known) {
      int distance = editDistance(misspelt, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Optimal string alignment distance (Damerau–Levenshtein without repeated edits). */
  private static int editDistance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  /** Every name must be a symbol the patterns bind or an integral {@code @Arg}. */
  private void checkNames(ExecutableElement method, Values values, String attribute,
      String source, Expr expr, Set<String> symbols, List<Argument> args,
      Map<String, Integer> symbolUses, String name) {
    expr.forEach(e -> {
      if (e instanceof Expr.Unknown unknown && attribute.equals("requires")) {
        error(method, values, attribute, Message.UNKNOWN_IN_REQUIRES,
            excerpt(source, unknown.column()), name, unknown.column());
      }
      if (!(e instanceof Expr.Name ref)) {
        return;
      }
      if (symbols.contains(ref.name())) {
        symbolUses.merge(ref.name(), 1, Integer::sum);
        return;
      }
      Optional<Argument> arg = args.stream().filter(a -> a.name().equals(ref.name())).findFirst();
      if (arg.isEmpty()) {
        List<String> known = new ArrayList<>(symbols);
        args.stream().filter(Argument::isIntegral).map(Argument::name).forEach(known::add);
        String suggestion = closestName(ref.name(), known)
            .map(close -> " (did you mean '" + close + "'?)").orElse("");
        error(method, values, attribute, Message.UNKNOWN_NAME, attribute,
            excerpt(source, ref.column()), name, ref.name(), ref.column(), ref.name(),
            suggestion);
      } else if (!arg.get().isIntegral()) {
        error(method, values, attribute, Message.NON_INTEGRAL_ARG, attribute,
            excerpt(source, ref.column()), name, ref.name(), arg.get().type(), ref.column());
      }
    });
  }

  /** Constant arithmetic that has no value: a {@code long} overflow or a division by zero. */
  private static final class ConstantProblem extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean divisionByZero;
    final int column;

    ConstantProblem(boolean divisionByZero, int column) {
      super(null, null, false, false);
      this.divisionByZero = divisionByZero;
      this.column = column;
    }
  }

  /**
   * The value of an expression of literals only, {@code null} if it has names or ?; checks the
   * constant arithmetic inside any expression: a {@code long} overflow, or a division by a
   * constant zero, is a {@link ConstantProblem} at its operator's column.
   */
  private static Long constantValue(Expr expr) throws ConstantProblem {
    if (expr instanceof Expr.Num num) {
      return num.value();
    }
    if (expr instanceof Expr.Negate negate) {
      Long operand = constantValue(negate.operand());
      if (operand == null) {
        return null;
      }
      try {
        return Math.negateExact(operand);
      } catch (ArithmeticException e) {
        throw new ConstantProblem(false, negate.column());
      }
    }
    if (expr instanceof Expr.Not not) {
      constantValue(not.operand());
      return null;
    }
    if (expr instanceof Expr.Binary binary) {
      Long left = constantValue(binary.left());
      Long right = constantValue(binary.right());
      if (binary.op() == Expr.Op.DIV && right != null && right == 0) {
        throw new ConstantProblem(true, binary.column());
      }
      if (left == null || right == null) {
        return null;
      }
      try {
        return switch (binary.op()) {
          case ADD -> Math.addExact(left, right);
          case SUB -> Math.subtractExact(left, right);
          case MUL -> Math.multiplyExact(left, right);
          case DIV -> Math.floorDiv(left, right);
          default -> null;
        };
      } catch (ArithmeticException e) {
        throw new ConstantProblem(false, binary.column());
      }
    }
    return null;
  }

  /**
   * Checks the constant arithmetic in one {@code outputShape} dim or the {@code requires}
   * condition; returns the dim's value when it is constant, {@code null} otherwise or on error.
   */
  private Long checkConstants(ExecutableElement method, Values values, String attribute,
      String source, Expr expr, String name) {
    try {
      return constantValue(expr);
    } catch (ConstantProblem problem) {
      if (problem.divisionByZero) {
        error(method, values, attribute, Message.DIVISION_BY_ZERO, attribute,
            excerpt(source, problem.column), name, problem.column);
      } else {
        error(method, values, attribute, Message.CONSTANT_OVERFLOW, attribute,
            excerpt(source, problem.column), name, problem.column);
      }
      return null;
    }
  }

  /** Longest declaration a message quotes in full; longer ones are quoted around the column. */
  static final int EXCERPT = 80;

  /**
   * The declaration as messages quote it: in full up to {@value #EXCERPT} characters, else the
   * part around {@code column}, marked with "..." where cut.
   */
  static String excerpt(String source, int column) {
    if (source.length() <= EXCERPT) {
      return source;
    }
    int at = Math.max(0, Math.min(source.length(), column - 1));
    int from = Math.max(0, at - EXCERPT / 2);
    int to = Math.min(source.length(), from + EXCERPT);
    from = Math.max(0, to - EXCERPT);
    return (from > 0 ? "..." : "") + source.substring(from, to)
        + (to < source.length() ? "..." : "") + " (" + source.length() + " characters)";
  }

  /**
   * Finds the {@code outputShapeFn} method: static, not private, {@code Shape} per input (and
   * optionally the {@code @Arg} types in order), returning {@code Shape}.
   */
  private Optional<ShapeFunction> shapeFunction(ExecutableElement method, Values values,
      String fnName, List<Input> inputs, List<Argument> args, String name) {
    TypeElement enclosing = (TypeElement) method.getEnclosingElement();
    TypeElement shapeType = elements.getTypeElement(SHAPE);
    String expected = expectedSignature(fnName, inputs, args);
    List<ExecutableElement> candidates = new ArrayList<>();
    for (ExecutableElement m : ElementFilter.methodsIn(enclosing.getEnclosedElements())) {
      if (m.getSimpleName().contentEquals(fnName)) {
        candidates.add(m);
      }
    }
    if (candidates.isEmpty() || shapeType == null) {
      error(method, values, "outputShapeFn", Message.OUTPUT_SHAPE_FN_MISSING, fnName, name,
          enclosing.getSimpleName(), expected);
      return Optional.empty();
    }
    TypeMirror shape = shapeType.asType();
    for (ExecutableElement candidate : candidates) {
      Optional<Boolean> takesArgs = matches(candidate, shape, inputs.size(), args);
      boolean accessible = candidate.getModifiers().contains(Modifier.STATIC)
          && !candidate.getModifiers().contains(Modifier.PRIVATE)
          && throwsNothingChecked(candidate);
      if (takesArgs.isPresent() && accessible) {
        return Optional.of(new ShapeFunction(fnName, takesArgs.get()));
      }
    }
    ExecutableElement first = candidates.get(0);
    diagnostics.report(first, Message.OUTPUT_SHAPE_FN_SIGNATURE, LambdaValidator.describe(first),
        name, expected, declaration(first));
    return Optional.empty();
  }

  /**
   * Finds the {@code mask} method: static, not private, {@code (Ops, one Operand per input, one
   * Operand<TBool> per input[, the @Arg types])}, returning {@code Operand<TBool>}.
   */
  private Optional<ShapeFunction> maskFunction(ExecutableElement method, Values values,
      String maskName, List<Input> inputs, List<Argument> args, String name) {
    TypeElement enclosing = (TypeElement) method.getEnclosingElement();
    StringJoiner params = new StringJoiner(", ", "static Operand<TBool> " + maskName + "(", ")");
    params.add("Ops tf");
    inputs.forEach(input -> params.add("Operand<" + simpleName(input.dtype()) + "> "
        + input.name()));
    inputs.forEach(input -> params.add("Operand<TBool> " + input.name() + "Mask"));
    String expected = params + (args.isEmpty() ? "" : ", optionally followed by the @Arg values");
    List<ExecutableElement> candidates = new ArrayList<>();
    for (ExecutableElement m : ElementFilter.methodsIn(enclosing.getEnclosedElements())) {
      if (m.getSimpleName().contentEquals(maskName)) {
        candidates.add(m);
      }
    }
    if (candidates.isEmpty()) {
      error(method, values, "mask", Message.MASK_MISSING, maskName, name,
          enclosing.getSimpleName(), expected);
      return Optional.empty();
    }
    TypeElement ops = elements.getTypeElement("org.tensorflow.op.Ops");
    TypeElement operand = elements.getTypeElement("org.tensorflow.Operand");
    TypeElement bool = elements.getTypeElement("org.tensorflow.types.TBool");
    TypeMirror boolOperand = types.getDeclaredType(operand, bool.asType());
    for (ExecutableElement candidate : candidates) {
      List<? extends VariableElement> ps = candidate.getParameters();
      int n = inputs.size();
      boolean fits = candidate.getModifiers().contains(Modifier.STATIC)
          && !candidate.getModifiers().contains(Modifier.PRIVATE)
          && throwsNothingChecked(candidate)
          && types.isSameType(candidate.getReturnType(), boolOperand)
          && (ps.size() == 1 + 2 * n || ps.size() == 1 + 2 * n + args.size())
          && types.isSameType(ps.get(0).asType(), ops.asType());
      for (int i = 1; fits && i <= n; i++) {
        fits = types.isSameType(types.erasure(ps.get(i).asType()), types.erasure(operand.asType()))
            && acceptsDtype(ps.get(i).asType(), inputs.get(i - 1));
      }
      for (int i = n + 1; fits && i <= 2 * n; i++) {
        fits = types.isSameType(ps.get(i).asType(), boolOperand);
      }
      for (int i = 2 * n + 1; fits && i < ps.size(); i++) {
        fits = com.palantir.javapoet.TypeName.get(ps.get(i).asType())
            .equals(args.get(i - 2 * n - 1).type());
      }
      if (fits) {
        return Optional.of(new ShapeFunction(maskName, ps.size() > 1 + 2 * n));
      }
    }
    ExecutableElement first = candidates.get(0);
    diagnostics.report(first, Message.MASK_SIGNATURE, LambdaValidator.describe(first), name,
        expected, declaration(first));
    return Optional.empty();
  }

  /**
   * Whether a mask method's {@code Operand<X>} parameter takes the lambda's input: {@code X} is
   * the input's concrete dtype, or a type variable or wildcard (checked by javac in the call).
   */
  private static boolean acceptsDtype(TypeMirror parameter, Input input) {
    if (!(parameter instanceof javax.lang.model.type.DeclaredType declared)
        || declared.getTypeArguments().size() != 1) {
      return true; // raw Operand: takes anything
    }
    TypeMirror dtype = declared.getTypeArguments().get(0);
    if (dtype.getKind() != javax.lang.model.type.TypeKind.DECLARED) {
      return true;
    }
    return input.typeVariable().isEmpty()
        && com.palantir.javapoet.TypeName.get(dtype).equals(input.dtype());
  }

  private static String simpleName(com.palantir.javapoet.TypeName type) {
    return type instanceof com.palantir.javapoet.ClassName className
        ? className.simpleName() : type.toString();
  }

  /** The generated layer calls the method where no checked exception can go. */
  private boolean throwsNothingChecked(ExecutableElement method) {
    TypeMirror runtime = elements.getTypeElement("java.lang.RuntimeException").asType();
    TypeMirror error = elements.getTypeElement("java.lang.Error").asType();
    return method.getThrownTypes().stream()
        .allMatch(t -> types.isAssignable(t, runtime) || types.isAssignable(t, error));
  }

  /** {@code private static Shape f(Shape)}: a method as Java declares it, for messages. */
  private static String declaration(ExecutableElement method) {
    StringJoiner modifiers = new StringJoiner(" ");
    method.getModifiers().forEach(modifier -> modifiers.add(modifier.toString()));
    String thrown = method.getThrownTypes().isEmpty() ? "" : method.getThrownTypes().stream()
        .map(TypeMirror::toString)
        .collect(java.util.stream.Collectors.joining(", ", " throws ", ""));
    return (modifiers.length() == 0 ? "" : modifiers + " ") + method.getReturnType() + " "
        + method.getSimpleName() + method.getParameters().stream()
            .map(p -> p.asType().toString())
            .collect(java.util.stream.Collectors.joining(", ", "(", ")")) + thrown;
  }

  /** Empty if the parameters do not fit; else whether they include the {@code @Arg}s. */
  private Optional<Boolean> matches(ExecutableElement candidate, TypeMirror shape, int inputs,
      List<Argument> args) {
    List<? extends VariableElement> params = candidate.getParameters();
    if (!types.isSameType(candidate.getReturnType(), shape)
        || (params.size() != inputs && params.size() != inputs + args.size())) {
      return Optional.empty();
    }
    for (int i = 0; i < inputs; i++) {
      if (!types.isSameType(params.get(i).asType(), shape)) {
        return Optional.empty();
      }
    }
    for (int i = inputs; i < params.size(); i++) {
      if (!com.palantir.javapoet.TypeName.get(params.get(i).asType())
          .equals(args.get(i - inputs).type())) {
        return Optional.empty();
      }
    }
    return Optional.of(params.size() > inputs);
  }

  private static String expectedSignature(String fnName, List<Input> inputs,
      List<Argument> args) {
    StringJoiner params = new StringJoiner(", ", "static Shape " + fnName + "(", ")");
    inputs.forEach(input -> params.add("Shape " + input.name()));
    String withoutArgs = params.toString();
    if (args.isEmpty()) {
      return withoutArgs;
    }
    args.forEach(arg -> params.add(arg.type() + " " + arg.name()));
    return withoutArgs + " or " + params;
  }

  private void error(ExecutableElement method, Values values, String attribute,
      Message message, Object... args) {
    diagnostics.report(method, values.annotation(), values.get(attribute), message, args);
  }

  private static String string(Values values, String attribute) {
    AnnotationValue value = values.get(attribute);
    return value == null ? "" : String.valueOf(value.getValue());
  }
}
