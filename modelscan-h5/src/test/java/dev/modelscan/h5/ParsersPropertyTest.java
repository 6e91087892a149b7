package dev.modelscan.h5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.testkit.RecordingScanContext;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

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

  @Property(tries = 500)
  void marshalReaderOnlyFailsWithMarshalException(@ForAll @Size(max = 300) byte[] data) {
    try {
      MarshalCode.parse(data);
    } catch (MarshalCode.MarshalException expected) {
      // fine: fail closed
    }
  }

  @Property(tries = 300)
  void marshalReaderSurvivesMutatedRealCode(@ForAll @Size(min = 1, max = 6) int[] positions, @ForAll byte value) {
    byte[] code = REAL_CODE.clone();
    for (int p : positions) {
      code[Math.floorMod(p, code.length)] = value;
    }
    try {
      MarshalCode.parse(code);
    } catch (MarshalCode.MarshalException expected) {
      // fine
    }
  }

  @Property(tries = 500)
  void jsonTreeOnlyFailsWithMalformedOrLimit(@ForAll @Size(max = 200) String text) {
    try {
      JsonTree.parse(text.getBytes(StandardCharsets.UTF_8), ScanLimits.defaults());
    } catch (MalformedContentException | ScanLimitExceededException expected) {
      // fine
    }
  }

  @Property(tries = 300)
  void configScannerNeverThrowsOnJsonLikeInput(@ForAll @Size(max = 120) String tail) {
    byte[] doc = ("{\"class_name\": \"Lambda\", \"config\": " + tail).getBytes(StandardCharsets.UTF_8);
    RecordingScanContext ctx = RecordingScanContext.scan(new KerasConfigScanner(), doc, "config.json");
    if (ctx.status() == ScanStatus.PARTIAL) {
      assertThat(ctx.findings()).as("a partial result always comes with a finding saying why").isNotEmpty();
    }
  }
}
