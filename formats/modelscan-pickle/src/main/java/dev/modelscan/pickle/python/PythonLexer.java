package dev.modelscan.pickle.python;

import java.text.Normalizer;

/**
 * A tokenizer for the subset of Python that the source analysis needs: names (NFKC-normalised, as CPython's tokenizer
 * normalises identifiers, so that fullwidth {@code eval} is {@code eval}), string literals with every prefix and quote
 * form
 * (their text kept up to {@link #MAX_STRING_TEXT} characters), numbers, operators, comments and logical line ends.
 *
 * <p>One pass, each character looked at a bounded number of times, no backtracking: the cost is linear in the source
 * length whatever the source is. An unterminated string or bracket ends at the end of the source instead of failing;
 * the analysis is a best reading of hostile text, not a compiler.
 *
 * <p>f-strings: the expressions between single braces are code that runs; their text is tokenized as well (nested up
 * to {@link #MAX_FSTRING_DEPTH} levels), so {@code f"{__import__('os').system('x')}"} is seen as a call.
 */
final class PythonLexer {

  /** Token kinds. */
  enum Kind {
    NAME,
    STRING,
    NUMBER,
    OP,
    /** The end of a logical line: a newline outside brackets, or a semicolon. */
    NEWLINE,
    END
  }

  /** How many characters of a string literal's value are kept (module and attribute names are short). */
  static final int MAX_STRING_TEXT = 256;

  /** How deeply f-string replacement fields are tokenized inside one another. */
  static final int MAX_FSTRING_DEPTH = 4;

  private final CharSequence src;
  private final int end;
  private final int depthOfFstring;
  private int pos;
  private int line = 1;
  private int brackets;
  /** Tokens of f-string replacement fields, replayed before the source continues. */
  private PythonLexer inner;
  private java.util.ArrayDeque<PythonLexer> pendingInner;

  private Kind kind;
  private String text;
  private int start;
  private int tokenLine;
  private boolean fstring;

  PythonLexer(CharSequence src) {
    this(src, 0, src.length(), 0, 1);
  }

  private PythonLexer(CharSequence src, int from, int to, int depth, int line) {
    this.src = src;
    this.pos = from;
    this.end = to;
    this.depthOfFstring = depth;
    this.line = line;
  }

  /** The kind of the current token. */
  Kind kind() {
    return kind;
  }

  /** The text of the current token: a name (normalised), an operator, or a string's value (bounded). */
  String text() {
    return text;
  }

  /** The character offset where the current token starts. */
  int start() {
    return start;
  }

  /** The line (1-based) where the current token starts. */
  int line() {
    return tokenLine;
  }

  /** Whether the current STRING token was an f-string. */
  boolean fstring() {
    return fstring;
  }

  /** Advances to the next token and returns its kind. */
  Kind next() {
    while (true) {
      if (inner != null) {
        Kind k = inner.next();
        if (k != Kind.END) {
          copyFrom(inner);
          return k;
        }
        inner = pendingInner == null || pendingInner.isEmpty() ? null : pendingInner.poll();
        continue;
      }
      Kind k = scan();
      if (k == Kind.STRING && pendingInner != null && !pendingInner.isEmpty()) {
        // Emit the string first; its replacement fields follow.
        inner = pendingInner.poll();
      }
      return k;
    }
  }

  private void copyFrom(PythonLexer o) {
    kind = o.kind;
    text = o.text;
    start = o.start;
    tokenLine = o.tokenLine;
    fstring = o.fstring;
  }

  private Kind scan() {
    fstring = false;
    while (pos < end) {
      char c = src.charAt(pos);
      if (c == '\n') {
        line++;
        pos++;
        if (brackets == 0) {
          return token(Kind.NEWLINE, "\n", pos - 1);
        }
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
        pos++;
        continue;
      }
      if (c == '\\') {
        pos++; // explicit line joining: the newline after it is not a line end
        if (pos < end && src.charAt(pos) == '\r') {
          pos++;
        }
        if (pos < end && src.charAt(pos) == '\n') {
          line++;
          pos++;
        }
        continue;
      }
      if (c == '#') {
        while (pos < end && src.charAt(pos) != '\n') {
          pos++;
        }
        continue;
      }
      int s = pos;
      if (isNameStart(c)) {
        int e = pos + 1;
        while (e < end && isNamePart(src.charAt(e))) {
          e++;
        }
        int quote = e < end ? src.charAt(e) : 0;
        if ((quote == '\'' || quote == '"') && e - s <= 3 && isStringPrefix(s, e)) {
          return string(s, e);
        }
        pos = e;
        return token(Kind.NAME, name(s, e), s);
      }
      if (c == '\'' || c == '"') {
        return string(s, s);
      }
      if (c >= '0' && c <= '9' || c == '.' && pos + 1 < end && Character.isDigit(src.charAt(pos + 1))) {
        int e = pos + 1;
        while (e < end) {
          char d = src.charAt(e);
          if (Character.isLetterOrDigit(d) || d == '_' || d == '.') {
            e++;
          } else if ((d == '+' || d == '-') && (src.charAt(e - 1) == 'e' || src.charAt(e - 1) == 'E')) {
            e++;
          } else {
            break;
          }
        }
        pos = e;
        return token(Kind.NUMBER, "", s);
      }
      pos++;
      if (c == '(' || c == '[' || c == '{') {
        brackets++;
      } else if ((c == ')' || c == ']' || c == '}') && brackets > 0) {
        brackets--;
      } else if (c == ';' && brackets == 0) {
        return token(Kind.NEWLINE, ";", s);
      }
      return token(Kind.OP, String.valueOf(c), s);
    }
    return token(Kind.END, "", end);
  }

  private Kind token(Kind k, String t, int s) {
    kind = k;
    text = t;
    start = s;
    tokenLine = line;
    return k;
  }

  /** Reads a string literal whose prefix runs from {@code s} to {@code q} (the opening quote). */
  private Kind string(int s, int q) {
    int startLine = line;
    boolean raw = false;
    boolean f = false;
    for (int i = s; i < q; i++) {
      char p = Character.toLowerCase(src.charAt(i));
      raw |= p == 'r';
      f |= p == 'f';
    }
    char quote = src.charAt(q);
    boolean triple = q + 2 < end && src.charAt(q + 1) == quote && src.charAt(q + 2) == quote;
    int bodyStart = q + (triple ? 3 : 1);
    int i = bodyStart;
    StringBuilder value = new StringBuilder();
    int bodyEnd = end;
    while (i < end) {
      char c = src.charAt(i);
      if (c == '\\' && i + 1 < end) {
        char n = src.charAt(i + 1);
        if (n == '\n') {
          line++;
        }
        if (!raw && value.length() < MAX_STRING_TEXT) {
          value.append(unescape(n));
        } else if (value.length() < MAX_STRING_TEXT - 1) {
          value.append(c).append(n);
        }
        i += 2;
        continue;
      }
      if (c == quote && (!triple || i + 2 < end && src.charAt(i + 1) == quote && src.charAt(i + 2) == quote)) {
        bodyEnd = i;
        i += triple ? 3 : 1;
        break;
      }
      if (c == '\n') {
        line++;
        if (!triple) {
          bodyEnd = i; // an unterminated one-line string ends at the line end, as the tokenizer's error does
          break;
        }
      }
      if (value.length() < MAX_STRING_TEXT) {
        value.append(c);
      }
      i++;
    }
    pos = Math.min(i, end);
    if (f && depthOfFstring < MAX_FSTRING_DEPTH) {
      replacementFields(bodyStart, Math.min(bodyEnd, end), startLine);
    }
    token(Kind.STRING, value.toString(), s);
    tokenLine = startLine;
    fstring = f;
    return Kind.STRING;
  }

  /** Queues the code between single braces of an f-string body for tokenizing. */
  private void replacementFields(int from, int to, int startLine) {
    int depth = 0;
    int fieldStart = -1;
    for (int i = from; i < to; i++) {
      char c = src.charAt(i);
      if (c == '{') {
        if (depth == 0 && i + 1 < to && src.charAt(i + 1) == '{') {
          i++; // '{{' is a literal brace
          continue;
        }
        if (depth++ == 0) {
          fieldStart = i + 1;
        }
      } else if (c == '}' && depth > 0 && --depth == 0) {
        if (pendingInner == null) {
          pendingInner = new java.util.ArrayDeque<>();
        }
        pendingInner.add(new PythonLexer(src, fieldStart, i, depthOfFstring + 1, startLine));
      }
    }
    if (depth > 0 && fieldStart >= 0) {
      if (pendingInner == null) {
        pendingInner = new java.util.ArrayDeque<>();
      }
      pendingInner.add(new PythonLexer(src, fieldStart, to, depthOfFstring + 1, startLine));
    }
  }

  private static char unescape(char n) {
    switch (n) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '0':
        return '\0';
      default:
        return n; // \\, \', \" and unknown escapes; \x and \N{} forms keep their letter (good enough for names)
    }
  }

  private boolean isStringPrefix(int s, int e) {
    for (int i = s; i < e; i++) {
      char p = Character.toLowerCase(src.charAt(i));
      if (p != 'r' && p != 'b' && p != 'u' && p != 'f' && p != 't') {
        return false;
      }
    }
    return true;
  }

  private String name(int s, int e) {
    boolean ascii = true;
    for (int i = s; i < e; i++) {
      if (src.charAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    String raw = src.subSequence(s, e).toString();
    // CPython normalises identifiers to NFKC (PEP 3131): fullwidth or ligature letters name the same builtins.
    return ascii ? raw : Normalizer.normalize(raw, Normalizer.Form.NFKC);
  }

  private static boolean isNameStart(char c) {
    return c == '_' || c < 0x80 ? (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_') : Character.isLetter(c);
  }

  private static boolean isNamePart(char c) {
    return c < 0x80 ? (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')
        : Character.isLetterOrDigit(c) || Character.getType(c) == Character.NON_SPACING_MARK
            || Character.getType(c) == Character.COMBINING_SPACING_MARK
            || Character.getType(c) == Character.CONNECTOR_PUNCTUATION;
  }
}
