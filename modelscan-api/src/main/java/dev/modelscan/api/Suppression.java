package dev.modelscan.api;

import java.util.Objects;

/**
 * Why a finding no longer decides the verdict: it was already present in a baseline report, or a person accepted it
 * (by the file's SHA-256 and the rule) and said why. A suppressed finding stays in every report, marked with this, and
 * does not count towards the verdict or the exit code.
 *
 * @param kind where the suppression comes from
 * @param reason for a person: which baseline, or the reason given with the suppression; never blank
 * @since 0.1
 */
public record Suppression(Kind kind, String reason) {

  /**
   * Where a suppression comes from.
   *
   * @since 0.1
   */
  public enum Kind {
    /** The same finding (same file content, rule and entry) is in the baseline report the scan was compared with. */
    BASELINE,
    /** A person accepted findings of this rule in a file with this SHA-256, with a reason. */
    ACCEPTED
  }

  /**
   * Validates the components.
   *
   * @param kind kind, not null
   * @param reason reason, not null and not blank
   * @throws IllegalArgumentException when the reason is blank
   */
  public Suppression {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reason, "reason");
    if (reason.isBlank()) {
      throw new IllegalArgumentException("a suppression needs a reason");
    }
  }
}
