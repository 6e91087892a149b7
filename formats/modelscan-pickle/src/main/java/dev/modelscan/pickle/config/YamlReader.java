package dev.modelscan.pickle.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded reader for the YAML that configs use, written for scanning, not loading: block mappings and sequences
 * (compact forms included), flow collections over several lines, plain, single- and double-quoted scalars with
 * YAML's escapes and line folding, literal and folded block scalars, tags, anchors and aliases, several documents.
 *
 * <p>It builds a {@link ConfigNode} tree and never resolves tags, never expands aliases (an alias stays a reference,
 * so an alias bomb costs nothing here; {@link #expandedSize} measures what a loader that copies would build) and never
 * constructs anything. One pass over the text: every character is consumed once, apart from the single re-read of a
 * quoted mapping key, so the cost is linear. Depth is bounded by {@code maxDepth}. Explicit keys ({@code ? }) are not
 * supported and stop the read as unsupported; malformed text stops it as malformed. Either way the nodes read so far
 * stay in the tree.
 */
final class YamlReader {

  /** Why the read stopped early. */
  static final class YamlException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Character offset where the problem is. */
    final long offset;

    /** True for valid YAML this reader does not handle; false for text PyYAML rejects too. */
    final boolean unsupported;

    YamlException(long offset, String message, boolean unsupported) {
      super(message);
      this.offset = offset;
      this.unsupported = unsupported;
    }
  }

  /** Thrown when nesting exceeds the depth limit; unchecked so that it passes through every level unchanged. */
  static final class DepthExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final long offset;

    DepthExceeded(long offset) {
      super("nesting deeper than the limit", null, false, false);
      this.offset = offset;
    }
  }

  /** Where a parsed node goes. */
  @FunctionalInterface
  private interface Sink {
    void add(ConfigNode node);
  }

  private final String s;
  private final int n;
  private final int maxDepth;
  private final Runnable deadline;
  private int pos;
  private int lineStart;
  private int depth;
  private long steps;
  private final List<ConfigNode> documents = new ArrayList<>();
  private final Map<String, ConfigNode> anchors = new HashMap<>();
  private String pendingTag;
  private String pendingAnchor;

  private YamlReader(String text, int maxDepth, Runnable deadline) {
    this.s = text;
    this.n = text.length();
    this.maxDepth = maxDepth;
    this.deadline = deadline;
  }

  /** A reader over decoded text. */
  static YamlReader over(String text, int maxDepth, Runnable deadline) {
    return new YamlReader(text, maxDepth, deadline);
  }

  /** The documents read so far (all of them after a {@link #read} that returned normally). */
  List<ConfigNode> documents() {
    return documents;
  }

  /** The anchors defined so far, by name (a later definition replaces an earlier one, as in YAML). */
  Map<String, ConfigNode> anchors() {
    return anchors;
  }

  /**
   * Reads every document.
   *
   * @throws YamlException when the text is malformed or uses what this reader does not support
   */
  void read() throws YamlException {
    if (n > 0 && s.charAt(0) == '\uFEFF') {
      pos = 1;
      lineStart = 1;
    }
    while (true) {
      skipBlankLines();
      if (pos >= n) {
        return;
      }
      if (column() == 0 && s.charAt(pos) == '%') {
        skipLine();
        continue;
      }
      if (atMarker("...")) {
        pos += 3;
        continue;
      }
      boolean explicit = atMarker("---");
      if (explicit) {
        pos += 3;
      }
      int index = documents.size();
      documents.add(null);
      parseNode(-1, node -> documents.set(index, node));
      skipBlankLines();
      if (pos < n && !atMarker("---") && !atMarker("...")) {
        throw malformed("content after the end of the document");
      }
    }
  }

  // ---- structure ----------------------------------------------------------------------------------------------

  /** Parses the node that starts at the next content, belonging to a parent at {@code parentIndent}. */
  private void parseNode(int parentIndent, Sink sink) throws YamlException {
    tick();
    skipSpacesAndComments();
    if (pos >= n || column() <= parentIndent && atLineContent() || atMarker("---") || atMarker("...")) {
      sink.add(withProps(new ConfigNode.Scalar(pos, null)));
      return;
    }
    readProps();
    skipInlineSpaces();
    if (pos >= n || s.charAt(pos) == '\n' || s.charAt(pos) == '\r' || isComment()) {
      // Properties alone on the line: the node is on the following lines (or empty).
      skipSpacesAndComments();
      if (pos >= n || column() <= parentIndent || atMarker("---") || atMarker("...")) {
        sink.add(withProps(new ConfigNode.Scalar(pos, null)));
        return;
      }
    }
    char c = s.charAt(pos);
    if (c == '\t') {
      throw malformed("a tab character where YAML allows only spaces");
    }
    if (c == '-' && blankAfter(pos + 1)) {
      blockSequence(column(), sink);
    } else if (c == '[' || c == '{') {
      int start = pos;
      flow(sink);
      skipInlineSpaces();
      if (pos < n && s.charAt(pos) == ':' && blankAfter(pos + 1)) {
        throw unsupported(start, "a flow collection used as a mapping key");
      }
    } else if (c == '|' || c == '>') {
      sink.add(withProps(blockScalar(parentIndent)));
    } else if (c == '*') {
      sink.add(withProps(alias()));
    } else if (c == '?' && blankAfter(pos + 1)) {
      throw unsupported(pos, "an explicit mapping key ('? ')");
    } else if (isMappingKeyHere()) {
      blockMapping(column(), sink);
    } else if (c == '"') {
      sink.add(withProps(doubleQuoted()));
    } else if (c == '\'') {
      sink.add(withProps(singleQuoted()));
    } else {
      sink.add(withProps(plain(parentIndent, false)));
    }
  }

  private void blockMapping(int indent, Sink sink) throws YamlException {
    ConfigNode.MapNode m = withProps(new ConfigNode.MapNode(pos));
    enter();
    sink.add(m);
    while (true) {
      tick();
      if (s.charAt(pos) == '?' && blankAfter(pos + 1)) {
        throw unsupported(pos, "an explicit mapping key ('? ')");
      }
      readProps();
      ConfigNode key;
      char c = s.charAt(pos);
      if (c == '"') {
        key = withProps(doubleQuoted());
      } else if (c == '\'') {
        key = withProps(singleQuoted());
      } else if (c == '*') {
        key = withProps(alias());
      } else {
        key = withProps(plainKey());
      }
      skipInlineSpaces();
      if (pos >= n || s.charAt(pos) != ':') {
        throw malformed("a mapping key without ':'");
      }
      pos++;
      int index = m.keys.size();
      m.keys.add(key);
      m.values.add(null);
      Sink value = node -> m.values.set(index, node);
      skipInlineSpaces();
      if (pos >= n || s.charAt(pos) == '\n' || s.charAt(pos) == '\r' || isComment()) {
        skipSpacesAndComments();
        if (pos < n && column() == indent && s.charAt(pos) == '-' && blankAfter(pos + 1)) {
          blockSequence(indent, value); // "key:" then "- item" at the key's own indentation
        } else {
          parseNode(indent, value);
        }
      } else {
        parseNode(indent, value);
      }
      skipSpacesAndComments();
      if (pos >= n || atMarker("---") || atMarker("...")) {
        break;
      }
      int col = column();
      if (col < indent) {
        break;
      }
      if (col > indent) {
        throw malformed("a line indented deeper than its mapping without being part of a value");
      }
      if (s.charAt(pos) == '-' && blankAfter(pos + 1)) {
        break; // a sequence of the enclosing mapping value at the same indentation
      }
    }
    depth--;
  }

  private void blockSequence(int indent, Sink sink) throws YamlException {
    ConfigNode.Seq q = withProps(new ConfigNode.Seq(pos));
    enter();
    sink.add(q);
    while (true) {
      tick();
      pos++; // '-'
      int index = q.items.size();
      q.items.add(null);
      parseNode(indent, node -> q.items.set(index, node));
      skipSpacesAndComments();
      if (pos >= n || atMarker("---") || atMarker("...")) {
        break;
      }
      int col = column();
      if (col < indent || !(s.charAt(pos) == '-' && blankAfter(pos + 1))) {
        if (col > indent) {
          throw malformed("a line indented deeper than its sequence without being part of an item");
        }
        break;
      }
      if (col > indent) {
        throw malformed("a sequence item indented deeper than the sequence");
      }
    }
    depth--;
  }

  private void flow(Sink sink) throws YamlException {
    char open = s.charAt(pos);
    char close = open == '[' ? ']' : '}';
    ConfigNode container =
        withProps(open == '[' ? new ConfigNode.Seq(pos) : new ConfigNode.MapNode(pos));
    enter();
    sink.add(container);
    pos++;
    while (true) {
      tick();
      skipFlowSpace();
      if (pos >= n) {
        throw malformed("an unterminated flow collection");
      }
      char c = s.charAt(pos);
      if (c == close) {
        pos++;
        break;
      }
      if (c == ',') {
        pos++;
        continue;
      }
      if (c == ']' || c == '}') {
        // The other collection's closing bracket: PyYAML rejects it, and reading on would never consume it.
        throw malformed("a '" + c + "' that closes no '" + (c == ']' ? '[' : '{') + "'");
      }
      if (c == '?' && blankAfter(pos + 1)) {
        throw unsupported(pos, "an explicit mapping key ('? ')");
      }
      int entryStart = pos;
      List<ConfigNode> one = new ArrayList<>(1);
      flowValue(one::add);
      skipFlowSpace();
      boolean pair = pos < n && s.charAt(pos) == ':';
      if (container instanceof ConfigNode.MapNode) {
        ConfigNode.MapNode m = (ConfigNode.MapNode) container;
        int index = m.keys.size();
        m.keys.add(one.get(0));
        m.values.add(null);
        if (pair) {
          pos++;
          skipFlowSpace();
          if (pos < n && (s.charAt(pos) == ',' || s.charAt(pos) == close)) {
            m.values.set(index, new ConfigNode.Scalar(pos, null));
          } else {
            flowValue(node -> m.values.set(index, node));
          }
        } else {
          m.values.set(index, new ConfigNode.Scalar(pos, null));
        }
      } else {
        ConfigNode.Seq q = (ConfigNode.Seq) container;
        if (pair) {
          // [a: b] is a sequence holding the one-pair mapping {a: b}.
          ConfigNode.MapNode m = new ConfigNode.MapNode(one.get(0).offset);
          m.keys.add(one.get(0));
          m.values.add(null);
          q.items.add(m);
          pos++;
          skipFlowSpace();
          flowValue(node -> m.values.set(0, node));
        } else {
          q.items.add(one.get(0));
        }
      }
      if (pos == entryStart) {
        // Every entry consumes something; a form this reader does not expect must end the read, not loop.
        throw malformed("an unreadable flow collection entry");
      }
    }
    depth--;
  }

  private void flowValue(Sink sink) throws YamlException {
    readProps();
    skipFlowSpace();
    if (pos >= n) {
      throw malformed("an unterminated flow collection");
    }
    char c = s.charAt(pos);
    if (c == '[' || c == '{') {
      flow(sink);
    } else if (c == '"') {
      sink.add(withProps(doubleQuoted()));
    } else if (c == '\'') {
      sink.add(withProps(singleQuoted()));
    } else if (c == '*') {
      sink.add(withProps(alias()));
    } else if (c == ',' || c == ']' || c == '}') {
      sink.add(withProps(new ConfigNode.Scalar(pos, null)));
    } else {
      sink.add(withProps(plain(-1, true)));
    }
  }

  // ---- properties -----------------------------------------------------------------------------------------------

  /** Reads tags ({@code !x}, {@code !!x}, {@code !<x>}) and anchors ({@code &a}) before a node. */
  private void readProps() throws YamlException {
    while (pos < n) {
      char c = s.charAt(pos);
      if (c == '!') {
        int start = pos;
        if (pos + 1 < n && s.charAt(pos + 1) == '<') {
          int end = s.indexOf('>', pos);
          if (end < 0) {
            throw malformed("an unterminated verbatim tag");
          }
          pos = end + 1;
        } else {
          while (pos < n && !isBlank(s.charAt(pos)) && !isFlowIndicator(s.charAt(pos))) {
            pos++;
          }
        }
        pendingTag = s.substring(start, pos);
      } else if (c == '&') {
        int start = ++pos;
        while (pos < n && !isBlank(s.charAt(pos)) && !isFlowIndicator(s.charAt(pos))) {
          pos++;
        }
        pendingAnchor = s.substring(start, pos);
      } else {
        return;
      }
      skipInlineSpaces();
    }
  }

  private <T extends ConfigNode> T withProps(T node) {
    if (pendingTag != null) {
      node.tag = pendingTag;
      pendingTag = null;
    }
    if (pendingAnchor != null) {
      anchors.put(pendingAnchor, node);
      pendingAnchor = null;
    }
    return node;
  }

  private ConfigNode alias() {
    int start = pos++;
    while (pos < n && !isBlank(s.charAt(pos)) && !isFlowIndicator(s.charAt(pos))) {
      pos++;
    }
    return new ConfigNode.Alias(start, s.substring(start + 1, pos));
  }

  // ---- scalars --------------------------------------------------------------------------------------------------

  /** Whether the current line holds a mapping key here: a key followed by ':' and a blank, before any comment. */
  private boolean isMappingKeyHere() throws YamlException {
    int savePos = pos;
    int saveLine = lineStart;
    try {
      char c = s.charAt(pos);
      if (c == '"' || c == '\'') {
        if (c == '"') {
          doubleQuoted();
        } else {
          singleQuoted();
        }
        if (lineStart != saveLine) {
          return false; // a multi-line quoted scalar is not an implicit key
        }
        skipInlineSpaces();
        return pos < n && s.charAt(pos) == ':' && blankAfter(pos + 1);
      }
      for (int i = pos; i < n; i++) {
        char d = s.charAt(i);
        if (d == '\n' || d == '\r') {
          return false;
        }
        if (d == '#' && i > pos && isBlank(s.charAt(i - 1))) {
          return false;
        }
        if (d == ':' && blankAfter(i + 1)) {
          return true;
        }
      }
      return false;
    } finally {
      pos = savePos;
      lineStart = saveLine;
    }
  }

  private ConfigNode.Scalar plainKey() {
    int start = pos;
    while (pos < n) {
      char c = s.charAt(pos);
      if (c == ':' && blankAfter(pos + 1) || c == '\n' || c == '\r') {
        break;
      }
      pos++;
    }
    return new ConfigNode.Scalar(start, s.substring(start, pos).strip());
  }

  /** A plain scalar; in block context it continues on lines indented deeper than {@code parentIndent}. */
  private ConfigNode.Scalar plain(int parentIndent, boolean flow) {
    int start = pos;
    StringBuilder out = new StringBuilder();
    out.append(plainLine(flow));
    if (!flow) {
      while (true) {
        int savePos = pos;
        int saveLine = lineStart;
        int breaks = 0;
        while (pos < n && isLineEndOrSpace(s.charAt(pos))) {
          if (s.charAt(pos) == '\n') {
            breaks++;
            pos++;
            lineStart = pos;
          } else {
            pos++;
          }
        }
        if (breaks == 0 || pos >= n || column() <= parentIndent || isComment() || atMarker("---")
            || atMarker("...")) {
          pos = savePos;
          lineStart = saveLine;
          break;
        }
        out.append(breaks == 1 ? " " : "\n".repeat(breaks - 1));
        out.append(plainLine(false));
      }
    } else {
      // Flow plain scalars may continue on the next line too; line breaks fold to spaces.
      while (true) {
        int savePos = pos;
        int saveLine = lineStart;
        boolean broke = false;
        while (pos < n && isLineEndOrSpace(s.charAt(pos))) {
          if (s.charAt(pos) == '\n') {
            broke = true;
            lineStart = pos + 1;
          }
          pos++;
        }
        if (!broke || pos >= n || isComment() || isFlowIndicator(s.charAt(pos)) || s.charAt(pos) == ':') {
          pos = savePos;
          lineStart = saveLine;
          break;
        }
        out.append(' ').append(plainLine(true));
      }
    }
    return new ConfigNode.Scalar(start, out.toString());
  }

  private String plainLine(boolean flow) {
    int start = pos;
    while (pos < n) {
      char c = s.charAt(pos);
      if (c == '\n' || c == '\r') {
        break;
      }
      if (c == ':' && (blankAfter(pos + 1) || flow && pos + 1 < n && isFlowIndicator(s.charAt(pos + 1)))) {
        break;
      }
      if (c == '#' && pos > start && isBlank(s.charAt(pos - 1))) {
        break;
      }
      if (flow && (c == ',' || c == '[' || c == ']' || c == '{' || c == '}')) {
        break;
      }
      pos++;
    }
    return s.substring(start, pos).strip();
  }

  private ConfigNode.Scalar doubleQuoted() throws YamlException {
    int start = pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= n) {
        throw new YamlException(start, "an unterminated double-quoted scalar", false);
      }
      char c = s.charAt(pos);
      if (c == '"') {
        pos++;
        return new ConfigNode.Scalar(start, out.toString());
      }
      if (c == '\\') {
        if (pos + 1 >= n) {
          throw new YamlException(start, "an unterminated double-quoted scalar", false);
        }
        char e = s.charAt(pos + 1);
        pos += 2;
        switch (e) {
          case '0' -> out.append('\0');
          case 'a' -> out.append('\u0007');
          case 'b' -> out.append('\b');
          case 't', '\t' -> out.append('\t');
          case 'n' -> out.append('\n');
          case 'v' -> out.append('\u000B');
          case 'f' -> out.append('\f');
          case 'r' -> out.append('\r');
          case 'e' -> out.append('\u001B');
          case ' ' -> out.append(' ');
          case '"' -> out.append('"');
          case '/' -> out.append('/');
          case '\\' -> out.append('\\');
          case 'N' -> out.append('\u0085');
          case '_' -> out.append('\u00A0');
          case 'L' -> out.append('\u2028');
          case 'P' -> out.append('\u2029');
          case 'x' -> out.appendCodePoint(hex(2, start));
          case 'u' -> out.appendCodePoint(hex(4, start));
          case 'U' -> out.appendCodePoint(hex(8, start));
          case '\n', '\r' -> {
            // An escaped line break joins the lines without a space.
            if (e == '\r' && pos < n && s.charAt(pos) == '\n') {
              pos++;
            }
            lineStart = pos;
            skipInlineSpaces();
          }
          default -> throw new YamlException(
              pos - 2, "an unknown escape '\\" + e + "' in a double-quoted scalar", false);
        }
        continue;
      }
      if (c == '\n' || c == '\r') {
        fold(out);
        continue;
      }
      out.append(c);
      pos++;
    }
  }

  private ConfigNode.Scalar singleQuoted() throws YamlException {
    int start = pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= n) {
        throw new YamlException(start, "an unterminated single-quoted scalar", false);
      }
      char c = s.charAt(pos);
      if (c == '\'') {
        if (pos + 1 < n && s.charAt(pos + 1) == '\'') {
          out.append('\'');
          pos += 2;
          continue;
        }
        pos++;
        return new ConfigNode.Scalar(start, out.toString());
      }
      if (c == '\n' || c == '\r') {
        fold(out);
        continue;
      }
      out.append(c);
      pos++;
    }
  }

  /** Folds a line break inside a quoted scalar: trailing spaces go, one break is a space, more are newlines. */
  private void fold(StringBuilder out) {
    int end = out.length();
    while (end > 0 && (out.charAt(end - 1) == ' ' || out.charAt(end - 1) == '\t')) {
      end--;
    }
    out.setLength(end);
    int breaks = 0;
    while (pos < n && isLineEndOrSpace(s.charAt(pos))) {
      if (s.charAt(pos) == '\n') {
        breaks++;
        lineStart = pos + 1;
      }
      pos++;
    }
    out.append(breaks <= 1 ? " " : "\n".repeat(breaks - 1));
  }

  private int hex(int digits, int start) throws YamlException {
    if (pos + digits > n) {
      throw new YamlException(start, "a truncated escape in a double-quoted scalar", false);
    }
    int v = 0;
    for (int i = 0; i < digits; i++) {
      int d = Character.digit(s.charAt(pos + i), 16);
      if (d < 0) {
        throw new YamlException(pos, "a bad hexadecimal escape in a double-quoted scalar", false);
      }
      v = v * 16 + d;
    }
    pos += digits;
    if (v > Character.MAX_CODE_POINT) {
      throw new YamlException(pos, "an escape beyond Unicode in a double-quoted scalar", false);
    }
    return v;
  }

  /** A literal ({@code |}) or folded ({@code >}) block scalar; its lines are indented deeper than the parent. */
  private ConfigNode.Scalar blockScalar(int parentIndent) throws YamlException {
    int start = pos;
    boolean literal = s.charAt(pos) == '|';
    pos++;
    int explicit = 0;
    while (pos < n && (s.charAt(pos) == '+' || s.charAt(pos) == '-' || Character.isDigit(s.charAt(pos)))) {
      if (Character.isDigit(s.charAt(pos))) {
        explicit = s.charAt(pos) - '0';
      }
      pos++;
    }
    skipInlineSpaces();
    if (pos < n && s.charAt(pos) == '#') {
      skipToLineEnd();
    }
    if (pos < n && s.charAt(pos) != '\n' && s.charAt(pos) != '\r') {
      throw malformed("text after a block scalar indicator");
    }
    int contentIndent = explicit > 0 ? Math.max(parentIndent, 0) + explicit : -1;
    StringBuilder out = new StringBuilder();
    int pendingBreaks = 0;
    boolean first = true;
    while (pos < n) {
      tick();
      // pos is at a line end: look at the next line.
      int next = s.charAt(pos) == '\r' && pos + 1 < n && s.charAt(pos + 1) == '\n' ? pos + 2 : pos + 1;
      int i = next;
      while (i < n && s.charAt(i) == ' ') {
        i++;
      }
      int indent = i - next;
      boolean blank = i >= n || s.charAt(i) == '\n' || s.charAt(i) == '\r';
      if (!blank) {
        if (contentIndent < 0) {
          if (indent <= parentIndent) {
            break;
          }
          contentIndent = indent;
        }
        if (indent < contentIndent) {
          break;
        }
      }
      if (blank && i >= n) {
        break;
      }
      pos = next;
      lineStart = next;
      if (blank) {
        pendingBreaks++;
        pos = i;
        continue;
      }
      if (!first) {
        out.append(literal || pendingBreaks > 0 ? "\n".repeat(pendingBreaks + (literal ? 1 : 0)) : " ");
      } else if (pendingBreaks > 0 && literal) {
        out.append("\n".repeat(pendingBreaks));
      }
      pendingBreaks = 0;
      first = false;
      pos = next + contentIndent;
      int lineEnd = pos;
      while (lineEnd < n && s.charAt(lineEnd) != '\n' && s.charAt(lineEnd) != '\r') {
        lineEnd++;
      }
      out.append(s, pos, lineEnd);
      pos = lineEnd;
    }
    return new ConfigNode.Scalar(start, out.toString());
  }

  // ---- low-level scanning -------------------------------------------------------------------------------------------

  private int column() {
    return pos - lineStart;
  }

  /** Whether pos is the first content of its line (only spaces before it). */
  private boolean atLineContent() {
    for (int i = lineStart; i < pos; i++) {
      if (s.charAt(i) != ' ') {
        return false;
      }
    }
    return true;
  }

  private boolean atMarker(String marker) {
    return column() == 0 && s.startsWith(marker, pos) && blankAfter(pos + 3);
  }

  private boolean blankAfter(int i) {
    return i >= n || isBlank(s.charAt(i));
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  private static boolean isLineEndOrSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  private static boolean isFlowIndicator(char c) {
    return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
  }

  private boolean isComment() {
    return pos < n && s.charAt(pos) == '#' && (pos == lineStart || isBlank(s.charAt(pos - 1)));
  }

  private void skipInlineSpaces() {
    while (pos < n && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
      pos++;
    }
  }

  private void skipToLineEnd() {
    while (pos < n && s.charAt(pos) != '\n') {
      pos++;
    }
  }

  private void skipLine() {
    skipToLineEnd();
    if (pos < n) {
      pos++;
      lineStart = pos;
    }
  }

  /** Skips spaces, comments and line ends up to the next content (tabs in indentation stop it). */
  private void skipSpacesAndComments() {
    while (pos < n) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\r' || c == '\t' && !atLineContent()) {
        pos++;
      } else if (c == '\n') {
        pos++;
        lineStart = pos;
      } else if (isComment()) {
        skipToLineEnd();
      } else {
        return;
      }
    }
  }

  private void skipBlankLines() {
    skipSpacesAndComments();
  }

  /** Inside flow collections line ends and indentation do not matter. */
  private void skipFlowSpace() {
    while (pos < n) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\r') {
        pos++;
      } else if (c == '\n') {
        pos++;
        lineStart = pos;
      } else if (isComment()) {
        skipToLineEnd();
      } else {
        return;
      }
    }
  }

  private void enter() {
    if (++depth > maxDepth) {
      throw new DepthExceeded(pos);
    }
  }

  private void tick() {
    if ((++steps & 0x3FF) == 0) {
      deadline.run();
    }
  }

  private YamlException malformed(String message) {
    return new YamlException(pos, message, false);
  }

  private static YamlException unsupported(long offset, String message) {
    return new YamlException(offset, message, true);
  }

  // ---- alias expansion ------------------------------------------------------------------------------------------

  /**
   * How many nodes a loader that copies aliases (OmegaConf building a DictConfig from PyYAML's output) would build
   * from these documents, saturating at {@code cap}; {@code Long.MAX_VALUE} when an alias refers to an ancestor of
   * itself (a recursive structure). Linear: each anchored node is measured once.
   */
  long expandedSize(long cap) {
    Map<ConfigNode, Long> memo = new java.util.IdentityHashMap<>();
    java.util.Set<ConfigNode> active = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    long total = 0;
    for (ConfigNode d : documents) {
      total = saturatingAdd(total, size(d, cap, memo, active), cap);
      if (total >= cap) {
        return total;
      }
    }
    return total;
  }

  private long size(ConfigNode node, long cap, Map<ConfigNode, Long> memo, java.util.Set<ConfigNode> active) {
    if (node == null) {
      return 0;
    }
    Long known = memo.get(node);
    if (known != null) {
      return known;
    }
    if (node instanceof ConfigNode.Alias) {
      ConfigNode target = anchors.get(((ConfigNode.Alias) node).name);
      if (target == null) {
        return 1;
      }
      if (active.contains(target)) {
        return Long.MAX_VALUE;
      }
      return size(target, cap, memo, active);
    }
    long total = 1;
    active.add(node);
    if (node instanceof ConfigNode.Seq) {
      for (ConfigNode c : ((ConfigNode.Seq) node).items) {
        total = saturatingAdd(total, size(c, cap, memo, active), cap);
      }
    } else if (node instanceof ConfigNode.MapNode) {
      ConfigNode.MapNode m = (ConfigNode.MapNode) node;
      for (int i = 0; i < m.keys.size(); i++) {
        total = saturatingAdd(total, size(m.keys.get(i), cap, memo, active), cap);
        total = saturatingAdd(total, size(m.values.get(i), cap, memo, active), cap);
      }
    }
    active.remove(node);
    memo.put(node, total);
    return total;
  }

  private static long saturatingAdd(long a, long b, long cap) {
    if (a == Long.MAX_VALUE || b == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    return Math.min(cap, a + b);
  }
}
