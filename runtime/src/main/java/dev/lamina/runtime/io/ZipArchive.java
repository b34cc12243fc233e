package dev.lamina.runtime.io;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A zip file (Lamina's own model files, Keras's {@code .keras}) read defensively over {@code
 * java.util.zip}: the archive size, the number of entries, each entry's inflated size, the total
 * inflated and the compression ratio, of each entry and of the whole archive, are bounded by
 * {@link Limits}, counting the bytes actually inflated, never the sizes the archive declares.
 * Names that are duplicated, absolute, climb out with {@code ..} or hold control characters are
 * refused when it opens (the JDK already refuses encrypted entries and compression methods other
 * than stored and deflated), and so are entries whose bytes (local header, data and data
 * descriptor) overlap another entry's or lie outside the file: two directory records over one
 * deflated stream would inflate it twice. Each entry is read at most once, so nothing is
 * inflated twice by a reader either, and every entry's size and CRC-32 are checked as it is read,
 * so a corrupt entry fails instead of yielding wrong weights. Everything wrong with the archive is
 * a {@link ModelFormatException} naming the archive, the entry and the byte offset where it
 * applies; nothing else escapes from {@code java.util.zip}. Not thread-safe.
 */
public final class ZipArchive implements AutoCloseable {

  /**
   * What a reader accepts. The defaults fit models of a few GiB; a caller that knows an entry
   * must be small (a JSON description) passes a tighter bound to {@link #read(String, long)}.
   *
   * @param maxArchiveBytes the largest file, checked before it is opened
   * @param maxEntries the most entries in the central directory
   * @param maxEntryBytes the most bytes one entry may inflate to
   * @param maxTotalBytes the most bytes all reads together may inflate to
   * @param maxRatio the most inflated bytes per compressed byte, once an entry passes {@code
   *     ratioGraceBytes} (small files of zeros compress far better than this, legitimately)
   * @param ratioGraceBytes the inflated size below which the ratio is not checked
   * @param archiveGraceBytes the inflated total below which the whole archive's ratio (all bytes
   *     inflated per byte of the file) is not checked; past it, {@code maxRatio} holds for the
   *     archive too, so many small entries, each within the grace, cannot add up to a bomb
   */
  public record Limits(long maxArchiveBytes, int maxEntries, long maxEntryBytes,
      long maxTotalBytes, int maxRatio, long ratioGraceBytes, long archiveGraceBytes) {

    /**
     * 8 GiB archives, 1,000,000 entries (a model file has one per weight and optimizer slot: a
     * 100,000-layer model trained with Adam has up to 600,000), 4 GiB per entry, 16 GiB in all,
     * 100:1 past 1 MiB for an entry and past 64 MiB for the archive.
     */
    public static final Limits DEFAULT =
        new Limits(8L << 30, 1_000_000, 4L << 30, 16L << 30, 100, 1 << 20);

    public Limits {
      if (maxArchiveBytes < 1 || maxEntries < 1 || maxEntryBytes < 0 || maxTotalBytes < 0
          || maxRatio < 1 || ratioGraceBytes < 0 || archiveGraceBytes < 0) {
        throw new IllegalArgumentException("limits must be positive: " + this);
      }
    }

    /** Limits whose archive grace is 64 entry graces. */
    public Limits(long maxArchiveBytes, int maxEntries, long maxEntryBytes, long maxTotalBytes,
        int maxRatio, long ratioGraceBytes) {
      this(maxArchiveBytes, maxEntries, maxEntryBytes, maxTotalBytes, maxRatio, ratioGraceBytes,
          ratioGraceBytes > Long.MAX_VALUE / 64 ? Long.MAX_VALUE : ratioGraceBytes * 64);
    }
  }

  private final String name;
  private final long size;
  private final ZipFile zip;
  private final Limits limits;
  private final Map<String, ZipEntry> entries;
  private final Set<String> read = new HashSet<>();
  private long totalRead;

  private ZipArchive(String name, long size, ZipFile zip, Limits limits,
      Map<String, ZipEntry> entries) {
    this.name = name;
    this.size = size;
    this.zip = zip;
    this.limits = limits;
    this.entries = entries;
  }

  /** Opens {@code file} with the default limits. */
  public static ZipArchive open(Path file) throws IOException {
    return open(file, Limits.DEFAULT);
  }

  /**
   * Opens {@code file} and checks its central directory: entry count and names.
   *
   * @throws ModelFormatException if it is not a zip file, is too large, or an entry is refused
   * @throws IOException if it cannot be read at all (missing, a directory, unreadable)
   */
  public static ZipArchive open(Path file, Limits limits) throws IOException {
    String name = String.valueOf(file.getFileName());
    long size = Files.size(file); // NoSuchFileException first, if it is not there
    if (!Files.isRegularFile(file)) {
      throw new FileSystemException(file.toString(), null, "not a regular file");
    }
    if (size > limits.maxArchiveBytes()) {
      throw new ModelFormatException(name + ": " + size + " bytes, more than the limit of "
          + limits.maxArchiveBytes());
    }
    checkEndRecords(file, size, limits, name);
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (FileNotFoundException e) {
      throw e; // not there or not readable: the disk's problem, not the content's
    } catch (IOException | RuntimeException e) {
      // The JDK says ZipException, EOFException (a truncated end record), or for some bad
      // names IllegalArgumentException: all mean the bytes are not a zip it can read.
      throw new ModelFormatException(name + ": not a readable zip file: " + e, e);
    }
    try {
      if (zip.size() > limits.maxEntries()) {
        throw new ModelFormatException(name + ": " + zip.size() + " entries, more than the limit"
            + " of " + limits.maxEntries());
      }
      var entries = new LinkedHashMap<String, ZipEntry>();
      Enumeration<? extends ZipEntry> it = zip.entries();
      while (it.hasMoreElements()) {
        ZipEntry e = it.nextElement();
        String problem = nameProblem(e.getName());
        if (problem != null) {
          throw new ModelFormatException(name + ": entry " + JsonValues.quote(e.getName(), 100)
              + " refused: " + problem);
        }
        if (entries.putIfAbsent(e.getName(), e) != null) {
          // Two entries of one name: readers disagree on which wins, so neither is trusted.
          throw new ModelFormatException(name + ": entry " + JsonValues.quote(e.getName(), 100)
              + " appears more than once");
        }
      }
      checkLayout(file, size, name, zip, entries);
      return new ZipArchive(name, size, zip, limits, Collections.unmodifiableMap(entries));
    } catch (ModelFormatException e) {
      zip.close();
      throw e;
    } catch (RuntimeException e) {
      zip.close();
      throw new ModelFormatException(name + ": corrupt central directory: " + e.getMessage(), e);
    } catch (IOException e) {
      zip.close();
      throw e;
    }
  }

  /** One central-directory record, as this reader parses it; offsets are file positions. */
  private record Record(String name, int flags, int method, long crc, long compressed, long size,
      long local) {}

  /**
   * Reads the central directory again, as the JDK reads it (the same end record, the same zip64
   * fields), checks that it agrees with the JDK's entries, and then checks where each entry's
   * bytes lie: its local header, its data of the declared compressed size and, if it has one, its
   * data descriptor must lie between the first local header and the central directory, and no
   * two entries' bytes may overlap. The JDK reads an entry wherever its record points, so several
   * records over one deflated stream, or one entry nested in another's stored data, would
   * inflate the same bytes again for each name: the overlapping-entries zip bomb.
   */
  private static void checkLayout(Path file, long size, String name, ZipFile zip,
      Map<String, ZipEntry> entries) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long[] where = directoryPosition(ch, size);
      if (where == null) {
        if (!entries.isEmpty()) {
          throw new ModelFormatException(name + ": the central directory cannot be found as the"
              + " JDK found it");
        }
        return;
      }
      long locpos = where[0];
      long cenpos = where[1];
      long cenlen = where[2];
      List<Record> records = records(ch, name, locpos, cenpos, cenlen);
      if (records.size() != zip.size()) {
        throw new ModelFormatException(name + ": the central directory holds " + records.size()
            + " records, but the JDK reads " + zip.size());
      }
      for (Record r : records) {
        ZipEntry e = entries.get(r.name());
        if (e == null || e.getCompressedSize() != r.compressed() || e.getSize() != r.size()
            || e.getCrc() != r.crc() || e.getMethod() != r.method()) {
          throw new ModelFormatException(name + ": entry " + JsonValues.quote(r.name(), 100)
              + ": the central directory reads two ways (a crafted directory?)");
        }
      }
      checkRanges(ch, name, records, locpos, cenpos);
    }
  }

  /**
   * {@code {locpos, cenpos, cenlen}} of the end record the JDK 17 reader picks (the last one in
   * the tail whose comment reaches the end of the file, or whose directory and first local
   * header are where it says, with its zip64 record when that agrees), or null when the file is
   * nothing but an end record.
   */
  private static long[] directoryPosition(FileChannel ch, long size) throws IOException {
    int tailLength = (int) Math.min(size, END + 0xFFFF);
    ByteBuffer tail = readAt(ch, size - tailLength, tailLength);
    for (int i = tailLength - END; i >= 0; i--) {
      if (tail.getInt(i) != 0x06054b50) {
        continue;
      }
      long endpos = size - tailLength + i;
      long count = tail.getShort(i + 10) & 0xFFFF;
      long cenlen = tail.getInt(i + 12) & 0xFFFFFFFFL;
      long cenoff = tail.getInt(i + 16) & 0xFFFFFFFFL;
      int comment = tail.getShort(i + 20) & 0xFFFF;
      if (endpos + END + comment != size) {
        long cenpos = endpos - cenlen;
        long locpos = cenpos - cenoff;
        if (cenpos < 0 || locpos < 0 || readAt(ch, cenpos, 4).getInt(0) != CEN
            || readAt(ch, locpos, 4).getInt(0) != LOC) {
          continue;
        }
      }
      if (endpos >= 20) {
        ByteBuffer locator = readAt(ch, endpos - 20, 20);
        long end64 = locator.getLong(8);
        if (locator.getInt(0) == 0x07064b50 && end64 >= 0 && end64 <= size - 56) {
          ByteBuffer e64 = readAt(ch, end64, 56);
          if (e64.getInt(0) == 0x06064b50
              && (e64.getLong(40) == cenlen || cenlen == 0xFFFFFFFFL)
              && (e64.getLong(48) == cenoff || cenoff == 0xFFFFFFFFL)
              && (e64.getLong(32) == count || count == 0xFFFF)) {
            cenlen = e64.getLong(40);
            cenoff = e64.getLong(48);
            endpos = end64;
          }
        }
      }
      if (endpos == 0) {
        return null;
      }
      long cenpos = endpos - cenlen;
      return new long[] {cenpos - cenoff, cenpos, cenlen};
    }
    return null;
  }

  private static final int LOC = 0x04034b50;
  private static final int CEN = 0x02014b50;

  /** Parses the central directory's records, zip64 fields applied. */
  private static List<Record> records(FileChannel ch, String name, long locpos, long cenpos,
      long cenlen) throws IOException {
    if (cenpos < 0 || locpos < 0 || cenlen > Integer.MAX_VALUE - 8) {
      throw new ModelFormatException(name + ": the end record places the central directory"
          + " outside the file");
    }
    ByteBuffer cen = readAt(ch, cenpos, (int) cenlen);
    List<Record> records = new ArrayList<>();
    int at = 0;
    while (at + 46 <= cenlen) {
      if (cen.getInt(at) != CEN) {
        throw new ModelFormatException(name + ": no central-directory record at byte "
            + (cenpos + at));
      }
      int flags = cen.getShort(at + 8) & 0xFFFF;
      int method = cen.getShort(at + 10) & 0xFFFF;
      long crc = cen.getInt(at + 16) & 0xFFFFFFFFL;
      long compressed = cen.getInt(at + 20) & 0xFFFFFFFFL;
      long length = cen.getInt(at + 24) & 0xFFFFFFFFL;
      int nameLength = cen.getShort(at + 28) & 0xFFFF;
      int extraLength = cen.getShort(at + 30) & 0xFFFF;
      int commentLength = cen.getShort(at + 32) & 0xFFFF;
      long local = cen.getInt(at + 42) & 0xFFFFFFFFL;
      int next = at + 46 + nameLength + extraLength + commentLength;
      if (next > cenlen) {
        throw new ModelFormatException(name + ": the central-directory record at byte "
            + (cenpos + at) + " runs past the directory");
      }
      byte[] nameBytes = new byte[nameLength];
      cen.get(at + 46, nameBytes);
      // The same zip64 fields the JDK reads, in the same order: size, compressed size, offset.
      int extra = at + 46 + nameLength;
      int extraEnd = extra + extraLength;
      while (extra + 4 <= extraEnd) {
        int tag = cen.getShort(extra) & 0xFFFF;
        int fieldSize = cen.getShort(extra + 2) & 0xFFFF;
        extra += 4;
        if (extra + fieldSize > extraEnd) {
          break;
        }
        if (tag == 0x0001) {
          int f = extra;
          int fieldEnd = extra + fieldSize;
          if (length == 0xFFFFFFFFL && f + 8 <= fieldEnd) {
            length = cen.getLong(f);
            f += 8;
          }
          if (compressed == 0xFFFFFFFFL && f + 8 <= fieldEnd) {
            compressed = cen.getLong(f);
            f += 8;
          }
          if (local == 0xFFFFFFFFL && f + 8 <= fieldEnd) {
            local = cen.getLong(f);
          }
          break;
        }
        extra += fieldSize;
      }
      records.add(new Record(new String(nameBytes, StandardCharsets.UTF_8), flags, method, crc,
          compressed, length, local));
      at = next;
    }
    return records;
  }

  /** Each entry's bytes lie between the first local header and the directory, alone. */
  private static void checkRanges(FileChannel ch, String name, List<Record> records,
      long locpos, long cenpos) throws IOException {
    int n = records.size();
    long[] starts = new long[n];
    long[] ends = new long[n];
    Integer[] order = new Integer[n];
    for (int k = 0; k < n; k++) {
      Record r = records.get(k);
      String quoted = JsonValues.quote(r.name(), 100);
      long start = r.local() < 0 || r.local() > cenpos ? Long.MAX_VALUE : locpos + r.local();
      if (start > cenpos - 30) {
        throw new ModelFormatException(name + ": entry " + quoted + ": its local header at byte "
            + (r.local() < 0 ? Long.toUnsignedString(r.local()) : String.valueOf(locpos
            + r.local())) + " lies outside the entries, which end at byte " + cenpos);
      }
      ByteBuffer header = readAt(ch, start, 30);
      if (header.getInt(0) != LOC) {
        throw new ModelFormatException(name + ": entry " + quoted + ": no local header at byte "
            + start);
      }
      long data = start + 30 + (header.getShort(26) & 0xFFFF) + (header.getShort(28) & 0xFFFF);
      long end = r.compressed() < 0 || r.compressed() > Long.MAX_VALUE - data ? Long.MAX_VALUE
          : data + r.compressed();
      if ((r.flags() & 8) != 0 && end <= cenpos) {
        // A data descriptor: crc and sizes after the data, with or without its signature, the
        // sizes 8 bytes each in a zip64 entry.
        boolean signed = end <= cenpos - 4 && readAt(ch, end, 4).getInt(0) == 0x08074b50;
        boolean zip64 = r.compressed() >= 0xFFFFFFFFL || r.size() >= 0xFFFFFFFFL;
        end += (signed ? 4 : 0) + 4 + (zip64 ? 16 : 8);
      }
      if (end > cenpos) {
        throw new ModelFormatException(name + ": entry " + quoted + " (bytes " + start + " to "
            + (end == Long.MAX_VALUE ? "past " + Long.MAX_VALUE : String.valueOf(end))
            + ") runs past the end of the entries, at byte " + cenpos);
      }
      starts[k] = start;
      ends[k] = end;
      order[k] = k;
    }
    Arrays.sort(order, (a, b) -> starts[a] != starts[b] ? Long.compare(starts[a], starts[b])
        : Integer.compare(a, b));
    int reach = -1; // the entry, of those before, whose bytes end last
    for (int k : order) {
      if (reach >= 0 && starts[k] < ends[reach]) {
        throw new ModelFormatException(name + ": entry " + JsonValues.quote(records.get(k).name(),
            100) + " (bytes " + starts[k] + " to " + ends[k] + ") overlaps entry "
            + JsonValues.quote(records.get(reach).name(), 100) + " (bytes " + starts[reach]
            + " to " + ends[reach] + "); each entry's data are its own");
      }
      if (reach < 0 || ends[k] > ends[reach]) {
        reach = k;
      }
    }
  }

  /**
   * Checks the entry count and directory size that the end records declare, before the JDK sizes
   * its tables by them: JDK 17's ZipFile trusts a zip64 end record's count, and a 7 MB file that
   * claims 2^31 entries exhausts the heap. Every candidate end record in the tail is checked, as
   * the JDK may pick any of them.
   */
  private static void checkEndRecords(Path file, long size, Limits limits, String name)
      throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      int tailLength = (int) Math.min(size, END + 0xFFFF); // the record and its longest comment
      ByteBuffer tail = readAt(ch, size - tailLength, tailLength);
      for (int i = tailLength - END; i >= 0; i--) {
        if (tail.getInt(i) == 0x06054b50) {
          checkEndRecord(ch, tail, i, size - tailLength + i, size, limits, name);
        }
      }
    }
  }

  /** The end record at {@code tail[i]} (file offset {@code at}), and its zip64 record if any. */
  private static void checkEndRecord(FileChannel ch, ByteBuffer tail, int i, long at, long size,
      Limits limits, String name) throws IOException {
    long count = tail.getShort(i + 10) & 0xFFFF;
    long directory = tail.getInt(i + 12) & 0xFFFFFFFFL;
    ByteBuffer locator = at >= 20 ? readAt(ch, at - 20, 20) : null;
    if (locator != null && locator.getInt(0) == 0x07064b50) {
      long end64 = locator.getLong(8);
      ByteBuffer e64 = end64 >= 0 && end64 <= size - 56 ? readAt(ch, end64, 56) : null;
      if (e64 != null && e64.getInt(0) == 0x06064b50) {
        // All ones in the end record mean "see zip64"; otherwise either value may be used.
        count = Math.max(count == 0xFFFF ? 0 : count,
            Math.max(unsigned(e64.getLong(24)), unsigned(e64.getLong(32))));
        directory = Math.max(directory == 0xFFFFFFFFL ? 0 : directory,
            unsigned(e64.getLong(40)));
      }
    }
    if (count > limits.maxEntries()) {
      throw new ModelFormatException(name + ": the end record declares " + count
          + " entries, more than the limit of " + limits.maxEntries());
    }
    long maxDirectory = Math.min(limits.maxEntries() * (long) MAX_DIRECTORY_BYTES_PER_ENTRY,
        MAX_DIRECTORY_BYTES);
    if (directory > maxDirectory) {
      throw new ModelFormatException(name + ": the end record declares a central directory of "
          + directory + " bytes, more than the limit of " + maxDirectory + " (4096 per allowed "
          + "entry, 256 MiB at most)");
    }
  }

  private static final int END = 22;
  // A directory record is 46 bytes, a name and extra fields; Lamina's and Keras's are far below.
  private static final int MAX_DIRECTORY_BYTES_PER_ENTRY = 4096;
  // The JDK reads the whole directory into one array: ~100 bytes an entry at the entry limit.
  private static final long MAX_DIRECTORY_BYTES = 256L << 20;

  private static long unsigned(long v) {
    return v < 0 ? Long.MAX_VALUE : v;
  }

  private static ByteBuffer readAt(FileChannel ch, long position, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining() && ch.read(b, position + b.position()) >= 0) {
      // keep reading: a channel may return fewer bytes than asked
    }
    return b.clear();
  }

  /** The archive's file name, as errors give it. */
  public String name() {
    return name;
  }

  /** The entry names in central-directory order, directories ({@code name/}) included. */
  public List<String> names() {
    return List.copyOf(entries.keySet());
  }

  public boolean contains(String entry) {
    return entries.containsKey(entry);
  }

  /**
   * The inflated size the central directory declares for {@code entry}, or -1 if it declares
   * none: to check against what a reader expects before reading, never to allocate by.
   */
  public long declaredSize(String entry) throws ModelFormatException {
    return entryOf(entry).getSize();
  }

  /** Reads a whole entry, within the archive's per-entry limit. */
  public byte[] read(String entry) throws IOException {
    return read(entry, limits.maxEntryBytes());
  }

  /**
   * Reads a whole entry of at most {@code maxBytes} inflated bytes (and the archive's limits).
   * Memory grows with the bytes actually inflated, never with the size the entry declares.
   *
   * @throws ModelFormatException if the entry is missing, too large, a bomb or corrupt
   */
  public byte[] read(String entry, long maxBytes) throws IOException {
    long max = Math.min(maxBytes, Integer.MAX_VALUE - 8); // the largest Java array
    ZipEntry e = entryOf(entry);
    long declared = e.getSize();
    try (InputStream in = stream(entry, max)) {
      if (declared >= 0 && declared <= max && declared <= plausibleSize(e)) {
        // The declared size, when the limits would let the entry reach it: read into one array
        // of that size, no growing buffer and no copy. Overlapping entries are refused, so these
        // arrays together stay within the ratio times the file's size.
        byte[] data = new byte[(int) declared];
        int n = in.readNBytes(data, 0, data.length);
        if (n < data.length) {
          in.read(); // the end: the size and CRC checks say what is wrong
          throw new ModelFormatException(where(entry, n) + "inflated to " + n + " bytes, but the"
              + " directory says " + declared);
        }
        if (in.read() >= 0) {
          throw new ModelFormatException(where(entry, declared) + "inflates to more than the "
              + declared + " bytes the directory declares");
        }
        return data;
      }
      var out = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 0),
          Math.min(max, 1 << 16)));
      in.transferTo(out);
      return out.toByteArray();
    }
  }

  /** The most an entry can inflate to within the ratio (an honest entry's declared size is). */
  private long plausibleSize(ZipEntry e) {
    long compressed = Math.max(Math.min(e.getCompressedSize(), size), 1);
    long byRatio = compressed > Long.MAX_VALUE / limits.maxRatio() ? Long.MAX_VALUE
        : compressed * limits.maxRatio();
    return Math.min(limits.maxTotalBytes() - totalRead, Math.max(limits.ratioGraceBytes(),
        byRatio));
  }

  /**
   * Reads an entry of exactly {@code count} little-endian float32 values straight into a new
   * array: the size the directory declares must be {@code 4 × count} before anything is
   * allocated, inflating stops one byte past it, and the bytes pass through a small buffer, so
   * memory is the array and 64 KiB, whatever the entry holds.
   *
   * @throws ModelFormatException if the entry is missing, declares or holds another size, is a
   *     bomb or is corrupt
   */
  public float[] readFloats(String entry, int count) throws IOException {
    if (count < 0) {
      throw new IllegalArgumentException("count " + count);
    }
    float[] values = new float[count];
    readValues(entry, count, Float.BYTES, "float32",
        (chunk, at, n) -> chunk.asFloatBuffer().get(values, (int) at, n));
    return values;
  }

  /** Takes whole values as {@link #readValues} reads them. */
  @FunctionalInterface
  public interface ValueSink {
    /**
     * {@code chunk}, little-endian, holds values {@code [at, at + n)} from its position on; the
     * sink reads them before it returns.
     */
    void accept(ByteBuffer chunk, long at, int n);
  }

  /**
   * Reads an entry of exactly {@code count} little-endian values of {@code width} bytes each,
   * handing them to {@code sink} chunk by chunk: the size the directory declares must be
   * {@code width × count} before anything is read, inflating stops one byte past it, and the
   * bytes pass through a 64 KiB buffer, so memory is what the sink keeps, whatever the entry
   * holds.
   *
   * @param what the values' dtype, for messages, e.g. {@code int64}
   * @throws ModelFormatException if the entry is missing, declares or holds another size, is a
   *     bomb or is corrupt
   */
  public void readValues(String entry, long count, int width, String what, ValueSink sink)
      throws IOException {
    if (count < 0 || width < 1) {
      throw new IllegalArgumentException("count " + count + ", width " + width);
    }
    long expected = Math.multiplyExact(count, (long) width);
    long declared = entryOf(entry).getSize();
    if (declared != expected) {
      throw new ModelFormatException(where(entry, 0) + "the directory says " + declared
          + " bytes; " + count + " " + what + " values take " + expected);
    }
    byte[] chunk = new byte[(int) Math.max(width, Math.min(expected, 1 << 16) / width * width)];
    ByteBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    try (InputStream in = stream(entry, expected)) {
      long filled = 0; // values
      int held = 0; // bytes in the chunk not yet made values: a value split between reads
      while (filled < count) {
        int k = in.read(chunk, held, (int) Math.min(chunk.length - held,
            expected - width * filled - held));
        if (k < 0) {
          throw new ModelFormatException(where(entry, width * filled + held) + "ends after "
              + (width * filled + held) + " bytes; " + count + " " + what + " values take "
              + expected);
        }
        held += k;
        int whole = held / width;
        if (whole > 0) {
          view.clear();
          sink.accept(view, filled, whole);
        }
        filled += whole;
        int rest = held - whole * width;
        System.arraycopy(chunk, whole * width, chunk, 0, rest);
        held = rest;
      }
      if (in.read() >= 0) { // never, within the bound; the end checks size and CRC-32
        throw new ModelFormatException(where(entry, expected) + "holds more than " + expected
            + " bytes");
      }
    }
  }

  /**
   * Reads a JSON object entry (a model description): inflating stops at {@code
   * limits.maxInputBytes()}, and errors name it as {@code archive!entry:line:column}.
   */
  public JsonObject readJson(String entry, Json.Limits limits) throws IOException {
    return Json.parseObject(read(entry, limits.maxInputBytes()), name + "!" + entry, limits);
  }

  /** {@link #readJson(String, Json.Limits)} with the default JSON limits. */
  public JsonObject readJson(String entry) throws IOException {
    return readJson(entry, Json.Limits.DEFAULT);
  }

  /** Streams an entry within the archive's limits, for entries too large to hold in memory. */
  public InputStream stream(String entry) throws IOException {
    return stream(entry, limits.maxEntryBytes());
  }

  /**
   * Streams an entry of at most {@code maxBytes} inflated bytes (and the archive's limits); each
   * read past a limit, and a size or CRC-32 that disagrees with the directory at the end, throws
   * {@link ModelFormatException}. Each entry can be read once: a second {@code stream} or
   * {@code read} of it is refused.
   */
  public InputStream stream(String entry, long maxBytes) throws IOException {
    ZipEntry e = entryOf(entry);
    if (e.isDirectory()) {
      throw new ModelFormatException(where(entry, 0) + "is a directory");
    }
    if (!read.add(entry)) {
      throw new ModelFormatException(where(entry, 0) + "already read; an archive reads each"
          + " entry once, so no entry is inflated twice");
    }
    try {
      return new Bounded(entry, e, zip.getInputStream(e), Math.min(maxBytes,
          limits.maxEntryBytes()));
    } catch (IOException | RuntimeException ex) {
      throw new ModelFormatException(where(entry, 0) + "unreadable: " + ex.getMessage(), ex);
    }
  }

  private ZipEntry entryOf(String entry) throws ModelFormatException {
    ZipEntry e = entries.get(entry);
    if (e == null) {
      throw new ModelFormatException(name + ": no entry " + JsonValues.quote(entry, 100)
          + "; it has " + names());
    }
    return e;
  }

  /** Whether all reads together inflated more than the ratio allows, past the archive grace. */
  private boolean archiveRatioPassed() {
    return totalRead > limits.archiveGraceBytes()
        && totalRead / Math.max(size, 1) > limits.maxRatio();
  }

  private String where(String entry, long offset) {
    return name + "!" + entry + ", inflated byte offset " + offset + ": ";
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }

  /** Counts inflated bytes against every limit, and wraps the JDK's failures. */
  private final class Bounded extends InputStream {
    private final String entry;
    private final ZipEntry e;
    private final InputStream in;
    private final long max;
    private final CRC32 crc = new CRC32();
    private long count;
    private boolean checked;

    Bounded(String entry, ZipEntry e, InputStream in, long max) {
      this.entry = entry;
      this.e = e;
      this.in = in;
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int k = read(one, 0, 1);
      return k < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (count > max || totalRead > limits.maxTotalBytes() || archiveRatioPassed()) {
        throw new ModelFormatException(where(entry, count) + "already past a limit");
      }
      // Never inflate more than one byte past a limit, so the error says exactly where it broke.
      len = (int) Math.min(len, Math.min(max - count, limits.maxTotalBytes() - totalRead) + 1);
      int k;
      try {
        k = in.read(b, off, len);
      } catch (IOException | RuntimeException ex) {
        // A ZipException, EOFException or an inflater's IllegalArgumentException: bad data.
        throw new ModelFormatException(where(entry, count) + "corrupt data: " + ex.getMessage(),
            ex);
      }
      if (k < 0) {
        verify();
        return -1;
      }
      count += k;
      totalRead += k;
      crc.update(b, off, k);
      if (count > max) {
        throw new ModelFormatException(where(entry, max) + "inflates to more than " + max
            + " bytes");
      }
      if (totalRead > limits.maxTotalBytes()) {
        throw new ModelFormatException(where(entry, count - 1) + "the archive inflates to more"
            + " than " + limits.maxTotalBytes() + " bytes in all");
      }
      // The declared compressed size is capped by the file's, so a lie cannot hide a bomb.
      long compressed = Math.max(Math.min(e.getCompressedSize(), size), 1);
      if (count > limits.ratioGraceBytes() && count / compressed > limits.maxRatio()) {
        throw new ModelFormatException(where(entry, count) + "inflates more than "
            + limits.maxRatio() + " times its compressed size " + compressed + " (a zip bomb?)");
      }
      if (archiveRatioPassed()) {
        throw new ModelFormatException(where(entry, count) + "the archive inflates more than "
            + limits.maxRatio() + " times its size of " + size + " bytes (a zip bomb of many"
            + " entries?)");
      }
      return k;
    }

    private void verify() throws ModelFormatException {
      if (checked) {
        return;
      }
      checked = true;
      if (e.getSize() >= 0 && count != e.getSize()) {
        throw new ModelFormatException(where(entry, count) + "inflated to " + count
            + " bytes, but the directory says " + e.getSize());
      }
      if (e.getCrc() >= 0 && crc.getValue() != e.getCrc()) {
        throw new ModelFormatException(where(entry, count)
            + "CRC-32 mismatch: the data are corrupt");
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Why an entry name is refused (it could mean a place outside the archive), or null. */
  static String nameProblem(String name) {
    if (name.isEmpty()) {
      return "empty name";
    }
    for (int k = 0; k < name.length(); k++) {
      char c = name.charAt(k);
      if (c < 0x20 || c == 0x7F) {
        return "control character in name";
      }
      if (c == '\\') {
        return "backslash in name (a Windows path)";
      }
    }
    if (name.startsWith("/")) {
      return "absolute path";
    }
    if (name.length() >= 2 && name.charAt(1) == ':') {
      return "drive letter in name";
    }
    String body = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    for (String part : body.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return "path segment \"" + part + "\" (traversal or an empty segment)";
      }
    }
    return null;
  }
}
