package dev.modelscan.core;

import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.spi.SiblingFile;
import java.util.List;
import java.util.Set;

/**
 * The outcome of scanning one piece of content (an input file or a member), its members rolled up.
 *
 * @param format the format reported
 * @param status the status, members rolled up
 * @param reason why the status is not complete, for a person; empty when complete
 * @param scanner the scanner(s) that ran, empty when none
 * @param embedded the formats the content declared as legitimately embedded (no polyglot finding for them)
 * @param companions the neighbouring files the content's scanner declared as data of the model (depth 0 only)
 * @param unrecognised whether no scanner claimed the content (and no parent called it opaque data): decided here, by
 *     the dispatch, never read back from the human-readable reason
 */
record Outcome(
    String format,
    ScanStatus status,
    String reason,
    String scanner,
    Set<String> embedded,
    List<SiblingFile> companions,
    boolean unrecognised) {

  /** The format reported for content no scanner claims. */
  static final String UNKNOWN_FORMAT = "unknown";

  /** The status reason of content that no scanner claimed (and that no parent marked as opaque data). */
  static final String UNRECOGNISED = "no scanner recognised the content";

  Outcome {
    embedded = Set.copyOf(embedded);
    companions = List.copyOf(companions);
  }

  static Outcome of(String format, ScanStatus status, String reason, String scanner) {
    return new Outcome(format, status, reason, scanner, Set.of(), List.of(), false);
  }

  /** Content that no scanner claimed. */
  static Outcome unrecognisedContent() {
    return new Outcome(UNKNOWN_FORMAT, ScanStatus.SKIPPED, UNRECOGNISED, "", Set.of(), List.of(), true);
  }

  /** This outcome made at least {@code to}, with {@code more} added to the reason; no longer content read whole. */
  Outcome degraded(ScanStatus to, String more) {
    return new Outcome(
        format, status.worst(to), Reasons.join(reason, more), scanner, embedded, companions, false);
  }
}
