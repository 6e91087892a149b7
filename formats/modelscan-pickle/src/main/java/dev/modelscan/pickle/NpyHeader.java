package dev.modelscan.pickle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a NumPy {@code .npy} file: a Python dict literal with {@code descr}, {@code fortran_order} and
 * {@code shape}, parsed without evaluating anything (NumPy uses {@code ast.literal_eval}). Nesting and sizes are
 * bounded.
 */
final class NpyHeader {

  /** Thrown when the header is not a literal NumPy would accept. */
  static final class BadHeader extends Exception {
    private static final long serialVersionUID = 1L;

    BadHeader(String message) {
      super(message);
    }
  }

  private static final int MAX_DEPTH = 32;

  final Object descr;
  final List<Object> shape;

  private NpyHeader(Object descr, List<Object> shape) {
    this.descr = descr;
    this.shape = shape;
  }

  /**
   * Parses a header as {@code numpy/lib/format.py} {@code _read_array_header} checks it: a dict literal whose keys are
   * exactly descr, fortran_order and shape (a repeated key keeps its last value, as Python's dict literal does), shape
   * a tuple of ints, fortran_order a bool. The descr is checked later, by {@link NumpyDtype#fromHeaderDescr}.
   *
   * @param text the header text
   * @return the header
   * @throws BadHeader when np.load would refuse the header
   */
  static NpyHeader parse(String text) throws BadHeader {
    Parser p = new Parser(text);
    Object v = p.value(0);
    p.ws();
    if (p.i != text.length()) {
      throw new BadHeader("text after the header dict");
    }
    if (!(v instanceof Map)) {
      throw new BadHeader("the header is not a dict");
    }
    Map<?, ?> m = (Map<?, ?>) v;
    if (m.size() != 3 || !m.containsKey("descr") || !m.containsKey("shape") || !m.containsKey("fortran_order")) {
      throw new BadHeader("the header does not hold exactly descr, fortran_order and shape: " + m.keySet());
    }
    Object shape = m.get("shape");
    if (!(shape instanceof NumpyDtype.Tuple)) {
      throw new BadHeader("shape is not a tuple");
    }
    if (!(m.get("fortran_order") instanceof Boolean)) {
      throw new BadHeader("fortran_order is not a bool");
    }
    List<Object> dims = new ArrayList<>();
    for (Object d : ((NumpyDtype.Tuple) shape).items) {
      if (d instanceof Boolean) {
        d = (Boolean) d ? 1L : 0L; // isinstance(True, int) holds in Python
      }
      if (!(d instanceof Long) || (Long) d < 0) {
        throw new BadHeader("shape holds something other than non-negative integers");
      }
      dims.add(d);
    }
    return new NpyHeader(m.get("descr"), dims);
  }

  /**
   * One Python literal as {@code ast.literal_eval} reads it, where a bare comma-separated sequence is a tuple (the
   * repeat counts of a dtype string such as {@code '2,3f4'} are read this way by {@code _internal._commastring}).
   *
   * @param text the literal
   * @return the value
   * @throws BadHeader when it is not a literal of the supported kinds
   */
  static Object literal(String text) throws BadHeader {
    Parser p = new Parser(text);
    Object v = p.value(0);
    p.ws();
    if (p.i < text.length() && text.charAt(p.i) == ',') {
      List<Object> items = new ArrayList<>();
      items.add(v);
      while (p.i < text.length() && text.charAt(p.i) == ',') {
        p.i++;
        p.ws();
        if (p.i == text.length()) {
          break;
        }
        items.add(p.value(0));
        p.ws();
      }
      v = new NumpyDtype.Tuple(items);
    }
    if (p.i != text.length()) {
      throw new BadHeader("text after the literal");
    }
    return v;
  }

  /** The number of elements, or -1 on overflow. */
  long count() {
    long n = 1;
    for (Object d : shape) {
      try {
        n = Math.multiplyExact(n, (Long) d);
      } catch (ArithmeticException e) {
        return -1;
      }
    }
    return n;
  }

  /** A Python literal parser for the subset NumPy headers use. */
  private static final class Parser {
    private final String s;
    int i;

    Parser(String s) {
      this.s = s;
    }

    void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    Object value(int depth) throws BadHeader {
      if (depth > MAX_DEPTH) {
        throw new BadHeader("header nested too deeply");
      }
      ws();
      if (i >= s.length()) {
        throw new BadHeader("header ends early");
      }
      char c = s.charAt(i);
      if (c == '{') {
        i++;
        Map<Object, Object> m = new LinkedHashMap<>();
        for (; ; ) {
          ws();
          if (peek('}')) {
            return m;
          }
          Object k = value(depth + 1);
          ws();
          expect(':');
          Object v = value(depth + 1);
          if (!(k instanceof String)) {
            throw new BadHeader("a header key is not a string");
          }
          m.remove(k); // a repeated key keeps its last value, in its last place
          m.put(k, v);
          ws();
          if (peek('}')) {
            return m;
          }
          expect(',');
        }
      }
      if (c == '(' || c == '[') {
        char close = c == '(' ? ')' : ']';
        i++;
        List<Object> l = new ArrayList<>();
        boolean comma = false;
        for (; ; ) {
          ws();
          if (peek(close)) {
            break;
          }
          l.add(value(depth + 1));
          ws();
          if (peek(close)) {
            break;
          }
          expect(',');
          comma = true;
        }
        if (c == '[') {
          return l;
        }
        if (l.size() == 1 && !comma) {
          return l.get(0); // (x) is x: only a comma makes a tuple
        }
        return new NumpyDtype.Tuple(l);
      }
      int q = i;
      while (q < s.length() && q - i < 2 && "rRuUbB".indexOf(s.charAt(q)) >= 0) {
        q++;
      }
      if (q < s.length() && (s.charAt(q) == '\'' || s.charAt(q) == '"')) {
        StringBuilder sb = new StringBuilder();
        // adjacent literals concatenate ('<' 'f4' is '<f4')
        while (q < s.length() && (s.charAt(q) == '\'' || s.charAt(q) == '"' || "rRuUbB".indexOf(s.charAt(q)) >= 0)) {
          String prefix = s.substring(i, q).toLowerCase(java.util.Locale.ROOT);
          if (prefix.contains("b")) {
            throw new BadHeader("a bytes literal in the header; np.load does not accept one there");
          }
          i = q;
          sb.append(string(prefix.contains("r")));
          int save = i;
          ws();
          q = i;
          while (q < s.length() && q - i < 2 && "rRuUbB".indexOf(s.charAt(q)) >= 0) {
            q++;
          }
          if (q >= s.length() || s.charAt(q) != '\'' && s.charAt(q) != '"') {
            i = save;
            break;
          }
        }
        return sb.toString();
      }
      int start = i;
      while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '-' || s.charAt(i) == '_')) {
        i++;
      }
      String tok = s.substring(start, i);
      switch (tok) {
        case "True":
          return Boolean.TRUE;
        case "False":
          return Boolean.FALSE;
        case "None":
          return null;
        default:
          String t = tok.endsWith("L") ? tok.substring(0, tok.length() - 1) : tok;
          Long v = PickleLiterals.parsePythonInt(t);
          if (v == null) {
            throw new BadHeader("unexpected token '" + tok + "' in header");
          }
          return v;
      }
    }

    /** A quoted string at i; escapes as Python decodes them, for the ones a header can hold. */
    private String string(boolean raw) throws BadHeader {
      char quote = s.charAt(i++);
      StringBuilder sb = new StringBuilder();
      while (i < s.length() && s.charAt(i) != quote) {
        char x = s.charAt(i++);
        if (x == '\\' && i < s.length()) {
          char e = s.charAt(i++);
          if (raw) {
            sb.append('\\');
            x = e;
          } else {
            switch (e) {
              case 'n':
                x = '\n';
                break;
              case 't':
                x = '\t';
                break;
              case 'r':
                x = '\r';
                break;
              case '0':
                x = 0;
                break;
              case 'x':
              case 'u':
                {
                  int digits = e == 'x' ? 2 : 4;
                  if (i + digits > s.length()) {
                    throw new BadHeader("a truncated escape in a header string");
                  }
                  try {
                    x = (char) Integer.parseInt(s.substring(i, i + digits), 16);
                  } catch (NumberFormatException ex) {
                    throw new BadHeader("a bad escape in a header string");
                  }
                  i += digits;
                }
                break;
              default:
                if (e != '\\' && e != '\'' && e != '"') {
                  sb.append('\\'); // unknown escapes stay as written
                }
                x = e;
            }
          }
        }
        sb.append(x);
      }
      expect(quote);
      return sb.toString();
    }

    private boolean peek(char c) {
      if (i < s.length() && s.charAt(i) == c) {
        i++;
        return true;
      }
      return false;
    }

    private void expect(char c) throws BadHeader {
      if (!peek(c)) {
        throw new BadHeader("expected '" + c + "' at " + i + " in header");
      }
    }
  }
}
