package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.testkit.RecordingScanContext;
import dev.modelscan.testkit.SeededCases;
import dev.modelscan.pickle.settings.PickleSettings;
import java.nio.charset.StandardCharsets;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Any bytes: recognition and scanning never throw, and always end with a status. */
class PickleScannerPropertyTest {

  private static final ScanSettings SETTINGS =
      ScanSettings.builder().limits(ScanLimits.builder().maxStringBytes(1 << 16).build()).extension(PickleSettings.class, PickleSettings.builder().maxPickleOpcodes(100_000).build()).build();

  /** Opcode bytes, so that most draws get deep into the machine before they break. */
  private static final byte[] OPCODES =
      ("()0125CGIJKLMNRSTUVX]abcdeghijloqrpstu}."
              + "\u0080\u0081\u0085\u0086\u0087\u0088\u0089\u008c\u0093\u0094\u0095")
          .getBytes(StandardCharsets.ISO_8859_1);

  static LongStream anyBytes() {
    return SeededCases.seeds("anyBytesGiveAStatus", 300);
  }

  static LongStream opcodeSoup() {
    return SeededCases.seeds("opcodeSoupGivesAStatus", 300);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("anyBytes")
  void anyBytesGiveAStatus(long seed) {
    SeededCases.check(
        seed,
        g -> {
          byte[] content = g.bytes(2048);
          new PickleScanner().recognize(ContentHead.ofBytes(content, "x.pkl"));
          new NumpyScanner().recognize(ContentHead.ofBytes(content, "x.npy"));
          RecordingScanContext ctx = Fixtures.direct(new PickleScanner(), content, SETTINGS);
          assertThat(ctx.status()).isIn(ScanStatus.COMPLETE, ScanStatus.PARTIAL);
        });
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("opcodeSoup")
  void opcodeSoupGivesAStatus(long seed) {
    SeededCases.check(
        seed,
        g -> {
          // Four opcode bytes to one arbitrary byte, as the jqwik frequency generator drew them before.
          byte[] content = g.bytesFrom(OPCODES, 4, 512);
          RecordingScanContext ctx = Fixtures.direct(new PickleScanner(), content, SETTINGS);
          assertThat(ctx.status()).isIn(ScanStatus.COMPLETE, ScanStatus.PARTIAL);
          RecordingScanContext npy = Fixtures.direct(new NumpyScanner(), content, SETTINGS);
          assertThat(npy.status()).isIn(ScanStatus.COMPLETE, ScanStatus.PARTIAL);
        });
  }
}
