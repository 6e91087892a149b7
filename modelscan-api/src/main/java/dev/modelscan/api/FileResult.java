package dev.modelscan.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What was seen of one input file and of everything nested in it.
 *
 * <p>The status is the roll-up of the file and all its members: a file is {@link ScanStatus#COMPLETE} only if every
 * member is. The findings include those made in nested members; their {@link Location#entry()} tells where.
 *
 * @param path the input as given, or as walked under a given directory
 * @param size the file's size in bytes, or -1 when unknown
 * @param format the format the content was recognised as, or {@code "unknown"}
 * @param status how much was analysed
 * @param statusReason why the status is not {@link ScanStatus#COMPLETE}, or empty when it is
 * @param findings every finding, in the order they were made
 * @param members every nested item seen, in the order they were visited
 * @param exactPath the path written so that it names exactly one file, when {@code path} does not: on Linux a file
 *     name is bytes, and Java shows bytes that are not UTF-8 (in the platform's encoding) as U+FFFD, so two files can
 *     have the same {@code path}. Here valid UTF-8 stays as it is, every other byte is written {@code \xNN} and a
 *     backslash {@code \\}. Empty when {@code path} is exact.
 * @since 0.1
 */
public record FileResult(
    String path,
    long size,
    String format,
    ScanStatus status,
    String statusReason,
    List<Finding> findings,
    List<MemberResult> members,
    String exactPath) {

  /**
   * Validates the components and copies the lists.
   *
   * @param path path, not null
   * @param size size in bytes, or -1
   * @param format format id, not null
   * @param status status, not null
   * @param statusReason reason, not null
   * @param findings findings, not null
   * @param members members, not null
   * @param exactPath exact form of the path, or empty; not null
   */
  public FileResult {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(statusReason, "statusReason");
    findings = List.copyOf(findings);
    members = List.copyOf(members);
    Objects.requireNonNull(exactPath, "exactPath");
  }

  /**
   * A result whose path is exact (no {@link #exactPath()}).
   *
   * @param path path, not null
   * @param size size in bytes, or -1
   * @param format format id, not null
   * @param status status, not null
   * @param statusReason reason, not null
   * @param findings findings, not null
   * @param members members, not null
   */
  public FileResult(
      String path,
      long size,
      String format,
      ScanStatus status,
      String statusReason,
      List<Finding> findings,
      List<MemberResult> members) {
    this(path, size, format, status, statusReason, findings, members, "");
  }

  /**
   * The same result with an exact form of its path.
   *
   * @param exact see {@link #exactPath()}
   * @return a copy
   */
  public FileResult withExactPath(String exact) {
    return new FileResult(path, size, format, status, statusReason, findings, members, exact);
  }

  /**
   * The most severe finding's severity.
   *
   * @return the highest severity, or empty when there is no finding
   */
  public Optional<Severity> maxSeverity() {
    return findings.stream().map(Finding::severity).min(Enum::compareTo);
  }

  /**
   * Whether any finding reaches the threshold.
   *
   * @param threshold the severity threshold
   * @return true when a finding is at least as severe as {@code threshold}
   */
  public boolean hasFindingAtLeast(Severity threshold) {
    return findings.stream().anyMatch(f -> f.severity().isAtLeast(threshold));
  }
}
