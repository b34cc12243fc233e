package dev.lamina.keras;

import java.nio.file.Path;

/**
 * Loads each file named on the command line in this JVM and prints one line per file: its name, a
 * tab, then {@code LOADED} or the class and message of what the load threw (on one line). Run by
 * {@link KerasHostileHdf5Test} in a JVM with a small heap, so that a file that makes the reader
 * allocate what it declares fails that JVM, not the build's.
 */
final class HostileLoads {

  private HostileLoads() {}

  public static void main(String[] args) {
    KerasImportOptions quiet = KerasImportOptions.defaults().withNotes(note -> { });
    for (String arg : args) {
      Path file = Path.of(arg);
      String outcome;
      try {
        KerasModels.load(file, LambdaBindings.of(), quiet).close();
        outcome = "LOADED";
      } catch (Throwable t) {
        outcome = t.getClass().getName() + ": " + String.valueOf(t.getMessage())
            .replace('\n', ' ');
      }
      System.out.println(file.getFileName() + "\t" + outcome);
      System.out.flush();
    }
    System.out.println("DONE");
  }
}
