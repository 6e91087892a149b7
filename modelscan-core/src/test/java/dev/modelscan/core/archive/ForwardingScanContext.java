package dev.modelscan.core.archive;

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
import java.io.InputStream;

/** A context that forwards to a {@link RecordingScanContext}; tests override what they need to change. */
class ForwardingScanContext implements ScanContext {
  protected final RecordingScanContext d;

  ForwardingScanContext(RecordingScanContext d) {
    this.d = d;
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
