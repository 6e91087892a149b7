package dev.modelscan.core.report;

/**
 * Makes text that came from scanned content safe to print on a terminal or in a log: file and member names, pickle
 * strings quoted in messages, template excerpts.
 *
 * <p>An attacker names the file, the archive member or the pickle global. Printed as they are, a newline in such a
 * name starts a line the reader takes for the scanner's own ({@code Verdict: CLEAN}), an ANSI escape sequence erases
 * or recolours what came before it ({@code ESC[2K}, {@code ESC[1A}), and a bidirectional override ({@code U+202E})
 * shows {@code evil.gpj.pkl} as {@code evil.lkp.jpg}. {@link #escape} writes every such character as visible text:
 *
 * <ul>
 *   <li>C0 controls and DEL: {@code \n}, {@code \r}, {@code \t}, otherwise {@code \xNN} (ESC is {@code \x1b});
 *   <li>C1 controls (U+0080&ndash;U+009F), which some terminals obey as escapes: <code>&#92;u0085</code>;
 *   <li>format characters (Unicode category Cf: bidirectional embeddings, overrides and isolates U+202A&ndash;U+202E
 *       and U+2066&ndash;U+2069, marks U+200E/U+200F/U+061C, zero-width characters, BOM, tag characters) and the line
 *       and paragraph separators U+2028/U+2029: <code>&#92;u202e</code>, or <code>&#92;u{e0041}</code> above U+FFFF;
 *   <li>a surrogate without its pair (not encodable as UTF-8, so it would become {@code ?}): <code>&#92;ud800</code>.
 * </ul>
 *
 * <p>Everything else, including backslashes and printable non-ASCII letters, stays as it is: the text report is for
 * people, and the JSON report keeps every string exact.
 *
 * @since 0.1
 */
public final class TerminalText {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private TerminalText() {}

  /**
   * Escapes the characters that could change how the surrounding text is displayed.
   *
   * @param s the text; null is written as an empty string
   * @return {@code s} itself when nothing needed escaping, else the escaped copy
   */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    int n = s.length();
    int i = 0;
    while (i < n && !needsEscape(s, i)) {
      i += Character.charCount(s.codePointAt(i));
    }
    if (i == n) {
      return s;
    }
    StringBuilder sb = new StringBuilder(n + 16).append(s, 0, i);
    while (i < n) {
      int cp = s.codePointAt(i);
      int len = Character.charCount(cp);
      if (!needsEscape(s, i)) {
        sb.appendCodePoint(cp);
      } else if (cp == '\n') {
        sb.append("\\n");
      } else if (cp == '\r') {
        sb.append("\\r");
      } else if (cp == '\t') {
        sb.append("\\t");
      } else if (cp < 0x20 || cp == 0x7F) {
        sb.append("\\x").append(HEX[cp >> 4]).append(HEX[cp & 0xF]);
      } else if (cp <= 0xFFFF) {
        sb.append("\\u");
        for (int shift = 12; shift >= 0; shift -= 4) {
          sb.append(HEX[(cp >> shift) & 0xF]);
        }
      } else {
        sb.append("\\u{").append(Integer.toHexString(cp)).append('}');
      }
      i += len;
    }
    return sb.toString();
  }

  private static boolean needsEscape(String s, int i) {
    char c = s.charAt(i);
    if (c >= 0x20 && c < 0x7F) {
      return false;
    }
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)) {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      // A well-formed pair is one code point, checked below; a lone high surrogate is escaped.
      if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
        return true;
      }
    } else if (Character.isLowSurrogate(c)) {
      return true;
    }
    int type = Character.getType(s.codePointAt(i));
    return type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }
}
