package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The function name read from marshalled code objects of each CPython layout, built here byte by
 * byte after CPython's marshal.c (the 3.11 layout also comes from the .h5 fixtures, written by
 * this machine's CPython 3.11), and nothing read from what is not one.
 */
class PythonCodeNameTest {

  /** A marshal writer for the few types a code object needs. */
  private static final class Marshal {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Marshal type(char type, boolean ref) {
      out.write(type | (ref ? 0x80 : 0));
      return this;
    }

    Marshal int32(int v) {
      for (int i = 0; i < 4; i++) {
        out.write(v >>> (8 * i));
      }
      return this;
    }

    Marshal bytes(char type, byte[] b) {
      type(type, false).int32(b.length);
      out.write(b, 0, b.length);
      return this;
    }

    Marshal shortAscii(String s, boolean ref) {
      type('z', ref);
      out.write(s.length());
      out.write(s.getBytes(StandardCharsets.US_ASCII), 0, s.length());
      return this;
    }

    Marshal smallTuple(int n) {
      type(')', false);
      out.write(n);
      return this;
    }

    byte[] done() {
      return out.toByteArray();
    }
  }

  private static String base64(byte[] b) {
    return Base64.getMimeEncoder().encodeToString(b) + "\n";
  }

  /** CPython 3.8 to 3.10: six ints; varnames, freevars, cellvars; the name referenced. */
  private static byte[] py38(String name) {
    return py38(name, 0);
  }

  /** {@code refs}: how many references the stream numbered before this code object. */
  private static byte[] py38(String name, int refs) {
    Marshal m = new Marshal().type('c', true);
    for (int i = 0; i < 6; i++) {
      m.int32(i == 0 ? 1 : 0);
    }
    m.bytes('s', new byte[] {124, 0, 83, 0}); // LOAD_FAST 0, RETURN_VALUE
    m.smallTuple(1).type('N', false); // consts (None,)
    m.smallTuple(0); // names
    m.smallTuple(1).shortAscii(name, true); // varnames: the name itself, flagged as ref 1
    m.smallTuple(0).smallTuple(0); // freevars, cellvars
    m.shortAscii("model.py", false);
    m.type('r', false).int32(refs + 1); // co_name: a reference to the interned varname
    m.int32(3).bytes('s', new byte[] {0, 1});
    return m.done();
  }

  @Test
  void cpython38LayoutWithAReferencedName() {
    assertEquals("slice", PythonCodeName.of(base64(py38("slice"))));
  }

  @Test
  void cpython3xLayoutOfFiveInts() {
    Marshal m = new Marshal().type('c', false);
    for (int i = 0; i < 5; i++) {
      m.int32(0);
    }
    m.bytes('s', new byte[] {100, 0, 83, 0});
    m.type('(', false).int32(1).type('i', false).int32(7); // consts (7,)
    m.type('(', false).int32(0).type('(', false).int32(0).type('(', false).int32(0)
        .type('(', false).int32(0);
    m.bytes('u', "f.py".getBytes(StandardCharsets.UTF_8));
    m.bytes('u', "antirectifier".getBytes(StandardCharsets.UTF_8));
    m.int32(1).bytes('s', new byte[0]);
    assertEquals("antirectifier", PythonCodeName.of(base64(m.done())));
  }

  @Test
  void cpython27LayoutInKeras22sRawUnicodeEscapeForm() {
    Marshal m = new Marshal().type('c', false);
    for (int i = 0; i < 4; i++) {
      m.int32(i == 0 ? 1 : 0);
    }
    m.bytes('s', new byte[] {124, 0, 0, 83});
    m.type('(', false).int32(1).type('N', false);
    m.type('(', false).int32(0);
    m.type('(', false).int32(1).bytes('t', "x".getBytes(StandardCharsets.US_ASCII));
    m.type('(', false).int32(0).type('(', false).int32(0);
    m.bytes('s', "/home/me/model.py".getBytes(StandardCharsets.US_ASCII));
    m.bytes('t', "slice".getBytes(StandardCharsets.US_ASCII));
    m.int32(3).bytes('s', new byte[] {0, 1});
    byte[] bytes = m.done();
    // Keras 2.0 to 2.2: marshal.dumps(code).decode('raw_unicode_escape'), one char per byte.
    String raw = new String(bytes, StandardCharsets.ISO_8859_1);
    assertEquals("slice", PythonCodeName.of(raw));
  }

  @Test
  void aNestedCodeObjectInTheConstantsIsSkipped() {
    byte[] inner = py38("<lambda>", 1); // references are numbered across the whole stream
    Marshal m = new Marshal().type('c', true);
    for (int i = 0; i < 6; i++) {
      m.int32(0);
    }
    m.bytes('s', new byte[] {100, 1, 83, 0});
    m.smallTuple(2).type('N', false);
    m.out.write(inner, 0, inner.length); // consts (None, <code <lambda>>)
    m.smallTuple(0).smallTuple(0).smallTuple(0).smallTuple(0);
    m.shortAscii("model.py", false).shortAscii("outer", false);
    m.int32(1).bytes('s', new byte[0]);
    assertEquals("outer", PythonCodeName.of(base64(m.done())));
  }

  @Test
  void aLambdaIsNamedLambda() {
    assertEquals("<lambda>", PythonCodeName.of(base64(py38("<lambda>"))));
  }

  @Test
  void whatIsNotACodeObjectGivesNoName() {
    byte[] good = py38("slice");
    assertNull(PythonCodeName.of(null));
    assertNull(PythonCodeName.of(""));
    assertNull(PythonCodeName.of("%%% not base64, not marshal %%%"));
    assertNull(PythonCodeName.of(base64(Arrays.copyOf(good, good.length - 1))), "truncated");
    assertNull(PythonCodeName.of(base64(Arrays.copyOf(good, good.length + 1))), "trailing");
    assertNull(PythonCodeName.of(base64(new Marshal().shortAscii("slice", false).done())),
        "a string, not a code object");
    // A length far beyond the data, and a reference to nothing.
    byte[] huge = good.clone();
    huge[1 + 24 + 1] = (byte) 0xFF; // the code bytes' length
    assertNull(PythonCodeName.of(base64(huge)));
    Marshal deep = new Marshal();
    for (int i = 0; i < 10_000; i++) {
      deep.smallTuple(1);
    }
    deep.type('N', false);
    assertNull(PythonCodeName.of(base64(deep.done())), "nested beyond the limit");
  }

  @Test
  void randomBytesNeverThrow() {
    // Each either gives a name or none; nothing escapes (an exception would fail the test).
    Random random = new Random(25);
    byte[] good = py38("slice");
    int named = 0;
    for (int round = 0; round < 20_000; round++) {
      byte[] b = good.clone();
      for (int k = 1 + random.nextInt(4); k > 0; k--) {
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      }
      named += PythonCodeName.of(base64(b)) != null ? 1 : 0;
    }
    assertTrue(named > 0 && named < 20_000, named + " of 20000 named");
  }
}
