package dev.lamina.processor.shape;

import java.util.ArrayList;
import java.util.List;

/** Splits a declaration into tokens; the last is always {@link Token.Kind#END}. */
final class Lexer {

  private Lexer() {}

  static List<Token> tokenize(String text) throws ShapeSyntaxException {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      int column = i + 1;
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isDigit(c)) {
        int start = i;
        while (i < text.length() && Character.isDigit(text.charAt(i))) {
          i++;
        }
        if (i < text.length() && Character.isJavaIdentifierStart(text.charAt(i))) {
          throw new ShapeSyntaxException("a name cannot start with a digit", column);
        }
        tokens.add(new Token(Token.Kind.NUMBER, text.substring(start, i), column));
      } else if (Character.isJavaIdentifierStart(c)) {
        int start = i;
        while (i < text.length() && Character.isJavaIdentifierPart(text.charAt(i))) {
          i++;
        }
        tokens.add(new Token(Token.Kind.NAME, text.substring(start, i), column));
      } else if (text.startsWith("...", i)) {
        tokens.add(new Token(Token.Kind.ELLIPSIS, "...", column));
        i += 3;
      } else {
        String two = i + 1 < text.length() ? text.substring(i, i + 2) : "";
        Token.Kind kind = switch (two) {
          case "<=" -> Token.Kind.LE;
          case ">=" -> Token.Kind.GE;
          case "==" -> Token.Kind.EQ;
          case "!=" -> Token.Kind.NE;
          case "&&" -> Token.Kind.AND;
          case "||" -> Token.Kind.OR;
          default -> null;
        };
        if (kind != null) {
          tokens.add(new Token(kind, two, column));
          i += 2;
          continue;
        }
        // Python and Keras habits, each with its fix.
        if (two.equals("//")) {
          throw new ShapeSyntaxException(
              "'//' is Python's floor division; write '/', which already rounds down", column);
        }
        if (c == '=') {
          throw new ShapeSyntaxException("'=' assigns; compare with '=='", column);
        }
        if (c == '%') {
          throw new ShapeSyntaxException(
              "'%' (remainder) is not in the shape language, which has + - * / only", column);
        }
        kind = switch (c) {
          case '(' -> Token.Kind.LPAREN;
          case ')' -> Token.Kind.RPAREN;
          case ',' -> Token.Kind.COMMA;
          case '?' -> Token.Kind.QUESTION;
          case '+' -> Token.Kind.PLUS;
          case '-' -> Token.Kind.MINUS;
          case '*' -> Token.Kind.STAR;
          case '/' -> Token.Kind.SLASH;
          case '<' -> Token.Kind.LT;
          case '>' -> Token.Kind.GT;
          case '!' -> Token.Kind.BANG;
          default -> throw new ShapeSyntaxException("unexpected character '" + c + "'", column);
        };
        tokens.add(new Token(kind, String.valueOf(c), column));
        i++;
      }
    }
    tokens.add(new Token(Token.Kind.END, "", text.length() + 1));
    return tokens;
  }
}
