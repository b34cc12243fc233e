package dev.lamina.runtime.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds zips byte by byte, hostile ones included, for the zip tests and the fuzz test. */
final class Zips {

  static final int LOC = 0x04034b50;
  static final int CEN = 0x02014b50;

  private Zips() {}

  /** A zip of name/data pairs; a name ending in '!' is stored rather than deflated. */
  static byte[] zip(Object... nameData) throws IOException {
    var bytes = new ByteArrayOutputStream();
    try (var out = new ZipOutputStream(bytes)) {
      for (int k = 0; k < nameData.length; k += 2) {
        String name = (String) nameData[k];
        byte[] data = (byte[]) nameData[k + 1];
        boolean stored = name.endsWith("!");
        var e = new ZipEntry(stored ? name.substring(0, name.length() - 1) : name);
        if (stored) {
          var crc = new CRC32();
          crc.update(data);
          e.setMethod(ZipEntry.STORED);
          e.setSize(data.length);
          e.setCompressedSize(data.length);
          e.setCrc(crc.getValue());
        }
        out.putNextEntry(e);
        out.write(data);
        out.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  /** The offset of the {@code k}-th header with {@code signature}. */
  static int header(byte[] zip, int signature, int k) {
    for (int i = 0; i + 4 <= zip.length; i++) {
      if (u32(zip, i) == (signature & 0xFFFFFFFFL) && k-- == 0) {
        return i;
      }
    }
    throw new AssertionError("no such header");
  }

  static long u32(byte[] b, int at) {
    return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16
        | (b[at + 3] & 0xFFL) << 24;
  }

  static void put16(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
  }

  static void put32(byte[] b, int at, long v) {
    put16(b, at, (int) v & 0xFFFF);
    put16(b, at + 2, (int) (v >>> 16) & 0xFFFF);
  }

  static void put64(byte[] b, int at, long v) {
    put32(b, at, v & 0xFFFFFFFFL);
    put32(b, at + 4, v >>> 32);
  }

  /**
   * {@code zip} with a zip64 end record and locator before its end record, declaring {@code
   * count} entries, and the end record's counts set to 0xFFFF ("see zip64"), as a writer of more
   * than 65,535 entries makes it.
   */
  static byte[] zip64(byte[] zip, long count) {
    int end = header(zip, 0x06054b50, 0);
    long cenSize = u32(zip, end + 12);
    long cenOffset = u32(zip, end + 16);
    byte[] z64 = new byte[56 + 20];
    put32(z64, 0, 0x06064b50);
    put64(z64, 4, 44); // the size of the rest of the record
    put16(z64, 12, 45);
    put16(z64, 14, 45);
    put64(z64, 24, count);
    put64(z64, 32, count);
    put64(z64, 40, cenSize);
    put64(z64, 48, cenOffset);
    put32(z64, 56, 0x07064b50);
    put64(z64, 64, end); // where the zip64 record will start
    put32(z64, 72, 1);
    byte[] out = new byte[zip.length + z64.length];
    System.arraycopy(zip, 0, out, 0, end);
    System.arraycopy(z64, 0, out, end, z64.length);
    System.arraycopy(zip, end, out, end + z64.length, zip.length - end);
    put16(out, end + z64.length + 8, 0xFFFF);
    put16(out, end + z64.length + 10, 0xFFFF);
    return out;
  }

  /**
   * {@code zip} with the {@code k}-th central-directory record pointing at the local data of
   * record {@code from}: its method, flags, CRC, sizes and local header offset copied, so the JDK
   * reads the other entry's bytes under this entry's name (one deflated stream, two entries).
   */
  static byte[] sharing(byte[] zip, int k, int from) {
    byte[] out = zip.clone();
    int to = header(out, CEN, k);
    int src = header(out, CEN, from);
    for (int[] field : new int[][] {{8, 2}, {10, 2}, {16, 4}, {20, 4}, {24, 4}, {42, 4}}) {
      System.arraycopy(out, src + field[0], out, to + field[0], field[1]);
    }
    return out;
  }

  /**
   * {@code zip} with the {@code k}-th central-directory record's local header offset moved into
   * a zip64 extra field (the 32-bit field set to 0xFFFFFFFF), as a writer past 4 GiB makes it,
   * and set to {@code offset}; the end record's directory size grows to match.
   */
  static byte[] zip64Offset(byte[] zip, int k, long offset) {
    int cen = header(zip, CEN, k);
    int nameLength = (int) (u32(zip, cen + 28) & 0xFFFF);
    int extraLength = (int) (u32(zip, cen + 30) & 0xFFFF);
    int at = cen + 46 + nameLength + extraLength; // the new field goes after the old ones
    byte[] field = new byte[12];
    put16(field, 0, 0x0001);
    put16(field, 2, 8);
    put64(field, 4, offset);
    byte[] out = new byte[zip.length + field.length];
    System.arraycopy(zip, 0, out, 0, at);
    System.arraycopy(field, 0, out, at, field.length);
    System.arraycopy(zip, at, out, at + field.length, zip.length - at);
    put16(out, cen + 30, extraLength + field.length);
    put32(out, cen + 42, 0xFFFFFFFFL);
    int end = header(out, 0x06054b50, 0);
    put32(out, end + 12, u32(out, end + 12) + field.length);
    return out;
  }

  /** Every byte 0..255 that a zip might hold. */
  static byte[] bytes(int n, int seed) {
    var b = new byte[n];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }
}
