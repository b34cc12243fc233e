package dev.lamina.runtime;

/**
 * A class on the test class path that records its own initialisation: a model file that names it
 * must be refused without it ever being loaded.
 */
public final class Tripwire {
  static {
    System.setProperty("lamina.tripwire", "initialised");
  }

  private Tripwire() {}
}
