package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.testkit.RecordingScanContext;
import dev.modelscan.pickle.settings.PickleSettings;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * After a pickle, every byte of what follows is tried as the start of a hidden pickle. A trial that starts with a
 * text-line opcode reads to the next newline, so junk made of one long line must not be read again from each of its
 * bytes: without a newline the search ends each trial at once (and completes); with one, the line bytes count against
 * the opcode limit (and the scan ends partial). The timeout only guards against a hang: reading a MiB of junk from
 * every byte would take many minutes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class PickleJunkSearchTest {

  private static final int MIB = 1 << 20;

  private static byte[] afterAPickle(byte[] junk) {
    return new Ops().text("N.").raw(junk).bytes();
  }

  private static byte[] repeated(char c, int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) c);
    return b;
  }

  private static boolean trailing(RecordingScanContext ctx) {
    return ctx.findings().stream().map(Finding::ruleId).anyMatch(PickleRules.TRAILING_DATA.id()::equals);
  }

  /** Every opcode that reads a text line: UNICODE, PERSID, STRING, GET, PUT, INT, LONG, FLOAT, GLOBAL, INST. */
  @ParameterizedTest
  @ValueSource(chars = {'V', 'P', 'S', 'g', 'p', 'I', 'L', 'F', 'c', 'i'})
  void aMebibyteOfJunkWithoutANewlineIsSearchedCompletely(char opcode) {
    RecordingScanContext ctx = Fixtures.pickleBytes(afterAPickle(repeated(opcode, MIB)), ScanSettings.defaults());
    assertThat(ctx.status()).as(ctx.partialReasons().toString()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(trailing(ctx)).isTrue();
  }

  @Test
  void aPickleHiddenAfterJunkWithoutANewlineIsFound() {
    // protocol 4 with STACK_GLOBAL: no newline anywhere after the first pickle
    byte[] b = new Ops().text("N.").raw(repeated('V', MIB)).proto(4).su("os").su("system").raw(0x93)
        .su("echo hi").raw(0x85).raw('R').text(".").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(Fixtures.operators(ctx)).contains("os.system");
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void aPickleHiddenAfterALongLineOfJunkLeavesTheScanPartialNotClean() {
    // The line of junk ends at the hidden pickle's first newline: every trial reads up to it, the search hits the
    // opcode limit before it reaches the pickle, and the scan says so instead of passing as complete
    byte[] b = new Ops().text("N.").raw(repeated('V', MIB)).raw(0).text("cos\nsystem\n(S'echo hi'\ntR.").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anySatisfy(r -> assertThat(r).contains("maxPickleOpcodes"));
  }

  @Test
  void junkOfOneLongLineEndsAtTheOpcodeLimit() {
    byte[] junk = new Ops().raw(repeated('V', MIB)).text("\n").bytes();
    ScanSettings settings =
        ScanSettings.builder().extension(PickleSettings.class, PickleSettings.builder().maxPickleOpcodes(50_000_000).build()).build();
    RecordingScanContext ctx = Fixtures.pickleBytes(afterAPickle(junk), settings);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.findings())
        .filteredOn(f -> f.ruleId().equals("MODELSCAN-LIMIT-REACHED"))
        .singleElement()
        .satisfies(f -> assertThat(f.message()).contains("maxPickleOpcodes"));
    assertThat(trailing(ctx)).isTrue();
  }

  @Test
  void aShortLineOfJunkIsSearchedWithinTheLimit() {
    // 2,000 trials of up to 2,000 line bytes: about two million, far below the limit
    byte[] junk = new Ops().raw(repeated('V', 2_000)).text("\n").bytes();
    ScanSettings settings =
        ScanSettings.builder().extension(PickleSettings.class, PickleSettings.builder().maxPickleOpcodes(50_000_000).build()).build();
    RecordingScanContext ctx = Fixtures.pickleBytes(afterAPickle(junk), settings);
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(trailing(ctx)).isTrue();
  }

  @Test
  void theLinesOfThePickleItselfAreNotCounted() {
    // A protocol 0 pickle with a 5 MiB UNICODE line runs two opcodes: a limit of 3 is enough
    byte[] b = new Ops().text("V").raw(repeated('a', 5 * MIB)).text("\n.").bytes();
    ScanSettings settings =
        ScanSettings.builder().extension(PickleSettings.class, PickleSettings.builder().maxPickleOpcodes(3).build()).build();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, settings);
    assertThat(ctx.status()).as(ctx.partialReasons().toString()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(ctx.findings()).isEmpty();
  }

  @Test
  void bytesThatAreNoOpcodeCostOneOpcodeEachAndHidePickleUntilTheLimit() {
    // 10,000 bytes of 0xff (no opcode), then a pickle: each byte is one failed trial of one opcode
    byte[] b = new Ops().text("N.").raw(repeated((char) 0xff, 10_000)).proto(4).su("os").su("system").raw(0x93)
        .su("echo hi").raw(0x85).raw('R').text(".").bytes();
    RecordingScanContext found = Fixtures.pickleBytes(b,
        ScanSettings.builder().extension(PickleSettings.class, PickleSettings.builder().maxPickleOpcodes(20_000).build()).build());
    assertThat(Fixtures.operators(found)).contains("os.system");
    assertThat(found.status()).isEqualTo(ScanStatus.COMPLETE);
    RecordingScanContext stopped = Fixtures.pickleBytes(b,
        ScanSettings.builder().extension(PickleSettings.class, PickleSettings.builder().maxPickleOpcodes(9_000).build()).build());
    assertThat(stopped.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(stopped.partialReasons()).anySatisfy(r -> assertThat(r).contains("maxPickleOpcodes"));
    assertThat(Fixtures.operators(stopped)).doesNotContain("os.system");
  }

  @Test
  void aTrialDoesNotSeeTheMemoOfAnEarlierOne() {
    // Trial one stores "builtins" and "eval" far ahead in the memo (slots 65534, 65535) and breaks; trial two fetches
    // both and calls the result. Each trial is a load of its own, so trial two breaks at its first fetch: were the
    // slots left over, it would import builtins.eval.
    Ops o = new Ops().text("N.");
    o.proto(4).su("builtins").raw('r', 0xfe, 0xff, 0, 0).su("eval").raw('r', 0xff, 0xff, 0, 0).raw(0xff);
    o.proto(4).raw('j', 0xfe, 0xff, 0, 0).raw('j', 0xff, 0xff, 0, 0).raw(0x93).su("1+1").raw(0x85).raw('R').text(".");
    RecordingScanContext ctx = Fixtures.pickleBytes(o.bytes(), ScanSettings.defaults());
    assertThat(Fixtures.operators(ctx)).doesNotContain("builtins.eval");
    assertThat(trailing(ctx)).isTrue();
  }

  @Test
  void junkLongerThanALineMayBeStillHitsTheStringLimit() {
    // No newline, and more bytes than maxStringBytes: the first trial reads a line over the limit, as before
    ScanSettings settings =
        ScanSettings.builder().limits(ScanLimits.builder().maxStringBytes(1_000).build()).build();
    RecordingScanContext ctx = Fixtures.pickleBytes(afterAPickle(repeated('V', 5_000)), settings);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anySatisfy(r -> assertThat(r).contains("maxStringBytes"));
  }
}
