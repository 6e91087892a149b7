package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.testkit.RecordingScanContext;
import dev.modelscan.pickle.settings.PickleSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every bound of the machine is hit by a test; findings made before the bound are kept; the result is partial. */
class PickleLimitsTest {

  private static ScanSettings limits(ScanLimits.Builder b) {
    return ScanSettings.builder().limits(b.build()).build();
  }

  private static ScanSettings pickle(PickleSettings.Builder b) {
    return ScanSettings.builder().extension(PickleSettings.class, b.build()).build();
  }

  private static void assertLimit(RecordingScanContext ctx, String settingName) {
    assertThat(ctx.findings())
        .filteredOn(f -> f.ruleId().equals("MODELSCAN-LIMIT-REACHED"))
        .singleElement()
        .satisfies(f -> assertThat(f.message()).contains(settingName));
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void stackDepth() {
    byte[] b = new Ops().raw(Fixtures.bytes("p0_os_system.pkl")).proto(2).repeat("N", 500).text(".").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, pickle(PickleSettings.builder().maxPickleStackSize(100)));
    assertLimit(ctx, "maxPickleStackSize");
    assertThat(Fixtures.operators(ctx)).contains("os.system"); // the payload before the limit is kept
  }

  @Test
  void markDepth() {
    byte[] b = new Ops().proto(2).repeat("(", 500).text(".").bytes();
    assertLimit(
        Fixtures.pickleBytes(b, pickle(PickleSettings.builder().maxPickleStackSize(100))), "maxPickleStackSize");
  }

  @Test
  void memoSize() {
    Ops o = new Ops().proto(2).global("os", "system");
    for (int i = 0; i < 50; i++) {
      o.raw('q', i);
    }
    RecordingScanContext ctx =
        Fixtures.pickleBytes(o.text(".").bytes(), pickle(PickleSettings.builder().maxPickleMemoSize(10)));
    assertLimit(ctx, "maxPickleMemoSize");
    assertThat(Fixtures.operators(ctx)).contains("os.system");
  }

  @Test
  void distinctImportsAreBoundedByTheMemoSettingTheMessageNames() {
    Ops o = new Ops().proto(2).global("os", "system").text("0");
    for (int i = 0; i < 30; i++) {
      o.global("pkg" + i, "f").text("0");
    }
    byte[] b = o.text("N.").bytes();
    // One import per MEMO_BYTES_PER_IMPORT bytes of the memo budget: 10 of them allow 10 distinct imports, and
    // raising the named setting lifts the bound.
    int tenImports = 10 * PickleSettings.MEMO_BYTES_PER_IMPORT;
    RecordingScanContext ctx = Fixtures.pickleBytes(b, pickle(PickleSettings.builder().maxPickleMemoSize(tenImports)));
    assertLimit(ctx, "maxPickleMemoSize (--max-pickle-memo-size) is " + tenImports);
    assertThat(ctx.findings()).anySatisfy(f -> assertThat(f.message()).contains("distinct imports"));
    assertThat(Fixtures.operators(ctx)).contains("os.system");
    RecordingScanContext raised =
        Fixtures.pickleBytes(b, pickle(PickleSettings.builder().maxPickleMemoSize(40 * PickleSettings.MEMO_BYTES_PER_IMPORT)));
    assertThat(raised.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void hugeMemoIndicesUseNoArraySizedByIndex() {
    // LONG_BINPUT 0xfffffff0: a memo sized by index would need gigabytes
    byte[] b = new Ops().proto(2).raw('N').raw('r', 0xf0, 0xff, 0xff, 0xff).raw('j', 0xf0, 0xff, 0xff, 0xff)
        .text(".").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void opcodeCount() {
    byte[] b = new Ops().raw(Fixtures.bytes("p0_os_system.pkl")).proto(2).repeat("N0", 500).text("N.").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, pickle(PickleSettings.builder().maxPickleOpcodes(100)));
    assertLimit(ctx, "maxPickleOpcodes");
    assertThat(Fixtures.operators(ctx)).contains("os.system");
  }

  @Test
  void lineLength() {
    byte[] b = new Ops().text("S'").repeat("a", 5000).text("'\n.").bytes();
    assertLimit(Fixtures.pickleBytes(b, limits(ScanLimits.builder().maxStringBytes(1000))), "maxStringBytes");
  }

  @Test
  void linesLongerThanTheBufferButWithinTheLimitAreRead() {
    byte[] b =
        new Ops().proto(2).global("os", "system").text("(S'").repeat("a", 200_000).text("'\ntR.").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(Fixtures.operators(ctx)).contains("os.system");
  }

  @Test
  void deadline() {
    byte[] b = new Ops().proto(2).repeat("N0", 20_000).text("N.").bytes();
    RecordingScanContext ctx =
        Fixtures.pickleBytes(b, limits(ScanLimits.builder().scanTimeout(Duration.ofNanos(1))));
    assertLimit(ctx, "scanTimeout");
  }

  @Test
  void junkTrialsAreBoundedByTheOpcodeLimit() {
    // a benign pickle followed by a long run of bytes that each parse as one opcode and never reach STOP
    byte[] b = new Ops().raw(Fixtures.bytes("benign_ordereddict.pkl")).repeat("N", 20_000).bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, pickle(PickleSettings.builder().maxPickleOpcodes(100_000)));
    assertLimit(ctx, "maxPickleOpcodes");
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains("PICKLE-TRAILING-DATA");
  }

  @Test
  void distinctFindingsAreCapped() {
    // 10,050 distinct unknown globals: the report stays bounded and the result says so
    Ops o = new Ops().proto(2);
    for (int i = 0; i < PickleAnalysis.MAX_FINDINGS + 50; i++) {
      o.global("pkg" + i, "C").text("0");
    }
    RecordingScanContext ctx = Fixtures.pickleBytes(o.text("N.").bytes(), ScanSettings.defaults());
    assertThat(ctx.findings()).hasSize(PickleAnalysis.MAX_FINDINGS);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void declaredLengthsBeyondTheContentAreNotAllocated() {
    // BINBYTES8 / BINUNICODE8 / FRAME claiming 2^62 bytes in a file of a few bytes
    for (int op : new int[] {0x8e, 0x8d, 0x96}) {
      byte[] b = new Ops().proto(4).raw(op).raw(0, 0, 0, 0, 0, 0, 0, 0x40).text(".").bytes();
      RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
      assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
      assertThat(ctx.findings()).extracting(Finding::ruleId).contains("MODELSCAN-MALFORMED");
    }
  }
}
