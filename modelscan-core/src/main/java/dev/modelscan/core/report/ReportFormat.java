package dev.modelscan.core.report;

import java.util.Locale;

/**
 * The formats a {@link dev.modelscan.api.ScanReport} can be written in.
 *
 * @since 0.1
 */
public enum ReportFormat {
  /** Human-readable text, with severity colours when writing to a terminal. */
  TEXT,
  /** The modelscan JSON schema ({@link JsonReportWriter#SCHEMA_VERSION}). */
  JSON,
  /** SARIF 2.1.0, for code-scanning user interfaces. */
  SARIF;

  /**
   * Parses a format name case-insensitively.
   *
   * @param text {@code text}, {@code json} or {@code sarif}
   * @return the format
   * @throws IllegalArgumentException for any other text
   */
  public static ReportFormat parse(String text) {
    return valueOf(text.trim().toUpperCase(Locale.ROOT));
  }
}
