package dev.modelscan.h5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.testkit.RecordingScanContext;
import dev.modelscan.testkit.SeededCases;
import java.nio.charset.StandardCharsets;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Hostile bytes never escape the parsers as anything but their documented failures. */
class ParsersPropertyTest {

  /** A real CPython 3.11 marshalled lambda, from the lambda_sequential.keras fixture. */
  private static final byte[] REAL_CODE = realCode();

  private static byte[] realCode() {
    String config = new String(Fixtures.member("lambda_sequential.keras", "config.json"), StandardCharsets.UTF_8);
    int start = config.indexOf("\"code\": \"") + 9;
    String b64 = config.substring(start, config.indexOf('"', start)).replace("\\n", "\n");
    byte[] code = KerasConfigAnalyzer.decodeFuncDump(b64);
    try {
      MarshalCode.parse(code);
    } catch (MarshalCode.MarshalException e) {
      throw new AssertionError("fixture code must parse", e);
    }
    return code;
  }

  static LongStream marshalBytes() {
    return SeededCases.seeds("marshalReaderOnlyFailsWithMarshalException", 500);
  }

  static LongStream mutatedCode() {
    return SeededCases.seeds("marshalReaderSurvivesMutatedRealCode", 300);
  }

  static LongStream jsonText() {
    return SeededCases.seeds("jsonTreeOnlyFailsWithMalformedOrLimit", 500);
  }

  static LongStream configTails() {
    return SeededCases.seeds("configScannerNeverThrowsOnJsonLikeInput", 300);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("marshalBytes")
  void marshalReaderOnlyFailsWithMarshalException(long seed) {
    SeededCases.check(
        seed,
        g -> {
          try {
            MarshalCode.parse(g.bytes(300));
          } catch (MarshalCode.MarshalException expected) {
            // fine: fail closed
          }
        });
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("mutatedCode")
  void marshalReaderSurvivesMutatedRealCode(long seed) {
    SeededCases.check(
        seed,
        g -> {
          byte[] code = REAL_CODE.clone();
          int changes = g.sizeBetween(1, 6);
          byte value = g.nextByte();
          for (int i = 0; i < changes; i++) {
            code[g.intBetween(0, code.length - 1)] = value;
          }
          try {
            MarshalCode.parse(code);
          } catch (MarshalCode.MarshalException expected) {
            // fine
          }
        });
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("jsonText")
  void jsonTreeOnlyFailsWithMalformedOrLimit(long seed) {
    SeededCases.check(
        seed,
        g -> {
          try {
            JsonTree.parse(g.utf8(200), ScanLimits.defaults());
          } catch (MalformedContentException | ScanLimitExceededException expected) {
            // fine
          }
        });
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("configTails")
  void configScannerNeverThrowsOnJsonLikeInput(long seed) {
    SeededCases.check(
        seed,
        g -> {
          byte[] doc =
              ("{\"class_name\": \"Lambda\", \"config\": " + g.string(120)).getBytes(StandardCharsets.UTF_8);
          RecordingScanContext ctx = RecordingScanContext.scan(new KerasConfigScanner(), doc, "config.json");
          if (ctx.status() == ScanStatus.PARTIAL) {
            assertThat(ctx.findings()).as("a partial result always comes with a finding saying why").isNotEmpty();
          }
        });
  }
}
