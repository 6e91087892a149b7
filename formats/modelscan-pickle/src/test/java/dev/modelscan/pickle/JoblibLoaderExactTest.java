package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.core.ModelScan;
import dev.modelscan.testkit.RecordingScanContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16 item 3: the raw array bytes after a NumpyArrayWrapper's BUILD are skipped exactly as joblib reads them
 * (joblib/numpy_pickle.py NumpyUnpickler.load_build and NumpyArrayWrapper.read_array, with the dtype NumPy's
 * arraydescr_setstate builds), and a wrapper joblib would read differently from this model is reported and read as
 * opcodes. Fixtures and their generator: generate_parsing.py (joblib_tricks, joblib_dumps).
 */
class JoblibLoaderExactTest {

  private static final ModelScan ENGINE = ModelScan.builder().build();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "joblib_dtypes_aligned.joblib",
        "joblib_dtypes_unaligned.joblib",
        "joblib_dtypes_protocol2.joblib",
        "joblib_dtypes_protocol0.joblib"
      })
  void realJoblibDumpsAreCleanAndComplete(String fixture) {
    // f4, >i8, U, S, bool, c16, M8[ns], structures (one with an object field), object arrays, empty, Fortran order;
    // a seekable file (padding), a stream (numpy_array_alignment_bytes=None), protocols 4, 2 and 0
    RecordingScanContext ctx = Fixtures.pickle(fixture);
    assertThat(ctx.findings()).as(ctx.toString()).isEmpty();
    assertThat(ctx.status()).as(ctx.toString()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(ctx.format()).isEqualTo("joblib");
    FileResult r = ENGINE.scanBytes(Fixtures.bytes(fixture), fixture);
    assertThat(r.hasFindingAtLeast(Severity.LOW)).as(r.toString()).isFalse();
    assertThat(r.status()).as(r.toString()).isEqualTo(ScanStatus.COMPLETE);
  }

  /** Each hides posix.system('echo hi') from a reading that does not follow joblib and NumPy exactly. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "joblib_alignment_none.joblib",
        "joblib_newobj_reduce.joblib",
        "joblib_reconstructor.joblib",
        "joblib_flags_hasobject.joblib",
        "joblib_subarray_hasobject.joblib",
        "joblib_ignored_elsize.joblib",
        "joblib_repeated_key.joblib",
        "joblib_frame_past_build.joblib"
      })
  void payloadsJoblibRunsAreFound(String fixture) {
    RecordingScanContext ctx = Fixtures.pickle(fixture);
    assertThat(Fixtures.operators(ctx)).as(ctx.toString()).contains("posix.system");
    assertThat(Fixtures.atLeast(ctx, Severity.CRITICAL)).isNotEmpty();
    FileResult r = ENGINE.scanBytes(Fixtures.bytes(fixture), fixture);
    assertThat(r.hasFindingAtLeast(Severity.CRITICAL)).as(r.toString()).isTrue();
  }

  @Test
  void aFramePastTheBuildIsADifferentialAndNotComplete() {
    RecordingScanContext ctx = Fixtures.pickle("joblib_frame_past_build.joblib");
    assertThat(ctx.findings())
        .filteredOn(f -> f.ruleId().equals("PICKLE-LOADER-DIFFERENTIAL"))
        .anySatisfy(f -> assertThat(f.message()).contains("FRAME it is in runs on"));
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void constructionsJoblibReadsExactlyAreNotReported() {
    // NEWOBJ_EX and INST without arguments make bare instances, like NEWOBJ: no alignment attribute, no padding
    Ops newobjEx = wrapperStart().raw(')').raw('}').raw(0x92);
    Ops inst = new Ops().proto(4).raw('(').text("ijoblib.numpy_pickle\nNumpyArrayWrapper\n");
    for (Ops o : new Ops[] {newobjEx, inst}) {
      byte[] b = u1State(o, 3, "").raw(0, 0, 0).text(".").bytes();
      RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
      assertThat(ctx.findings()).as(ctx.toString()).isEmpty();
      assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
    }
  }

  @Test
  void aDirectClassCallRunsInitWhichDefaultsTheAlignmentTo16() {
    // NumpyArrayWrapper(ndarray, (3,), 'C', dtype): __init__ sets numpy_array_alignment_bytes=16, so joblib reads a
    // padding length byte; here it skips 2 padding bytes and 3 data bytes before the payload
    Ops o = wrapperStart().raw('(').su("numpy").su("ndarray").raw(0x93).raw('K', 3).raw(0x85).su("C");
    o.su("numpy").su("dtype").raw(0x93).su("u1").raw(0x89, 0x88, 0x87).raw('R').raw('t').raw('R');
    byte[] b = o.raw('}').raw('b').raw(2, 0xff, 0xff).raw(0xff, 0xff, 0xff)
        .raw(payloadBody()).text(".").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(Fixtures.operators(ctx)).contains("posix.system");
    assertThat(ctx.findings()).extracting(Finding::ruleId).doesNotContain("PICKLE-LOADER-DIFFERENTIAL");
  }

  @Test
  void aConstructionJoblibNeverWritesIsReportedAndReadAsOpcodes() {
    // object.__new__(NumpyArrayWrapper): an instance joblib reads, made by a call this scan does not model
    Ops o = new Ops().proto(4).su("builtins").su("object.__new__").raw(0x93)
        .su("joblib.numpy_pickle").su("NumpyArrayWrapper").raw(0x93).raw(0x85).raw('R');
    byte[] b = u1State(o, 0, "").raw(payloadBody()).text(".").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains("PICKLE-LOADER-DIFFERENTIAL");
    assertThat(Fixtures.operators(ctx)).contains("posix.system");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void aSecondBuildOfTheSameWrapperIsReported() {
    // the wrapper is memoised, built (an empty array is read), fetched back and built again
    Ops o = wrapperStart().raw(')').raw(0x81).raw(0x94);
    byte[] b = u1State(o, 0, "").raw('0').raw('h', 0).raw('}').raw('b').raw(payloadBody()).text(".").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(ctx.findings())
        .filteredOn(f -> f.ruleId().equals("PICKLE-LOADER-DIFFERENTIAL"))
        .anySatisfy(f -> assertThat(f.message()).contains("second BUILD"));
    assertThat(Fixtures.operators(ctx)).contains("posix.system");
  }

  @Test
  void thePickleLoadReadingOfAJoblibFileIsAnalysedToo() {
    // joblib skips 99 padding bytes; pickle.load reads the padding length byte 'c' as GLOBAL posix.system
    byte[] p = payloadBody();
    Ops o = u1State(wrapperStart().raw(')').raw(0x81), 0, ",16");
    byte[] b = o.raw(p).raw(new byte[99 - p.length + 1]).text(".").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(Fixtures.operators(ctx)).contains("posix.system");
  }

  private static Ops wrapperStart() {
    return new Ops().proto(4).su("joblib.numpy_pickle").su("NumpyArrayWrapper").raw(0x93);
  }

  /**
   * The BUILD of a wrapper of a u1 array of {@code n} elements (state dict; numpy_array_alignment_bytes=16 when
   * {@code alignment} is ",16").
   */
  private static Ops u1State(Ops o, int n, String alignment) {
    o.raw('}').raw('(').su("shape").raw('K', n).raw(0x85);
    o.su("dtype").su("numpy").su("dtype").raw(0x93).su("u1").raw(0x89, 0x88, 0x87).raw('R');
    if (!alignment.isEmpty()) {
      o.su("numpy_array_alignment_bytes").raw('K', Integer.parseInt(alignment.substring(1)));
    }
    return o.raw('u').raw('b');
  }

  /** posix.system('echo hi'), its result popped. */
  private static byte[] payloadBody() {
    return new Ops().text("cposix\nsystem\n").raw('X', 7, 0, 0, 0).text("echo hi").raw(0x85).raw('R').raw('0')
        .bytes();
  }
}
