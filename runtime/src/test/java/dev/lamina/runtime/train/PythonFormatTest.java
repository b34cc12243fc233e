package dev.lamina.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Python's {@code repr} and {@code format}: every expected string is what CPython 3.11 prints
 * for the same value and spec ({@code format(value, spec)}), as Keras's callbacks print them.
 */
class PythonFormatTest {

  @Test
  void reprIsPythonsShortestRoundTrip() {
    assertEquals("0.1", PythonFormat.repr(0.1));
    assertEquals("1e-05", PythonFormat.repr(1e-5));
    assertEquals("1e+16", PythonFormat.repr(1e16));
    assertEquals("1.2345678901234568e+17", PythonFormat.repr(123456789012345678.0));
    assertEquals("0.004999999888241291", PythonFormat.repr(0.004999999888241291));
    assertEquals("0.004999999888241291", PythonFormat.repr((double) 0.01f * 0.5));
    assertEquals("1.0", PythonFormat.repr(1.0));
    assertEquals("-0.0", PythonFormat.repr(-0.0));
    assertEquals("2.5", PythonFormat.repr(2.5));
    assertEquals("0.3333333333333333", PythonFormat.repr(1.0 / 3));
    assertEquals("inf", PythonFormat.repr(Double.POSITIVE_INFINITY));
    assertEquals("nan", PythonFormat.repr(Double.NaN));
  }

  @Test
  void floatsFormatAsPythonRoundingHalfToEvenOnTheBinaryValue() {
    Object[][] cases = {
        {0.125, ".2f", "0.12"}, {0.375, ".2f", "0.38"}, {2.675, ".2f", "2.67"},
        {0.5, ".0f", "0"}, {1.5, ".0f", "2"}, {54.57759094238281, ".5f", "54.57759"},
        {1234567.891, ",.2f", "1,234,567.89"}, {0.000123456, ".3e", "1.235e-04"},
        {123456.0, "e", "1.234560e+05"}, {0.0001234, "g", "0.0001234"},
        {1.234e-05, "g", "1.234e-05"}, {123456789.0, "g", "1.23457e+08"}, {100.0, "g", "100"},
        {12.0, ".3", "12.0"}, {123.0, ".3", "1.23e+02"}, {1.0, ".1", "1e+00"},
        {0.25, ".1%", "25.0%"}, {3.14159, ">10.3f", "     3.142"},
        {3.14159, "<10.2f", "3.14      "}, {3.14159, "^10.1f", "   3.1    "},
        {-3.14159, "010.2f", "-000003.14"}, {3.14159, "+.2f", "+3.14"},
        {3.0, "*^9.1f", "***3.0***"}, {Double.NaN, ".2f", "nan"},
        {Double.POSITIVE_INFINITY, "", "inf"}, {1.5, "#.0f", "2."}, {100.0, "#g", "100.000"},
        {0.1, "", "0.1"},
    };
    for (Object[] c : cases) {
      assertEquals(c[2], PythonFormat.formatValue(c[0], (String) c[1]), c[0] + ":" + c[1]);
    }
  }

  @Test
  void integersFormatAsPython() {
    Object[][] cases = {
        {3, "02d", "03"}, {12, "02d", "12"}, {7, "03", "007"}, {255, "x", "ff"},
        {255, "#x", "0xff"}, {1234567, ",", "1,234,567"}, {-5, "04d", "-005"},
        {5, ".2f", "5.00"}, {5, ">4", "   5"}, {3, "", "3"},
    };
    for (Object[] c : cases) {
      assertEquals(c[2], PythonFormat.formatValue(c[0], (String) c[1]), c[0] + ":" + c[1]);
    }
  }

  @Test
  void patternsFormatAsStrFormat() {
    assertEquals("ckpt-03-0.42.lamina", PythonFormat.format(
        "ckpt-{epoch:02d}-{val_loss:.2f}.lamina", Map.of("epoch", 3, "val_loss", 0.41789)));
    assertEquals("w{x}-3-0.5",
        PythonFormat.format("w{{x}}-{epoch}-{loss}", Map.of("epoch", 3, "loss", 0.5)));
    var missing = assertThrows(IllegalArgumentException.class,
        () -> PythonFormat.format("{val_loss}", Map.of("loss", 1.0)));
    assertTrue(missing.getMessage().contains("val_loss"), missing.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> PythonFormat.format("{epoch", Map.of("epoch", 1)));
    assertThrows(IllegalArgumentException.class,
        () -> PythonFormat.formatValue(1.5, "d"));
  }
}
