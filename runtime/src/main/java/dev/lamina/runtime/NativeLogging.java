package dev.lamina.runtime;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/**
 * Keeps TensorFlow's native start-up chatter (oneDNN and CPU-feature notices, the MLIR pass
 * notice) off stderr unless the user asks for it.
 *
 * <p>TensorFlow has no Java API for its log level. Its own messages obey the environment variable
 * {@code TF_CPP_MIN_LOG_LEVEL}, read when the native library loads, so it is set through libc
 * before that. One more notice is logged through a private copy of Abseil that ignores the
 * variable, once per process, on the first session run: a warm-up run with the native stderr
 * pointed at {@code /dev/null} for its few milliseconds takes it. A user who sets
 * {@code TF_CPP_MIN_LOG_LEVEL} or the system property {@code lamina.tensorflow.logging=verbose}
 * keeps TensorFlow's own behaviour. Warnings and errors always pass.
 */
final class NativeLogging {

  private static final int STDERR = 2;
  private static final int O_WRONLY = 1;

  private static boolean configured;

  private NativeLogging() {}

  /** Call before the first use of TensorFlow; free after the first call. */
  static synchronized void configure() {
    if (configured) {
      return;
    }
    configured = true;
    if ("verbose".equals(System.getProperty("lamina.tensorflow.logging"))
        || System.getenv("TF_CPP_MIN_LOG_LEVEL") != null) {
      return;
    }
    NativeLibrary libc;
    try {
      libc = NativeLibrary.getInstance("c");
      libc.getFunction("setenv").invokeInt(new Object[] {"TF_CPP_MIN_LOG_LEVEL", "1", 0});
    } catch (LinkageError | RuntimeException e) {
      return; // not glibc-like: only log noise is at stake, keep TensorFlow's default
    }
    System.err.flush();
    int saved = libc.getFunction("dup").invokeInt(new Object[] {STDERR});
    int devNull = libc.getFunction("open").invokeInt(new Object[] {"/dev/null", O_WRONLY});
    Function dup2 = libc.getFunction("dup2");
    try {
      if (saved >= 0 && devNull >= 0) {
        dup2.invokeInt(new Object[] {devNull, STDERR});
      }
      runOnce();
    } finally {
      if (saved >= 0 && devNull >= 0) {
        dup2.invokeInt(new Object[] {saved, STDERR});
      }
      Function close = libc.getFunction("close");
      for (int fd : new int[] {saved, devNull}) {
        if (fd >= 0) {
          close.invokeInt(new Object[] {fd});
        }
      }
    }
  }

  /** Loads the native library and runs one trivial graph, which logs the once-only notices. */
  private static void runOnce() {
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      session.runner().fetch(tf.constant(0f)).run().close();
    }
  }
}
