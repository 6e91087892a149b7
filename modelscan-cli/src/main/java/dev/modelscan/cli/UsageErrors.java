package dev.modelscan.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the command line reports a usage error: the one-line message and where to read more, not the whole help that
 * would push the message off the screen; setting names of the Java API in messages become the flags a user types.
 */
final class UsageErrors {

  /** Setting names whose flag is not the plain kebab-case of the name. */
  private static final Map<String, String> SPECIAL =
      Map.of(
          "allowGlobals", "--allow-global",
          "denyGlobals", "--deny-global",
          "followDirectoryLinks", "--follow-dir-links",
          "severityThreshold", "--severity-threshold");

  private static final Pattern WORD = Pattern.compile("\\b[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+\\b");

  private UsageErrors() {}

  /**
   * Prints a usage error and the hint.
   *
   * @param err standard error
   * @param command the command's full name, such as {@code modelscan scan}
   * @param message the error
   * @return {@link Main#EXIT_USAGE}
   */
  static int print(PrintWriter err, String command, String message) {
    err.println("modelscan: " + flags(message));
    err.println("Try '" + command + " --help' for more information.");
    err.flush();
    return Main.EXIT_USAGE;
  }

  /**
   * Replaces the names of settings ({@code maxNestingDepth}, {@code allowGlobals}) with the flags that set them
   * ({@code --max-nesting-depth}, {@code --allow-global}); other words are left alone.
   *
   * @param message a message from the settings builders
   * @return the message in the command line's words
   */
  static String flags(String message) {
    if (message == null) {
      return "";
    }
    Map<String, String> names = new LinkedHashMap<>(SPECIAL);
    for (ScanFlags.Flag f : ScanFlags.ALL) {
      names.putIfAbsent(camel(f.key()), f.longName());
    }
    Matcher m = WORD.matcher(message);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String flag = names.get(m.group());
      m.appendReplacement(out, Matcher.quoteReplacement(flag != null ? flag : m.group()));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** {@code max-file-size} to {@code maxFileSize}. */
  static String camel(String kebab) {
    StringBuilder b = new StringBuilder();
    boolean up = false;
    for (char c : kebab.toCharArray()) {
      if (c == '-') {
        up = true;
      } else {
        b.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return b.toString();
  }
}
