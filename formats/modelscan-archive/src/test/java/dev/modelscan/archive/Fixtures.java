package dev.modelscan.archive;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.testkit.RecordingScanContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;

/** Loads the fixtures under src/test/resources/archive and holds the payload they embed. */
public final class Fixtures {

  /** The protocol-2 pickle the generator scripts embed: GLOBAL os.system, ('echo pwned',), REDUCE, STOP. */
  public static final byte[] PAYLOAD = "\u0080\u0002cos\nsystem\nX\n\u0000\u0000\u0000echo pwned\u0085R."
      .getBytes(StandardCharsets.ISO_8859_1);

  /** The benign stand-in pickle: an empty dict. */
  static final byte[] BENIGN = "\u0080\u0002}q\u0000.".getBytes(StandardCharsets.ISO_8859_1);

  private Fixtures() {}

  static byte[] bytes(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/archive/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ScanSettings limits(UnaryOperator<ScanLimits.Builder> change) {
    return ScanSettings.builder().limits(change.apply(ScanLimits.builder()).build()).build();
  }

  static List<String> ruleIds(RecordingScanContext ctx) {
    return ctx.findings().stream().map(Finding::ruleId).toList();
  }

  static RecordingScanContext.Member member(RecordingScanContext ctx, String name) {
    return ctx.members().stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no member " + name + " in " + ctx));
  }
}
