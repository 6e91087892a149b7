package dev.modelscan.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScanLimitsTest {

  @Test
  void defaultsAreTheDocumentedConstants() {
    ScanLimits d = ScanLimits.defaults();
    assertThat(d.maxNestingDepth()).isEqualTo(ScanLimits.DEFAULT_MAX_NESTING_DEPTH).isEqualTo(10);
    assertThat(d.maxArchiveMembers()).isEqualTo(10_000);
    assertThat(d.maxMemberBytes()).isEqualTo(2L << 30);
    assertThat(d.maxTotalDecompressedBytes()).isEqualTo(8L << 30);
    assertThat(d.maxCompressionRatio()).isEqualTo(200);
    assertThat(d.maxHeaderBytes()).isEqualTo(100_000_000L);
    assertThat(d.maxStringBytes()).isEqualTo(16 << 20);
    assertThat(d.maxJsonDepth()).isEqualTo(256);
    assertThat(d.scanTimeout()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void heapDerivedDefaultsFollowTheFormula() {
    // -Xmx64m: a vocabulary of millions of memoized strings must stop at the limit before the heap runs out.
    assertThat(ScanLimits.heapDerived(64L << 20, 1_000_000, 512)).isEqualTo(131_072);
    assertThat(ScanLimits.heapDerived(256L << 20, 1_000_000, 512)).isEqualTo(524_288);
    assertThat(ScanLimits.heapDerived(512L << 20, 1_000_000, 512)).isEqualTo(1_000_000);
    assertThat(ScanLimits.heapDerived(8L << 30, 1_000_000, 512)).isEqualTo(1_000_000);
    assertThat(ScanLimits.heapDerived(Long.MAX_VALUE, 1_000_000, 512)).isEqualTo(1_000_000);
    assertThat(ScanLimits.heapDerived(1L << 20, 1_000_000, 512)).isEqualTo(4096);
    assertThat(ScanLimits.heapDerived(64L << 20, 200_000, 2048)).isEqualTo(32_768);
    assertThat(ScanLimits.heapDerived(400L << 20, 200_000, 2048)).isEqualTo(200_000);
  }

  @Test
  void rebuildChangesOnlyWhatIsSetAndKeepsTheOriginal() {
    ScanLimits changed = ScanLimits.defaults().rebuild().maxNestingDepth(3).maxJsonDepth(7).build();
    assertThat(changed.maxNestingDepth()).isEqualTo(3);
    assertThat(changed.maxJsonDepth()).isEqualTo(7);
    assertThat(changed.maxArchiveMembers()).isEqualTo(ScanLimits.DEFAULT_MAX_ARCHIVE_MEMBERS);
    assertThat(ScanLimits.defaults().maxNestingDepth()).isEqualTo(10);
    assertThat(changed).isNotEqualTo(ScanLimits.defaults());
    assertThat(changed.rebuild().build()).isEqualTo(changed).hasSameHashCodeAs(changed);
    assertThat(changed.toString()).contains("maxNestingDepth=3");
  }

  @Test
  void nonPositiveLimitsAreRejectedWithTheSettingName() {
    assertThatThrownBy(() -> ScanLimits.builder().maxNestingDepth(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxNestingDepth");
    assertThatThrownBy(() -> ScanLimits.builder().maxMemberBytes(-1)).hasMessageContaining("maxMemberBytes");
    assertThatThrownBy(() -> ScanLimits.builder().scanTimeout(Duration.ZERO)).hasMessageContaining("scanTimeout");
  }

  @Test
  void exceededExceptionQuotesTheSettingToChange() {
    ScanLimitExceededException e =
        new ScanLimitExceededException(LimitType.ARCHIVE_MEMBERS, 10, 11, "zip model.zip");
    assertThat(e.getMessage()).isEqualTo("zip model.zip needs 11; maxArchiveMembers (--max-archive-members) is 10");
    assertThat(e.limitType()).isEqualTo(LimitType.ARCHIVE_MEMBERS);
    assertThat(e.limit()).isEqualTo(10);
    assertThat(e.requested()).isEqualTo(11);
  }

  @Test
  void checkThrowsOnlyPastTheLimitAndNamesTheSetting() {
    ScanLimits l = ScanLimits.builder().maxStringBytes(10).scanTimeout(Duration.ofSeconds(2)).build();
    l.check(LimitType.STRING_BYTES, 10, "a string");
    ScanLimitExceededException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ScanLimitExceededException.class, () -> l.check(LimitType.STRING_BYTES, 11, "a string at 4"));
    assertThat(e.getMessage()).isEqualTo("a string at 4 needs 11; maxStringBytes (--max-string-bytes) is 10");
    assertThat(e.limitType()).isEqualTo(LimitType.STRING_BYTES);
    assertThat(l.exceeded(LimitType.SCAN_TIMEOUT, -1, "scan of f").getMessage())
        .isEqualTo("scan of f exceeds the limit; scanTimeout (--scan-timeout) is 2000");
    // Every neutral limit but the file size (a setting of ScanSettings) has a value here.
    for (LimitType t : LimitType.values()) {
      if (t == LimitType.FILE_SIZE) {
        assertThatThrownBy(() -> l.value(t)).hasMessageContaining("maxFileSize");
      } else {
        assertThat(l.value(t)).as(t.name()).isPositive();
      }
    }
  }
}
