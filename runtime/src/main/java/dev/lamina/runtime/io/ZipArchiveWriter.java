package dev.lamina.runtime.io;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a zip file all or nothing: entries go to a temporary file in the target's directory,
 * which {@link #commit()} flushes to disk and moves over the target atomically (falling back to a
 * plain replace where the file system cannot). Until then the old file is untouched, and a
 * writer closed without committing, or a crash, leaves it so.
 *
 * <pre>{@code
 * try (var zip = ZipArchiveWriter.create(path)) {
 *   zip.write("config.json", Json.writeBytes(config, Json.Style.PRETTY));
 *   zip.commit();
 * }
 * }</pre>
 *
 * <p>The new file gets the permissions of an ordinary new file, the umask respected (the
 * temporary file is not made with {@code Files.createTempFile}, which gives 0600 whatever the
 * umask), or, when it replaces a file, that file's permissions, so a model kept private stays
 * private. The bytes are reproducible: entries in the order written, deflated (or stored, by
 * {@link #storedStream}), with a fixed
 * timestamp. A symbolic link at the target is replaced by the new file, as a rename does, not
 * written through, and the new file's permissions are an ordinary new file's, not those of the
 * file the link points to.
 *
 * <p>A writer killed before it commits (kill -9, a power cut) leaves its temporary file,
 * {@code .<name>.<random>.tmp}, beside the target. The next writer of the same target deletes
 * such files once they are an hour old (a live writer touches its file as it writes, and no
 * save takes an hour without writing). Not thread-safe.
 */
public final class ZipArchiveWriter implements Closeable {

  // A fixed time, so equal models make equal files. Not the zip epoch itself, 1980-01-01, which
  // java.util.zip takes for "earlier" and adds an extended-timestamp field for; as Gradle does.
  private static final LocalDateTime TIMESTAMP = LocalDateTime.of(1980, 2, 1, 0, 0);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** How old another writer's temporary file must be before it counts as abandoned. */
  static final Duration ABANDONED_AFTER = Duration.ofHours(1);

  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final ZipOutputStream zip;
  private final Set<String> names = new HashSet<>();
  private boolean committed;
  private boolean closed;

  private ZipArchiveWriter(Path target, Path temp, FileChannel channel) {
    this.target = target;
    this.temp = temp;
    this.channel = channel;
    this.zip = new ZipOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel),
        1 << 16));
  }

  /** Starts writing {@code target}; its directory must exist. */
  public static ZipArchiveWriter create(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    String base = absolute.getFileName().toString();
    base = base.length() > 100 ? base.substring(0, 100) : base;
    deleteAbandoned(dir, base);
    while (true) {
      Path temp = dir.resolve("." + base + "." + Long.toUnsignedString(RANDOM.nextLong(), 36)
          + ".tmp");
      try {
        // No file attributes: the OS creates it 0666 less the umask, as any new file.
        FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
        try {
          copyPermissions(absolute, temp);
        } catch (IOException | RuntimeException e) {
          channel.close();
          Files.deleteIfExists(temp);
          throw e;
        }
        return new ZipArchiveWriter(absolute, temp, channel);
      } catch (FileAlreadyExistsException e) {
        // Another writer's temporary file: draw another name.
      }
    }
  }

  /**
   * Keeps the permissions of the file being replaced. A symbolic link is replaced, not written
   * through, so the file it points to lends nothing: the new file keeps the umask's.
   */
  private static void copyPermissions(Path from, Path to) throws IOException {
    var view = Files.getFileAttributeView(from, PosixFileAttributeView.class,
        LinkOption.NOFOLLOW_LINKS);
    if (view != null && Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
      Files.setPosixFilePermissions(to, view.readAttributes().permissions());
    }
  }

  /** Deletes temporary files an interrupted writer of {@code base} left, once abandoned. */
  private static void deleteAbandoned(Path dir, String base) {
    String prefix = "." + base + ".";
    FileTime cutoff = FileTime.from(Instant.now().minus(ABANDONED_AFTER));
    try (DirectoryStream<Path> siblings = Files.newDirectoryStream(dir,
        entry -> isTemporaryName(entry.getFileName().toString(), prefix))) {
      for (Path sibling : siblings) {
        try {
          var attributes = Files.readAttributes(sibling, BasicFileAttributes.class,
              LinkOption.NOFOLLOW_LINKS);
          if (attributes.isRegularFile() && attributes.lastModifiedTime().compareTo(cutoff) < 0) {
            Files.deleteIfExists(sibling);
          }
        } catch (IOException e) {
          // Someone else's to clean: leave it.
        }
      }
    } catch (IOException | RuntimeException e) {
      // Best effort: an unreadable directory fails the write itself, with its own message.
    }
  }

  /** {@code .<base>.<base-36 random>.tmp}, the names this writer gives its temporary files. */
  static boolean isTemporaryName(String name, String prefix) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) {
      return false;
    }
    String random = name.substring(prefix.length(), name.length() - ".tmp".length());
    return !random.isEmpty() && random.length() <= 13 && random.chars()
        .allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'));
  }

  /** Adds a whole entry. */
  public void write(String name, byte[] data) throws IOException {
    try (OutputStream out = stream(name)) {
      out.write(data);
    }
  }

  /**
   * Starts an entry and returns a stream for its bytes (weights too large to hold twice); closing
   * the stream ends the entry, not the archive.
   *
   * @throws IllegalArgumentException if the name is one {@link ZipArchive} would refuse, or
   *     repeats one already written
   */
  public OutputStream stream(String name) throws IOException {
    return stream(name, -1, -1);
  }

  /**
   * Starts an entry stored without compression, of {@code size} bytes whose CRC-32 is {@code crc}
   * (a stored entry declares both first); the stream must receive exactly those bytes. For
   * float data, which barely deflates, and which a reader's compression-ratio checks could
   * otherwise mistake for a bomb when it is mostly one value.
   *
   * @throws IllegalArgumentException as {@link #stream(String)}
   */
  public OutputStream storedStream(String name, long size, long crc) throws IOException {
    if (size < 0 || crc < 0) {
      throw new IllegalArgumentException("a stored entry needs its size and CRC-32");
    }
    return stream(name, size, crc);
  }

  private OutputStream stream(String name, long size, long crc) throws IOException {
    if (committed || closed) {
      throw new IllegalStateException("the archive is already " + (committed ? "committed"
          : "closed"));
    }
    String problem = ZipArchive.nameProblem(name);
    if (problem != null || !names.add(name)) {
      throw new IllegalArgumentException("entry " + JsonValues.quote(name, 100) + ": "
          + (problem != null ? problem : "written twice"));
    }
    var entry = new ZipEntry(name);
    entry.setTimeLocal(TIMESTAMP);
    if (size >= 0) {
      entry.setMethod(ZipEntry.STORED);
      entry.setSize(size);
      entry.setCompressedSize(size);
      entry.setCrc(crc);
    }
    zip.putNextEntry(entry);
    return new FilterOutputStream(zip) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        zip.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        zip.closeEntry();
      }
    };
  }

  /**
   * Finishes the archive, forces it to disk and moves it over the target. After a crash the
   * target is either the old file or the new one, whole.
   */
  public void commit() throws IOException {
    if (committed || closed) {
      throw new IllegalStateException("the archive is already " + (committed ? "committed"
          : "closed"));
    }
    zip.finish();
    zip.flush();
    channel.force(true); // the data before the rename, or a crash could leave an empty file
    zip.close();
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    committed = true;
    try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
      dir.force(true); // the rename itself; some systems cannot open a directory, and need not
    } catch (IOException e) {
      // Best effort.
    }
  }

  /** Ends the writer; without {@link #commit()} it deletes the temporary file, target intact. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (!committed) {
      try {
        zip.close(); // frees the deflater; what it writes is deleted with the file
      } catch (IOException e) {
        channel.close();
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }
}
