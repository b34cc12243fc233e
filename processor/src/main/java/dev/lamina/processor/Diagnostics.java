package dev.lamina.processor;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/** Reports catalogue {@link Message}s on elements and counts the errors. */
final class Diagnostics {

  private final Messager messager;
  private int errors;

  Diagnostics(Messager messager) {
    this.messager = messager;
  }

  void error(Element element, Message message, Object... args) {
    errors++;
    messager.printMessage(Diagnostic.Kind.ERROR, message.format(args), element);
  }

  /** An error on one value of an annotation, so javac points at that value. */
  void error(Element element, AnnotationMirror annotation, AnnotationValue value,
      Message message, Object... args) {
    errors++;
    messager.printMessage(Diagnostic.Kind.ERROR, message.format(args), element, annotation, value);
  }

  /** A warning on one value of an annotation; {@code text} is a formatted {@link Message}. */
  void warning(Element element, AnnotationMirror annotation, AnnotationValue value, String text) {
    messager.printMessage(Diagnostic.Kind.WARNING, text, element, annotation, value);
  }

  int errorCount() {
    return errors;
  }
}
