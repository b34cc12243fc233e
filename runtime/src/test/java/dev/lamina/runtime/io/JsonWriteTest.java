package dev.lamina.runtime.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The writer: exact texts from RFC 8259's grammar, and values that read back bit for bit. */
class JsonWriteTest {

  static Map<String, Object> map(Object... kv) {
    var m = new LinkedHashMap<String, Object>();
    for (int k = 0; k < kv.length; k += 2) {
      m.put((String) kv[k], kv[k + 1]);
    }
    return m;
  }

  @Test
  void compactPrettyAndCanonicalTexts() {
    Object v = map("b", List.of(1, true), "a", map(), "c", Arrays.asList(null, "x", List.of()));
    assertEquals("{\"b\":[1,true],\"a\":{},\"c\":[null,\"x\",[]]}",
        Json.write(v, Json.Style.COMPACT));
    assertEquals("{\"a\":{},\"b\":[1,true],\"c\":[null,\"x\",[]]}",
        Json.write(v, Json.Style.CANONICAL));
    assertEquals("""
        {
          "b": [
            1,
            true
          ],
          "a": {},
          "c": [
            null,
            "x",
            []
          ]
        }""", Json.write(v, Json.Style.PRETTY));
  }

  @Test
  void canonicalSortsByUtf16CodeUnitsAsRfc8785() {
    // In UTF-16, U+1F600 (0xD83D 0xDE00) sorts before U+E000, though its code point is higher.
    Object v = map("\ue000", 1, "😀", 2, "B", 3, "a", 4, "", 5);
    assertEquals("{\"\":5,\"B\":3,\"a\":4,\"😀\":2,\"\ue000\":1}",
        Json.write(v, Json.Style.CANONICAL));
  }

  @Test
  void escapesWhatJsonRequiresAndNothingElse() throws Exception {
    String s = "\"\\\b\f\n\r\t\u0000\u001f/é😀\u007f\u2028";
    String json = Json.write(List.of(s), Json.Style.COMPACT);
    assertEquals("[\"\\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u001f/é😀\u007f\u2028\"]", json);
    assertArrayEquals(json.getBytes(UTF_8), Json.writeBytes(List.of(s), Json.Style.COMPACT));
    assertEquals(List.of(s), Json.parse(Json.writeBytes(List.of(s), Json.Style.COMPACT), "t"));
  }

  @Test
  void float32EdgeValuesReadBackBitExact() throws Exception {
    float[] edges = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
      Float.intBitsToFloat(0x007FFFFF), Float.MAX_VALUE, -Float.MAX_VALUE, 1f, 0.1f, 1f / 3,
      16777216f, 16777217f, 3.4028235e38f, 1.17549435E-38f, Math.nextUp(1f), Math.nextDown(1f)};
    var values = new ArrayList<Object>();
    for (float f : edges) {
      values.add(f);
    }
    var r = new Random(12);
    for (int k = 0; k < 2000; k++) {
      float f = Float.intBitsToFloat(r.nextInt());
      if (Float.isFinite(f)) {
        values.add(f);
      }
    }
    for (var style : Json.Style.values()) {
      var back = (JsonArray) Json.parse(Json.writeBytes(values, style), "t");
      for (int k = 0; k < values.size(); k++) {
        assertEquals(Float.floatToRawIntBits((Float) values.get(k)),
            Float.floatToRawIntBits(back.requireFloat(k)), "element " + k + " " + back.get(k));
      }
    }
  }

  @Test
  void float64AndInt64EdgeValuesReadBackExact() throws Exception {
    double[] edges = {0d, -0d, Double.MIN_VALUE, Double.MIN_NORMAL, Math.nextDown(
        Double.MIN_NORMAL), Double.MAX_VALUE, -Double.MAX_VALUE, 0.1, 1e23, 9007199254740993d,
      (double) Float.MIN_VALUE};
    long[] longs = {Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1, 0,
      -1, (1L << 53) + 1, Integer.MIN_VALUE, Integer.MAX_VALUE};
    var values = new ArrayList<Object>();
    var r = new Random(64);
    for (double d : edges) {
      values.add(d);
    }
    for (int k = 0; k < 2000; k++) {
      double d = Double.longBitsToDouble(r.nextLong());
      if (Double.isFinite(d)) {
        values.add(d);
      }
    }
    var back = (JsonArray) Json.parse(Json.writeBytes(values, Json.Style.COMPACT), "t");
    for (int k = 0; k < values.size(); k++) {
      assertEquals(Double.doubleToRawLongBits((Double) values.get(k)),
          Double.doubleToRawLongBits(back.requireDouble(k)), "element " + k);
    }
    var ls = new ArrayList<Object>();
    for (long x : longs) {
      ls.add(x);
    }
    ls.add(BigInteger.valueOf(Long.MIN_VALUE));
    ls.add(new BigDecimal("9223372036854775807"));
    var lback = (JsonArray) Json.parse(Json.writeBytes(ls, Json.Style.PRETTY), "t");
    for (int k = 0; k < longs.length; k++) {
      assertEquals(longs[k], lback.requireLong(k));
    }
    assertEquals(Long.MIN_VALUE, lback.requireLong(longs.length));
    assertEquals(Long.MAX_VALUE, lback.requireLong(longs.length + 1));
    assertEquals("[-0.0,1.4E-45,1.0E10,-9223372036854775808]", Json.write(List.of(-0.0, 1.4e-45f,
        1e10, Long.MIN_VALUE), Json.Style.COMPACT));
  }

  @Test
  void parsedDocumentsWriteBackToTheSameText() throws Exception {
    String text = "{\"name\":\"dense\",\"units\":10,\"rate\":0.10,\"e\":1E+2,\"m\":-0,"
        + "\"shape\":[null,28,28],\"nested\":{\"a\":[[],{}],\"b\":\"\\u00e9\\t\"}}";
    Object v = Json.parse(text.getBytes(UTF_8), "t");
    assertEquals(text.replace("\\u00e9", "é"), Json.write(v, Json.Style.COMPACT),
        "numbers keep their literal text; only the optional escape is normalised");
    assertEquals(v, Json.parse(Json.writeBytes(v, Json.Style.PRETTY), "t"));
  }

  @Test
  void refusesWhatJsonCannotHoldWithThePath() {
    assertEquals("cannot write $.a[1]: NaN has no JSON spelling", assertThrows(
        IllegalArgumentException.class, () -> Json.write(map("a", List.of(1, Double.NaN)),
            Json.Style.COMPACT)).getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Json.write(List.of(Float.POSITIVE_INFINITY), Json.Style.COMPACT));
    assertThrows(IllegalArgumentException.class,
        () -> Json.write(List.of(Double.NEGATIVE_INFINITY), Json.Style.COMPACT));
    assertEquals("cannot write $.s: unpaired surrogate", assertThrows(
        IllegalArgumentException.class, () -> Json.write(map("s", "a\ud800"), Json.Style.COMPACT))
        .getMessage());
    assertEquals("cannot write $: key number 1 is not a String", assertThrows(
        IllegalArgumentException.class, () -> Json.write(Map.of(1, 2), Json.Style.COMPACT))
        .getMessage());
    assertEquals("cannot write $[0]: a java.lang.Object is not a JSON value", assertThrows(
        IllegalArgumentException.class, () -> Json.write(List.of(new Object()),
            Json.Style.COMPACT)).getMessage());
    var cycle = new ArrayList<Object>();
    cycle.add(cycle);
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Json.write(cycle, Json.Style.COMPACT)).getMessage()
        .contains("nested deeper than 128"));
    Object deep = List.of();
    for (int k = 1; k < 128; k++) {
      deep = List.of(deep);
    }
    Json.write(deep, Json.Style.COMPACT); // 128 levels: what the default reader takes
    Object tooDeep = List.of(deep);
    assertThrows(IllegalArgumentException.class, () -> Json.write(tooDeep, Json.Style.COMPACT));
  }
}
