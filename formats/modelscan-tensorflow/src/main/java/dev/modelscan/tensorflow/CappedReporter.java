package dev.modelscan.tensorflow;

import dev.modelscan.api.Finding;
import dev.modelscan.api.Rule;
import dev.modelscan.api.spi.ScanContext;
import java.util.HashMap;
import java.util.Map;

/**
 * Reports at most {@value #MAX_PER_RULE} findings per rule and then one summary: a file with a million custom
 * operators or Keras layers needs examples, not a million findings (which would be a denial of service on the
 * report).
 */
final class CappedReporter {
  static final int MAX_PER_RULE = 50;

  private final ScanContext ctx;
  private final Map<String, Integer> counts = new HashMap<>();

  CappedReporter(ScanContext ctx) {
    this.ctx = ctx;
  }

  void report(Finding finding) {
    int n = counts.merge(finding.ruleId(), 1, Integer::sum);
    if (n <= MAX_PER_RULE) {
      ctx.report(finding);
    } else if (n == MAX_PER_RULE + 1) {
      ctx.report(
          ctx.finding(finding.rule())
              .severity(finding.severity())
              .message("more than " + MAX_PER_RULE + " findings of this rule; the rest are not reported")
              .build());
    }
  }

  /** Starts a finding, for {@link #report}. */
  Finding.Builder finding(Rule rule) {
    return ctx.finding(rule);
  }
}
