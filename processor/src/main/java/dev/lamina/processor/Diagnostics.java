package dev.lamina.processor;

import java.io.PrintWriter;
import java.io.StringWriter;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Reports catalogue {@link Message}s, each with the severity the catalogue gives it, on elements,
 * and counts the errors.
 */
final class Diagnostics {

  private final Messager messager;
  private int errors;

  Diagnostics(Messager messager) {
    this.messager = messager;
  }

  /** A message on an element; {@code null} reports it on no element. */
  void report(Element element, Message message, Object... args) {
    count(message);
    if (element == null) {
      messager.printMessage(message.kind(), message.format(args));
    } else {
      messager.printMessage(message.kind(), message.format(args), element);
    }
  }

  /** A message on one value of an annotation, so javac points at that value. */
  void report(Element element, AnnotationMirror annotation, AnnotationValue value,
      Message message, Object... args) {
    count(message);
    messager.printMessage(message.kind(), message.format(args), element, annotation, value);
  }

  private void count(Message message) {
    if (message.kind() == Diagnostic.Kind.ERROR) {
      errors++;
    }
  }

  int errorCount() {
    return errors;
  }

  /** The throwable's full stack trace, causes included, for internal-error reports. */
  static String stackTrace(Throwable failure) {
    StringWriter text = new StringWriter();
    failure.printStackTrace(new PrintWriter(text));
    return text.toString().stripTrailing();
  }
}
