package dev.modelscan.core.report;

import dev.modelscan.api.ExcludedPath;
import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.Suppression;
import java.io.IOException;
import java.io.Writer;

/**
 * Writes a report for people: one block per file that has findings or is not complete, then a table of findings by
 * rule and severity, the counts and the verdict. Colours
 * (ANSI) only when asked for, which the CLI does only when writing to a terminal.
 *
 * <p>Every string that can come from scanned content (file and member names, formats, reasons, messages quoting
 * pickle strings or template text) goes through {@link TerminalText#escape}, so that no scanned file can write a line
 * of its own ({@code Verdict: CLEAN}) or move the cursor over the real one. A path whose bytes are not UTF-8 is shown
 * in its {@link FileResult#exactPath() exact form}.
 *
 * @since 0.1
 */
public final class TextReportWriter implements ReportWriter {

  private static final String RESET = "\u001b[0m";

  private final boolean colour;
  private final boolean verbose;
  private final boolean summaryOnly;

  /**
   * Creates the writer.
   *
   * @param colour whether to colour severities with ANSI escapes
   * @param verbose whether to list clean files and nested members too
   */
  public TextReportWriter(boolean colour, boolean verbose) {
    this.colour = colour;
    this.verbose = verbose;
    this.summaryOnly = false;
  }

  private TextReportWriter() {
    this.colour = false;
    this.verbose = false;
    this.summaryOnly = true;
  }

  /**
   * A writer of the last two lines of the text report only: the counts of files and findings, and the verdict (for
   * {@code --quiet}).
   *
   * @return the writer
   * @since 0.1
   */
  public static TextReportWriter summaryOnly() {
    return new TextReportWriter();
  }

  @Override
  public void write(ScanReport report, Writer out) throws IOException {
    StringBuilder sb = new StringBuilder();
    if (summaryOnly) {
      TextSummary.counts(sb, report, verbose);
      TextSummary.verdict(sb, report);
      out.write(sb.toString());
      out.flush();
      return;
    }
    for (FileResult r : report.results()) {
      boolean interesting = !r.findings().isEmpty() || r.status() != ScanStatus.COMPLETE;
      if (!interesting && !verbose) {
        continue;
      }
      String path = r.exactPath().isEmpty() ? r.path() : r.exactPath();
      sb.append(esc(path));
      if (!r.target().isEmpty()) {
        sb.append(" -> ").append(esc(r.target()));
      }
      if (!r.origin().isEmpty()) {
        sb.append("  (").append(esc(r.origin())).append(')');
      }
      sb.append("  [").append(esc(r.format())).append(", ").append(status(r.status())).append(']');
      if (!r.statusReason().isEmpty()) {
        sb.append("  ").append(esc(r.statusReason()));
      }
      sb.append('\n');
      for (Finding f : r.findings()) {
        sb.append("  ").append(paint(f.severity())).append(' ').append(esc(f.ruleId()));
        if (!f.module().isEmpty() || !f.operator().isEmpty()) {
          sb.append("  ").append(esc(f.module()));
          if (!f.operator().isEmpty()) {
            sb.append(f.module().isEmpty() ? "" : ".").append(esc(f.operator()));
          }
        }
        if (!f.location().entry().isEmpty()) {
          sb.append("  in ").append(esc(f.location().entry()));
        }
        if (f.location().offset() >= 0) {
          sb.append(" @").append(f.location().offset());
        }
        if (f.isSuppressed()) {
          // Shown, not hidden: a reviewer sees what was accepted and why, and that it did not fail the scan.
          Suppression why = f.suppression().get();
          sb.append("  [")
              .append(why.kind() == Suppression.Kind.BASELINE ? "baselined" : "suppressed")
              .append(": ")
              .append(esc(why.reason()))
              .append(']');
        }
        sb.append("\n      ").append(esc(f.message())).append('\n');
      }
      if (verbose) {
        for (MemberResult m : r.members()) {
          sb.append("  - ")
              .append(esc(m.entry()))
              .append("  [")
              .append(esc(m.format()))
              .append(", ")
              .append(status(m.status()))
              .append("]\n");
        }
      }
    }
    if (verbose) {
      for (ExcludedPath e : report.excluded()) {
        sb.append(esc(e.path())).append("  [excluded]  ").append(esc(e.reason())).append('\n');
      }
    }
    TextSummary.table(sb, report);
    sb.append('\n');
    TextSummary.counts(sb, report, verbose);
    TextSummary.verdict(sb, report);
    out.write(sb.toString());
    out.flush();
  }

  private static String esc(String s) {
    return TerminalText.escape(s);
  }

  private static String status(ScanStatus s) {
    return s.name().toLowerCase(java.util.Locale.ROOT);
  }

  private String paint(Severity s) {
    String label = String.format("%-8s", s.name());
    if (!colour) {
      return label;
    }
    String code;
    switch (s) {
      case CRITICAL:
        code = "\u001b[1;31m";
        break;
      case HIGH:
        code = "\u001b[31m";
        break;
      case MEDIUM:
        code = "\u001b[33m";
        break;
      default:
        code = "\u001b[36m";
        break;
    }
    return code + label + RESET;
  }
}
