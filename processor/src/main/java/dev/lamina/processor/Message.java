package dev.lamina.processor;

import static javax.tools.Diagnostic.Kind.ERROR;
import static javax.tools.Diagnostic.Kind.WARNING;

import javax.tools.Diagnostic;

/**
 * Every diagnostic the processor reports, in one place. Each says what is wrong with which element
 * and how to fix it, and starts with a tag ({@code [LaminaNotStatic]}) that tests and users can
 * search for, and carries its severity beside its text. Placeholders are {@link String#format}
 * ones.
 */
enum Message {
  NOT_STATIC(ERROR, "LaminaNotStatic",
      "@Lambda method %s must be static: the generated layer calls it without an instance. "
          + "Add the 'static' modifier."),
  PRIVATE(ERROR, "LaminaPrivate",
      "@Lambda method %s must not be private: the generated %s in the same package calls it. "
          + "Make it package-private or public."),
  LOCAL_CLASS(ERROR, "LaminaLocalClass",
      "@Lambda method %s is in %s: annotation processors cannot see local and anonymous "
          + "classes, and no generated class could call a method there. Move the method to a "
          + "top-level class or a nested (member) class."),
  PRIVATE_CLASS(ERROR, "LaminaPrivateClass",
      "@Lambda method %s is in %s, which is private: the generated layer in the same package "
          + "cannot reach it. Make the class package-private or public."),
  FIRST_PARAMETER_NOT_OPS(ERROR, "LaminaFirstParameterNotOps",
      "@Lambda method %s must take org.tensorflow.op.Ops as its first parameter (the graph "
          + "builder the layer passes in), but it %s. Add 'Ops tf' as the first parameter."),
  NO_INPUTS(ERROR, "LaminaNoInputs",
      "@Lambda method %s takes no Operand input: a layer needs at least one. Add an "
          + "'Operand<T> x' parameter after the Ops parameter."),
  NOT_AN_INPUT(ERROR, "LaminaNotAnInput",
      "Parameter %s of @Lambda method %s has type %s, which is neither an input nor an argument. "
          + "Make it an Operand<T> input, or annotate it @Arg to pass a fixed value.%s"),
  INPUT_AFTER_ARG(ERROR, "LaminaInputAfterArg",
      "Input %s of @Lambda method %s comes after the @Arg parameter %s. Put every Operand input "
          + "before the @Arg parameters."),
  INPUT_TYPE_ARGUMENT(ERROR, "LaminaInputTypeArgument",
      "Input %s of @Lambda method %s has type %s: its dtype must be a concrete TensorFlow type "
          + "(Operand<TFloat32>) or a type variable of the method (<T extends TNumber> ... "
          + "Operand<T>). Raw types, wildcards and dtype families such as TNumber leave the "
          + "layer's dtype open."),
  INPUT_AFTER_TRAINING(ERROR, "LaminaInputAfterTraining",
      "Input %s of @Lambda method %s comes after the @Training parameter %s. Put every Operand "
          + "input before the @Training parameter."),
  TRAINING_TYPE(ERROR, "LaminaTrainingType",
      "@Training parameter %s of @Lambda method %s has type %s; Keras's training flag is a "
          + "primitive boolean. Declare it '@Training boolean %s'."),
  TRAINING_TWICE(ERROR, "LaminaTrainingTwice",
      "@Training parameter %s of @Lambda method %s repeats the @Training parameter %s: a layer "
          + "has one training flag. Remove one of them."),
  ARG_AND_TRAINING(ERROR, "LaminaArgAndTraining",
      "Parameter %s of @Lambda method %s is annotated both @Arg and @Training. Keep @Arg for a "
          + "value fixed when the layer is created, or @Training for Keras's training flag."),
  INPUT_AFTER_SEEDS(ERROR, "LaminaInputAfterSeeds",
      "Input %s of @Lambda method %s comes after the SeedStream parameter %s. Put every Operand "
          + "input before the SeedStream parameter."),
  SEEDS_TWICE(ERROR, "LaminaSeedsTwice",
      "SeedStream parameter %s of @Lambda method %s repeats the SeedStream parameter %s: a call "
          + "has one seed stream, and each next() on it gives a new seed. Remove one of them."),
  SEEDS_ARG(ERROR, "LaminaSeedsArg",
      "SeedStream parameter %s of @Lambda method %s is annotated @Arg, but the seed stream is not "
          + "a value fixed when the layer is created: the layer passes each call's stream. Remove "
          + "@Arg."),
  SEEDS_TRAINING(ERROR, "LaminaSeedsTraining",
      "SeedStream parameter %s of @Lambda method %s is annotated @Training, but Keras's training "
          + "flag is a primitive boolean and the seed stream needs no annotation. Remove "
          + "@Training; to receive the flag as well, declare '@Training boolean training'."),
  ARG_ON_OPERAND(ERROR, "LaminaArgOnOperand",
      "Parameter %s of @Lambda method %s is an Operand annotated @Arg: @Arg values are fixed "
          + "Java values, not tensors. Remove @Arg to make it an input."),
  ARG_TYPE(ERROR, "LaminaArgType",
      "@Arg parameter %s of @Lambda method %s has type %s, which a layer cannot hold as an "
          + "argument. Use a primitive, a boxed primitive, String, an enum the generated class "
          + "can see (not private) or a primitive array."),
  ARG_TYPE_HIDDEN(ERROR, "LaminaArgTypeHidden",
      "@Arg parameter %s of @Lambda method %s has type %s, whose simple name the generated layer "
          + "inherits from LambdaLayer as a member type (%s), so the layer cannot name it. Rename "
          + "the type, or nest it in a class."),
  VARARGS(ERROR, "LaminaVarargs",
      "@Lambda method %s is varargs: a layer has a fixed number of inputs and arguments. Declare "
          + "each input as its own Operand parameter, or pass an array as an @Arg."),
  RETURN_TYPE(ERROR, "LaminaReturnType",
      "@Lambda method %s returns %s; it must return Operand<R>, with R a concrete TensorFlow "
          + "type (TFloat32, ...) or a type variable of the method."),
  UNBOUND_RETURN_TYPE(ERROR, "LaminaUnboundReturnType",
      "@Lambda method %s returns Operand<%s>, but no input uses type variable %s, so a caller "
          + "could pick any dtype for the output. Return a concrete type, or a type variable that "
          + "an input's Operand uses."),
  TYPE_VARIABLE_BOUND(ERROR, "LaminaTypeVariableBound",
      "Type variable %s of @Lambda method %s is bounded by %s: a layer's dtype variables must be "
          + "bounded by TensorFlow types, e.g. <%s extends TNumber> or <%s extends TType>."),
  CHECKED_EXCEPTION(ERROR, "LaminaCheckedException",
      "@Lambda method %s declares the checked exception %s, which the generated layer cannot "
          + "propagate. Catch it in the method, or wrap it in an unchecked exception."),
  OUTPUT_SHAPE_SYNTAX(ERROR, "LaminaOutputShapeSyntax",
      "outputShape \"%s\" of @Lambda method %s is not a shape: %s at column %d. Write the shape "
          + "of one sample, batch excluded, like \"(4, 1)\" or \"(2 * c)\", with ? for an "
          + "unknown size."),
  INPUT_SHAPE_SYNTAX(ERROR, "LaminaInputShapeSyntax",
      "inputShape pattern \"%s\" for input %s of @Lambda method %s is not a pattern: %s at column "
          + "%d. Write one sample's shape, batch excluded, with sizes, ?, names and a leading "
          + "...: \"(n, 4)\", \"(..., c)\"."),
  INPUT_SHAPE_COUNT(ERROR, "LaminaInputShapeCount",
      "inputShape of @Lambda method %s has %d %s for %d %s (%s). Give one pattern per input, in "
          + "order."),
  REQUIRES_SYNTAX(ERROR, "LaminaRequiresSyntax",
      "requires \"%s\" of @Lambda method %s is not a condition: %s at column %d. Write "
          + "comparisons joined by && || !, like \"0 <= index && index < c\"."),
  UNKNOWN_NAME(ERROR, "LaminaUnknownName",
      "%s \"%s\" of @Lambda method %s uses '%s' (column %d), which no inputShape pattern binds and "
          + "no integral @Arg declares. Bind it in inputShape, declare '@Arg int %s', or fix the "
          + "spelling%s."),
  NON_INTEGRAL_ARG(ERROR, "LaminaNonIntegralArg",
      "%s \"%s\" of @Lambda method %s uses @Arg %s of type %s (column %d): shapes are integers, "
          + "so only int, long, short and byte @Args (or their boxes) can appear in them."),
  UNKNOWN_IN_REQUIRES(ERROR, "LaminaUnknownInRequires",
      "requires \"%s\" of @Lambda method %s uses '?' (column %d), which has no value to compare. "
          + "Name the size in inputShape and compare the name."),
  SYMBOL_SHADOWS_ARG(ERROR, "LaminaSymbolShadowsArg",
      "inputShape pattern \"%s\" of @Lambda method %s binds '%s' (column %d), which is also the "
          + "name of an @Arg, so uses of it would be ambiguous. Rename the symbol or the @Arg."),
  UNUSED_SYMBOL(WARNING, "LaminaUnusedSymbol",
      "inputShape pattern \"%s\" of @Lambda method %s binds '%s' (column %d) but nothing uses it."
          + " Write ? for a size that may be anything, or use the symbol in outputShape or "
          + "requires."),
  BOTH_OUTPUT_FORMS(ERROR, "LaminaBothOutputForms",
      "@Lambda method %s declares both outputShape and outputShapeFn. Keep one: outputShape for "
          + "a shape expression, outputShapeFn for a method that computes it."),
  OUTPUT_SHAPE_FN_MISSING(ERROR, "LaminaOutputShapeFnMissing",
      "outputShapeFn \"%s\" of @Lambda method %s names no method of %s. Declare '%s' there."),
  OUTPUT_SHAPE_FN_SIGNATURE(ERROR, "LaminaOutputShapeFnSignature",
      "%s, the outputShapeFn of @Lambda method %s, must be %s, not private, throwing no "
          + "checked exception; found '%s'."),
  CLASS_NAME(ERROR, "LaminaClassName",
      "className \"%s\" of @Lambda method %s is not a valid Java class name. Use a simple "
          + "identifier such as \"SquareLayer\", or leave className empty."),
  CLASS_NAME_TAKEN(ERROR, "LaminaClassNameTaken",
      "@Lambda method %s would generate %s, but a class of that name is already declared in "
          + "the package. Give the layer another name with @Lambda(className = \"...\")."),
  NEGATIVE_SIZE(ERROR, "LaminaNegativeSize",
      "outputShape \"%s\" of @Lambda method %s has a negative size, %d, at column %d. Sizes are 0 "
          + "or more; write ? for a size that is not known."),
  CONSTANT_OVERFLOW(ERROR, "LaminaConstantOverflow",
      "%s \"%s\" of @Lambda method %s has constant arithmetic that overflows a long at column "
          + "%d. No size is that large; fix the numbers."),
  DIVISION_BY_ZERO(ERROR, "LaminaDivisionByZero",
      "%s \"%s\" of @Lambda method %s divides by zero at column %d. Divide by a size that "
          + "cannot be 0."),
  DUPLICATE_CLASS_NAME(ERROR, "LaminaDuplicateClassName",
      "@Lambda method %s would generate %s, which @Lambda method %s generates too. Give one of "
          + "them another name with @Lambda(className = \"...\")."),
  MASK_MISSING(ERROR, "LaminaMaskMissing",
      "mask \"%s\" of @Lambda method %s names no method of %s. Declare '%s' there."),
  MASK_SIGNATURE(ERROR, "LaminaMaskSignature",
      "%s, the mask method of @Lambda method %s, must be %s, not private, throwing no checked "
          + "exception; found '%s'."),
  NO_TENSORFLOW(ERROR, "LaminaNoTensorFlow",
      "@Lambda method %s cannot be checked: TensorFlow Java (org.tensorflow.op.Ops, "
          + "org.tensorflow.Operand) is not on the compile classpath. Add the dependency "
          + "org.tensorflow:tensorflow-core-api, or lamina-runtime, which brings it."),
  SERVICE_FILE_NOT_WRITTEN(ERROR, "LaminaRegistryNotWritten",
      "Lamina could not write %s, which lists this compilation's lambdas for loading saved "
          + "models: %s. Check that the class output directory is writable."),
  INTERNAL_ERROR(ERROR, "LaminaInternalError",
      "Lamina could not process @Lambda method %s: %s. This is a bug in Lamina; please report "
          + "it with this declaration and this stack trace:%n%s"),
  INTERNAL_ERROR_IN_ROUND(ERROR, "LaminaInternalError",
      "Lamina failed while processing: %s. This is a bug in Lamina; please report it with the "
          + "declarations compiled and this stack trace:%n%s");

  private final Diagnostic.Kind kind;
  private final String tag;
  private final String template;

  Message(Diagnostic.Kind kind, String tag, String template) {
    this.kind = kind;
    this.tag = tag;
    this.template = template;
  }

  /** How javac reports it: an error fails the build, a warning does not. */
  Diagnostic.Kind kind() {
    return kind;
  }

  /** {@code [Tag] text}, with the arguments filled in. */
  String format(Object... args) {
    return "[" + tag + "] " + String.format(template, args);
  }
}
