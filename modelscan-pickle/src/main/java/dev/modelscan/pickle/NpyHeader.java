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
    if (!(shape instanceof List)) {
      throw new BadHeader("shape is not a tuple");
    }
    List<Object> dims = new ArrayList<>();
    for (Object d : (List<?>) shape) {
      if (!(d instanceof Long) || (Long) d < 0) {
        throw new BadHeader("shape holds something other than non-negative integers");
      }
      dims.add(d);
    }
    return new NpyHeader(m.get("descr"), dims);
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

  /**
   * {itemsize, hasObject} of a descr (a dtype string or a list of fields), or null when it is not understood.
   *
   * @param descr the descr value
   * @param depth nesting depth so far
   * @return the size and the object flag, or null
   */
  static long[] dtype(Object descr, int depth) {
    if (depth > MAX_DEPTH) {
      return null;
    }
    if (descr instanceof String) {
      String d = (String) descr;
      while (!d.isEmpty() && "<>|=".indexOf(d.charAt(0)) >= 0) {
        d = d.substring(1);
      }
      if (d.isEmpty()) {
        return null;
      }
      char kind = d.charAt(0);
      if (kind == 'O') {
        return new long[] {8, 1};
      }
      long n = 0;
      int i = 1;
      while (i < d.length() && Character.isDigit(d.charAt(i)) && n < Integer.MAX_VALUE) {
        n = n * 10 + (d.charAt(i) - '0');
        i++;
      }
      if (i == 1) {
        return kind == '?' || kind == 'b' ? new long[] {1, 0} : null;
      }
      if ("biufcSaUVMm".indexOf(kind) < 0) {
        return null;
      }
      return new long[] {kind == 'U' ? n * 4 : n, 0};
    }
    if (descr instanceof List) {
      long size = 0;
      boolean object = false;
      for (Object f : (List<?>) descr) {
        if (!(f instanceof List) || ((List<?>) f).size() < 2) {
          return null;
        }
        List<?> field = (List<?>) f;
        long[] sub = dtype(field.get(1), depth + 1);
        if (sub == null) {
          return null;
        }
        long mult = 1;
        if (field.size() > 2) {
          if (!(field.get(2) instanceof List)) {
            return null;
          }
          for (Object d : (List<?>) field.get(2)) {
            if (!(d instanceof Long) || (Long) d < 0) {
              return null;
            }
            try {
              mult = Math.multiplyExact(mult, (Long) d);
            } catch (ArithmeticException e) {
              return null;
            }
          }
        }
        try {
          size = Math.addExact(size, Math.multiplyExact(sub[0], mult));
        } catch (ArithmeticException e) {
          return null;
        }
        object |= sub[1] != 0;
      }
      return new long[] {size, object ? 1 : 0};
    }
    return null;
  }

  /** A Python literal parser for the subset NumPy headers use. */
  private static final class Parser {
    private final String s;
    private int i;

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
          if (!(k instanceof String) || m.put(k, v) != null) {
            throw new BadHeader("bad or repeated key in header");
          }
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
        for (; ; ) {
          ws();
          if (peek(close)) {
            return l;
          }
          l.add(value(depth + 1));
          ws();
          if (peek(close)) {
            return l;
          }
          expect(',');
        }
      }
      if (c == '\'' || c == '"') {
        i++;
        StringBuilder sb = new StringBuilder();
        while (i < s.length() && s.charAt(i) != c) {
          char x = s.charAt(i++);
          if (x == '\\' && i < s.length()) {
            x = s.charAt(i++);
          }
          sb.append(x);
        }
        expect(c);
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
          Long v = PickleMachine.parsePythonInt(t);
          if (v == null) {
            throw new BadHeader("unexpected token '" + tok + "' in header");
          }
          return v;
      }
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
