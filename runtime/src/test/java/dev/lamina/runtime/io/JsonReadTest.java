package dev.lamina.runtime.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reader against RFC 8259: what it accepts, and each refusal with its line, column, path. */
class JsonReadTest {

  static Object parse(String text) throws ModelFormatException {
    return Json.parse(text.getBytes(UTF_8), "t.json");
  }

  static ModelFormatException refused(String text) {
    return assertThrows(ModelFormatException.class, () -> parse(text), text);
  }

  @Test
  void readsEveryKindOfValueAsImmutablePlainJava() throws Exception {
    Object v = parse("{\"z\": [1, -2.5e-3, true, false, null, \"s\\u00e9\\n\"], \"a\": {}}");
    var o = assertInstanceOf(JsonObject.class, v);
    assertEquals(List.of("z", "a"), List.copyOf(o.keySet()), "the file's key order");
    assertEquals(Arrays.asList(new JsonNumber("1"), new JsonNumber("-2.5e-3"), true, false, null,
        "sé\n"), o.get("z"));
    assertEquals(Map.of(), o.get("a"));
    var expected = new LinkedHashMap<String, Object>();
    expected.put("z", o.get("z"));
    expected.put("a", Map.of());
    assertEquals(expected, o, "a Map like any other");
    assertThrows(UnsupportedOperationException.class, () -> o.put("b", 1));
    assertThrows(UnsupportedOperationException.class, () -> o.requireArray("z").add(1));
    assertThrows(UnsupportedOperationException.class, () -> o.entrySet().iterator().next()
        .setValue(1));
  }

  @Test
  void readsScalarsAtTheTopLevelAndAllFourWhitespaces() throws Exception {
    assertEquals("x", parse(" \t\r\n\"x\"\n"));
    assertEquals(new JsonNumber("0"), parse("0"));
    assertNull(parse("null"));
    assertEquals("😀", parse("\"\\ud83d\\ude00\""), "a surrogate pair in escapes");
    assertEquals("😀/", parse("\"😀\\/\""));
  }

  @Test
  void numbersConvertExactlyToTheTypeAsked() throws Exception {
    var o = (JsonObject) parse("{\"min\": -9223372036854775808, \"max\": 9223372036854775807,"
        + " \"e\": 1e2, \"two\": 2.0, \"big\": 2e9, \"f\": 3.4028235e38, \"fx\": 3.4028236e38,"
        + " \"dx\": 1e400, \"tiny\": 1.4e-45, \"mz\": -0.0, \"mzi\": -0, \"p53\": 9007199254740993,"
        + " \"mid\": 1.000000178813934326171874999}");
    assertEquals(Long.MIN_VALUE, o.requireLong("min"));
    assertEquals(Long.MAX_VALUE, o.requireLong("max"));
    assertEquals(9007199254740993L, o.requireLong("p53"), "2^53 + 1, which a double loses");
    assertEquals(100, o.requireInt("e"), "integers by value, as I-JSON");
    assertEquals(2, o.requireInt("two"));
    assertEquals(2_000_000_000L, o.requireLong("big"));
    assertEquals(Float.MAX_VALUE, o.requireFloat("f"));
    assertEquals(Float.MIN_VALUE, o.requireFloat("tiny"));
    assertEquals(0x80000000, Float.floatToRawIntBits(o.requireFloat("mz")));
    assertEquals(0x8000000000000000L, Double.doubleToRawLongBits(o.requireDouble("mzi")));
    // Just under the midpoint of 1+2^-23 and 1+2^-22: rounds down; through a double it would
    // land on the midpoint and round to even, up.
    assertEquals(0x3F800001, Float.floatToRawIntBits(o.requireFloat("mid")));
    assertEquals("t.json:1:118: at $.fx: number 3.4028236e38 is out of the float32 range",
        assertThrows(ModelFormatException.class, () -> o.requireFloat("fx")).getMessage());
    assertEquals("t.json:1:138: at $.dx: number 1e400 is out of the float64 range",
        assertThrows(ModelFormatException.class, () -> o.requireDouble("dx")).getMessage());
    assertEquals(Double.POSITIVE_INFINITY, ((JsonNumber) o.get("dx")).doubleValue(),
        "the raw Number view, as Number's contract allows");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      # text                      | line | col | path         | message
      ``                          | 1    | 1   | $            | unexpected end of input, expected a value
      `  `                        | 1    | 3   | $            | unexpected end of input, expected a value
      {"a":1,}                    | 1    | 8   | $            | expected a string key, found '}'
      [1,]                        | 1    | 4   | $[1]         | unexpected ']', expected a value
      [01]                        | 1    | 2   | $[0]         | leading zeros are not allowed
      [-]                         | 1    | 3   | $[0]         | expected a digit after '-', found ']'
      [1.]                        | 1    | 4   | $[0]         | expected a digit after '.', found ']'
      [.5]                        | 1    | 2   | $[0]         | unexpected '.', expected a value
      [+1]                        | 1    | 2   | $[0]         | unexpected '+', expected a value
      1e                          | 1    | 3   | $            | expected a digit in the exponent, found end of input
      1e+                         | 1    | 4   | $            | expected a digit in the exponent
      {"a":1 "b":2}               | 1    | 8   | $            | expected ',' or '}', found '"'
      {"a":1]                     | 1    | 7   | $            | expected ',' or '}', found ']'
      [1 2]                       | 1    | 4   | $            | expected ',' or ']', found '2'
      {"a" 1}                     | 1    | 6   | $            | expected ':' after key "a", found '1'
      {"a":1,"a":2}               | 1    | 8   | $.a          | duplicate key "a"
      {'a':1}                     | 1    | 2   | $            | expected a string key or '}', found '''
      "abc                        | 1    | 1   | $            | unterminated string
      ["\\x"]                     | 1    | 3   | $[0]         | invalid escape '\\x'
      ["\\u12"]                   | 1    | 3   | $[0]         | expected four hex digits after \\u
      ["\\ud800"]                 | 1    | 3   | $[0]         | unpaired surrogate in escape \\uD800
      ["\\ud800\\u0041"]          | 1    | 3   | $[0]         | unpaired surrogate in escape \\uD800
      ["\\udc00"]                 | 1    | 3   | $[0]         | unpaired surrogate in escape \\uDC00
      tru                         | 1    | 1   | $            | unexpected 't', expected a value
      [True]                      | 1    | 2   | $[0]         | unexpected 'T', expected a value
      NaN                         | 1    | 1   | $            | NaN is not a JSON number
      [-Infinity]                 | 1    | 2   | $[0]         | -Infinity is not a JSON number
      [1] x                       | 1    | 5   | $            | unexpected 'x' after the JSON value
      truex                       | 1    | 5   | $            | unexpected 'x' after the JSON value
      // c                        | 1    | 1   | $            | unexpected '/', expected a value
      [                           | 1    | 2   | $[0]         | unexpected end of input, expected a value
      {"a":                       | 1    | 6   | $.a          | unexpected end of input, expected a value
      {"odd key":{"x":[tru]}}     | 1    | 18  | $["odd key"].x[0] | unexpected 't', expected a value
      """)
  void refusesWhatRfc8259Refuses(String text, int line, int col, String path, String message) {
    text = text == null ? "" : text;
    var e = refused(text);
    assertEquals(line + ":" + col, e.line() + ":" + e.column(), e.getMessage());
    assertEquals(path, e.path(), e.getMessage());
    assertEquals("t.json", e.source());
    assertTrue(e.getMessage().startsWith("t.json:" + line + ":" + col + ": at " + path + ": "),
        e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void linesAndColumnsCountLfCrLfAndLoneCr() {
    var e = refused("{\n  \"a\": [\n    1,\n    tru\n  ]\n}");
    assertEquals("4:5 $.a[1]", e.line() + ":" + e.column() + " " + e.path());
    e = refused("[\r\n1,\r\n\tx]");
    assertEquals("3:2", e.line() + ":" + e.column());
    e = refused("[\r1,\rx]");
    assertEquals("3:1", e.line() + ":" + e.column());
  }

  @Test
  void refusesRawControlCharactersAndOtherWhitespace() {
    var e = refused("[\"a\u0001\"]");
    assertEquals("1:4", e.line() + ":" + e.column());
    assertTrue(e.getMessage().endsWith("control character U+0001 must be escaped"));
    e = refused("[\"a\nb\"]");
    assertEquals("1:4", e.line() + ":" + e.column(), "the newline inside the string is the fault");
    e = refused("[1,\u00a02]");
    assertEquals("1:4", e.line() + ":" + e.column(), "no-break space is not JSON whitespace");
    e = refused("[1,\f2]");
    assertEquals("1:4", e.line() + ":" + e.column(), "form feed is not JSON whitespace");
  }

  @Test
  void refusesBadUtf8WithItsByteOffset() {
    byte[][] bad = {
      {'[', '"', 'a', '"', ',', '"', (byte) 0xFF, '"', ']'},  // not UTF-8 at all
      {'[', '"', 'a', '"', ',', '"', (byte) 0xC0, (byte) 0x80}, // overlong NUL
      {'[', '"', 'a', '"', ',', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80}, // encoded surrogate
      {'[', '"', 'a', '"', ',', '"', (byte) 0xE2, (byte) 0x82}, // truncated sequence
    };
    for (byte[] b : bad) {
      var e = assertThrows(ModelFormatException.class, () -> Json.parse(b, "t.json"));
      assertEquals("t.json:1:7: invalid UTF-8 at byte offset 6", e.getMessage());
    }
    var e = assertThrows(ModelFormatException.class,
        () -> Json.parse(new byte[] {'\n', '"', (byte) 0xFF}, "t.json"));
    assertEquals("2:2", e.line() + ":" + e.column());
    e = assertThrows(ModelFormatException.class, () -> Json.parse(
        new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '1'}, "t.json"));
    assertEquals("t.json:1:1: a byte order mark is not allowed in JSON", e.getMessage());
    e = assertThrows(ModelFormatException.class, () -> Json.parse("[\"\ud800\"]", "t.json"));
    assertEquals("t.json:1:3: unpaired surrogate U+D800", e.getMessage());
  }

  @Test
  void nonFiniteNumbersOnlyWhenAsked() throws Exception {
    var keras = Json.Limits.DEFAULT.withNonFinite(true);
    var a = (JsonArray) Json.parse("[NaN, Infinity, -Infinity, 1]".getBytes(UTF_8), "k", keras);
    assertTrue(Double.isNaN(a.requireDouble(0)));
    assertEquals(Double.POSITIVE_INFINITY, a.requireDouble(1));
    assertEquals(Float.NEGATIVE_INFINITY, a.requireFloat(2));
    var e = assertThrows(ModelFormatException.class, () -> a.requireLong(0));
    assertEquals("k:1:2: at $[0]: expected an integer, found number NaN", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Json.write(a, Json.Style.COMPACT));
    var n = assertThrows(ModelFormatException.class, () -> Json.parse("[Nan]".getBytes(UTF_8),
        "k", keras));
    assertEquals("1:2", n.line() + ":" + n.column());
  }

  @Test
  void parseObjectWantsAnObject() {
    var e = assertThrows(ModelFormatException.class,
        () -> Json.parseObject("[1]".getBytes(UTF_8), "config.json"));
    assertEquals("config.json:1:1: at $: expected an object at the top level, found an array",
        e.getMessage());
    e = assertThrows(ModelFormatException.class,
        () -> Json.parseObject("\n  [1]".getBytes(UTF_8), "config.json"));
    assertEquals("2:3", e.line() + ":" + e.column(), "where the array starts");
  }

  // ---- Limits: each at its bound is read, one past it refused, before the thing is allocated.

  static ModelFormatException refused(String text, Json.Limits limits) {
    return assertThrows(ModelFormatException.class,
        () -> Json.parse(text.getBytes(UTF_8), "t.json", limits), text);
  }

  static void accepted(String text, Json.Limits limits) throws Exception {
    Json.parse(text.getBytes(UTF_8), "t.json", limits);
  }

  @Test
  void inputSizeIsCheckedBeforeReading() throws Exception {
    var l = Json.Limits.DEFAULT.withMaxInputBytes(10);
    accepted("[1,2,3,45]", l);
    var e = refused("[1,2,3,456]", l);
    assertEquals("t.json: 11 bytes, more than the limit of 10", e.getMessage());
    // An endless stream: only the limit and one byte are read.
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        return '[';
      }
    };
    var s = assertThrows(ModelFormatException.class, () -> Json.parse(endless, "s", l));
    assertEquals("s: 11 bytes, more than the limit of 10", s.getMessage());
    assertEquals(List.of(), Json.parse(new ByteArrayInputStream("[]".getBytes(UTF_8)), "s", l));
  }

  @Test
  void depthIsBoundedWithoutRecursion() throws Exception {
    var l = Json.Limits.DEFAULT.withMaxDepth(3);
    accepted("[[[1]]]", l);
    accepted("{\"a\":[{}]}", l);
    var e = refused("[[[[1]]]]", l);
    assertEquals("t.json:1:4: at $[0][0][0]: nested deeper than 3 levels", e.getMessage());
    e = refused("{\"a\":{\"b\":[[]]}}", l);
    assertEquals("$.a.b[0]", e.path());
    accepted("[".repeat(128) + "]".repeat(128), Json.Limits.DEFAULT);
    refused("[".repeat(129) + "]".repeat(129), Json.Limits.DEFAULT);
    // 100,000 levels would overflow a recursive reader's stack; this one has none to overflow.
    var big = Json.Limits.DEFAULT.withMaxDepth(Integer.MAX_VALUE);
    Object deep = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5),
        () -> Json.parse(("[".repeat(100_000) + "]".repeat(100_000)).getBytes(UTF_8), "d", big));
    assertInstanceOf(JsonArray.class, deep);
  }

  @Test
  void stringLengthCountsCharactersAfterUnescaping() throws Exception {
    var l = Json.Limits.DEFAULT.withMaxStringLength(5);
    accepted("[\"abcde\", \"\\u0041bcd\\n\", {\"12345\": 1}]", l);
    var e = refused("[\"abcdef\"]", l);
    assertEquals("t.json:1:2: at $[0]: string longer than 5 characters", e.getMessage());
    e = refused("[\"a\\u0041cdef\"]", l);
    assertEquals("t.json:1:2: at $[0]: string longer than 5 characters", e.getMessage());
    e = refused("{\"a\": {\"123456\": 1}}", l);
    assertEquals("t.json:1:8: at $.a: string longer than 5 characters", e.getMessage());
  }

  @Test
  void elementsCountEveryValue() throws Exception {
    var l = Json.Limits.DEFAULT.withMaxElements(3);
    accepted("[1,2]", l);
    accepted("{\"a\":{\"b\":1}}", l);
    var e = refused("[1,2,3]", l);
    assertEquals("t.json:1:6: at $[2]: more than 3 values in the document", e.getMessage());
  }

  @Test
  void numberLengthIsCheckedBeforeTheNumberIsMade() throws Exception {
    var l = Json.Limits.DEFAULT.withMaxNumberLength(5);
    accepted("[12345, -1234, 1.5e3]", l);
    var e = refused("[1, -1.5e10]", l);
    assertEquals("t.json:1:5: at $[1]: number longer than 5 characters", e.getMessage());
    // The default takes any float64 in its longest round-trip form.
    accepted("[-2.2250738585072014E-308, 4.9E-324, -1.7976931348623157E308]", Json.Limits.DEFAULT);
  }

  @Test
  void limitsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> Json.Limits.DEFAULT.withMaxDepth(0));
  }
}
