package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The runtime's class path (its dependencies, plus JUnit for the tests) holds no layout library:
 * pictures are lamina-plot's, so a user who only predicts gets TensorFlow Java and Lamina.
 */
class ClassPathTest {

  @Test
  void noElkEmfOrGuava() {
    ClassLoader loader = ClassPathTest.class.getClassLoader();
    for (String name : new String[] {
      "org.eclipse.elk.core.RecursiveGraphLayoutEngine",
      "org.eclipse.emf.common.util.CommonUtil",
      "com.google.common.collect.ImmutableList",
    }) {
      assertThrows(ClassNotFoundException.class, () -> Class.forName(name, false, loader), name);
    }
  }
}
