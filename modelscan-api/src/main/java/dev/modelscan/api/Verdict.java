package dev.modelscan.api;

/**
 * The overall judgement of a scan, combining findings with how much was seen. Which exit code each verdict gives is
 * the front end's report policy ({@code dev.modelscan.core.report.ReportPolicy}), not part of the verdict.
 *
 * @since 0.1
 */
public enum Verdict {
  /** Everything was scanned completely and no finding reached the threshold. */
  CLEAN,
  /** At least one finding reached the severity threshold. */
  UNSAFE,
  /**
   * Nothing reached the threshold, but some input was not fully scanned: a file failed (unreadable, missing, out of
   * memory) or is partial, or a file was skipped beside model content.
   */
  INCOMPLETE,
  /**
   * No model content was found at all: nothing given, or every file was skipped, empty or plain text, and none failed.
   */
  NOTHING_SCANNED
}
