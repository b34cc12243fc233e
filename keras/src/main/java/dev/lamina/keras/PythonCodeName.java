package dev.lamina.keras;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The name of a Python function ({@code co_name}) from the marshalled code object Keras 2 stores
 * for a {@code Lambda}'s function: {@code <lambda>} for a Python lambda, the {@code def}'s name
 * otherwise. Keras 2 writes every Python function this way (its {@code function_type} is
 * {@code "lambda"} for a {@code def} too), so this name is the only way to bind a named function
 * of a Keras 2 file by its name, as a {@code .keras} file's is.
 *
 * <p>The bytes are read as data, never run and never handed to anything that could run them: a
 * bounded reader of CPython's {@code marshal} format (CPython 2.7 and 3.0 to 3.14 code-object
 * layouts) that walks the object, allocating only the short strings it meets, within the input's
 * size and a nesting limit. Anything it does not recognise gives no name: the layer is then bound
 * by its layer name, as a lambda is.
 */
final class PythonCodeName {

  private PythonCodeName() {}

  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=\\s]*");
  private static final int MAX_DEPTH = 64;
  private static final int MAX_KEPT_STRING = 1024;

  /**
   * The function's name, or null when the text is not a marshalled code object of a known
   * layout.
   *
   * @param code Keras's text: base64 of the marshal bytes (Keras 2.3 on, tf.keras), or the bytes
   *     decoded as {@code raw_unicode_escape} (Keras 2.0 to 2.2)
   */
  static String of(String code) {
    if (code == null || code.isEmpty()) {
      return null;
    }
    byte[] bytes;
    if (BASE64.matcher(code).matches()) {
      try {
        bytes = Base64.getMimeDecoder().decode(code);
      } catch (IllegalArgumentException e) {
        return null;
      }
    } else {
      bytes = rawUnicodeEscape(code);
    }
    for (Layout layout : Layout.values()) {
      String name = new Reader(bytes, layout).codeName();
      if (name != null) {
        return name;
      }
    }
    return null;
  }

  /** Python's {@code text.encode('raw_unicode_escape')}. */
  private static byte[] rawUnicodeEscape(String text) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 256) {
        out.write(c);
      } else {
        byte[] escape = String.format("\\u%04x", (int) c).getBytes(StandardCharsets.US_ASCII);
        out.write(escape, 0, escape.length);
      }
    }
    return out.toByteArray();
  }

  /**
   * The code object layouts of CPython's marshal: the count of 32-bit fields before {@code
   * co_code}, how many objects follow it up to {@code co_name} and whether {@code co_qualname}
   * follows (3.11 on).
   */
  private enum Layout {
    /** 3.11 to 3.14: argcount, posonlyargcount, kwonlyargcount, stacksize, flags. */
    PY311(5, true),
    /** 3.8 to 3.10: argcount, posonlyargcount, kwonlyargcount, nlocals, stacksize, flags. */
    PY38(6, false),
    /** 3.0 to 3.7: argcount, kwonlyargcount, nlocals, stacksize, flags. */
    PY30(5, false),
    /** 2.7: argcount, nlocals, stacksize, flags. */
    PY27(4, false);

    final int ints;
    final boolean qualname;

    Layout(int ints, boolean qualname) {
      this.ints = ints;
      this.qualname = qualname;
    }
  }

  private enum Kind { NULL, BYTES, STRING, TUPLE, CODE, OTHER }

  /** What the reader keeps of an object: its kind, and its text if it is a short string. */
  private record Obj(Kind kind, String text) {
    static final Obj NULL = new Obj(Kind.NULL, null);
    static final Obj OTHER = new Obj(Kind.OTHER, null);
    static final Obj BYTES = new Obj(Kind.BYTES, null);
    static final Obj TUPLE = new Obj(Kind.TUPLE, null);
  }

  /** Thrown inside the reader when the bytes do not fit the layout; never escapes. */
  private static final class NotCode extends Exception {
    private static final long serialVersionUID = 1L;

    NotCode() {
      super(null, null, false, false);
    }
  }

  private static final class Reader {
    private final byte[] b;
    private final Layout layout;
    private final List<Obj> refs = new ArrayList<>();
    private final List<Obj> interned = new ArrayList<>(); // Python 2's 'R' references
    private int pos;

    Reader(byte[] b, Layout layout) {
      this.b = b;
      this.layout = layout;
    }

    String codeName() {
      try {
        Obj top = object(0);
        if (top.kind() != Kind.CODE || pos != b.length) {
          return null;
        }
        return top.text();
      } catch (NotCode e) {
        return null;
      }
    }

    private int u8() throws NotCode {
      if (pos >= b.length) {
        throw new NotCode();
      }
      return b[pos++] & 0xFF;
    }

    private int int32() throws NotCode {
      if (b.length - pos < 4) {
        throw new NotCode();
      }
      int v = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16
          | (b[pos + 3] & 0xFF) << 24;
      pos += 4;
      return v;
    }

    private void skip(long n) throws NotCode {
      if (n < 0 || n > b.length - pos) {
        throw new NotCode();
      }
      pos += (int) n;
    }

    /** A count of items that each take at least one byte: never more than what is left. */
    private int count(int n) throws NotCode {
      if (n < 0 || n > b.length - pos) {
        throw new NotCode();
      }
      return n;
    }

    private Obj string(int n, boolean utf8) throws NotCode {
      int start = pos;
      skip(n);
      if (n > MAX_KEPT_STRING) {
        return new Obj(Kind.STRING, null);
      }
      return new Obj(Kind.STRING, new String(b, start, n, utf8 ? StandardCharsets.UTF_8
          : StandardCharsets.ISO_8859_1));
    }

    private Obj object(int depth) throws NotCode {
      if (depth > MAX_DEPTH) {
        throw new NotCode();
      }
      int code = u8();
      boolean ref = (code & 0x80) != 0;
      int type = code & 0x7F;
      int slot = -1;
      if (ref) {
        slot = refs.size();
        refs.add(Obj.OTHER); // reserved before the contents, as CPython numbers them
      }
      Obj value;
      switch (type) {
        case '0' -> value = Obj.NULL;
        case 'N', 'F', 'T', 'S', '.' -> value = Obj.OTHER;
        case 'i' -> {
          skip(4);
          value = Obj.OTHER;
        }
        case 'I', 'g' -> {
          skip(8);
          value = Obj.OTHER;
        }
        case 'y' -> {
          skip(16);
          value = Obj.OTHER;
        }
        case 'l' -> {
          int n = int32();
          if (n == Integer.MIN_VALUE) {
            throw new NotCode();
          }
          skip(2L * Math.abs(n));
          value = Obj.OTHER;
        }
        case 'f' -> {
          skip(u8());
          value = Obj.OTHER;
        }
        case 'x' -> {
          skip(u8());
          skip(u8());
          value = Obj.OTHER;
        }
        case 's' -> {
          // Python 3: bytes (co_code is one); Python 2: a str, which may be a name.
          int n = count(int32());
          value = layout == Layout.PY27 ? string(n, false) : stringAsBytes(n);
        }
        case 't' -> {
          value = string(count(int32()), layout != Layout.PY27);
          interned.add(value);
        }
        case 'u', 'a', 'A' -> value = string(count(int32()), true);
        case 'z', 'Z' -> value = string(u8(), true);
        case 'R' -> {
          int i = int32();
          if (i < 0 || i >= interned.size()) {
            throw new NotCode();
          }
          value = interned.get(i);
        }
        case 'r' -> {
          int i = int32();
          if (i < 0 || i >= refs.size()) {
            throw new NotCode();
          }
          value = refs.get(i);
        }
        case '(', '[', '<', '>' -> {
          int n = count(int32());
          for (int i = 0; i < n; i++) {
            item(depth);
          }
          value = type == '(' ? Obj.TUPLE : Obj.OTHER;
        }
        case ')' -> {
          int n = u8();
          for (int i = 0; i < n; i++) {
            item(depth);
          }
          value = Obj.TUPLE;
        }
        case '{' -> {
          while (object(depth + 1).kind() != Kind.NULL) {
            item(depth);
          }
          value = Obj.OTHER;
        }
        case ':' -> { // a slice (3.14): start, stop, step
          for (int i = 0; i < 3; i++) {
            item(depth);
          }
          value = Obj.OTHER;
        }
        case 'c' -> value = code(depth);
        default -> throw new NotCode();
      }
      if (slot >= 0) {
        refs.set(slot, value);
      }
      return value;
    }

    private Obj stringAsBytes(int n) throws NotCode {
      skip(n);
      return Obj.BYTES;
    }

    /** An element of a container: anything but the NULL that ends a dict. */
    private void item(int depth) throws NotCode {
      if (object(depth + 1).kind() == Kind.NULL) {
        throw new NotCode();
      }
    }

    private Obj code(int depth) throws NotCode {
      skip(4L * layout.ints);
      expect(depth, layout == Layout.PY27 ? Kind.STRING : Kind.BYTES); // co_code
      expect(depth, Kind.TUPLE); // co_consts
      expect(depth, Kind.TUPLE); // co_names
      expect(depth, Kind.TUPLE); // co_varnames, or 3.11's co_localsplusnames
      if (layout == Layout.PY311) {
        expect(depth, Kind.BYTES); // co_localspluskinds
      } else {
        expect(depth, Kind.TUPLE); // co_freevars
        expect(depth, Kind.TUPLE); // co_cellvars
      }
      expect(depth, Kind.STRING); // co_filename
      Obj name = expect(depth, Kind.STRING);
      if (layout.qualname) {
        expect(depth, Kind.STRING);
      }
      skip(4); // co_firstlineno
      object(depth + 1); // co_lnotab or co_linetable
      if (layout == Layout.PY311) {
        object(depth + 1); // co_exceptiontable
      }
      if (name.text() == null) {
        throw new NotCode();
      }
      return new Obj(Kind.CODE, name.text());
    }

    private Obj expect(int depth, Kind kind) throws NotCode {
      Obj o = object(depth + 1);
      if (o.kind() != kind) {
        throw new NotCode();
      }
      return o;
    }
  }
}
