package dev.lamina.runtime;

import com.sun.jna.NativeLibrary;

/**
 * TensorFlow's native logging, behind one switch: the system property
 * {@code lamina.tensorflow.logging}.
 *
 * <ul>
 *   <li>{@code quiet} (the default): TensorFlow's informational start-up notices (oneDNN, CPU
 *       features) are kept off stderr; its warnings and errors pass. Lamina sets the environment
 *       variable {@code TF_CPP_MIN_LOG_LEVEL=1}, which TensorFlow reads itself, once, before
 *       Lamina first uses TensorFlow, and only if the variable is not set already: a user's own
 *       {@code TF_CPP_MIN_LOG_LEVEL} always wins.
 *   <li>{@code verbose}: TensorFlow's own defaults; Lamina changes nothing.
 * </ul>
 *
 * <p>That is all it does: stderr is never redirected, so no one's output is lost, whichever
 * thread writes it. Java cannot set an environment variable of its own process, hence JNA's call
 * to the C library's {@code setenv}; TensorFlow Java 1.1.0 has no logging API. The variable must
 * be set before TensorFlow's native library logs for the first time, so set the property (or the
 * variable) before the first model is built; an application that uses TensorFlow before Lamina
 * gets TensorFlow's defaults.
 *
 * <p>One notice is out of reach: TensorFlow 2.18 logs "MLIR V1 optimization pass is not enabled",
 * after Abseil's "All log messages before absl::InitializeLog() is called are written to STDERR",
 * once per process at the first session run, through a private copy of Abseil that neither the
 * variable nor any exported function controls. Hiding it would mean redirecting the process's
 * stderr, which is what Lamina no longer does.
 */
final class NativeLogging {

  /** The switch. */
  static final String PROPERTY = "lamina.tensorflow.logging";

  private static boolean configured;

  private NativeLogging() {}

  /** Applies the switch; call before using TensorFlow. Free after the first call. */
  static synchronized void configure() {
    if (configured) {
      return;
    }
    String mode = System.getProperty(PROPERTY, "quiet");
    if (!mode.equals("quiet") && !mode.equals("verbose")) {
      throw new IllegalArgumentException("The system property " + PROPERTY + " must be \"quiet\" "
          + "or \"verbose\", got \"" + mode + "\"");
    }
    configured = true;
    if (mode.equals("verbose") || System.getenv("TF_CPP_MIN_LOG_LEVEL") != null) {
      return;
    }
    try {
      NativeLibrary.getInstance("c").getFunction("setenv")
          .invokeInt(new Object[] {"TF_CPP_MIN_LOG_LEVEL", "1", 0});
    } catch (LinkageError | RuntimeException e) {
      // No C library JNA can reach: only log noise is at stake, keep TensorFlow's default.
    }
  }
}
