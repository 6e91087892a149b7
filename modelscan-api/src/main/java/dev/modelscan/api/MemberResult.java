package dev.modelscan.api;

import java.util.Objects;

/**
 * What was seen of one nested item of an input file: an archive member, a decompressed stream, a pickle embedded in
 * another format.
 *
 * @param entry the nested entry path (levels joined with {@link Location#ENTRY_SEPARATOR})
 * @param format the format the content was recognised as, or {@code "unknown"}
 * @param status how much of it was analysed
 * @param statusReason why the status is not {@link ScanStatus#COMPLETE}, or empty when it is
 * @param scanner the scanner that analysed it, or empty when none did
 * @since 0.1
 */
public record MemberResult(String entry, String format, ScanStatus status, String statusReason, String scanner) {

  /**
   * Validates the components.
   *
   * @param entry entry path, not null
   * @param format format id, not null
   * @param status status, not null
   * @param statusReason reason, not null
   * @param scanner scanner name, not null
   */
  public MemberResult {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(statusReason, "statusReason");
    Objects.requireNonNull(scanner, "scanner");
  }
}
