package dev.modelscan.jinja;

import java.util.List;
import java.util.Objects;

/**
 * Finds Jinja2 sandbox escapes in a template without rendering it: the CVE-2024-34359 class, where a runtime renders a
 * model's chat template in a plain {@code jinja2.Environment} and {@code cycler.__init__.__globals__.os.popen(...)}
 * runs commands.
 *
 * <p>The template is lexed as Jinja lexes it (text, comments and {@code raw} blocks are output only) and its
 * expressions are parsed and folded as constants where they can be: every way Jinja reaches an attribute ({@code
 * x.y}, {@code x['y']}, {@code |attr}, {@code map(attribute=...)}, {@code str.format} fields) is checked with the name
 * it really uses, however it was built ({@code '_'*2 ~ 'class' ~ '_'*2}, {@code '__ssalc__'|reverse}, {@code
 * '\x5f\x5fclass\x5f\x5f'}, {@code '%c%c'|format(95, 95)}, {@code 'x_'[1]*2}). Where folding gives up on something
 * that could spell a name, that is reported rather than ignored. A string that is only printed or compared is text:
 * {@code {{ '__Note__: be nice' }}} is not an attribute access. Normal chat templates (loops over messages, role
 * checks, {@code namespace()} counters, {@code raise_exception}, {@code tojson}, {@code loop.index}) give no issue.
 *
 * <p>Cost is linear in the template's length: a hand-written lexer and a one-pass parser, no regular expressions over
 * the template, constants bounded in length, nesting bounded in depth (deeper expressions are checked token by token
 * and reported).
 *
 * @since 0.1
 */
public final class TemplateAnalyzer {

  private TemplateAnalyzer() {}

  /**
   * Analyses one template without rendering it.
   *
   * <p>Cost is linear in the template's length; {@code deadlineCheck} is called periodically inside every loop over
   * the text (at least once per 4096 chars consumed), so a scanner's per-file deadline stops an analysis of hostile
   * input: pass {@code context::checkDeadline}; whatever it throws propagates unchanged. Thread-safe: no state is
   * shared between calls.
   *
   * @param template the template text, not null
   * @param deadlineCheck called periodically; throws to stop the analysis; not null
   * @return the indicators found, immutable, strongest first (ties in template order), at most 100, empty for a
   *     normal template
   * @since 0.1
   */
  public static List<TemplateIssue> analyze(CharSequence template, Runnable deadlineCheck) {
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(deadlineCheck, "deadlineCheck");
    return TemplateAnalysis.analyse(template.toString(), deadlineCheck);
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
}
