package dev.modelscan.testkit;

import dev.modelscan.api.Finding;
import dev.modelscan.api.Location;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ScanContext;
import java.io.InputStream;

/**
 * A context that forwards every call to a {@link RecordingScanContext}; a test overrides what it needs to change, for
 * example {@code scanMember} to record the size and kind of huge members without reading them.
 *
 * @since 0.1
 */
public class ForwardingScanContext implements ScanContext {
  /** The context every call goes to. */
  protected final RecordingScanContext d;

  /**
   * Creates the context.
   *
   * @param d the context every call goes to
   */
  public ForwardingScanContext(RecordingScanContext d) {
    this.d = java.util.Objects.requireNonNull(d, "d");
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
  public java.util.Optional<java.nio.file.Path> inputFile() {
    return d.inputFile();
  }

  @Override
  public java.util.Optional<dev.modelscan.api.spi.SiblingFiles> siblings() {
    return d.siblings();
  }

  @Override
  public void declareEmbedded(String otherFormat) {
    d.declareEmbedded(otherFormat);
  }

  @Override
  public void declareCompanion(dev.modelscan.api.spi.SiblingFile file) {
    d.declareCompanion(file);
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
    return d.depth();
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
