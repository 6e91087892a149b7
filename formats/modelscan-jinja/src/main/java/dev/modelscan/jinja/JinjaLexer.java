package dev.modelscan.jinja;

import java.text.Normalizer;

/**
 * A hand-written, linear-time lexer of Jinja2 template source with the default delimiters, following {@code
 * jinja2/lexer.py} ({@code Lexer.__init__} rules and {@code tokeniter}): text up to the leftmost {@code {{}, {@code
 * {%} or {@code {#}; comments up to the first {@code #}}; {@code {% raw %}...{% endraw %}} as text; inside a tag,
 * whitespace, numbers, names, string literals (single or double quotes, backslash escapes, may span lines) and
 * operators, and the closing delimiter only where no bracket is open (Jinja's {@code balancing_stack}).
 *
 * <p>Every position is looked at a bounded number of times: no regular expression, no backtracking, no rescanning.
 * Where Jinja would raise a syntax error (an unterminated string, an unknown character), this lexer goes on with the
 * next character instead, so that more of the text is analysed as code, never less: a template Jinja rejects runs
 * nothing, and one it accepts is lexed the same way here.
 */
final class JinjaLexer {

  /** Token types. */
  enum Type {
    /** An identifier; {@link #text} is its name. */
    NAME,
    /** A string literal; {@link #text} is its unescaped value (possibly cut, see {@link #stringCut}). */
    STRING,
    /** An integer literal; {@link #number} is its value (saturated). */
    INTEGER,
    /** A float literal. */
    FLOAT,
    /** An operator or bracket; {@link #text} is its spelling. */
    OPERATOR,
    /** The start of a {@code {{ }}} tag. */
    VARIABLE_BEGIN,
    /** The start of a {@code {% %}} tag. */
    BLOCK_BEGIN,
    /** The end of the current tag. */
    TAG_END,
    /** The end of the template. */
    EOF
  }

  /** The longest string literal value kept; longer literals are cut and flagged. */
  static final int MAX_LITERAL = 4096;

  /** Called every this many chars consumed, at least. */
  private static final int DEADLINE_STRIDE = 1 << 12;

  private final String src;
  private final int n;
  private final Runnable deadlineCheck;
  private final Listener listener;
  private int pos;
  private int nextDeadline;
  private boolean inTag;
  private int depth;
  private int noCloseSingle = Integer.MAX_VALUE;
  private int noCloseDouble = Integer.MAX_VALUE;

  Type type;
  String text;
  long number;
  int start;
  boolean stringCut;
  boolean stringHadEscape;

  /** What the lexer tells the analysis besides tokens. */
  interface Listener {
    /** A string literal used an escape that yields a letter, digit, underscore or dot. */
    void escapedCharacter(int codePoint, int offset);

    /** A {@code \N{...}} escape. */
    void namedEscape(String name, boolean resolved, int offset);

    /** A name with non-ASCII characters whose NFKC form differs (Python normalises identifiers in source). */
    void nonAsciiName(String name, String normalised, int offset);

    /** Text that Jinja would reject; the lexer went on. */
    void syntaxError(String what, int offset);
  }

  JinjaLexer(String src, Runnable deadlineCheck, Listener listener) {
    this.src = src;
    this.n = src.length();
    this.deadlineCheck = deadlineCheck;
    this.listener = listener;
    this.nextDeadline = 0;
  }

  private void tick() {
    if (pos >= nextDeadline) {
      deadlineCheck.run();
      nextDeadline = pos + DEADLINE_STRIDE;
    }
  }

  /**
   * The index of the first {@code first} at or after {@code from} that is followed by {@code second} (or by anything,
   * when both are {@code '{'}), or -1; the deadline is checked every {@link #DEADLINE_STRIDE} chars of the search.
   */
  private int find(char first, char second, int from) {
    for (int p = from; p < n; p++) {
      if (p >= nextDeadline) {
        pos = Math.max(pos, p);
        tick();
      }
      if (src.charAt(p) == first && (first == second || (p + 1 < n && src.charAt(p + 1) == second))) {
        return p;
      }
    }
    return -1;
  }

  /** Advances to the next token. Outside tags, skips text, comments and raw blocks. */
  void next() {
    tick();
    if (!inTag) {
      outside();
      return;
    }
    while (pos < n) {
      tick();
      char c = src.charAt(pos);
      if (Character.isWhitespace(c)) {
        pos++;
        continue;
      }
      start = pos;
      if (depth == 0 && endsTag()) {
        inTag = false;
        type = Type.TAG_END;
        return;
      }
      if (c >= '0' && c <= '9') {
        number();
        return;
      }
      if ((c == '\'' || c == '"') && string(c)) {
        return;
      }
      if (c == '\'' || c == '"') {
        continue;
      }
      if (isNameStart(c)) {
        name();
        return;
      }
      if (operator()) {
        return;
      }
      // Jinja: "unexpected char". Skip it and go on lexing the rest as code.
      listener.syntaxError("unexpected character", pos);
      pos++;
    }
    start = n;
    type = Type.EOF;
    inTag = false;
  }

  /** The tag closes here: {@code %}} / {@code -%}} in a block, {@code }}} / {@code -}}} in a variable. */
  private boolean endsTag() {
    int p = pos;
    if (src.charAt(p) == '-' || src.charAt(p) == '+') {
      p++;
    }
    if (p + 1 < n && (src.charAt(p) == '%' || src.charAt(p) == '}') && src.charAt(p + 1) == '}') {
      pos = p + 2;
      return true;
    }
    return false;
  }

  private void outside() {
    while (pos < n) {
      tick();
      int open = find('{', '{', pos);
      if (open < 0 || open + 1 >= n) {
        break;
      }
      char k = src.charAt(open + 1);
      if (k == '#') {
        int end = find('#', '}', open + 2);
        pos = end < 0 ? n : end + 2;
        continue;
      }
      if (k == '%') {
        int afterRaw = rawTag(open, "raw");
        if (afterRaw >= 0) {
          pos = endOfRaw(afterRaw);
          continue;
        }
      }
      if (k == '{' || k == '%') {
        start = open;
        pos = open + 2;
        if (pos < n && (src.charAt(pos) == '-' || src.charAt(pos) == '+')) {
          pos++;
        }
        inTag = true;
        depth = 0;
        type = k == '{' ? Type.VARIABLE_BEGIN : Type.BLOCK_BEGIN;
        return;
      }
      pos = open + 1;
    }
    pos = n;
    start = n;
    type = Type.EOF;
  }

  /**
   * If a {@code {%[-+]? \s* word \s* [-]?%}} tag starts at {@code open}, returns the index after it, else -1. Work is
   * bounded by the whitespace it skips, which is consumed when it matches and re-read at most once when it does not.
   */
  private int rawTag(int open, String word) {
    int p = open + 2;
    if (p < n && (src.charAt(p) == '-' || src.charAt(p) == '+')) {
      p++;
    }
    while (p < n && Character.isWhitespace(src.charAt(p))) {
      p++;
    }
    if (!src.startsWith(word, p)) {
      return -1;
    }
    p += word.length();
    while (p < n && Character.isWhitespace(src.charAt(p))) {
      p++;
    }
    if (p < n && src.charAt(p) == '-') {
      p++;
    }
    if (p + 1 < n && src.charAt(p) == '%' && src.charAt(p + 1) == '}') {
      return p + 2;
    }
    return -1;
  }

  /** The index after {@code {% endraw %}}, or the end of the text (Jinja: "Missing end of raw directive"). */
  private int endOfRaw(int from) {
    int p = from;
    while (p < n) {
      tick();
      int open = find('{', '%', p);
      if (open < 0) {
        return n;
      }
      int end = rawTag(open, "endraw");
      if (end >= 0) {
        return end;
      }
      p = open + 2;
      pos = p;
    }
    return n;
  }

  private void number() {
    long v = 0;
    boolean isFloat = false;
    while (pos < n) {
      tick();
      char c = src.charAt(pos);
      if (c >= '0' && c <= '9') {
        v = v > Long.MAX_VALUE / 10 - 10 ? Long.MAX_VALUE / 2 : v * 10 + (c - '0');
      } else if (c == '_' && pos + 1 < n && Character.isDigit(src.charAt(pos + 1))) {
        // Digit separators, as Jinja's integer_re allows.
      } else if ((c == '.' && pos + 1 < n && Character.isDigit(src.charAt(pos + 1)))
          || ((c == 'e' || c == 'E') && pos + 1 < n
              && (Character.isDigit(src.charAt(pos + 1)) || src.charAt(pos + 1) == '-'
                  || src.charAt(pos + 1) == '+'))) {
        isFloat = true;
        if (c != '.') {
          pos++;
        }
      } else {
        break;
      }
      pos++;
    }
    number = v;
    type = isFloat ? Type.FLOAT : Type.INTEGER;
  }

  static boolean isNameStart(char c) {
    return c == '_' || Character.isLetter(c) || (c > 0x7f && Character.isUnicodeIdentifierStart(c));
  }

  static boolean isNamePart(char c) {
    return c == '_' || Character.isLetterOrDigit(c) || (c > 0x7f && Character.isUnicodeIdentifierPart(c));
  }

  private void name() {
    int from = pos;
    boolean ascii = true;
    while (pos < n && isNamePart(src.charAt(pos))) {
      ascii &= src.charAt(pos) < 0x80;
      pos++;
      tick();
    }
    String raw = src.substring(from, pos);
    if (!ascii) {
      String norm = Normalizer.normalize(raw, Normalizer.Form.NFKC);
      if (!norm.equals(raw)) {
        listener.nonAsciiName(raw, norm, from);
      }
    }
    text = raw;
    type = Type.NAME;
  }

  private boolean operator() {
    char c = src.charAt(pos);
    char d = pos + 1 < n ? src.charAt(pos + 1) : 0;
    String op;
    if ((c == '/' && d == '/') || (c == '*' && d == '*') || (c == '=' && d == '=') || (c == '!' && d == '=')
        || (c == '<' && d == '=') || (c == '>' && d == '=')) {
      op = new String(new char[] {c, d});
    } else if ("+-/*%~[](){}<>=.:|,;".indexOf(c) >= 0) {
      op = String.valueOf(c);
    } else {
      return false;
    }
    if (c == '(' || c == '[' || c == '{') {
      depth++;
    } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
      depth--;
    }
    pos += op.length();
    text = op;
    type = Type.OPERATOR;
    return true;
  }

  /**
   * A string literal, unescaped as Jinja does ({@code value.encode("ascii", "backslashreplace")
   * .decode("unicode-escape")} in {@code Lexer.wrap}): {@code \\xhh}, {@code \\uXXXX}, {@code \\UXXXXXXXX}, octal,
   * {@code \\N{name}}, the one-letter escapes, a backslash before a newline removes both; other escapes stay as they
   * are.
   */
  private boolean string(char quote) {
    int from = pos;
    if (from > (quote == '"' ? noCloseDouble : noCloseSingle)) {
      // An earlier literal of this quote ran to the end unclosed: so does this one (the scan from here would follow
      // the same escape pairs), and scanning again would make the lexer quadratic.
      pos = from + 1;
      return false;
    }
    pos++;
    StringBuilder out = new StringBuilder();
    stringCut = false;
    stringHadEscape = false;
    boolean closed = false;
    while (pos < n) {
      tick();
      char c = src.charAt(pos);
      if (c == quote) {
        pos++;
        closed = true;
        break;
      }
      if (c == '\\' && pos + 1 < n) {
        stringHadEscape = true;
        escape(out);
        continue;
      }
      if (c == '\r') {
        // Jinja normalises newlines in literals.
        c = '\n';
        if (pos + 1 < n && src.charAt(pos + 1) == '\n') {
          pos++;
        }
      }
      append(out, c);
      pos++;
    }
    if (!closed) {
      // Jinja rejects the template; analyse what follows as code rather than as one string.
      listener.syntaxError("unterminated string literal", from);
      if (quote == '"') {
        noCloseDouble = from;
      } else {
        noCloseSingle = from;
      }
      pos = from + 1;
      return false;
    }
    start = from;
    text = out.toString();
    type = Type.STRING;
    return true;
  }

  private void append(StringBuilder out, int codePoint) {
    if (out.length() >= MAX_LITERAL) {
      stringCut = true;
      return;
    }
    out.appendCodePoint(codePoint);
  }

  private void escape(StringBuilder out) {
    int at = pos;
    char e = src.charAt(pos + 1);
    pos += 2;
    int cp;
    switch (e) {
      case 'x' -> cp = hex(2);
      case 'u' -> cp = hex(4);
      case 'U' -> cp = hex(8);
      case 'N' -> {
        cp = named(at);
        if (cp == -2) {
          append(out, '\\');
          append(out, 'N');
          return;
        }
      }
      case 'n' -> cp = '\n';
      case 't' -> cp = '\t';
      case 'r' -> cp = '\r';
      case 'a' -> cp = 7;
      case 'b' -> cp = 8;
      case 'f' -> cp = 12;
      case 'v' -> cp = 11;
      case '\\', '\'', '"' -> cp = e;
      case '\n' -> {
        return;
      }
      default -> {
        if (e >= '0' && e <= '7') {
          cp = e - '0';
          for (int k = 0; k < 2 && pos < n && src.charAt(pos) >= '0' && src.charAt(pos) <= '7'; k++) {
            cp = cp * 8 + (src.charAt(pos) - '0');
            pos++;
          }
        } else {
          append(out, '\\');
          append(out, e);
          return;
        }
      }
    }
    if (cp < 0 || cp > Character.MAX_CODE_POINT) {
      // Python: "truncated \xXX escape" and the like; Jinja rejects the template. Keep the text as written.
      listener.syntaxError("invalid string escape", at);
      append(out, '\\');
      append(out, e);
      return;
    }
    if (e != '\\' && e != '\'' && e != '"' && (cp == '_' || cp == '.' || Character.isLetterOrDigit(cp))) {
      listener.escapedCharacter(cp, at);
    }
    append(out, cp);
  }

  private int hex(int width) {
    if (pos + width > n) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < width; i++) {
      int d = Character.digit(src.charAt(pos + i), 16);
      if (d < 0) {
        return -1;
      }
      v = v * 16 + d;
      if (v > Character.MAX_CODE_POINT) {
        return -1;
      }
    }
    pos += width;
    return v;
  }

  /** {@code \N{NAME}}: resolved with the JDK's Unicode names; -2 when not of that shape. */
  private int named(int at) {
    if (pos >= n || src.charAt(pos) != '{') {
      return -2;
    }
    int close = -1;
    for (int p = pos + 1; p < n && p <= pos + 100; p++) {
      if (src.charAt(p) == '}') {
        close = p;
        break;
      }
    }
    if (close < 0) {
      listener.namedEscape("", false, at);
      return -2;
    }
    String name = src.substring(pos + 1, close);
    pos = close + 1;
    try {
      int cp = Character.codePointOf(name);
      listener.namedEscape(name, true, at);
      return cp;
    } catch (IllegalArgumentException unknown) {
      listener.namedEscape(name, false, at);
      return -1;
    }
  }
}
