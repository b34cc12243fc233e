package dev.lamina.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a directory all or nothing: the files go into a new hidden sibling directory
 * ({@code .<name>.tmp-<random>}), which is flushed to disk and renamed to the target in one step.
 * A target that already holds anything is refused before anything is written; a failure on the
 * way deletes the sibling and leaves the target as it was.
 *
 * <p>For TensorFlow Serving, which polls {@code <base>/} for numeric version directories, this
 * means a version appears complete or not at all: the sibling's name is not a number, so the
 * server never loads a half-written export.
 *
 * <p>The sibling is made with {@code Files.createDirectory}, not {@code createTempDirectory}, so
 * it gets an ordinary directory's permissions (the umask respected) rather than 0700: a server
 * running as another user can read the export.
 */
final class ExportDirectory {

  /** Writes a directory's files. */
  interface Contents {
    void writeInto(Path empty) throws IOException;
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private ExportDirectory() {}

  /**
   * Makes {@code directory} hold what {@code contents} writes. Parent directories are created as
   * needed; {@code directory} itself may exist if it is empty.
   *
   * @throws FileAlreadyExistsException if {@code directory} is a file or a non-empty directory
   * @throws IOException if it cannot be written, saying where and why
   */
  static void write(Path directory, Contents contents) throws IOException {
    Path target = directory.toAbsolutePath().normalize();
    refuseExisting(target);
    Path parent = target.getParent();
    if (parent == null) {
      throw new IOException("Cannot export to " + target + ": it is a file system root");
    }
    createParent(target, parent);
    Path temp = createSibling(target, parent);
    try {
      contents.writeInto(temp);
      sync(temp);
      moveIntoPlace(temp, target);
    } catch (IOException | RuntimeException | Error e) {
      deleteTree(temp, e);
      throw e;
    }
    syncDirectory(parent);
  }

  private static void refuseExisting(Path target) throws IOException {
    if (Files.isDirectory(target)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
        if (entries.iterator().hasNext()) {
          throw new FileAlreadyExistsException(target.toString(), null, "this directory is not "
              + "empty, and an export never writes over another one: export to a new directory "
              + "(for TensorFlow Serving, the next version number under the model's base "
              + "directory)");
        }
      }
    } else if (Files.exists(target)) {
      throw new FileAlreadyExistsException(target.toString(), null,
          "this is a file; an export is a directory and never replaces a file");
    }
  }

  private static void createParent(Path target, Path parent) throws IOException {
    for (Path up = parent; up != null; up = up.getParent()) {
      if (Files.exists(up) && !Files.isDirectory(up)) {
        throw new FileSystemException(target.toString(), null, "cannot export here: " + up
            + " is a file, not a directory");
      }
    }
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw explain(target, "its parent directory " + parent + " cannot be created", e);
    }
  }

  private static Path createSibling(Path target, Path parent) throws IOException {
    Path temp = parent.resolve("." + target.getFileName() + ".tmp-"
        + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE));
    try {
      return Files.createDirectory(temp);
    } catch (IOException e) {
      throw explain(target, "no directory can be created in " + parent, e);
    }
  }

  private static IOException explain(Path target, String what, IOException cause) {
    String reason = cause instanceof FileSystemException fs && fs.getReason() != null
        ? fs.getReason() : cause.getClass().getSimpleName();
    IOException explained = new FileSystemException(target.toString(), null,
        "cannot export here: " + what + " (" + reason + ")");
    explained.initCause(cause);
    return explained;
  }

  /**
   * Renames {@code temp} to {@code target} in one step; rename(2) also replaces an empty
   * directory, and fails if someone filled it meanwhile.
   */
  private static void moveIntoPlace(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(target); // only an empty directory: refuseExisting checked
      Files.move(temp, target);
    } catch (FileSystemException e) {
      if (Files.isDirectory(target)) {
        refuseExisting(target); // filled while we wrote: say so as before writing
      }
      throw explain(target, "the export could not be moved into place", e);
    }
  }

  /** Flushes every file, then every directory, so the rename cannot outrun the data. */
  private static void sync(Path root) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.toList();
    }
    for (Path path : paths) {
      if (Files.isRegularFile(path)) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
          channel.force(true);
        }
      } else {
        syncDirectory(path);
      }
    }
  }

  private static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Best effort: some systems cannot open a directory, and need not.
    }
  }

  private static void deleteTree(Path root, Throwable failure) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      failure.addSuppressed(e);
    }
  }
}
