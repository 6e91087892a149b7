package dev.modelscan.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Verdict;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.core.ModelScan;
import dev.modelscan.testkit.RecordingScanContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SavedModel read from disk declares its variable files and fingerprint as its data, so that a directory scan of
 * the export is complete. The variable files here are arbitrary bytes (TensorFlow is not installed to write real
 * ones): the scanner never parses them, only their names and kinds (regular file, no link) matter.
 */
class SavedModelCompanionsTest {

  @TempDir Path dir;

  private static byte[] opaque(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (0x80 | i * 37); // not text, no format's magic
    }
    return b;
  }

  private Path export() throws IOException {
    Files.createDirectories(dir.resolve("variables"));
    Files.createDirectories(dir.resolve("assets"));
    Files.write(dir.resolve("variables/variables.index"), opaque(40));
    Files.write(dir.resolve("variables/variables.data-00000-of-00001"), opaque(64));
    Files.write(dir.resolve("fingerprint.pb"), opaque(24));
    Files.writeString(dir.resolve("assets/vocab.txt"), "hello\nworld\n");
    return Files.write(dir.resolve("saved_model.pb"), Fixtures.load("clean_saved_model.pb"));
  }

  private static RecordingScanContext scanFrom(Path model, ScanSettings settings) throws IOException {
    RecordingScanContext rec =
        new RecordingScanContext(
            ByteSource.wrap(Files.readAllBytes(model)), model.toString(), "tf-savedmodel", settings, "tf-savedmodel");
    RecordingScanContext ctx = rec.withInputFile(model);
    new SavedModelScanner().scan(ctx);
    return ctx;
  }

  @Test
  void theVariablesAndTheFingerprintAreDeclared() throws IOException {
    Path model = export();
    Files.write(dir.resolve("variables/notes.bin"), opaque(8)); // not a variable file's name
    List<String> declared = scanFrom(model, ScanSettings.defaults()).companionLocations();
    assertThat(declared)
        .containsExactlyInAnyOrder(
            dir.resolve("fingerprint.pb").toRealPath().toString(),
            dir.resolve("variables/variables.index").toRealPath().toString(),
            dir.resolve("variables/variables.data-00000-of-00001").toRealPath().toString());
  }

  @Test
  void aLinkNamedLikeAVariableFileIsNotDeclared(@TempDir Path elsewhere) throws IOException {
    Path model = export();
    Path secret = Files.write(elsewhere.resolve("secret"), opaque(16));
    try {
      Files.createSymbolicLink(dir.resolve("variables/variables.data-00001-of-00002"), secret);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "symbolic links not supported here");
    }
    assertThat(scanFrom(model, ScanSettings.defaults()).companions())
        .noneMatch(f -> f.name().equals("variables/variables.data-00001-of-00002"));
    assertThat(scanFrom(model, ScanSettings.defaults()).companionLocations())
        .doesNotContain(secret.toRealPath().toString());
  }

  @Test
  void anotherFileNameDeclaresNothing() throws IOException {
    export();
    Path other = Files.copy(dir.resolve("saved_model.pb"), dir.resolve("graph.pb"));
    assertThat(scanFrom(other, ScanSettings.defaults()).companions()).isEmpty();
  }

  @Test
  void declarationsAreBoundedByTheArchiveMemberLimit() throws IOException {
    Path model = export();
    for (int i = 0; i < 10; i++) {
      Files.write(dir.resolve(String.format("variables/variables.data-%05d-of-00010", i)), opaque(4));
    }
    ScanSettings settings =
        ScanSettings.builder().limits(ScanLimits.builder().maxArchiveMembers(5).build()).build();
    assertThat(scanFrom(model, settings).companions()).hasSize(5);
  }

  @Test
  void theExportDirectoryIsCleanAndComplete() throws IOException {
    export();
    ScanReport report = ModelScan.builder().build().scan(dir);
    assertThat(report.verdict()).isEqualTo(Verdict.CLEAN);
    assertThat(report.results()).allSatisfy(r -> assertThat(r.status()).as(r.path()).isEqualTo(ScanStatus.COMPLETE));
    assertThat(report.results()).filteredOn(r -> r.path().contains("variables"))
        .extracting(FileResult::format).containsOnly(ScanContext.COMPANION_FORMAT);
  }
}
