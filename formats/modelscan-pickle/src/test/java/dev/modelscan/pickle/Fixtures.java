package dev.modelscan.pickle;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.Severity;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.RecordingScanContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;

/** Loads the fixtures next to generate.py and runs scanners on them. */
final class Fixtures {
  private Fixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("fixtures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RecordingScanContext pickle(String name) {
    return RecordingScanContext.scan(new PickleScanner(), bytes(name), name);
  }

  static RecordingScanContext pickle(String name, ScanSettings settings) {
    return RecordingScanContext.scan(new PickleScanner(), bytes(name), name, settings);
  }

  static RecordingScanContext pickleBytes(byte[] content, ScanSettings settings) {
    return direct(new PickleScanner(), content, settings);
  }

  /** Scans without recognition first, as the engine does for content another layer already typed. */
  static RecordingScanContext direct(ModelScanner scanner, byte[] content, ScanSettings settings) {
    RecordingScanContext ctx =
        new RecordingScanContext(
            dev.modelscan.api.io.ByteSource.wrap(content), "content.bin", "pickle", settings,
            scanner.descriptor().name());
    try {
      scanner.scan(ctx);
    } catch (dev.modelscan.api.ScanLimitExceededException e) {
      ctx.limitReached(e, -1);
    } catch (dev.modelscan.api.MalformedContentException e) {
      ctx.report(
          ctx.finding(dev.modelscan.api.StandardRules.MALFORMED_CONTENT).offset(e.offset()).message(e.getMessage())
              .build());
      ctx.markPartial(e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ctx;
  }

  static RecordingScanContext scan(ModelScanner scanner, String name) {
    return RecordingScanContext.scan(scanner, bytes(name), name);
  }

  static List<Finding> atLeast(RecordingScanContext ctx, Severity s) {
    return ctx.findings().stream().filter(f -> f.severity().isAtLeast(s)).collect(Collectors.toList());
  }

  static List<String> operators(RecordingScanContext ctx) {
    return ctx.findings().stream().map(f -> f.module() + "." + f.operator()).collect(Collectors.toList());
  }
}
