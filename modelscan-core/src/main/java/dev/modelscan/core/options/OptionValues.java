package dev.modelscan.core.options;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The one grammar for sizes and durations that front ends (the command line, the Maven plugin) accept, so that the
 * same text means the same thing everywhere and a typo is an error instead of a different value.
 *
 * <p><b>Sizes</b>: decimal digits, optionally followed by a binary unit, with optional spaces between:
 *
 * <pre>
 *   size  = digits [ " "* unit ]
 *   unit  = ( "K" | "M" | "G" | "T" ) [ "i" ] [ "B" ]  |  "B"        (case-insensitive; powers of 1024)
 * </pre>
 *
 * So {@code 1048576}, {@code 512K}, {@code 64m}, {@code 2GiB}, {@code 1tb} and {@code 100b} are sizes. There is no
 * sign: {@code -1} is rejected, as is any other unit ({@code 5x}, {@code 2P}), a fraction or a value that does not fit
 * (a {@code long}, or an {@code int} for {@link #intSize}).
 *
 * <p><b>Durations</b>: decimal digits and one of the units {@code ms}, {@code s}, {@code m} (minutes) or {@code h},
 * or an ISO-8601 duration such as {@code PT2M30S} ({@link Duration#parse}). A number without a unit and any other
 * unit ({@code 5d}, {@code 10min}) are rejected: reading {@code 5d} as five seconds once gave a scan a deadline 17,280
 * times shorter than asked for.
 *
 * <p>Every method throws {@link IllegalArgumentException} with a message that quotes the text and states the grammar;
 * callers prefix the option's name. Zero is accepted by the grammar; whether it is a valid value is for the setting
 * to decide (every limit rejects it, naming itself).
 *
 * @since 0.1
 */
public final class OptionValues {

  private OptionValues() {}

  /**
   * Parses a size.
   *
   * @param text the text, such as {@code "512M"}
   * @return the size in bytes, at least 0
   * @throws IllegalArgumentException when the text is not a size or does not fit a {@code long}
   */
  public static long size(String text) {
    if (text == null) {
      throw new IllegalArgumentException("a size is required, such as 1048576, 512K, 64M or 2G");
    }
    String t = text.strip();
    int i = digits(t);
    if (i == 0) {
      throw notSize(text);
    }
    String unit = t.substring(i).strip().toUpperCase(Locale.ROOT);
    int shift;
    if (unit.isEmpty() || unit.equals("B")) {
      shift = 0;
    } else {
      shift = shift(unit.charAt(0));
      String rest = unit.substring(1);
      if (shift < 0 || !(rest.isEmpty() || rest.equals("B") || rest.equals("I") || rest.equals("IB"))) {
        throw notSize(text);
      }
    }
    long value;
    try {
      value = Long.parseLong(t.substring(0, i));
    } catch (NumberFormatException e) {
      throw tooLarge(text, Long.MAX_VALUE);
    }
    if (value > (Long.MAX_VALUE >> shift)) {
      throw tooLarge(text, Long.MAX_VALUE);
    }
    return value << shift;
  }

  /**
   * Parses a size for a setting held in an {@code int} (such as {@code maxStringBytes}).
   *
   * @param text the text, such as {@code "16M"}
   * @return the size in bytes, at least 0 and at most {@link Integer#MAX_VALUE}
   * @throws IllegalArgumentException when the text is not a size or is larger than {@link Integer#MAX_VALUE}
   */
  public static int intSize(String text) {
    long v = size(text);
    if (v > Integer.MAX_VALUE) {
      throw tooLarge(text, Integer.MAX_VALUE);
    }
    return (int) v;
  }

  /**
   * Parses a duration.
   *
   * @param text the text, such as {@code "30s"}, {@code "250ms"}, {@code "10m"}, {@code "1h"} or {@code "PT1M"}
   * @return the duration (zero or negative only when an ISO-8601 text says so)
   * @throws IllegalArgumentException when the text is not a duration in this grammar or does not fit a {@link
   *     Duration}
   */
  public static Duration duration(String text) {
    if (text == null) {
      throw new IllegalArgumentException("a duration is required, such as 250ms, 30s, 10m, 1h or PT2M30S");
    }
    String t = text.strip();
    if (!t.isEmpty() && (t.charAt(0) == 'P' || t.charAt(0) == 'p')) {
      try {
        return Duration.parse(t);
      } catch (DateTimeParseException e) {
        throw notDuration(text);
      }
    }
    int i = digits(t);
    if (i == 0) {
      throw notDuration(text);
    }
    String unit = t.substring(i).strip().toLowerCase(Locale.ROOT);
    long n;
    try {
      n = Long.parseLong(t.substring(0, i));
    } catch (NumberFormatException e) {
      throw tooLong(text);
    }
    try {
      switch (unit) {
        case "ms":
          return Duration.ofMillis(n);
        case "s":
          return Duration.ofSeconds(n);
        case "m":
          return Duration.ofMinutes(n);
        case "h":
          return Duration.ofHours(n);
        default:
          throw notDuration(text);
      }
    } catch (ArithmeticException e) {
      throw tooLong(text);
    }
  }

  /** The length of the run of ASCII digits at the start of {@code t}. */
  private static int digits(String t) {
    int i = 0;
    while (i < t.length() && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
      i++;
    }
    return i;
  }

  private static int shift(char unit) {
    switch (unit) {
      case 'K':
        return 10;
      case 'M':
        return 20;
      case 'G':
        return 30;
      case 'T':
        return 40;
      default:
        return -1;
    }
  }

  private static IllegalArgumentException notSize(String text) {
    return new IllegalArgumentException(
        "'" + text + "' is not a size: expected digits with an optional unit K, M, G or T (powers of 1024,"
            + " optionally followed by iB or B), such as 1048576, 512K, 64M or 2G");
  }

  private static IllegalArgumentException tooLarge(String text, long max) {
    return new IllegalArgumentException("'" + text + "' is too large: at most " + max + " bytes");
  }

  private static IllegalArgumentException notDuration(String text) {
    return new IllegalArgumentException(
        "'" + text + "' is not a duration: expected digits with the unit ms, s, m or h (such as 250ms, 30s, 10m,"
            + " 1h), or ISO-8601 such as PT2M30S");
  }

  private static IllegalArgumentException tooLong(String text) {
    return new IllegalArgumentException("'" + text + "' is too long a duration");
  }
}
