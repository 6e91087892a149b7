package dev.modelscan.core.report;

import dev.modelscan.core.ScannerRegistry;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

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
    if (text != null) {
      for (ReportFormat f : values()) {
        if (f.name().equalsIgnoreCase(text.trim())) {
          return f;
        }
      }
    }
    throw new IllegalArgumentException("expected text, json or sarif but was '" + text + "'");
  }

  /**
   * Parses a comma-separated list of format names; {@code none} and empty parts are skipped, so {@code "none"} or
   * {@code ""} is the empty set.
   *
   * @param text such as {@code "sarif,json"}; null is the empty set
   * @return the formats, in declaration order
   * @throws IllegalArgumentException when a part names no format
   */
  public static Set<ReportFormat> parseList(String text) {
    Set<ReportFormat> formats = EnumSet.noneOf(ReportFormat.class);
    if (text == null) {
      return formats;
    }
    for (String part : text.split(",")) {
      String p = part.trim();
      if (!p.isEmpty() && !p.equalsIgnoreCase("none")) {
        formats.add(parse(p));
      }
    }
    return formats;
  }

  /**
   * The file name extension of a report in this format.
   *
   * @return {@code txt}, {@code json} or {@code sarif}
   */
  public String fileExtension() {
    return this == TEXT ? "txt" : name().toLowerCase(Locale.ROOT);
  }

  /**
   * The writer for this format. A SARIF report describes every rule of the registry ({@link
   * ScannerRegistry#rules()}); the text report takes the two display choices, which the other formats ignore.
   *
   * @param registry the scanners of the scan, for the rule catalogue
   * @param colour text only: severity colours (for a terminal)
   * @param verbose text only: also list clean files and nested members
   * @return a new writer
   */
  public ReportWriter writer(ScannerRegistry registry, boolean colour, boolean verbose) {
    return writer(registry, colour, verbose, java.nio.file.Path.of(""));
  }

  /**
   * The writer for this format, with the folder SARIF locations are made relative to.
   *
   * @param registry the scanners of the scan, for the rule catalogue
   * @param colour text only: severity colours (for a terminal)
   * @param verbose text only: also list clean files and nested members
   * @param sarifRoot SARIF only: the source root (see {@link SarifReportWriter#SarifReportWriter(java.util.Collection,
   *     java.nio.file.Path)})
   * @return a new writer
   */
  public ReportWriter writer(
      ScannerRegistry registry, boolean colour, boolean verbose, java.nio.file.Path sarifRoot) {
    switch (this) {
      case JSON:
        return new JsonReportWriter();
      case SARIF:
        return new SarifReportWriter(registry.rules(), sarifRoot);
      default:
        return new TextReportWriter(colour, verbose);
    }
  }
}
