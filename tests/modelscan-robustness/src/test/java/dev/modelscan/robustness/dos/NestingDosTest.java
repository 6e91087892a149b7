package dev.modelscan.robustness.dos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.StandardRules;
import dev.modelscan.robustness.RequiresScanner;
import dev.modelscan.robustness.Samples;
import dev.modelscan.robustness.Scans;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** Archives in archives, generated in the test, far deeper than {@link ScanLimits#DEFAULT_MAX_NESTING_DEPTH}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class NestingDosTest {

  private static final int LEVELS = 40;

  @Test
  @RequiresScanner("zip")
  void zipInZipFortyLevelsDeepStopsAtTheNestingLimit() {
    byte[] content = Samples.EVIL_PICKLE_P0;
    for (int i = 0; i < LEVELS; i++) {
      content = Samples.zip(Map.of("level" + i + ".zip", content));
    }
    FileResult r = Scans.DEFAULT.scanBytes(content, "nested.zip");
    Dos.assertPartialWithFinding(r, "zip nested " + LEVELS + " deep");
    assertThat(Dos.has(r, StandardRules.LIMIT_REACHED.id())).as(Dos.describe(r)).isTrue();
    assertThat(r.findings()).as("a finding names the limit: %s", Dos.describe(r))
        .anyMatch(f -> f.message().contains("maxNestingDepth"));
  }

  @Test
  @RequiresScanner("compressed-stream")
  void gzipInGzipFortyLevelsDeepStopsAtTheNestingLimit() {
    byte[] content = Samples.EVIL_PICKLE_P0;
    for (int i = 0; i < LEVELS; i++) {
      content = Samples.gzip(content);
    }
    FileResult r = Scans.DEFAULT.scanBytes(content, "nested.gz");
    Dos.assertPartialWithFinding(r, "gzip nested " + LEVELS + " deep");
    assertThat(Dos.has(r, StandardRules.LIMIT_REACHED.id())).as(Dos.describe(r)).isTrue();
  }

  @Test
  @RequiresScanner({"tar", "zip"})
  void tarAndZipAlternatingStopsAtTheNestingLimit() {
    byte[] content = Samples.EVIL_PICKLE_P0;
    for (int i = 0; i < LEVELS; i++) {
      content = i % 2 == 0 ? Samples.tar("l" + i + ".zip", content) : Samples.zip(Map.of("l" + i + ".tar", content));
    }
    FileResult r = Scans.DEFAULT.scanBytes(content, "nested.zip");
    Dos.assertPartialWithFinding(r, "tar/zip nested " + LEVELS + " deep");
    assertThat(Dos.has(r, StandardRules.LIMIT_REACHED.id())).as(Dos.describe(r)).isTrue();
  }
}
