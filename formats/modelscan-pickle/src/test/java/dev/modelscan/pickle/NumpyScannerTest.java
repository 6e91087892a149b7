package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.testkit.RecordingScanContext;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NumpyScannerTest {

  private static RecordingScanContext scan(byte[] content) {
    return RecordingScanContext.scan(new NumpyScanner(), content, "a.npy");
  }

  /** A .npy v1 file with the given header text (padded like NumPy) and data. */
  static byte[] npy(String header, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
    int total = 10 + h.length + 1;
    int pad = (64 - total % 64) % 64;
    int len = h.length + pad + 1;
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) len, (byte) (len >> 8)});
    out.writeBytes(h);
    out.writeBytes(" ".repeat(pad).getBytes(StandardCharsets.ISO_8859_1));
    out.write('\n');
    out.writeBytes(data);
    return out.toByteArray();
  }

  @ParameterizedTest
  @ValueSource(strings = {"numpy_float.npy", "numpy_int_v2.npy", "numpy_object.npy", "numpy_structured.npy"})
  void realNumpyFilesAreCompleteAndClean(String fixture) {
    RecordingScanContext ctx = Fixtures.scan(new NumpyScanner(), fixture);
    assertThat(ctx.findings()).as(ctx.toString()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(ctx.members()).isEmpty();
  }

  /**
   * Issue 16 item 4: np.load(allow_pickle=True) unpickles the data whenever dtype.hasobject, and an object field can
   * hide in a comma string, a structure, a nested structure or a sub-array; each fixture is an .npy header written by
   * NumPy followed by a hand-written posix.system pickle.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "npy_commastring_object_payload.npy",
        "npy_struct_object_payload.npy",
        "npy_nested_object_payload.npy",
        "npy_subarray_object_payload.npy",
        "npy_tuple_object_payload.npy"
      })
  void objectFieldsAnywhereInTheDtypeMakeTheDataAPickle(String fixture) {
    RecordingScanContext ctx = Fixtures.scan(new NumpyScanner(), fixture);
    assertThat(Fixtures.operators(ctx)).as(ctx.toString()).contains("posix.system");
  }

  @ParameterizedTest
  @ValueSource(strings = {"npy_struct_object.npy", "npy_struct_nested.npy", "npy_object_padding_raw.npy"})
  void realStructuredArraysAreCompleteAndClean(String fixture) {
    // a real np.save of an object-holding structure (its pickle is analysed and benign), nested plain structures,
    // and an unnamed void padding field of objects, which descr_to_dtype drops so the bytes are raw data
    RecordingScanContext ctx = Fixtures.scan(new NumpyScanner(), fixture);
    assertThat(ctx.findings()).as(ctx.toString()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void theHeaderIsReadAsPythonsLiteralEvalReadsIt() {
    // a repeated key keeps its last value (np.load sees '|O' and unpickles the data); '(8)' is the int 8, not a tuple
    byte[] payload = Fixtures.bytes("p4_eval.pkl");
    byte[] repeated =
        npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'descr': '|O', }", payload);
    assertThat(Fixtures.operators(scan(repeated))).contains("builtins.eval");
    RecordingScanContext parenthesised =
        scan(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (8), }", new byte[8]));
    assertThat(parenthesised.findings()).anySatisfy(f -> assertThat(f.message()).contains("shape is not a tuple"));
    RecordingScanContext order = scan(npy("{'descr': '<f8', 'fortran_order': 0, 'shape': (1,), }", new byte[8]));
    assertThat(order.findings()).anySatisfy(f -> assertThat(f.message()).contains("fortran_order is not a bool"));
  }

  @Test
  void aDescrNumpyRejectsIsMalformedNotClean() {
    RecordingScanContext ctx = Fixtures.scan(new NumpyScanner(), "npy_bad_descr.npy");
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains("MODELSCAN-MALFORMED");
    assertThat(ctx.findings()).anySatisfy(f -> assertThat(f.message()).contains("not understood"));
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void objectArrayPickleIsAnalysed() {
    RecordingScanContext ctx = Fixtures.scan(new NumpyScanner(), "numpy_object_payload.npy");
    assertThat(Fixtures.operators(ctx)).contains("builtins.eval");
    assertThat(ctx.findings()).anySatisfy(f -> assertThat(f.location().offset()).isGreaterThanOrEqualTo(128));
  }

  @Test
  void recognisesOnlyTheMagic() {
    NumpyScanner s = new NumpyScanner();
    assertThat(s.recognize(ContentHead.ofBytes(Fixtures.bytes("numpy_float.npy"), "x.bin")).confidence())
        .isEqualTo(100);
    assertThat(s.recognize(ContentHead.ofBytes(Fixtures.bytes("p4_eval.pkl"), "x.npy")).recognised()).isFalse();
  }

  @Test
  void truncatedDataIsMalformedButNotRead() {
    byte[] f = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 1000), }", new byte[16]);
    RecordingScanContext ctx = scan(f);
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("MODELSCAN-MALFORMED");
  }

  @Test
  void shapeOverflowIsMalformed() {
    byte[] f = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", new byte[8]);
    assertThat(scan(f).findings()).extracting(Finding::ruleId).containsExactly("MODELSCAN-MALFORMED");
  }

  @Test
  void trailingDataIsReportedAndDispatched() {
    byte[] payload = Fixtures.bytes("p0_os_system.pkl");
    byte[] data = new byte[8 + payload.length];
    System.arraycopy(payload, 0, data, 8, payload.length);
    RecordingScanContext ctx = scan(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", data));
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("PICKLE-TRAILING-DATA");
    assertThat(ctx.members()).singleElement().satisfies(m -> {
      assertThat(m.content()).isEqualTo(payload);
      assertThat(m.kind()).isEqualTo(MemberKind.CONTENT);
    });
  }

  @Test
  void structuredDescrWithAnObjectFieldMeansPickle() {
    byte[] payload = Fixtures.bytes("p4_eval.pkl");
    RecordingScanContext ctx =
        scan(npy("{'descr': [('a', '<f4'), ('b', '|O')], 'fortran_order': False, 'shape': (2,), }", payload));
    assertThat(Fixtures.operators(ctx)).contains("builtins.eval");
  }

  @Test
  void badHeaderIsMalformedAndPartial() {
    RecordingScanContext ctx = scan(npy("{'descr': '<f8', 'shape': (1,), 'evil': __import__('os'), }", new byte[8]));
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("MODELSCAN-MALFORMED");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void unknownVersionIsPartial() {
    byte[] f = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", new byte[8]);
    f[6] = 9;
    RecordingScanContext ctx = scan(f);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void headerLimitIsEnforced() {
    byte[] f = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", new byte[8]);
    ScanSettings tiny =
        ScanSettings.builder().limits(ScanLimits.builder().maxHeaderBytes(16).build()).build();
    RecordingScanContext ctx = RecordingScanContext.scan(new NumpyScanner(), f, "a.npy", tiny);
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("MODELSCAN-LIMIT-REACHED");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }
}
