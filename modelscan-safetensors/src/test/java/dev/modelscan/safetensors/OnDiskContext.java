package dev.modelscan.safetensors;

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

/**
 * A {@link RecordingScanContext} for a file on disk at depth 0, so that {@link ScanContext#inputFile()} is present
 * (the testkit's context has no input file). Everything else is delegated.
 */
final class OnDiskContext implements ScanContext {
  private final RecordingScanContext recording;
  private final Path file;

  OnDiskContext(Path file, String format, ScanSettings settings) throws IOException {
    this.file = file;
    this.recording =
        new RecordingScanContext(
            ByteSource.wrap(Files.readAllBytes(file)), file.getFileName().toString(), format, settings, "test");
  }

  RecordingScanContext recording() {
    return recording;
  }

  @Override
  public Optional<Path> inputFile() {
    return Optional.of(file);
  }

  @Override
  public ByteSource source() {
    return recording.source();
  }

  @Override
  public String format() {
    return recording.format();
  }

  @Override
  public void refineFormat(String format) {
    recording.refineFormat(format);
  }

  @Override
  public String name() {
    return recording.name();
  }

  @Override
  public Location location() {
    return recording.location();
  }

  @Override
  public int depth() {
    return 0;
  }

  @Override
  public ScanSettings settings() {
    return recording.settings();
  }

  @Override
  public Finding.Builder finding(Rule rule) {
    return recording.finding(rule);
  }

  @Override
  public void report(Finding finding) {
    recording.report(finding);
  }

  @Override
  public void markPartial(String reason) {
    recording.markPartial(reason);
  }

  @Override
  public void limitReached(ScanLimitExceededException exceeded, long offset) {
    recording.limitReached(exceeded, offset);
  }

  @Override
  public void checkDeadline() {
    recording.checkDeadline();
  }

  @Override
  public MemberResult scanMember(String name, ByteSource content, MemberKind kind) {
    return recording.scanMember(name, content, kind);
  }

  @Override
  public MemberResult scanMember(String name, InputStream decompressed, long compressedSize, MemberKind kind) {
    return recording.scanMember(name, decompressed, compressedSize, kind);
  }
}
