package dev.lamina.keras;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * HDF5's chunk filters, decoded in pure Java under a bound: no filter ever produces (or allocates
 * for) more than {@code max} bytes, whatever the chunk inflates to or declares. Lamina decodes
 * the chunks of {@code model.weights.h5} itself instead of through jhdf's filters, which allocate
 * what a chunk declares (LZ4, bitshuffle, LZF) or inflate without a limit (deflate), and whose
 * LZ4 decompressor is lz4-java's unsafe "fast" one, not meant for untrusted input.
 *
 * <p>Filters: deflate (1), shuffle (2), fletcher32 (3, verified), LZF (32000), LZ4 (32004) and
 * bitshuffle (32008, uncompressed or LZ4). Every failure is a {@link Refused} with a message for
 * the reader's error; nothing else is thrown for any input.
 */
final class Hdf5Filters {

  static final int DEFLATE = 1;
  static final int SHUFFLE = 2;
  static final int FLETCHER32 = 3;
  static final int LZF = 32000;
  static final int LZ4 = 32004;
  static final int BITSHUFFLE = 32008;

  /** A chunk the filters cannot decode within the bound. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private Hdf5Filters() {}

  static boolean supported(int id) {
    return id == DEFLATE || id == SHUFFLE || id == FLETCHER32 || id == LZF || id == LZ4
        || id == BITSHUFFLE;
  }

  static String name(int id) {
    return switch (id) {
      case DEFLATE -> "deflate";
      case SHUFFLE -> "shuffle";
      case FLETCHER32 -> "fletcher32";
      case LZF -> "lzf";
      case LZ4 -> "lz4";
      case BITSHUFFLE -> "bitshuffle";
      default -> "filter " + id;
    };
  }

  /**
   * Undoes one filter.
   *
   * @param values the filter's client data from the file
   * @param max the most bytes the result may have
   */
  static byte[] decode(int id, int[] values, byte[] in, int max) throws Refused {
    try {
      return switch (id) {
        case DEFLATE -> inflate(in, max);
        case SHUFFLE -> unshuffle(values, in);
        case FLETCHER32 -> fletcher32(in);
        case LZF -> lzf(values, in, max);
        case LZ4 -> lz4(in, max);
        case BITSHUFFLE -> bitshuffle(values, in, max);
        default -> throw new Refused("filter " + id + " is not one Lamina decodes");
      };
    } catch (RuntimeException e) {
      // Every index is checked above; this is a second line, never the way a bad chunk is found.
      throw new Refused(name(id) + ": cannot decode the chunk (" + e + ")");
    }
  }

  // ---- deflate ---------------------------------------------------------------------------------

  static byte[] inflate(byte[] in, int max) throws Refused {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(in);
      byte[] out = new byte[(int) Math.min(max, Math.max(64L, 4L * in.length)) + 1];
      int n = 0;
      while (!inflater.finished()) {
        if (n == out.length) {
          if (n > max) {
            throw new Refused("deflate inflates to more than " + max + " bytes");
          }
          out = Arrays.copyOf(out, (int) Math.min((long) max + 1, 2L * n));
        }
        int got = inflater.inflate(out, n, out.length - n);
        n += got;
        if (n > max) {
          throw new Refused("deflate inflates to more than " + max + " bytes");
        }
        if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new Refused("deflate: the compressed data ends early");
        }
      }
      return n == out.length ? out : Arrays.copyOf(out, n);
    } catch (DataFormatException e) {
      throw new Refused("deflate: corrupt compressed data (" + e.getMessage() + ")");
    } finally {
      inflater.end();
    }
  }

  // ---- shuffle ---------------------------------------------------------------------------------

  static byte[] unshuffle(int[] values, byte[] in) throws Refused {
    if (values.length < 1 || values[0] < 1 || values[0] > 1024) {
      throw new Refused("shuffle: element size " + (values.length < 1 ? "missing"
          : String.valueOf(values[0])) + "; it must be 1 to 1024 bytes");
    }
    int size = values[0];
    if (size == 1) {
      return in;
    }
    int elements = in.length / size;
    byte[] out = new byte[in.length];
    int pos = 0;
    for (int b = 0; b < size; b++) {
      for (int e = 0; e < elements; e++) {
        out[e * size + b] = in[pos++];
      }
    }
    System.arraycopy(in, pos, out, pos, in.length - pos); // a tail shorter than one element
    return out;
  }

  // ---- fletcher32 ------------------------------------------------------------------------------

  static byte[] fletcher32(byte[] in) throws Refused {
    if (in.length < 4) {
      throw new Refused("fletcher32: a chunk of " + in.length + " bytes has no checksum");
    }
    int n = in.length - 4;
    int stored = (in[n] & 0xFF) | (in[n + 1] & 0xFF) << 8 | (in[n + 2] & 0xFF) << 16
        | (in[n + 3] & 0xFF) << 24;
    int sum = checksum(in, n);
    // HDF5 before 1.6.3 wrote the two bytes of each half swapped; HDF5 still accepts that.
    int swapped = (sum & 0x00FF00FF) << 8 | (sum >>> 8) & 0x00FF00FF;
    if (stored != sum && stored != swapped) {
      throw new Refused(String.format("fletcher32: checksum mismatch (stored %08x, computed"
          + " %08x): the chunk is corrupt", stored, sum));
    }
    return Arrays.copyOf(in, n);
  }

  /** H5_checksum_fletcher32: 16-bit big-endian words, sums folded every 360 words. */
  static int checksum(byte[] data, int length) {
    long sum1 = 0;
    long sum2 = 0;
    int words = length / 2;
    int at = 0;
    while (words > 0) {
      int run = Math.min(words, 360);
      words -= run;
      for (int k = 0; k < run; k++) {
        sum1 += (data[at] & 0xFF) << 8 | (data[at + 1] & 0xFF);
        at += 2;
        sum2 += sum1;
      }
      sum1 = (sum1 & 0xFFFF) + (sum1 >>> 16);
      sum2 = (sum2 & 0xFFFF) + (sum2 >>> 16);
    }
    if (length % 2 != 0) {
      sum1 += (data[at] & 0xFF) << 8;
      sum2 += sum1;
      sum1 = (sum1 & 0xFFFF) + (sum1 >>> 16);
      sum2 = (sum2 & 0xFFFF) + (sum2 >>> 16);
    }
    sum1 = (sum1 & 0xFFFF) + (sum1 >>> 16);
    sum2 = (sum2 & 0xFFFF) + (sum2 >>> 16);
    return (int) (sum2 << 16 | sum1);
  }

  // ---- LZF -------------------------------------------------------------------------------------

  /** h5py's LZF filter: client data (version, LZF version, uncompressed chunk size). */
  static byte[] lzf(int[] values, byte[] in, int max) throws Refused {
    long declared = values.length >= 3 ? values[2] & 0xFFFFFFFFL : max;
    if (declared > max) {
      throw new Refused("lzf declares a chunk of " + declared + " bytes, more than the "
          + max + " it can hold");
    }
    if (in.length == declared) {
      return in; // stored as is: the optional filter did not shrink it
    }
    byte[] out = new byte[(int) declared];
    int n = lzfBlock(in, 0, in.length, out, 0, out.length);
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** Decodes LZF from {@code in[from, to)} into {@code out[at, limit)}; returns the end. */
  static int lzfBlock(byte[] in, int from, int to, byte[] out, int at, int limit)
      throws Refused {
    int ip = from;
    int op = at;
    while (ip < to) {
      int ctrl = in[ip++] & 0xFF;
      if (ctrl < 32) {
        int run = ctrl + 1;
        if (ip + run > to) {
          throw new Refused("lzf: a literal run goes past the end of the chunk");
        }
        if (op + run > limit) {
          throw new Refused("lzf: decodes to more than " + (limit - at) + " bytes");
        }
        System.arraycopy(in, ip, out, op, run);
        ip += run;
        op += run;
      } else {
        int len = ctrl >>> 5;
        if (len == 7) {
          if (ip >= to) {
            throw new Refused("lzf: a back reference is cut short");
          }
          len += in[ip++] & 0xFF;
        }
        if (ip >= to) {
          throw new Refused("lzf: a back reference is cut short");
        }
        int ref = op - ((ctrl & 0x1F) << 8) - (in[ip++] & 0xFF) - 1;
        len += 2;
        if (ref < at) {
          throw new Refused("lzf: a back reference points before the chunk");
        }
        if (op + len > limit) {
          throw new Refused("lzf: decodes to more than " + (limit - at) + " bytes");
        }
        for (int k = 0; k < len; k++) {
          out[op++] = out[ref++];
        }
      }
    }
    return op;
  }

  // ---- LZ4 -------------------------------------------------------------------------------------

  /**
   * HDF5's LZ4 filter: the total size (8 bytes, big-endian) and block size (4 bytes), then each
   * block as its compressed size (4 bytes) and an LZ4 block, or the raw bytes when that size is
   * the block's own.
   */
  static byte[] lz4(byte[] in, int max) throws Refused {
    if (in.length < 12) {
      throw new Refused("lz4: a chunk of " + in.length + " bytes has no header");
    }
    long total = readLong(in, 0);
    long block = readInt(in, 8) & 0xFFFFFFFFL;
    if (total < 0 || total > max) {
      throw new Refused("lz4 declares a chunk of " + Long.toUnsignedString(total)
          + " bytes, more than the " + max + " it can hold");
    }
    if (block == 0 && total > 0) {
      throw new Refused("lz4: a block size of 0");
    }
    byte[] out = new byte[(int) total];
    int ip = 12;
    int op = 0;
    while (op < total) {
      int size = (int) Math.min(block, total - op);
      if (ip + 4 > in.length) {
        throw new Refused("lz4: the chunk ends before block at byte " + op);
      }
      long compressed = readInt(in, ip) & 0xFFFFFFFFL;
      ip += 4;
      if (compressed > in.length - ip) {
        throw new Refused("lz4: a block declares " + compressed + " compressed bytes, more than"
            + " the " + (in.length - ip) + " left in the chunk");
      }
      if (compressed == size) {
        System.arraycopy(in, ip, out, op, size);
      } else {
        int end = lz4Block(in, ip, ip + (int) compressed, out, op, op + size);
        if (end != op + size) {
          throw new Refused("lz4: a block decodes to " + (end - op) + " bytes instead of "
              + size);
        }
      }
      ip += (int) compressed;
      op += size;
    }
    return out;
  }

  /**
   * Decodes one LZ4 block from {@code in[from, to)} into {@code out[at, limit)}; returns the end
   * of what it wrote. Matches may reach back into this block only.
   */
  static int lz4Block(byte[] in, int from, int to, byte[] out, int at, int limit)
      throws Refused {
    int ip = from;
    int op = at;
    while (ip < to) {
      int token = in[ip++] & 0xFF;
      int literals = token >>> 4;
      if (literals == 15) {
        int b;
        do {
          if (ip >= to) {
            throw new Refused("lz4: a literal length is cut short");
          }
          b = in[ip++] & 0xFF;
          literals += b;
          if (literals > limit - op) {
            throw new Refused("lz4: decodes to more than " + (limit - at) + " bytes");
          }
        } while (b == 255);
      }
      if (literals > to - ip) {
        throw new Refused("lz4: literals go past the end of the block");
      }
      if (literals > limit - op) {
        throw new Refused("lz4: decodes to more than " + (limit - at) + " bytes");
      }
      System.arraycopy(in, ip, out, op, literals);
      ip += literals;
      op += literals;
      if (ip == to) {
        break; // the last sequence has literals only
      }
      if (ip + 2 > to) {
        throw new Refused("lz4: a match offset is cut short");
      }
      int offset = (in[ip] & 0xFF) | (in[ip + 1] & 0xFF) << 8;
      ip += 2;
      if (offset == 0 || offset > op - at) {
        throw new Refused("lz4: a match points outside the block (offset " + offset + ")");
      }
      int length = token & 0x0F;
      if (length == 15) {
        int b;
        do {
          if (ip >= to) {
            throw new Refused("lz4: a match length is cut short");
          }
          b = in[ip++] & 0xFF;
          length += b;
          if (length > limit - op) {
            throw new Refused("lz4: decodes to more than " + (limit - at) + " bytes");
          }
        } while (b == 255);
      }
      length += 4;
      if (length > limit - op) {
        throw new Refused("lz4: decodes to more than " + (limit - at) + " bytes");
      }
      int ref = op - offset;
      for (int k = 0; k < length; k++) {
        out[op++] = out[ref++];
      }
    }
    return op;
  }

  // ---- bitshuffle ------------------------------------------------------------------------------

  /**
   * The bitshuffle filter: client data (major, minor, element size, block size in elements,
   * compression: 0 none, 2 LZ4). Blocks of a multiple of 8 elements are bit-transposed; the last
   * {@code n % 8} elements are stored as they are.
   */
  static byte[] bitshuffle(int[] values, byte[] in, int max) throws Refused {
    if (values.length < 3 || values[2] < 1 || values[2] > 1024) {
      throw new Refused("bitshuffle: element size " + (values.length < 3 ? "missing"
          : String.valueOf(values[2])) + "; it must be 1 to 1024 bytes");
    }
    int elem = values[2];
    int compression = values.length > 4 ? values[4] : 0;
    int blockElems = values.length > 3 ? values[3] : 0;
    if (blockElems == 0) {
      blockElems = Math.max(8192 / elem / 8 * 8, 128); // bshuf_default_block_size
    }
    if (blockElems <= 0 || blockElems % 8 != 0) {
      throw new Refused("bitshuffle: a block of " + (blockElems & 0xFFFFFFFFL)
          + " elements; it must be a positive multiple of 8");
    }
    if (compression == 0) {
      if (in.length > max) {
        throw new Refused("bitshuffle: a chunk of " + in.length + " bytes, more than the " + max
            + " it can hold");
      }
      byte[] out = new byte[in.length];
      int elements = in.length / elem;
      int done = 0;
      while (elements - done >= 8) {
        int n = Math.min(blockElems, (elements - done) / 8 * 8);
        untranspose(in, done * elem, out, done * elem, n, elem);
        done += n;
      }
      System.arraycopy(in, done * elem, out, done * elem, in.length - done * elem);
      return out;
    }
    if (compression != 2) {
      throw new Refused("bitshuffle: compression " + compression + " (Lamina decodes 0, none, "
          + "and 2, lz4)");
    }
    if (in.length < 12) {
      throw new Refused("bitshuffle: a chunk of " + in.length + " bytes has no header");
    }
    long total = readLong(in, 0);
    long blockBytes = readInt(in, 8) & 0xFFFFFFFFL;
    if (total < 0 || total > max) {
      throw new Refused("bitshuffle declares a chunk of " + Long.toUnsignedString(total)
          + " bytes, more than the " + max + " it can hold");
    }
    if (total % elem != 0 || blockBytes == 0 || blockBytes % (8L * elem) != 0) {
      throw new Refused("bitshuffle: a chunk of " + total + " bytes in blocks of " + blockBytes
          + " bytes does not fit elements of " + elem + " bytes (blocks must be a positive "
          + "multiple of 8 elements)");
    }
    byte[] out = new byte[(int) total];
    byte[] block = new byte[(int) Math.min(blockBytes, total)];
    int elements = (int) (total / elem);
    int perBlock = (int) (blockBytes / elem);
    int ip = 12;
    int done = 0;
    while (elements - done >= 8) {
      int n = Math.min(perBlock, (elements - done) / 8 * 8);
      if (ip + 4 > in.length) {
        throw new Refused("bitshuffle: the chunk ends before the block at element " + done);
      }
      long compressed = readInt(in, ip) & 0xFFFFFFFFL;
      ip += 4;
      if (compressed > in.length - ip) {
        throw new Refused("bitshuffle: a block declares " + compressed + " compressed bytes, "
            + "more than the " + (in.length - ip) + " left in the chunk");
      }
      int end = lz4Block(in, ip, ip + (int) compressed, block, 0, n * elem);
      if (end != n * elem) {
        throw new Refused("bitshuffle: a block decodes to " + end + " bytes instead of "
            + n * elem);
      }
      untranspose(block, 0, out, done * elem, n, elem);
      ip += (int) compressed;
      done += n;
    }
    int leftover = (int) total - done * elem;
    if (in.length - ip != leftover) {
      throw new Refused("bitshuffle: " + (in.length - ip) + " bytes after the blocks, where "
          + leftover + " are left to fill");
    }
    System.arraycopy(in, ip, out, done * elem, leftover);
    return out;
  }

  /**
   * Undoes bitshuffle's transpose of {@code n} elements (a multiple of 8) of {@code elem} bytes:
   * the input holds, for each bit {@code b} of an element (byte {@code b / 8}, least significant
   * bit first), one row of {@code n} bits, element {@code i}'s at position {@code i}.
   */
  static void untranspose(byte[] in, int from, byte[] out, int at, int n, int elem) {
    int rowBytes = n / 8;
    for (int b = 0; b < 8 * elem; b++) {
      int row = from + b * rowBytes;
      int mask = 1 << (b & 7);
      int byteInElement = b >>> 3;
      for (int i = 0; i < n; i++) {
        if ((in[row + (i >>> 3)] >>> (i & 7) & 1) != 0) {
          out[at + i * elem + byteInElement] |= (byte) mask;
        }
      }
    }
  }

  private static long readLong(byte[] b, int at) {
    long v = 0;
    for (int k = 0; k < 8; k++) {
      v = v << 8 | (b[at + k] & 0xFF);
    }
    return v;
  }

  private static int readInt(byte[] b, int at) {
    return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8
        | (b[at + 3] & 0xFF);
  }
}
