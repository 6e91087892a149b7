package dev.modelscan.jinja;

import dev.modelscan.api.Severity;
import java.util.Objects;

/**
 * One indicator of a sandbox escape found in a template.
 *
 * <p>The indicator is text for a person and may quote pieces of the (attacker-written) template. The compact
 * constructor makes it safe to print anywhere: control characters, line breaks, bidirectional overrides and other
 * non-printing characters are replaced by {@code \}{@code uXXXX} escapes, and the result is cut to {@link
 * #MAX_INDICATOR_LENGTH} characters, so a template cannot forge report lines or flood a report through it.
 *
 * @param severity how strong the evidence is
 * @param indicator what was found, bounded and escaped (see above)
 * @param offset the char offset in the template where the evidence starts, at least 0
 * @since 0.1
 */
public record TemplateIssue(Severity severity, String indicator, int offset) {

  /** The longest indicator kept, in chars; longer text is cut and ends with {@code "..."}. */
  public static final int MAX_INDICATOR_LENGTH = 200;

  /**
   * Validates the components and makes the indicator safe to print.
   *
   * @param severity not null
   * @param indicator not null; escaped and bounded as the type's documentation says
   * @param offset not negative
   */
  public TemplateIssue {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(indicator, "indicator");
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative: " + offset);
    }
    indicator = safe(indicator);
  }

  /**
   * Escapes non-printing characters and bounds the length.
   *
   * @param text any text
   * @return printable text of at most {@link #MAX_INDICATOR_LENGTH} chars
   */
  static String safe(CharSequence text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_INDICATOR_LENGTH) + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean printable =
          c >= 0x20 && c != 0x7f && !Character.isISOControl(c) && !Character.isSurrogate(c)
              && Character.getType(c) != Character.FORMAT
              && Character.getType(c) != Character.UNASSIGNED
              && Character.getType(c) != Character.LINE_SEPARATOR
              && Character.getType(c) != Character.PARAGRAPH_SEPARATOR
              && Character.getType(c) != Character.PRIVATE_USE;
      String piece = printable ? String.valueOf(c) : String.format("\\u%04x", (int) c);
      if (out.length() + piece.length() > MAX_INDICATOR_LENGTH - 3) {
        out.append("...");
        return out.toString();
      }
      out.append(piece);
    }
    return out.toString();
  }
}
