package dev.modelscan.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelscan.api.Finding;
import dev.modelscan.api.Location;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.testkit.RecordingScanContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
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
  }

  @Test
  void regularFileInsideTheDirectoryIsClean(@TempDir Path tmp) throws IOException {
    Files.write(tmp.resolve("weights.bin"), new byte[16]);
    Path model = Files.write(tmp.resolve("m.onnx"), OnnxScannerTest.fixture("external_inside.onnx"));
    assertThat(scanFrom(model).findings()).isEmpty();
  }

  @Test
  void offsetAndLengthBeyondTheReferencedFileAreMalformed(@TempDir Path tmp) throws IOException {
    Files.write(tmp.resolve("weights.bin"), new byte[8]); // the model asks for bytes 0+16
    Path model = Files.write(tmp.resolve("m.onnx"), OnnxScannerTest.fixture("external_inside.onnx"));
    RecordingScanContext rec = scanFrom(model);
    assertThat(rec.findings()).extracting(Finding::ruleId).containsExactly("ONNX-EXTERNAL-DATA-MALFORMED");
    assertThat(rec.findings().get(0).message()).contains("0+16").contains("8 bytes");
  }

  private static RecordingScanContext scanFrom(Path model) throws IOException {
    byte[] bytes = Files.readAllBytes(model);
    RecordingScanContext rec =
        new RecordingScanContext(ByteSource.wrap(bytes), model.toString(), "onnx", ScanSettings.defaults(), "onnx");
    new OnnxScanner().scan(new OnDisk(rec, model));
    return rec;
  }

  /** The recording context, plus the input file that only the engine knows for files scanned from a path. */
  private record OnDisk(RecordingScanContext d, Path file) implements ScanContext {
    @Override
    public Optional<Path> inputFile() {
      return Optional.of(file);
    }

    @Override
    public ByteSource source() {
      return d.source();
    }

    @Override
    public String format() {
      return d.format();
    }

    @Override
    public void refineFormat(String format) {
      d.refineFormat(format);
    }

    @Override
    public String name() {
      return d.name();
    }

    @Override
    public Location location() {
      return d.location();
    }

    @Override
    public int depth() {
      return 0;
    }

    @Override
    public ScanSettings settings() {
      return d.settings();
    }

    @Override
    public Finding.Builder finding(Rule rule) {
      return d.finding(rule);
    }

    @Override
    public void report(Finding finding) {
      d.report(finding);
    }

    @Override
    public void markPartial(String reason) {
      d.markPartial(reason);
    }

    @Override
    public void limitReached(ScanLimitExceededException exceeded, long offset) {
      d.limitReached(exceeded, offset);
    }

    @Override
    public void checkDeadline() {
      d.checkDeadline();
    }

    @Override
    public MemberResult scanMember(String name, ByteSource content, MemberKind kind) {
      return d.scanMember(name, content, kind);
    }

    @Override
    public MemberResult scanMember(String name, InputStream decompressed, long compressedSize, MemberKind kind) {
      return d.scanMember(name, decompressed, compressedSize, kind);
    }
  }
}
