package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The bounded decoders on streams written by hand (expected outputs worked out from the formats'
 * specifications, not from the decoders); the fixtures of real HDF5 writers are in {@link
 * KerasHostileHdf5Test}.
 */
class Hdf5FiltersTest {

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String refusal(int id, int[] values, byte[] in, int max) {
    return assertThrows(Hdf5Filters.Refused.class, () -> Hdf5Filters.decode(id, values, in, max))
        .getMessage();
  }

  private static void assertContains(String message, String part) {
    assertTrue(message.contains(part), () -> "expected <" + part + "> in: " + message);
  }

  @Test
  void lz4BlockWithAnOverlappingMatch() throws Exception {
    // Token 0x22: 2 literals "ab", then a match at offset 2 of 2 + 4 = 6 bytes ("ababab");
    // token 0x10: 1 literal "c", end of block.
    byte[] block = bytes(0x22, 'a', 'b', 2, 0, 0x10, 'c');
    byte[] out = new byte[9];
    Hdf5Filters.lz4Block(block, 0, block.length, out, 0, out.length);
    assertArrayEquals(ascii("ababababc"), out);
  }

  @Test
  void lz4FramingOfHdf5() throws Exception {
    // Total 9 bytes, blocks of 9: one compressed block of 7 bytes.
    byte[] in = bytes(0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 9, 0, 0, 0, 7, 0x22, 'a', 'b', 2, 0, 0x10,
        'c');
    assertArrayEquals(ascii("ababababc"), Hdf5Filters.decode(Hdf5Filters.LZ4, new int[] {0}, in,
        9));
    assertContains(refusal(Hdf5Filters.LZ4, new int[] {0}, in, 8),
        "lz4 declares a chunk of 9 bytes, more than the 8");
  }

  @Test
  void lz4MatchBeforeTheBlockIsRefused() {
    byte[] in = bytes(0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 9, 0, 0, 0, 7, 0x22, 'a', 'b', 3, 0, 0x10,
        'c');
    assertContains(refusal(Hdf5Filters.LZ4, new int[] {0}, in, 9),
        "a match points outside the block (offset 3)");
  }

  @Test
  void lzfBackReference() throws Exception {
    // 0x01: 2 literals "ab"; 0x40 0x01: copy 2 + 2 bytes from 2 back ("abab").
    byte[] in = bytes(0x01, 'a', 'b', 0x40, 0x01);
    assertArrayEquals(ascii("ababab"), Hdf5Filters.decode(Hdf5Filters.LZF,
        new int[] {4, 261, 6}, in, 6));
    assertContains(refusal(Hdf5Filters.LZF, new int[] {4, 261, 6}, in, 5),
        "lzf declares a chunk of 6 bytes, more than the 5");
    assertContains(refusal(Hdf5Filters.LZF, new int[] {4, 261, 6}, bytes(0x01, 'a', 'b', 0x40,
        0x05), 6), "points before the chunk");
  }

  @Test
  void bitshuffleOfEightBytes() throws Exception {
    // Elements 0..7 of one byte: bit 0 of each is 0,1,0,1,0,1,0,1 -> 0xAA (element i at bit i),
    // bit 1 is 0,0,1,1,0,0,1,1 -> 0xCC, bit 2 is 0,0,0,0,1,1,1,1 -> 0xF0, the rest 0.
    byte[] in = bytes(0xAA, 0xCC, 0xF0, 0, 0, 0, 0, 0, 0x7F);
    assertArrayEquals(bytes(0, 1, 2, 3, 4, 5, 6, 7, 0x7F), Hdf5Filters.decode(
        Hdf5Filters.BITSHUFFLE, new int[] {0, 4, 1, 0, 0}, in, 9), "the ninth stays as it is");
  }

  @Test
  void shuffleOfTwoFloats() throws Exception {
    // Bytes of element 0 are a0..a3, of element 1 b0..b3; shuffled: a0 b0 a1 b1 a2 b2 a3 b3.
    byte[] in = bytes(0xA0, 0xB0, 0xA1, 0xB1, 0xA2, 0xB2, 0xA3, 0xB3);
    assertArrayEquals(bytes(0xA0, 0xA1, 0xA2, 0xA3, 0xB0, 0xB1, 0xB2, 0xB3), Hdf5Filters.decode(
        Hdf5Filters.SHUFFLE, new int[] {4}, in, 8));
  }

  @Test
  void deflateIsStoppedAtTheBound() throws Exception {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (var out = new DeflaterOutputStream(zipped, new Deflater(9))) {
      out.write(new byte[1 << 20]);
    }
    byte[] in = zipped.toByteArray();
    assertArrayEquals(new byte[1 << 20], Hdf5Filters.decode(Hdf5Filters.DEFLATE, new int[] {4},
        in, 1 << 20));
    assertContains(refusal(Hdf5Filters.DEFLATE, new int[] {4}, in, (1 << 20) - 1),
        "deflate inflates to more than 1048575 bytes");
    assertContains(refusal(Hdf5Filters.DEFLATE, new int[] {4}, java.util.Arrays.copyOf(in,
        in.length / 2), 1 << 20), "deflate: the compressed data ends early");
  }

  @Test
  void fletcher32OfAKnownWord() throws Exception {
    // Fletcher-32 of the one 16-bit word 0x0102: sum1 = 0x0102, sum2 = 0x0102 -> 0x01020102,
    // stored little-endian after the data.
    byte[] in = bytes(0x01, 0x02, 0x02, 0x01, 0x02, 0x01);
    assertArrayEquals(bytes(0x01, 0x02), Hdf5Filters.decode(Hdf5Filters.FLETCHER32, new int[0],
        in, 6));
    in[0] ^= 1;
    assertContains(refusal(Hdf5Filters.FLETCHER32, new int[0], in, 6), "checksum mismatch");
  }

  @Test
  void garbageNeverThrowsAnythingButRefused() {
    java.util.Random random = new java.util.Random(18);
    int[] ids = {Hdf5Filters.DEFLATE, Hdf5Filters.SHUFFLE, Hdf5Filters.FLETCHER32,
        Hdf5Filters.LZF, Hdf5Filters.LZ4, Hdf5Filters.BITSHUFFLE};
    for (int round = 0; round < 20_000; round++) {
      byte[] in = new byte[random.nextInt(64)];
      random.nextBytes(in);
      int[] values = new int[random.nextInt(6)];
      for (int i = 0; i < values.length; i++) {
        values[i] = random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(12);
      }
      int id = ids[round % ids.length];
      int max = random.nextInt(200);
      try {
        byte[] out = Hdf5Filters.decode(id, values, in, max + 4);
        assertTrue(out.length <= Math.max(max + 4, in.length), "round " + round);
      } catch (Hdf5Filters.Refused expected) {
        // fine
      }
    }
  }
}
