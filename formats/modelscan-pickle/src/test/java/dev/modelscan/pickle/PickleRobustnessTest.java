package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.RecordingScanContext;
import dev.modelscan.pickle.settings.PickleSettings;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded mutations of real fixtures (byte flips, truncation, insertion): scanning never throws anything but the
 * documented limit and malformed-content exceptions, and recognition never throws. The broad fuzzing belongs to the
 * robustness work; this keeps the module honest on its own.
 */
class PickleRobustnessTest {

  private static final ScanSettings SMALL =
      ScanSettings.builder().limits(ScanLimits.builder().maxStringBytes(1 << 16).build()).extension(PickleSettings.class, PickleSettings.builder().maxPickleOpcodes(200_000).build()).build();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sklearn_logreg.joblib",
        "joblib_arrays.joblib",
        "torch_legacy_state_dict.pt",
        "torch_zip_data.pkl",
        "dill_lambda.pkl",
        "numpy_object.npy",
        "int_base_prefix.pkl",
        "build_setstate_gadget.pkl"
      })
  void mutatedInputsNeverCrashTheScanners(String fixture) {
    byte[] original = Fixtures.bytes(fixture);
    Random rnd = new Random(fixture.hashCode());
    ModelScanner scanner = fixture.endsWith(".npy") ? new NumpyScanner() : new PickleScanner();
    for (int i = 0; i < 300; i++) {
      byte[] b = mutate(original, rnd);
      scanner.recognize(ContentHead.ofBytes(b, fixture));
      RecordingScanContext ctx = Fixtures.direct(scanner, b, SMALL);
      assertThat(ctx.status()).isNotNull();
      // a mutated file may well be clean; but whatever was reported is well formed
      ctx.findings().forEach(f -> assertThat(f.location().offset()).isBetween(-1L, (long) b.length));
    }
  }

  private static byte[] mutate(byte[] in, Random rnd) {
    byte[] b = in.clone();
    switch (rnd.nextInt(4)) {
      case 0:
        for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
          b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        }
        return b;
      case 1:
        return java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
      case 2:
        {
          int at = rnd.nextInt(b.length);
          byte[] out = new byte[b.length + 8];
          System.arraycopy(b, 0, out, 0, at);
          for (int k = 0; k < 8; k++) {
            out[at + k] = (byte) rnd.nextInt(256);
          }
          System.arraycopy(b, at, out, at + 8, b.length - at);
          return out;
        }
      default:
        {
          int at = rnd.nextInt(b.length);
          b[at] = (byte) 0x8e; // BINBYTES8 with whatever length follows
          return b;
        }
    }
  }
}
