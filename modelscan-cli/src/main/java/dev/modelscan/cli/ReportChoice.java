package dev.modelscan.cli;

import dev.modelscan.core.report.ReportFormat;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Which report a run writes, and how: the format (given, or told by the output file's extension) and colour. */
final class ReportChoice {

  private ReportChoice() {}

  /**
   * The report format: the one given with {@code --format}, else the one the {@code --output} file's extension names
   * ({@code .sarif}, {@code .json}, {@code .txt}), else text.
   *
   * @param given {@code --format}, or null
   * @param output {@code --output}, or null
   * @return the format
   */
  static ReportFormat format(ReportFormat given, Path output) {
    if (given != null) {
      return given;
    }
    if (output != null && output.getFileName() != null) {
      String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".sarif") || name.endsWith(".sarif.json")) {
        return ReportFormat.SARIF;
      }
      if (name.endsWith(".json")) {
        return ReportFormat.JSON;
      }
    }
    return ReportFormat.TEXT;
  }

  /**
   * Whether the text report is coloured: {@code --color}/{@code --no-color} decide when given; otherwise only on a
   * terminal, never into a file, and never when {@code NO_COLOR} is set (no-color.org) or {@code TERM} is {@code
   * dumb} or unset (a terminal that shows escape codes as text: Emacs shells, some CI consoles).
   *
   * @param flag {@code --color}, or null
   * @param terminal whether standard output is a terminal
   * @param toFile whether the report goes to a file
   * @param env the environment
   * @return whether to colour
   */
  static boolean colour(Boolean flag, boolean terminal, boolean toFile, Map<String, String> env) {
    if (flag != null) {
      return flag;
    }
    String term = env.get("TERM");
    return terminal
        && !toFile
        && env.get("NO_COLOR") == null
        && term != null
        && !term.isEmpty()
        && !term.equals("dumb");
  }
}
