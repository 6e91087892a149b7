package dev.modelscan.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.testkit.RecordingScanContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A location that is lexically inside the model directory but a symbolic link out of it (CVE-2026-27489 class). */
class ExternalDataOnDiskTest {

  @Test
  void symlinkOutOfTheModelDirectoryIsFlagged(@TempDir Path tmp) throws IOException {
    Path modelDir = Files.createDirectories(tmp.resolve("model"));
    Path outside = Files.write(tmp.resolve("secret.bin"), new byte[16]);
    try {
      Files.createSymbolicLink(modelDir.resolve("weights.bin"), outside);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "symbolic links not supported here");
    }
    Path model = Files.write(modelDir.resolve("m.onnx"), OnnxScannerTest.fixture("external_inside.onnx"));
    RecordingScanContext rec = scanFrom(model);
    assertThat(rec.findings()).extracting(Finding::ruleId).containsExactly("ONNX-EXTERNAL-DATA-TRAVERSAL");
    assertThat(rec.findings().get(0).message()).contains("symbolic link");
    assertThat(rec.companions()).isEmpty();
  }

  @Test
  void regularFileInsideTheDirectoryIsClean(@TempDir Path tmp) throws IOException {
    Files.write(tmp.resolve("weights.bin"), new byte[16]);
    Path model = Files.write(tmp.resolve("m.onnx"), OnnxScannerTest.fixture("external_inside.onnx"));
    RecordingScanContext rec = scanFrom(model);
    assertThat(rec.findings()).isEmpty();
    // checked data of the model: a directory scan may call it complete instead of skipped
    assertThat(rec.companionLocations()).containsExactly(tmp.resolve("weights.bin").toRealPath().toString());
  }

  @Test
  void offsetAndLengthBeyondTheReferencedFileAreMalformed(@TempDir Path tmp) throws IOException {
    Files.write(tmp.resolve("weights.bin"), new byte[8]); // the model asks for bytes 0+16
    Path model = Files.write(tmp.resolve("m.onnx"), OnnxScannerTest.fixture("external_inside.onnx"));
    RecordingScanContext rec = scanFrom(model);
    assertThat(rec.findings()).extracting(Finding::ruleId).containsExactly("ONNX-EXTERNAL-DATA-MALFORMED");
    assertThat(rec.findings().get(0).message()).contains("0+16").contains("8 bytes");
    assertThat(rec.companions()).isEmpty();
  }

  @Test
  @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void externalDataThatIsAFifoIsAFindingAndIsNeverOpened(@TempDir Path tmp) throws Exception {
    // Issue 14 item 6: a FIFO passed in silence (only regular files were checked); the loader blocks on it.
    Process p = new ProcessBuilder("mkfifo", tmp.resolve("weights.bin").toString()).start();
    assumeTrue(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed");
    Path model = Files.write(tmp.resolve("m.onnx"), OnnxScannerTest.fixture("external_inside.onnx"));
    RecordingScanContext rec = scanFrom(model);
    assertThat(rec.findings()).extracting(Finding::ruleId).containsExactly("ONNX-EXTERNAL-DATA-DEVICE");
    assertThat(rec.findings().get(0).message()).contains("weights.bin", "FIFO");
    assertThat(rec.companions()).isEmpty();
  }

  @Test
  void externalDataThatIsADirectoryIsAFinding(@TempDir Path tmp) throws IOException {
    Files.createDirectory(tmp.resolve("weights.bin"));
    Path model = Files.write(tmp.resolve("m.onnx"), OnnxScannerTest.fixture("external_inside.onnx"));
    RecordingScanContext rec = scanFrom(model);
    assertThat(rec.findings()).extracting(Finding::ruleId).containsExactly("ONNX-EXTERNAL-DATA-MALFORMED");
    assertThat(rec.findings().get(0).message()).contains("weights.bin", "a directory");
    assertThat(rec.companions()).isEmpty();
  }

  private static RecordingScanContext scanFrom(Path model) throws IOException {
    byte[] bytes = Files.readAllBytes(model);
    RecordingScanContext rec =
        new RecordingScanContext(ByteSource.wrap(bytes), model.toString(), "onnx", ScanSettings.defaults(), "onnx");
    new OnnxScanner().scan(rec.withInputFile(model));
    return rec;
  }
}
