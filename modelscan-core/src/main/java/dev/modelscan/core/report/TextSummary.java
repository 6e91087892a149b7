package dev.modelscan.core.report;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.Severity;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The end of the text report: findings counted by rule and severity, and the verdict line. */
final class TextSummary {

  private TextSummary() {}

  /**
   * A table with one row per rule (most severe first) and a column per severity, of the findings that count (not
   * suppressed); nothing when there are none.
   */
  static void table(StringBuilder sb, ScanReport report) {
    List<Finding> findings = report.findings().stream().filter(f -> !f.isSuppressed()).toList();
    if (findings.isEmpty()) {
      return;
    }
    Map<String, Map<Severity, Long>> byRule = new TreeMap<>();
    for (Finding f : findings) {
      byRule.computeIfAbsent(f.ruleId(), k -> new EnumMap<>(Severity.class)).merge(f.severity(), 1L, Long::sum);
    }
    Severity[] columns = Severity.values();
    // Most severe first, whatever the declaration order of the enum.
    java.util.Arrays.sort(columns, (a, b) -> a == b ? 0 : a.isAtLeast(b) ? -1 : 1);
    int ruleWidth = "RULE".length();
    for (String rule : byRule.keySet()) {
      ruleWidth = Math.max(ruleWidth, TerminalText.escape(rule).length());
    }
    List<String> rules = new java.util.ArrayList<>(byRule.keySet());
    rules.sort(
        Comparator.comparing((String r) -> mostSevereRank(byRule.get(r), columns)).thenComparing(r -> r));
    sb.append("\nFindings by rule and severity:\n");
    row(sb, ruleWidth, "RULE", columns, null);
    for (String rule : rules) {
      row(sb, ruleWidth, TerminalText.escape(rule), columns, byRule.get(rule));
    }
  }

  private static int mostSevereRank(Map<Severity, Long> counts, Severity[] columns) {
    for (int i = 0; i < columns.length; i++) {
      if (counts.containsKey(columns[i])) {
        return i;
      }
    }
    return columns.length;
  }

  private static void row(StringBuilder sb, int ruleWidth, String rule, Severity[] columns, Map<Severity, Long> n) {
    sb.append("  ").append(rule).append(" ".repeat(ruleWidth - rule.length()));
    for (Severity s : columns) {
      String head = s.name();
      String cell = n == null ? head : Long.toString(n.getOrDefault(s, 0L));
      sb.append("  ").append(" ".repeat(Math.max(0, head.length() - cell.length()))).append(cell);
    }
    sb.append('\n');
  }

  /**
   * {@code Verdict: CLEAN (threshold MEDIUM)}; when every finding is below the threshold, the line says so, so that a
   * reader who sees findings above it knows why the scan still passed.
   */
  static void verdict(StringBuilder sb, ScanReport report) {
    long below = 0;
    long atOrAbove = 0;
    for (Finding f : report.findings()) {
      if (f.isSuppressed()) {
        continue; // accepted findings have their own count on the line above
      }
      if (f.severity().isAtLeast(report.severityThreshold())) {
        atOrAbove++;
      } else {
        below++;
      }
    }
    sb.append("Verdict: ")
        .append(report.verdict().name())
        .append(" (threshold ")
        .append(report.severityThreshold().name());
    if (below > 0 && atOrAbove == 0) {
      sb.append("; ")
          .append(below)
          .append(below == 1 ? " finding" : " findings")
          .append(" below the threshold, which ")
          .append(below == 1 ? "does" : "do")
          .append(" not fail the scan");
    }
    sb.append(")\n");
  }

  /** The counts line: files by status, excluded paths, findings by severity. */
  static void counts(StringBuilder sb, ScanReport report, boolean verbose) {
    Map<Severity, Long> counts = report.findingsBySeverity();
    sb.append("Scanned ")
        .append(report.filesScanned())
        .append(" of ")
        .append(report.results().size())
        .append(" files (")
        .append(report.count(dev.modelscan.api.ScanStatus.PARTIAL))
        .append(" partial, ")
        .append(report.count(dev.modelscan.api.ScanStatus.SKIPPED))
        .append(" skipped, ")
        .append(report.count(dev.modelscan.api.ScanStatus.FAILED))
        .append(" failed");
    if (!report.excluded().isEmpty()) {
      sb.append("; ").append(report.excluded().size()).append(" excluded");
      if (!verbose) {
        sb.append(", listed in the verbose report");
      }
    }
    sb.append("); findings: ");
    boolean first = true;
    for (Severity s : Severity.values()) {
      sb.append(first ? "" : ", ").append(counts.get(s)).append(' ').append(s.name().toLowerCase(Locale.ROOT));
      first = false;
    }
    long suppressed = report.suppressedFindings();
    if (suppressed > 0) {
      sb.append("; ").append(suppressed).append(" suppressed (not counted)");
    }
    sb.append('\n');
  }
}
