package dev.modelscan.robustness.dos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.robustness.Scans;

/**
 * The denial-of-service contract: the scan ends (the test's timeout), fits the small heap, is not COMPLETE, and says
 * why.
 */
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
    assertThat(r.status()).as("%s must not be COMPLETE: %s", what, describe(r)).isNotEqualTo(ScanStatus.COMPLETE);
    assertThat(r.findings()).as("%s must leave a finding: %s", what, describe(r)).isNotEmpty();
  }

  /**
   * Asserts the result is sane and carries a finding at MEDIUM or above (the default verdict threshold), for attacks
   * a scanner recognises while still analysing everything: the result may then be COMPLETE, but never clean.
   *
   * @param r the result
   * @param what the attack, for messages
   */
  static void assertReported(FileResult r, String what) {
    Scans.assertSane(r, what);
    assertThat(r.hasFindingAtLeast(Severity.MEDIUM)).as("%s must be reported: %s", what, describe(r)).isTrue();
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
