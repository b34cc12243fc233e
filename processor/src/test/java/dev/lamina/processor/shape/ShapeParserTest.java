package dev.lamina.processor.shape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.processor.shape.Expr.Binary;
import dev.lamina.processor.shape.Expr.Name;
import dev.lamina.processor.shape.Expr.Num;
import dev.lamina.processor.shape.Expr.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShapeParserTest {

  /** A compact, fully parenthesised rendering of a tree, to compare with hand-written text. */
  private static String show(Expr e) {
    if (e instanceof Num n) {
      return Long.toString(n.value());
    }
    if (e instanceof Expr.Unknown) {
      return "?";
    }
    if (e instanceof Name n) {
      return n.name();
    }
    if (e instanceof Expr.Negate n) {
      return "(-" + show(n.operand()) + ")";
    }
    if (e instanceof Expr.Not n) {
      return "(!" + show(n.operand()) + ")";
    }
    Binary b = (Binary) e;
    return "(" + show(b.left()) + " " + b.op().symbol() + " " + show(b.right()) + ")";
  }

  @Test
  void patterns() throws ShapeSyntaxException {
    Pattern p = ShapeParser.pattern("(n, 4, ?)");
    assertFalse(p.leadingEllipsis());
    assertEquals(List.of("n", "4", "?"), p.dims().stream().map(ShapeParserTest::show).toList());
    Pattern q = ShapeParser.pattern(" ( ..., c ) ");
    assertTrue(q.leadingEllipsis());
    assertEquals(List.of("c"), q.dims().stream().map(ShapeParserTest::show).toList());
    assertEquals(0, ShapeParser.pattern("()").dims().size());
    assertEquals(1, ShapeParser.pattern("(4,)").dims().size(), "Python's one-tuple");
  }

  @Test
  void ellipsisOnlyFirst() {
    var e = assertThrows(ShapeSyntaxException.class, () -> ShapeParser.pattern("(n, ...)"));
    assertEquals("'...' may only come first", e.problem());
    assertEquals(5, e.column());
    assertThrows(ShapeSyntaxException.class, () -> ShapeParser.pattern("(..., ...)"));
  }

  @Test
  void patternsTakeNoArithmetic() {
    var e = assertThrows(ShapeSyntaxException.class, () -> ShapeParser.pattern("(n + 1)"));
    assertEquals("expected ',' or ')' but found '+'", e.problem());
    assertEquals(4, e.column());
  }

  @Test
  void arithmeticPrecedenceAndParentheses() throws ShapeSyntaxException {
    List<Expr> dims = ShapeParser.outputShape("(2 * c + 1, (n - 1) / 2, -k, ?, 4)");
    assertEquals(List.of("((2 * c) + 1)", "((n - 1) / 2)", "(-k)", "?", "4"),
        dims.stream().map(ShapeParserTest::show).toList());
    assertEquals("((a - b) - c)", show(ShapeParser.outputShape("(a - b - c)").get(0)),
        "left-associative");
  }

  @Test
  void constraints() throws ShapeSyntaxException {
    assertEquals("(((0 <= index) && (index < c)) || (!(c == 1)))",
        show(ShapeParser.constraint("0 <= index && index < c || !(c == 1)")));
    assertEquals("((n * 2) != (m + 1))", show(ShapeParser.constraint("n * 2 != m + 1")));
    assertEquals("(a > b)", show(ShapeParser.constraint("(a > b)")));
    assertEquals(Op.GE, ((Binary) ShapeParser.constraint("a >= 2")).op());
  }

  @Test
  void typeErrorsAreSyntaxErrors() {
    var integer = assertThrows(ShapeSyntaxException.class, () -> ShapeParser.constraint("n + 1"));
    assertTrue(integer.problem().startsWith("expected a condition"), integer.problem());
    var condition = assertThrows(ShapeSyntaxException.class,
        () -> ShapeParser.outputShape("(n < 2)"));
    assertTrue(condition.problem().startsWith("expected an integer expression"),
        condition.problem());
    assertThrows(ShapeSyntaxException.class, () -> ShapeParser.constraint("a && 3"));
    var chained = assertThrows(ShapeSyntaxException.class,
        () -> ShapeParser.constraint("0 <= i < c"));
    assertEquals("comparisons do not chain; join them with &&", chained.problem());
    assertEquals(8, chained.column());
  }

  @Test
  void syntaxErrorsCarryTheirColumn() {
    var open = assertThrows(ShapeSyntaxException.class, () -> ShapeParser.outputShape("4, 1)"));
    assertEquals(1, open.column());
    var unclosed = assertThrows(ShapeSyntaxException.class, () -> ShapeParser.outputShape("(4, 1"));
    assertEquals("expected ',' or ')' but found the end", unclosed.problem());
    assertEquals(6, unclosed.column());
    var character = assertThrows(ShapeSyntaxException.class,
        () -> ShapeParser.outputShape("(4 # 2)"));
    assertEquals("unexpected character '#'", character.problem());
    assertEquals(4, character.column());
    var trailing = assertThrows(ShapeSyntaxException.class, () -> ShapeParser.outputShape("(4) x"));
    assertEquals(5, trailing.column());
    var digitName = assertThrows(ShapeSyntaxException.class,
        () -> ShapeParser.outputShape("(2c)"));
    assertEquals("a name cannot start with a digit", digitName.problem());
    var huge = assertThrows(ShapeSyntaxException.class,
        () -> ShapeParser.outputShape("(99999999999999999999)"));
    assertEquals(2, huge.column());
    assertThrows(ShapeSyntaxException.class, () -> ShapeParser.outputShape("(4,,1)"));
    assertThrows(ShapeSyntaxException.class, () -> ShapeParser.outputShape("(4,"));
  }
}
