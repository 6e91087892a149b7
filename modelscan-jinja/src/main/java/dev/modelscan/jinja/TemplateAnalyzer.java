package dev.modelscan.jinja;

import dev.modelscan.api.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Looks for Jinja2 sandbox escapes in a chat template without rendering it (the CVE-2024-34359 class: a runtime that
 * renders the template in a plain {@code jinja2.Environment} lets {@code cycler.__init__.__globals__.os.popen(...)}
 * run commands).
 *
 * <p>It lexes the template the way Jinja does at the level that matters: text outside {@code {{ }}}, {@code {% %}} and
 * {@code {# #}} is output only; inside, identifiers and string literals are told apart, literals are unescaped
 * ({@code \x5f}, {@code \u005f}, octal) and literals joined by {@code ~}, {@code +}, adjacency or {@code |join} are
 * concatenated, so that {@code '__cla' ~ 'ss__'} is seen as {@code __class__}. Normal chat templates (loops over
 * messages, role checks, {@code namespace()} counters, {@code raise_exception}) use none of the indicators.
 *
 * @since 0.1
 */
public final class TemplateAnalyzer {

  /** Identifiers that reach Python objects or the OS; no chat template names a variable like this. */
  private static final Set<String> DANGEROUS_NAMES =
      Set.of(
          "os", "subprocess", "popen", "popen2", "eval", "exec", "execfile", "compile", "import_module", "importlib",
          "builtins", "globals", "locals", "getattr", "setattr", "delattr", "mro", "subclasses", "func_globals",
          "f_globals", "f_locals", "f_back", "gi_frame", "tb_frame", "load_module", "check_output", "spawnv", "execv",
          "execve", "pty", "socket", "shutil", "posix", "ctypes", "pickle", "marshal");

  /**
   * Names that are dangerous as attributes ({@code os.system}, {@code sys.modules}) but plausible as template
   * variables ({@code set system = ...}, {@code set sys = ...}), so only flagged after a dot.
   */
  private static final Set<String> DANGEROUS_ATTRIBUTES = Set.of("system", "sys", "modules", "open", "spawn", "nt");

  /** Jinja/Flask globals whose attributes lead to Python internals (the usual SSTI gadgets). */
  private static final Set<String> GADGET_NAMES =
      Set.of("cycler", "joiner", "lipsum", "self", "config", "request", "url_for", "get_flashed_messages", "session");

  /** Statements that make the environment load other templates (files, through its loader). */
  private static final Set<String> LOADING_STATEMENTS = Set.of("include", "import", "extends", "from");

  private static final Pattern DUNDER = Pattern.compile("__[A-Za-z0-9_]*[A-Za-z0-9]__|__[a-z]{3,}", 0);

  private TemplateAnalyzer() {}

  /**
   * Analyses one template without rendering it.
   *
   * <p>Cost is linear in the template's length; {@code deadlineCheck} is called periodically inside every loop over
   * the text, so a scanner's per-file deadline stops an analysis of hostile input (pass {@code
   * context::checkDeadline}; whatever it throws propagates unchanged). Thread-safe: no state is shared between calls.
   *
   * @param template the template text, not null
   * @param deadlineCheck called periodically; throws to stop the analysis; not null
   * @return the indicators found, immutable, strongest first (ties in template order), empty for a normal template
   * @since 0.1
   */
  public static List<TemplateIssue> analyze(CharSequence template, Runnable deadlineCheck) {
    Objects.requireNonNull(deadlineCheck, "deadlineCheck");
    return analyse(template.toString(), deadlineCheck);
  }

  /**
   * A one-line summary of issues for a finding message: the first {@code max} indicators joined by {@code "; "},
   * and how many more there are.
   *
   * @param issues issues as returned by {@link #analyze}, not null
   * @param max how many indicators to name, at least 1
   * @return the summary, bounded by {@code max} times {@link TemplateIssue#MAX_INDICATOR_LENGTH} plus a few chars
   * @since 0.1
   */
  public static String describe(List<TemplateIssue> issues, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1: " + max);
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < issues.size() && i < max; i++) {
      out.append(i == 0 ? "" : "; ").append(issues.get(i).indicator());
    }
    if (issues.size() > max) {
      out.append(" (and ").append(issues.size() - max).append(" more)");
    }
    return out.toString();
  }

  private static List<TemplateIssue> analyse(String template, Runnable deadlineCheck) {
    Map<String, TemplateIssue> found = new LinkedHashMap<>();
    int i = 0;
    int n = template.length();
    while (i < n) {
      deadlineCheck.run();
      int open = template.indexOf('{', i);
      if (open < 0 || open + 1 >= n) {
        break;
      }
      char kind = template.charAt(open + 1);
      if (kind == '#') {
        int end = template.indexOf("#}", open + 2);
        i = end < 0 ? n : end + 2;
      } else if (kind == '{' || kind == '%') {
        i = code(template, open + 2, kind == '%', found, deadlineCheck);
      } else {
        i = open + 1;
      }
    }
    List<TemplateIssue> issues = new ArrayList<>(found.values());
    issues.sort((a, b) -> a.severity().compareTo(b.severity()));
    return List.copyOf(issues);
  }

  /** Lexes one code region from {@code start}; returns the index after its closing delimiter. */
  private static int code(
      String t, int start, boolean statement, Map<String, TemplateIssue> found, Runnable deadlineCheck) {
    int n = t.length();
    int i = start;
    StringBuilder chain = new StringBuilder();
    List<String> tokens = new ArrayList<>();
    boolean firstWord = true;
    while (i < n) {
      if ((i & 0xfff) == 0) {
        deadlineCheck.run();
      }
      char c = t.charAt(i);
      if ((c == '}' || c == '%') && i + 1 < n && t.charAt(i + 1) == '}') {
        i += 2;
        break;
      }
      if (c == '\'' || c == '"') {
        int j = i + 1;
        StringBuilder raw = new StringBuilder();
        while (j < n && t.charAt(j) != c) {
          if (t.charAt(j) == '\\' && j + 1 < n) {
            raw.append(t.charAt(j));
            j++;
          }
          raw.append(t.charAt(j));
          j++;
        }
        String value = literal(raw.toString(), chain, found, i);
        tokens.add(value.matches("_+") ? "'_" : "'");
        i = Math.min(n, j + 1);
        continue;
      }
      if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < n && (Character.isLetterOrDigit(t.charAt(j)) || t.charAt(j) == '_')) {
          j++;
        }
        String word = t.substring(i, j);
        identifier(word, statement && firstWord, tokens, found, i);
        firstWord = false;
        tokens.add(word);
        i = j;
        if (!"join".equals(word)) {
          endChain(chain, found, i);
        }
        continue;
      }
      if (c == '*' && !tokens.isEmpty() && "'_".equals(tokens.get(tokens.size() - 1))) {
        // '_' * 2 ~ 'class' ~ '_' * 2: underscores multiplied into a dunder name.
        add(found, "underscores built by repetition", Severity.CRITICAL, i);
      }
      if (!Character.isWhitespace(c) && c != '~' && c != '+' && c != '|' && c != ',' && c != '[' && c != ']'
          && c != '(' && c != ')') {
        // Other operators and subscripts break a concatenation; separators inside lists keep it for |join.
        endChain(chain, found, i);
      }
      if (!Character.isWhitespace(c)) {
        tokens.add(String.valueOf(c));
      }
      i++;
    }
    endChain(chain, found, i);
    return i;
  }

  private static void identifier(String word, boolean statementKeyword, List<String> before, Map<String, TemplateIssue> f, int at) {
    String lower = word.toLowerCase(Locale.ROOT);
    if (DUNDER.matcher(word).find()) {
      add(f, "dunder attribute " + word, Severity.CRITICAL, at);
    } else if (DANGEROUS_NAMES.contains(lower)) {
      add(f, "reference to " + word, Severity.CRITICAL, at);
    } else if (DANGEROUS_ATTRIBUTES.contains(lower) && !before.isEmpty() && ".".equals(before.get(before.size() - 1))) {
      add(f, "attribute ." + word, Severity.CRITICAL, at);
    } else if (GADGET_NAMES.contains(word)) {
      add(f, "sandbox-escape gadget " + word, Severity.HIGH, at);
    } else if ("attr".equals(word)) {
      add(f, "indirect attribute access attr()", Severity.HIGH, at);
    } else if (statementKeyword && LOADING_STATEMENTS.contains(word)) {
      add(f, "template loading statement " + word, Severity.MEDIUM, at);
    } else if ("format".equals(word) && !before.isEmpty()
        && ("|".equals(before.get(before.size() - 1)) || ".".equals(before.get(before.size() - 1)))) {
      // '%c%c'|format(95, 95) and '{0}{0}'.format('_') build "__" out of harmless pieces.
      // Weak evidence alone (some templates format dates or numbers): LOW unless other indicators join it.
      add(f, "string building with format", Severity.LOW, at);
    }
  }

  private static String literal(String raw, StringBuilder chain, Map<String, TemplateIssue> found, int at) {
    String value = unescape(raw, found, at);
    chain.append(value);
    String lower = value.toLowerCase(Locale.ROOT);
    if (DUNDER.matcher(lower).find()) {
      add(found, "dunder name in string '" + shorten(value) + "'", Severity.CRITICAL, at);
    } else if (DANGEROUS_NAMES.contains(lower)) {
      // A bare 'popen' or 'os' string exists only to be used with attr() or a subscript ('system' is a chat role and
      // is deliberately not in this set).
      add(found, "dangerous name as string '" + value + "'", Severity.HIGH, at);
    } else if (value.matches("_+")) {
      // Names are built from bare underscores; alone it can be a harmless replace('_', ' '), so only LOW.
      add(found, "underscore-only string", Severity.LOW, at);
    }
    return value;
  }

  private static void endChain(StringBuilder chain, Map<String, TemplateIssue> found, int at) {
    if (chain.length() > 0) {
      String joined = chain.toString().toLowerCase(Locale.ROOT);
      // Reversed too: '__ssalc__'|reverse is __class__.
      if (DUNDER.matcher(joined).find() || DUNDER.matcher(new StringBuilder(joined).reverse()).find()) {
        add(found, "dunder name built by concatenation '" + shorten(chain.toString()) + "'", Severity.CRITICAL, at);
      }
      chain.setLength(0);
    }
  }

  /** Python/Jinja string escapes; an escaped underscore or letter in a chat template is obfuscation by itself. */
  private static String unescape(String raw, Map<String, TemplateIssue> found, int at) {
    if (raw.indexOf('\\') < 0) {
      return raw;
    }
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '\\' || i + 1 >= raw.length()) {
        out.append(c);
        continue;
      }
      char e = raw.charAt(++i);
      int width = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
      if (width > 0 && hex(raw, i + 1, width) >= 0) {
        int cp = hex(raw, i + 1, width);
        appendDecoded(out, cp, found, at);
        i += width;
      } else if (e >= '0' && e <= '7') {
        int j = i;
        int cp = 0;
        while (j < raw.length() && j < i + 3 && raw.charAt(j) >= '0' && raw.charAt(j) <= '7') {
          cp = cp * 8 + (raw.charAt(j) - '0');
          j++;
        }
        appendDecoded(out, cp, found, at);
        i = j - 1;
      } else if (e == 'N') {
        add(found, "named character escape", Severity.HIGH, at);
        out.append('\\').append(e);
      } else {
        out.append(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
      }
    }
    return out.toString();
  }

  private static void appendDecoded(StringBuilder out, int cp, Map<String, TemplateIssue> found, int at) {
    if (cp < 0 || cp > Character.MAX_CODE_POINT) {
      return;
    }
    if (cp == '_' || cp == '.' || Character.isLetterOrDigit(cp)) {
      add(found, "escaped character " + new String(Character.toChars(cp)) + " in a string", Severity.HIGH, at);
    }
    out.appendCodePoint(cp);
  }

  private static int hex(String s, int from, int width) {
    if (from + width > s.length()) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < from + width; i++) {
      int d = Character.digit(s.charAt(i), 16);
      if (d < 0) {
        return -1;
      }
      v = v * 16 + d;
    }
    return v;
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static void add(Map<String, TemplateIssue> found, String indicator, Severity severity, int at) {
    found.merge(indicator, new TemplateIssue(severity, indicator, at),
        (a, b) -> a.severity().isAtLeast(b.severity()) ? a : b);
  }
}
