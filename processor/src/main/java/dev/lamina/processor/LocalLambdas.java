package dev.lamina.processor;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import dev.lamina.annotations.Lambda;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * Reports {@code @Lambda} methods of local and anonymous classes. Annotation processing never
 * sees such classes (they are not members of anything the processor is given), so without this
 * a method there would compile with no layer and no word. javac attributes their bodies later;
 * this listener looks at each class once javac has analysed it.
 *
 * <p>It needs javac's tree API, reached through a build tool's wrapper of the environment if
 * there is one; under another compiler it does nothing.
 */
final class LocalLambdas implements TaskListener {

  private final Trees trees;
  private final Diagnostics diagnostics;

  private LocalLambdas(Trees trees, Diagnostics diagnostics) {
    this.trees = trees;
    this.diagnostics = diagnostics;
  }

  /** Starts watching the compilation {@code env} belongs to, if javac runs it. */
  static void watch(ProcessingEnvironment env) {
    ProcessingEnvironment javac = javacEnvironment(env);
    if (javac == null) {
      return; // another compiler: nothing to hook into
    }
    try {
      JavacTask task = JavacTask.instance(javac);
      task.addTaskListener(new LocalLambdas(Trees.instance(javac),
          new Diagnostics(env.getMessager())));
    } catch (IllegalArgumentException | IllegalStateException | LinkageError notJavac) {
      // Not javac after all.
    }
  }

  private static final String JAVAC_ENVIRONMENT =
      "com.sun.tools.javac.processing.JavacProcessingEnvironment";

  /**
   * javac's own environment: {@code env} itself, or the one a build tool's wrapper (Gradle's
   * incremental processing wraps it) holds in a field; {@code null} if there is none.
   */
  private static ProcessingEnvironment javacEnvironment(ProcessingEnvironment env) {
    ProcessingEnvironment current = env;
    for (int depth = 0; current != null && depth < 4; depth++) {
      if (current.getClass().getName().equals(JAVAC_ENVIRONMENT)) {
        return current;
      }
      current = wrapped(current);
    }
    return null;
  }

  private static ProcessingEnvironment wrapped(ProcessingEnvironment wrapper) {
    for (Class<?> type = wrapper.getClass(); type != null; type = type.getSuperclass()) {
      for (java.lang.reflect.Field field : type.getDeclaredFields()) {
        if (ProcessingEnvironment.class.isAssignableFrom(field.getType())
            && !java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
          try {
            field.setAccessible(true);
            return (ProcessingEnvironment) field.get(wrapper);
          } catch (ReflectiveOperationException | RuntimeException inaccessible) {
            return null;
          }
        }
      }
    }
    return null;
  }

  @Override
  public void finished(TaskEvent event) {
    if (event.getKind() != TaskEvent.Kind.ANALYZE || event.getTypeElement() == null) {
      return;
    }
    try {
      scan(event);
    } catch (RuntimeException | StackOverflowError e) {
      // A listener that throws would crash javac: report it as the processor's own failure.
      diagnostics.report(null, Message.INTERNAL_ERROR_IN_ROUND, e, Diagnostics.stackTrace(e));
    }
  }

  private void scan(TaskEvent event) {
    CompilationUnitTree unit = event.getCompilationUnit();
    var path = trees.getPath(event.getTypeElement());
    if (unit == null || path == null) {
      return;
    }
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethod(MethodTree tree, Void unused) {
        Element element = trees.getElement(getCurrentPath());
        if (element instanceof ExecutableElement method
            && LambdaValidator.findAnnotation(method, Lambda.class.getCanonicalName()) != null) {
          String local = localClass(method);
          if (local != null) {
            trees.printMessage(Diagnostic.Kind.ERROR,
                Message.LOCAL_CLASS.format(LambdaValidator.describe(method), local), tree, unit);
          }
        }
        return super.visitMethod(tree, unused);
      }
    }.scan(path, null);
  }

  /** How messages name the local or anonymous class around {@code method}, or {@code null}. */
  private static String localClass(ExecutableElement method) {
    for (Element e = method.getEnclosingElement(); e instanceof TypeElement type;
        e = e.getEnclosingElement()) {
      if (type.getNestingKind() == NestingKind.ANONYMOUS) {
        return "an anonymous class";
      }
      if (type.getNestingKind() == NestingKind.LOCAL) {
        return "the local class " + type.getSimpleName();
      }
    }
    return null;
  }
}
