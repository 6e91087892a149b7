package dev.modelscan.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.Location;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.Verdict;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportPolicyThresholdTest {

  private static ScanReport report(Severity threshold, Severity finding) {
    Finding f =
        Finding.builder(StandardRules.MALFORMED_CONTENT)
            .severity(finding)
            .location(new Location("m.pt", "", -1))
            .scanner("t")
            .message("m")
            .build();
    FileResult r = new FileResult("m.pt", 1, "pytorch", ScanStatus.COMPLETE, "", List.of(f), List.of());
    return new ScanReport("v", threshold, List.of(r), Duration.ZERO);
  }

  @Test
  void exitCodesFollowTheVerdict() {
    ReportPolicy p = ReportPolicy.defaults();
    assertThat(List.of(Verdict.values()).stream().map(p::exitCode)).containsExactly(0, 1, 2, 3);
    assertThat(ReportPolicy.EXIT_USAGE).isEqualTo(4);
  }

  @Test
  void thePolicysThresholdJudgesTheReport() {
    ScanReport low = report(Severity.MEDIUM, Severity.LOW);
    assertThat(ReportPolicy.defaults().severityThreshold()).isEqualTo(Severity.MEDIUM);
    assertThat(ReportPolicy.defaults().exitCode(low)).isEqualTo(0);
    ReportPolicy strict = ReportPolicy.builder().severityThreshold(Severity.LOW).build();
    assertThat(strict.apply(low).verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(strict.exitCode(low)).isEqualTo(1);
    assertThat(strict.apply(low).results()).isEqualTo(low.results());
    assertThat(ReportPolicy.defaults().apply(low)).isSameAs(low);
    assertThat(strict.rebuild().build()).isEqualTo(strict).hasSameHashCodeAs(strict).isNotEqualTo(ReportPolicy.defaults());
  }
}
