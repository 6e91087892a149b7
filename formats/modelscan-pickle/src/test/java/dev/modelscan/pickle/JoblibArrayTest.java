package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.testkit.RecordingScanContext;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** joblib's raw array bytes between opcodes, written the way joblib writes them (see numpy_pickle.write_array). */
class JoblibArrayTest {

  /**
   * A wrapper of a 2-element array of dtype descr, pickled as NumPy pickles a dtype (descriptor.c arraydescr_reduce):
   * numpy.dtype(descr, False, True) with the state (3, byteorder, None, None, None, elsize, alignment, flags), where
   * elsize and alignment are -1 except for flexible types and flags is 63 for objects.
   */
  private static Ops wrapper(String descr, boolean aligned) {
    Ops o = new Ops().proto(4).su("joblib.numpy_pickle").su("NumpyArrayWrapper").raw(0x93).raw(')').raw(0x81);
    o.raw('}').raw('(').su("shape").raw('K', 2).raw(0x85);
    o.su("dtype").su("numpy").su("dtype").raw(0x93).su(descr).raw(0x89, 0x88, 0x87).raw('R');
    boolean flexible = "SUV".indexOf(descr.charAt(0)) >= 0;
    boolean object = descr.charAt(0) == 'O';
    int elsize = flexible ? Integer.parseInt(descr.substring(1)) : -1;
    o.raw('(').raw('K', 3).su(flexible || object ? "|" : "<").text("NNN").raw('J').raw(le32(elsize))
        .raw('J').raw(le32(flexible ? 1 : -1)).raw('K', object ? 63 : 0).raw('t').raw('b');
    if (aligned) {
      o.su("numpy_array_alignment_bytes").raw('K', 16);
    }
    return o.raw('u').raw('b');
  }

  private static byte[] le32(int v) {
    return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
  }

  private static byte[] ffs(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) 0xff);
    return b;
  }

  @Test
  void alignedArrayBytesAreSkippedExactly() {
    // padding length byte 3, three 0xff padding bytes, then 2 * 8 bytes that are not valid opcodes
    byte[] b = wrapper("f8", true).raw(3).raw(ffs(3)).raw(ffs(16)).text(".").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(ctx.format()).isEqualTo("joblib");
    assertThat(ctx.members()).isEmpty();
  }

  @Test
  void aPayloadAfterTheArrayIsFound() {
    byte[] payload = Fixtures.bytes("p2_os_system.pkl");
    // the outer pickle continues after the array: splice the payload's opcodes (without PROTO and STOP) in
    byte[] body = Arrays.copyOfRange(payload, 2, payload.length - 1);
    byte[] b = wrapper("f8", true).raw(0).raw(ffs(16)).text("0").raw(body).text(".").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(Fixtures.operators(ctx)).contains("os.system");
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void unalignedArrayBytesAreHandedBackAsOpaqueData() {
    // without the alignment attribute pickle.load would read these bytes as opcodes: dispatch them by content
    byte[] data = Fixtures.bytes("p0_os_system.pkl");
    byte[] b = wrapper("S29", false).raw(data).raw(ffs(29)).text(".").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(ctx.members()).singleElement().satisfies(m -> {
      assertThat(m.kind()).isEqualTo(MemberKind.OPAQUE_DATA);
      assertThat(m.content()).hasSize(58);
    });
  }

  @Test
  void objectArraysCarryANestedPickleThatIsAnalysed() {
    byte[] b = wrapper("O8", true).raw(Fixtures.bytes("p0_os_system.pkl")).text(".").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(Fixtures.operators(ctx)).contains("os.system");
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void anArrayOfUnknownSizeIsPartialAndTheRestIsStillSearched() {
    byte[] b =
        new Ops().proto(4).su("joblib.numpy_pickle").su("NumpyArrayWrapper").raw(0x93).raw(')').raw(0x81)
            .raw('}').su("shape").raw('N').raw('s').raw('b')
            .raw(0, 1).raw(Fixtures.bytes("p0_os_system.pkl")).bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains("MODELSCAN-MALFORMED");
    assertThat(Fixtures.operators(ctx)).contains("os.system");
  }

  @Test
  void anArrayLargerThanTheFileBreaksTheStream() {
    byte[] b = wrapper("f8", true).raw(0).raw(ffs(4)).bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.findings())
        .anySatisfy(f -> assertThat(f.message()).contains("joblib array of 16 bytes runs past the end"));
  }
}
