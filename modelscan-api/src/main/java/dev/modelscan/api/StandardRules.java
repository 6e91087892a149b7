package dev.modelscan.api;

/**
 * Rules that any scanner and the scan engine itself may report: limits, malformed content, disguised content and
 * scanner failures. Format-specific rules are declared by their scanners.
 *
 * @since 0.1
 */
public final class StandardRules {

  /** A scan limit stopped part of the analysis; the result is partial. */
  public static final Rule LIMIT_REACHED =
      Rule.of(
          "MODELSCAN-LIMIT-REACHED",
          "Scan limit reached",
          "Part of the content was not analysed because a scan limit was reached. Content that needs more than the"
              + " limits allow can also exhaust the resources of the loader.",
          Severity.LOW,
          ThreatType.DENIAL_OF_SERVICE);

  /** The content breaks its format's rules. */
  public static final Rule MALFORMED_CONTENT =
      Rule.of(
          "MODELSCAN-MALFORMED",
          "Malformed content",
          "The content breaks the rules of its format. Loaders may read it differently from scanners, which is how"
              + " payloads are hidden.",
          Severity.MEDIUM,
          ThreatType.MALFORMED_CONTENT);

  /** The file's name says one format and its bytes say another. */
  public static final Rule FORMAT_MISMATCH =
      Rule.of(
          "MODELSCAN-FORMAT-MISMATCH",
          "Extension disagrees with content",
          "The file name promises one format but the bytes are another. Loaders go by the bytes, so a pickle named"
              + " .safetensors still runs its code when loaded by a pickle-based loader.",
          Severity.MEDIUM,
          ThreatType.DISGUISED_CONTENT);

  /** A scanner failed on the content; the part it should have analysed was not. */
  public static final Rule SCANNER_ERROR =
      Rule.of(
          "MODELSCAN-SCANNER-ERROR",
          "Scanner error",
          "A scanner failed on this content, so it was not analysed. Hostile input is built to break parsers.",
          Severity.LOW,
          ThreatType.MALFORMED_CONTENT);

  /** Decompressed content grew past the ratio or size limits: a decompression bomb, or a hiding place. */
  public static final Rule DECOMPRESSION_BOMB =
      new Rule(
          "MODELSCAN-DECOMPRESSION-BOMB",
          "Decompression bomb",
          "A compressed member expands far beyond what its compressed size or the limits allow. Loaders that"
              + " decompress it exhaust memory or disk, and content beyond the limit was not analysed.",
          Severity.HIGH,
          ThreatType.DENIAL_OF_SERVICE,
          Cwe.DATA_AMPLIFICATION,
          OwaspMl.ML06_AI_SUPPLY_CHAIN);

  /** The same bytes are valid as two formats, so different loaders see different content. */
  public static final Rule POLYGLOT =
      Rule.of(
          "MODELSCAN-POLYGLOT",
          "Content valid as two formats",
          "The bytes are valid as more than one format (for example a pickle with a zip appended). A loader that"
              + " picks the other reading than a scanner sees content that the scanner did not judge; both readings"
              + " were scanned.",
          Severity.MEDIUM,
          ThreatType.DISGUISED_CONTENT);

  /**
   * The input file changed (size or modification time) while it was scanned; the result is partial.
   *
   * @since 0.1
   */
  public static final Rule INPUT_CHANGED =
      new Rule(
          "MODELSCAN-INPUT-CHANGED",
          "File changed during the scan",
          "The file's size or modification time changed while it was scanned, so the bytes analysed are not the"
              + " bytes a loader reads now: a file still being written, or content swapped after the check (a"
              + " time-of-check to time-of-use race).",
          Severity.MEDIUM,
          ThreatType.MALFORMED_CONTENT,
          new Cwe(367, "Time-of-check Time-of-use (TOCTOU) Race Condition"),
          OwaspMl.ML06_AI_SUPPLY_CHAIN);

  private StandardRules() {}

  /**
   * Every rule of this class, in the order declared: what the engine itself may report, whatever scanners are
   * registered (a SARIF report lists them so that viewers can describe every finding).
   *
   * @return an unmodifiable list
   * @since 0.2
   */
  public static java.util.List<Rule> all() {
    return java.util.List.of(
        LIMIT_REACHED, MALFORMED_CONTENT, FORMAT_MISMATCH, SCANNER_ERROR, DECOMPRESSION_BOMB, POLYGLOT, INPUT_CHANGED);
  }
}
