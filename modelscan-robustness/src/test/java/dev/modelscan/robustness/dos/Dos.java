package dev.modelscan.robustness.dos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.robustness.Scans;

/** The denial-of-service contract: the scan ends (the test's timeout), fits the small heap, is not COMPLETE, and says why. */
final class Dos {
  private Dos() {}

  /**
   * Asserts the result is sane, not complete, and carries at least one finding.
   *
   * @param r the result
   * @param what the attack, for messages
   */
  static void assertPartialWithFinding(FileResult r, String what) {
    Scans.assertSane(r, what);
    assertThat(r.status()).as("%s must not be COMPLETE: %s", what, r.statusReason()).isNotEqualTo(ScanStatus.COMPLETE);
    assertThat(r.findings()).as("%s must leave a finding (status %s: %s)", what, r.status(), r.statusReason())
        .isNotEmpty();
  }

  /**
   * Whether a finding of the rule is present.
   *
   * @param r the result
   * @param ruleId the rule id
   * @return true when present
   */
  static boolean has(FileResult r, String ruleId) {
    return r.findings().stream().map(Finding::ruleId).anyMatch(ruleId::equals);
  }

  /**
   * A description of the result for assertion messages.
   *
   * @param r the result
   * @return status, reason and findings
   */
  static String describe(FileResult r) {
    StringBuilder sb = new StringBuilder(r.status() + " (" + r.statusReason() + ")");
    for (Finding f : r.findings()) {
      sb.append("\n  ").append(f.ruleId()).append(' ').append(f.severity()).append(": ").append(f.message());
    }
    return sb.toString();
  }
}
