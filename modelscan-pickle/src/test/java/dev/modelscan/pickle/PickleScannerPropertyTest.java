package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.testkit.RecordingScanContext;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Any bytes: recognition and scanning never throw, and always end with a status. */
class PickleScannerPropertyTest {

  private static final ScanSettings SETTINGS =
      ScanSettings.builder()
          .limits(ScanLimits.builder().maxPickleOpcodes(100_000).maxStringBytes(1 << 16).build())
          .build();

  @Property(tries = 300)
  void anyBytesGiveAStatus(@ForAll @Size(max = 2048) byte[] content) {
    new PickleScanner().recognize(ContentHead.ofBytes(content, "x.pkl"));
    new NumpyScanner().recognize(ContentHead.ofBytes(content, "x.npy"));
    RecordingScanContext ctx = Fixtures.direct(new PickleScanner(), content, SETTINGS);
    assertThat(ctx.status()).isIn(ScanStatus.COMPLETE, ScanStatus.PARTIAL);
  }

  @Property(tries = 300)
  void opcodeSoupGivesAStatus(@ForAll("opcodeSoup") byte[] content) {
    RecordingScanContext ctx = Fixtures.direct(new PickleScanner(), content, SETTINGS);
    assertThat(ctx.status()).isIn(ScanStatus.COMPLETE, ScanStatus.PARTIAL);
    RecordingScanContext npy = Fixtures.direct(new NumpyScanner(), content, SETTINGS);
    assertThat(npy.status()).isIn(ScanStatus.COMPLETE, ScanStatus.PARTIAL);
  }

  /** Sequences drawn mostly from valid opcode bytes, so that the machine gets deep before it breaks. */
  @Provide
  Arbitrary<byte[]> opcodeSoup() {
    byte[] ops =
        ("()0125CGIJKLMNRSTUVX]abcdeghijloqrpstu}."
                + "\u0080\u0081\u0085\u0086\u0087\u0088\u0089\u008c\u0093\u0094\u0095")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Arbitrary<Byte> op = Arbitraries.of(toBoxed(ops));
    Arbitrary<Byte> any = Arbitraries.bytes();
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, op), net.jqwik.api.Tuple.of(1, any))
        .list()
        .ofMaxSize(512)
        .map(
            l -> {
              byte[] b = new byte[l.size()];
              for (int i = 0; i < b.length; i++) {
                b[i] = l.get(i);
              }
              return b;
            });
  }

  private static Byte[] toBoxed(byte[] b) {
    Byte[] out = new Byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i];
    }
    return out;
  }
}
