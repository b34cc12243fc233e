package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.ModelFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Keras's {@code arguments} read as typed {@code @Arg} values, with errors naming both. */
class KerasArgumentsTest {

  enum Mode { MEAN, MAX }

  private static KerasArguments args(String json) throws ModelFormatException {
    return new KerasArguments(Json.parseObject(json.getBytes(StandardCharsets.UTF_8),
        "config.json"), "lambda_3", "pool", "Lambda layer 'lambda_3' (function pool)");
  }

  @Test
  void readsEveryArgTypeByDeclaredJavaType() throws Exception {
    KerasArguments a = args("""
        {"i": 3, "l": 5000000000, "f": 0.1, "d": 0.1, "b": true, "s": "x", "e": "max",
         "ia": [1, 2], "la": [1, 5000000000], "fa": [0.5, 1], "da": [0.25]}""");
    assertEquals(3, a.require("i", int.class));
    assertEquals(5000000000L, a.require("l", Long.class));
    assertEquals(0.1f, a.require("f", float.class));
    assertEquals(0.1, a.require("d", double.class));
    assertEquals(true, a.require("b", boolean.class));
    assertEquals("x", a.require("s", String.class));
    assertEquals(Mode.MAX, a.require("e", Mode.class));
    assertArrayEquals(new int[] {1, 2}, (int[]) a.require("ia", int[].class));
    assertArrayEquals(new long[] {1, 5000000000L}, (long[]) a.require("la", long[].class));
    assertArrayEquals(new float[] {0.5f, 1f}, (float[]) a.require("fa", float[].class));
    assertArrayEquals(new double[] {0.25}, (double[]) a.require("da", double[].class));
    assertEquals(Set.of(), a.unread());
  }

  @Test
  void typeErrorsNameFilePositionLayerAndArgument() throws Exception {
    KerasArguments a = args("{\"size\": 2.5, \"mode\": \"median\"}");
    var e = assertThrows(ModelFormatException.class, () -> a.requireInt("size"));
    assertEquals("config.json:1:10: at $.size: Lambda layer 'lambda_3' (function pool): argument "
        + "'size': expected an integer, found number 2.5", e.getMessage());
    var f = assertThrows(ModelFormatException.class, () -> a.requireEnum("mode", Mode.class));
    assertTrue(f.getMessage().endsWith("Lambda layer 'lambda_3' (function pool): argument 'mode'"
        + " is \"median\", expected one of mean, max"), f.getMessage());
    assertThrows(IllegalArgumentException.class, () -> a.require("size", Object.class));
  }

  @Test
  void optionalArgumentsFallBackAndCountAsRead() throws Exception {
    KerasArguments a = args("{\"axis\": null}");
    assertEquals(-1, a.optInt("axis", -1));
    assertEquals(0.5f, a.optFloat("rate", 0.5f));
    assertEquals(Set.of(), a.unread());
    assertEquals("lambda_3", a.layerName());
    assertEquals("pool", a.functionName().orElseThrow());
  }
}
