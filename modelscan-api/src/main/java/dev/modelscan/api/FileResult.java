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
 * @param target when {@code path} is a symbolic link (or one of several names of the same file), the file that was
 *     actually read, as a real path; empty when {@code path} itself was read. A file reached under several names is
 *     read once per scan and reported under each name, all with the same target.
 * @param origin where the file comes from, for files whose place says more than their path: {@code
 *     org/name@revision/path} for a file of a Hugging Face cache snapshot, or a note such as {@code org/name (orphan
 *     blob: no snapshot links to it)} for a cache blob that no scanned snapshot names; empty otherwise
 * @param sha256 the SHA-256 of the bytes that were scanned, in lowercase hex (64 characters), computed from the same
 *     open file (or spooled stream) the scanners read, so it names exactly the content that was judged; empty when the
 *     content was not read to its end: a file skipped for its size or failed before it was opened, a stream cut at
 *     a limit, a file that shrank while it was read. Nested members have no hash of their own: a finding in a member
 *     is identified by this hash and its {@link Location#entry()}.
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
    String exactPath,
    String target,
    String origin,
    String sha256) {

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
   * @param target resolved file, not null; empty when the path itself was read
   * @param origin origin, not null; empty when there is none
   * @param sha256 lowercase hex SHA-256 (64 characters), or empty when the content was not read to its end
   * @throws IllegalArgumentException when {@code sha256} is neither empty nor 64 lowercase hex digits
   */
  public FileResult {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(statusReason, "statusReason");
    findings = List.copyOf(findings);
    members = List.copyOf(members);
    Objects.requireNonNull(exactPath, "exactPath");
    Objects.requireNonNull(sha256, "sha256");
    if (!sha256.isEmpty() && !isSha256Hex(sha256)) {
      throw new IllegalArgumentException("sha256 must be empty or 64 lowercase hex digits: " + sha256);
    }
  }

  /**
   * A result without a content hash (see {@link #sha256()}).
   *
   * @param path path, not null
   * @param size size in bytes, or -1
   * @param format format id, not null
   * @param status status, not null
   * @param statusReason reason, not null
   * @param findings findings, not null
   * @param members members, not null
   * @param exactPath exact form of the path, or empty; not null
   * @param target resolved file, not null; empty when the path itself was read
   * @param origin origin, not null; empty when there is none
   */
  public FileResult(
      String path,
      long size,
      String format,
      ScanStatus status,
      String statusReason,
      List<Finding> findings,
      List<MemberResult> members,
      String exactPath,
      String target,
      String origin) {
    this(path, size, format, status, statusReason, findings, members, exactPath, target, origin, "");
  }

  /**
   * Whether a text is a SHA-256 as this type writes it: exactly 64 lowercase hex digits.
   *
   * @param text any text, not null
   * @return true when it is 64 characters of {@code 0-9a-f}
   */
  public static boolean isSha256Hex(String text) {
    if (text.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The same result with other findings and status: for steps that add to a finished result (a change noticed after
   * the scan, a report policy) without losing any other component.
   *
   * @param newStatus the status, not null
   * @param newReason the status reason, not null
   * @param newFindings the findings, not null
   * @return a copy
   */
  public FileResult withOutcome(ScanStatus newStatus, String newReason, List<Finding> newFindings) {
    return new FileResult(
        path, size, format, newStatus, newReason, newFindings, members, exactPath, target, origin, sha256);
  }

  /**
   * The same result with other findings: see {@link #withOutcome}.
   *
   * @param newFindings the findings, not null
   * @return a copy
   */
  public FileResult withFindings(List<Finding> newFindings) {
    return withOutcome(status, statusReason, newFindings);
  }

  /**
   * The same result with a content hash.
   *
   * @param hex see {@link #sha256()}
   * @return a copy
   */
  public FileResult withSha256(String hex) {
    return new FileResult(
        path, size, format, status, statusReason, findings, members, exactPath, target, origin, hex);
  }

  /**
   * The same result read through a link or under another name, and with its origin.
   *
   * @param resolved see {@link #target()}
   * @param from see {@link #origin()}
   * @return a copy
   */
  public FileResult withTargetAndOrigin(String resolved, String from) {
    return new FileResult(
        path, size, format, status, statusReason, findings, members, exactPath, resolved, from, sha256);
  }

  /**
   * A result for a file read under its own name, whose path is exact: no {@link #exactPath()}, no {@link #target()}
   * and no {@link #origin()}.
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
    this(path, size, format, status, statusReason, findings, members, "", "", "");
  }

  /**
   * The same result with an exact form of its path.
   *
   * @param exact see {@link #exactPath()}
   * @return a copy
   */
  public FileResult withExactPath(String exact) {
    return new FileResult(
        path, size, format, status, statusReason, findings, members, exact, target, origin, sha256);
  }

  /**
   * The most severe finding's severity, among the findings that are not {@linkplain Finding#isSuppressed()
   * suppressed}.
   *
   * @return the highest severity, or empty when there is no such finding
   */
  public Optional<Severity> maxSeverity() {
    return findings.stream().filter(f -> !f.isSuppressed()).map(Finding::severity).min(Enum::compareTo);
  }

  /**
   * Whether any finding that is not {@linkplain Finding#isSuppressed() suppressed} reaches the threshold.
   *
   * @param threshold the severity threshold
   * @return true when such a finding is at least as severe as {@code threshold}
   */
  public boolean hasFindingAtLeast(Severity threshold) {
    return findings.stream().anyMatch(f -> !f.isSuppressed() && f.severity().isAtLeast(threshold));
  }
}
