package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.testkit.RecordingScanContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16 item 5: a read across a FRAME's end is read differently by pickle.loads (on across the end) and by CPython's
 * C unpickler over a buffer that holds exactly the frame (Modules/_pickle.c _Unpickler_ReadImpl and
 * _Unpickler_Readline drop the rest of the frame: torch.load's io.BytesIO, frames of 8 KiB and more read from a
 * file). Both readings are analysed, and the misaligned frame is reported. Fixtures: generate_parsing.py frames().
 */
class PickleFrameReadingsTest {

  @ParameterizedTest
  @ValueSource(strings = {"frame_straddle_string.pkl", "frame_straddle_global.pkl"})
  void aPayloadOnlyTheExactFrameReadingRunsIsFound(String fixture) {
    RecordingScanContext ctx = Fixtures.pickle(fixture);
    assertThat(Fixtures.operators(ctx)).as(ctx.toString()).contains("posix.system");
    assertThat(ctx.findings())
        .filteredOn(f -> f.ruleId().equals("PICKLE-LOADER-DIFFERENTIAL"))
        .isNotEmpty()
        .allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
  }

  @Test
  void theContiguousReadingIsAnalysedToo() {
    // pickle.loads imports notposix.system (an unknown global) where the exact-frame reading imports posix.system
    RecordingScanContext ctx = Fixtures.pickle("frame_straddle_global.pkl");
    assertThat(Fixtures.operators(ctx)).contains("posix.system", "notposix.system");
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void aFrameThatEndsInsideAnOpcodeWithoutAReadAcrossItIsReported() {
    // the frame ends between BINUNICODE's length and its data: every loader reads the same, but no pickler writes it
    byte[] b = new Ops().proto(4).raw(0x95).raw(5, 0, 0, 0, 0, 0, 0, 0).raw('X', 2, 0, 0, 0).text("ab.").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(ctx.findings())
        .filteredOn(f -> f.ruleId().equals("PICKLE-LOADER-DIFFERENTIAL"))
        .singleElement()
        .satisfies(f -> assertThat(f.message()).contains("ends inside the opcode at offset 11"));
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void frameDecisionsAreExploredUpToTheLimitThenThePickleIsPartial() {
    // six frames, each cut inside a 2-byte string: 2^6 readings, more than MAX_READINGS
    Ops o = new Ops().proto(4);
    for (int i = 0; i < 6; i++) {
      o.raw(0x95).raw(3, 0, 0, 0, 0, 0, 0, 0).raw(0x8c, 2).text("a").text("b0");
    }
    byte[] b = o.text("N.").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anySatisfy(r -> assertThat(r).contains("readings"));
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains("PICKLE-LOADER-DIFFERENTIAL");
  }

  @Test
  void aFewFrameDecisionsAreAllExplored() {
    // two frames cut inside strings: four readings, all analysed; the payload runs only when the second one drops.
    // The payload is 100 bytes and starts with 'c' (99): read on across the second frame's end, 'C' takes that byte
    // as its length and swallows the other 99.
    byte[] p = new Ops().text("cposix\nsystem\n").raw('X', 78, 0, 0, 0).text("echo hi" + " ".repeat(71))
        .raw(0x85).raw('R').raw('0').bytes();
    assertThat(p).hasSize(100);
    Ops o = new Ops().proto(4);
    // frame 1: 'a' inside, "b0" after: loads reads "ab" then POP; dropping reads "b0" as the string
    o.raw(0x95).raw(3, 0, 0, 0, 0, 0, 0, 0).raw(0x8c, 2).text("a").text("b0");
    // frame 2: 'x' inside; loads reads "xy", then 'C' 99 over the payload; dropping reads "yC", then the payload
    o.raw(0x95).raw(3, 0, 0, 0, 0, 0, 0, 0).raw(0x8c, 2).text("x").text("yC");
    byte[] b = o.raw(p).text(".").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(Fixtures.operators(ctx)).contains("posix.system");
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sklearn_logreg.pkl", "sklearn_hgb.pkl", "torch_zip_data.pkl", "p4_eval.pkl"})
  void framesPicklersWriteAreNotReported(String fixture) {
    RecordingScanContext ctx = Fixtures.pickle(fixture);
    assertThat(ctx.findings()).extracting(Finding::ruleId).doesNotContain("PICKLE-LOADER-DIFFERENTIAL");
  }
}
