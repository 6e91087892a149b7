package dev.modelscan.h5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.archive.code.TextScanner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 3, for real: an HDF5 file truncated while the scanner has it memory-mapped. The next read of the
 * mapping faults and the JVM raises InternalError ("a fault occurred in an unsafe memory access operation"). It used
 * to escape the engine: the JVM exited 1 with no report and other files' findings lost.
 */
class TruncatedWhileMappedTest {

  /**
   * The real HDF5 scanner, whose context truncates the input file to nothing at the second deadline check: after
   * the scanner has mapped the file and jHDF has opened it, before the walk reads the groups.
   */
  static final class TruncatingHdf5Scanner implements ModelScanner {
    private final Hdf5Scanner real = new Hdf5Scanner();

    @Override
    public ScannerDescriptor descriptor() {
      return real.descriptor();
    }

    @Override
    public Recognition recognize(ContentHead head) {
      return real.recognize(head);
    }

    @Override
    public List<Rule> rules() {
      return real.rules();
    }

    @Override
    public void scan(ScanContext ctx) throws IOException {
      Path file = ctx.inputFile().orElseThrow();
      int[] checks = {0};
      ScanContext truncating =
          (ScanContext)
              Proxy.newProxyInstance(
                  ScanContext.class.getClassLoader(),
                  new Class<?>[] {ScanContext.class},
                  (proxy, method, args) -> {
                    if (method.getName().equals("checkDeadline") && ++checks[0] == 2) {
                      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(0);
                      } catch (IOException e) {
                        throw new UncheckedIOException(e);
                      }
                    }
                    try {
                      return method.invoke(ctx, args);
                    } catch (InvocationTargetException e) {
                      throw e.getCause();
                    }
                  });
      real.scan(truncating);
    }
  }

  private static ModelScan engine(int parallelism) {
    return ModelScan.builder()
        .registry(
            ScannerRegistry.builder()
                .discover(false)
                .add(new TruncatingHdf5Scanner())
                .add(new TextScanner())
                .build())
        .parallelism(parallelism)
        .build();
  }

  @Test
  void aMappedFileTruncatedDuringTheScanFailsThatFileWithoutEscaping(@TempDir Path dir) throws IOException {
    Path h5 = Files.write(dir.resolve("model.h5"), Fixtures.bytes("clean_dense.h5"));

    FileResult r = engine(1).scanFile(h5);

    assertThat(Files.size(h5)).isZero(); // the premise: the file really was truncated under the mapping
    assertThat(r.status()).isEqualTo(ScanStatus.FAILED);
    assertThat(r.statusReason()).contains("InternalError");
    assertThat(r.findings())
        .extracting(Finding::ruleId)
        .contains(StandardRules.SCANNER_ERROR.id(), StandardRules.INPUT_CHANGED.id());
  }

  @Test
  void inAParallelWalkTheOtherFilesKeepTheirResults(@TempDir Path dir) throws IOException {
    Files.write(dir.resolve("a.h5"), Fixtures.bytes("clean_dense.h5"));
    Files.writeString(dir.resolve("b.txt"), "notes\n");

    ScanReport report = engine(2).scan(dir);

    assertThat(report.results()).hasSize(2);
    assertThat(report.results().get(0).status()).isEqualTo(ScanStatus.FAILED);
    assertThat(report.results().get(1).status()).isEqualTo(ScanStatus.COMPLETE);
  }
}
