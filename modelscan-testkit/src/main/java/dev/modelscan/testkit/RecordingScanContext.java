package dev.modelscan.testkit;

import dev.modelscan.api.Finding;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.Location;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.ScanContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A {@link ScanContext} that runs one scanner in isolation and records what it reports: findings, partial reasons
 * and the nested members it hands back (which are recorded, not dispatched).
 *
 * <p>Use it to unit-test a scanner without the engine:
 *
 * <pre>{@code
 * RecordingScanContext ctx = RecordingScanContext.scan(new MyScanner(), bytes, "model.bin");
 * assertThat(ctx.findings()).extracting(Finding::ruleId).contains("MY-RULE");
 * assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
 * }</pre>
 *
 * <p>Not thread-safe: one context per test.
 *
 * @since 0.1
 */
public final class RecordingScanContext implements ScanContext {

  /**
   * A nested member a scanner handed back.
   *
   * @param name the member's name
   * @param content its bytes (streams are read into memory, bounded by {@code maxMemberBytes})
   * @param kind what the scanner said about it
   * @since 0.1
   */
  public record Member(String name, byte[] content, MemberKind kind) {
    /**
     * Copies the content.
     *
     * @param name name
     * @param content bytes
     * @param kind kind
     */
    public Member {
      Objects.requireNonNull(name, "name");
      content = content.clone();
      Objects.requireNonNull(kind, "kind");
    }

    /**
     * The bytes of the member.
     *
     * @return a copy of the content
     */
    @Override
    public byte[] content() {
      return content.clone();
    }
  }

  private final ByteSource source;
  private final String name;
  private final ScanSettings settings;
  private final String scannerName;
  private final long deadlineNanos;
  private String format;
  private java.nio.file.Path inputFile;
  private int depth;
  private final List<Finding> findings = new ArrayList<>();
  private final List<String> partialReasons = new ArrayList<>();
  private final List<Member> members = new ArrayList<>();
  private final java.util.Set<String> embedded = new java.util.TreeSet<>();
  private final List<dev.modelscan.api.spi.SiblingFile> companions = new ArrayList<>();
  private dev.modelscan.api.spi.SiblingFiles siblings;

  /**
   * Creates a context.
   *
   * @param source the content
   * @param name the name hint
   * @param format the format the scanner claimed
   * @param settings the settings
   * @param scannerName the name findings carry
   */
  public RecordingScanContext(
      ByteSource source, String name, String format, ScanSettings settings, String scannerName) {
    this.source = Objects.requireNonNull(source, "source");
    this.name = Objects.requireNonNull(name, "name");
    this.format = Objects.requireNonNull(format, "format");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.scannerName = Objects.requireNonNull(scannerName, "scannerName");
    this.deadlineNanos = System.nanoTime() + settings.limits().scanTimeout().toNanos();
  }

  /**
   * Recognises and scans {@code content} with {@code scanner} under default settings.
   *
   * @param scanner the scanner under test
   * @param content the bytes
   * @param name the name hint
   * @return the context after the scan, with everything recorded
   * @throws AssertionError when the scanner does not recognise the content
   */
  public static RecordingScanContext scan(ModelScanner scanner, byte[] content, String name) {
    return scan(scanner, content, name, ScanSettings.defaults());
  }

  /**
   * Recognises and scans a file on disk with {@code scanner}, as the engine scans an input file given by path: {@link
   * #inputFile()} is present, so scanners that look at sibling files (sharded checkpoints, external data) can be
   * tested.
   *
   * @param scanner the scanner under test
   * @param file the file
   * @param settings the settings
   * @return the context after the scan
   * @throws java.io.UncheckedIOException when the file cannot be read
   * @throws AssertionError when the scanner does not recognise the content
   */
  public static RecordingScanContext scan(ModelScanner scanner, java.nio.file.Path file, ScanSettings settings) {
    byte[] content;
    try {
      content = java.nio.file.Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    java.nio.file.Path name = file.getFileName();
    return scan(scanner, content, name == null ? file.toString() : name.toString(), settings, file);
  }

  /**
   * Recognises and scans {@code content} with {@code scanner}. Exceptions the scanner throws are recorded the way the
   * engine records them: limits and malformed content become findings and a status, anything else propagates.
   *
   * @param scanner the scanner under test
   * @param content the bytes
   * @param name the name hint
   * @param settings the settings
   * @return the context after the scan
   * @throws AssertionError when the scanner does not recognise the content
   */
  public static RecordingScanContext scan(
      ModelScanner scanner, byte[] content, String name, ScanSettings settings) {
    return scan(scanner, content, name, settings, null);
  }

  private static RecordingScanContext scan(
      ModelScanner scanner, byte[] content, String name, ScanSettings settings, java.nio.file.Path file) {
    var recognition = scanner.recognize(ContentHead.ofBytes(content, name));
    if (!recognition.recognised()) {
      throw new AssertionError(scanner.descriptor().name() + " does not recognise " + name);
    }
    RecordingScanContext ctx =
        new RecordingScanContext(
            ByteSource.wrap(content), name, recognition.format(), settings, scanner.descriptor().name());
    if (file != null) {
      ctx.withInputFile(file);
    }
    try {
      scanner.scan(ctx);
    } catch (ScanLimitExceededException e) {
      ctx.limitReached(e, -1);
    } catch (dev.modelscan.api.MalformedContentException e) {
      ctx.report(ctx.finding(StandardRules.MALFORMED_CONTENT).offset(e.offset()).message(e.getMessage()).build());
      ctx.markPartial(e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ctx;
  }

  @Override
  public ByteSource source() {
    return source;
  }

  @Override
  public String format() {
    return format;
  }

  @Override
  public void refineFormat(String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("format must not be empty");
    }
    this.format = value;
  }

  @Override
  public void declareEmbedded(String otherFormat) {
    embedded.add(Objects.requireNonNull(otherFormat, "otherFormat"));
  }

  @Override
  public void declareCompanion(dev.modelscan.api.spi.SiblingFile file) {
    companions.add(Objects.requireNonNull(file, "file"));
  }

  /**
   * The neighbouring files the scanner declared as data of the model ({@link #declareCompanion}), in order.
   *
   * @return a copy
   */
  public List<dev.modelscan.api.spi.SiblingFile> companions() {
    return List.copyOf(companions);
  }

  /**
   * Where the declared neighbouring files are ({@link dev.modelscan.api.spi.SiblingFile#location()}: real paths for
   * a context {@link #withInputFile made from a local file}), in order.
   *
   * @return a copy
   */
  public List<String> companionLocations() {
    return companions.stream().map(dev.modelscan.api.spi.SiblingFile::location).toList();
  }

  /**
   * The formats the scanner declared as legitimately embedded ({@link #declareEmbedded}).
   *
   * @return a sorted copy
   */
  public java.util.Set<String> embedded() {
    return java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(embedded));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Location location() {
    return new Location(name, "", -1);
  }

  @Override
  public java.util.Optional<java.nio.file.Path> inputFile() {
    return java.util.Optional.ofNullable(inputFile);
  }

  @Override
  public java.util.Optional<dev.modelscan.api.spi.SiblingFiles> siblings() {
    return java.util.Optional.ofNullable(siblings);
  }

  /**
   * Makes {@link #siblings()} present with the given view, as for an input file scanned from a folder that is not on
   * the local disk (a Hadoop file system). Call before the scan.
   *
   * @param view the folder around the content
   * @return this context
   */
  public RecordingScanContext withSiblings(dev.modelscan.api.spi.SiblingFiles view) {
    this.siblings = Objects.requireNonNull(view, "view");
    return this;
  }

  @Override
  public int depth() {
    return depth;
  }

  /**
   * Makes {@link #inputFile()} present, and {@link #siblings()} the local view of the file's folder (links may resolve
   * inside that folder), as for an input file the engine scans from a path (for scanners that look at sibling files).
   * Call before the scan.
   *
   * @param file the file the content was read from
   * @return this context
   */
  public RecordingScanContext withInputFile(java.nio.file.Path file) {
    this.inputFile = Objects.requireNonNull(file, "file");
    java.nio.file.Path abs = file.toAbsolutePath().normalize();
    if (abs.getParent() != null) {
      this.siblings = dev.modelscan.api.spi.SiblingFiles.local(abs, abs.getParent());
    }
    return this;
  }

  /**
   * Sets {@link #depth()}, as for content nested that many levels below an input file (scanners may judge nested
   * content differently). Call before the scan.
   *
   * @param value the depth, 0 for an input file
   * @return this context
   */
  public RecordingScanContext withDepth(int value) {
    if (value < 0) {
      throw new IllegalArgumentException("depth must not be negative: " + value);
    }
    this.depth = value;
    return this;
  }

  @Override
  public ScanSettings settings() {
    return settings;
  }

  @Override
  public Finding.Builder finding(Rule rule) {
    return Finding.builder(rule).location(location()).scanner(scannerName);
  }

  @Override
  public void report(Finding finding) {
    findings.add(Objects.requireNonNull(finding, "finding"));
  }

  @Override
  public void markPartial(String reason) {
    partialReasons.add(Objects.requireNonNull(reason, "reason"));
  }

  @Override
  public void limitReached(ScanLimitExceededException exceeded, long offset) {
    report(finding(StandardRules.LIMIT_REACHED).offset(offset).message(exceeded.getMessage()).build());
    markPartial(exceeded.getMessage());
  }

  @Override
  public void checkDeadline() {
    if (System.nanoTime() - deadlineNanos > 0) {
      throw settings.limits().exceeded(LimitType.SCAN_TIMEOUT, -1, "scan of " + name);
    }
  }

  @Override
  public MemberResult scanMember(String memberName, ByteSource content, MemberKind kind) {
    try {
      if (content.size() > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("member too large to record: " + content.size());
      }
      members.add(new Member(memberName, content.readBytes(0, (int) content.size()), kind));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new MemberResult(memberName, "recorded", ScanStatus.COMPLETE, "", "");
  }

  @Override
  public MemberResult scanMember(String memberName, InputStream decompressed, long compressedSize, MemberKind kind) {
    long max = settings.limits().maxMemberBytes();
    try {
      byte[] bytes = decompressed.readNBytes((int) Math.min(max, Integer.MAX_VALUE - 8));
      if (decompressed.read() >= 0) {
        limitReached(settings.limits().exceeded(LimitType.MEMBER_BYTES, -1, "member " + memberName), -1);
      }
      members.add(new Member(memberName, bytes, kind));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new MemberResult(memberName, "recorded", ScanStatus.COMPLETE, "", "");
  }

  /**
   * The findings reported so far.
   *
   * @return a copy, in report order
   */
  public List<Finding> findings() {
    return List.copyOf(findings);
  }

  /**
   * The reasons given for a partial result.
   *
   * @return a copy, in order
   */
  public List<String> partialReasons() {
    return List.copyOf(partialReasons);
  }

  /**
   * The nested members handed back.
   *
   * @return a copy, in order
   */
  public List<Member> members() {
    return List.copyOf(members);
  }

  /**
   * The status the engine would give: complete unless something was marked partial.
   *
   * @return {@link ScanStatus#COMPLETE} or {@link ScanStatus#PARTIAL}
   */
  public ScanStatus status() {
    return partialReasons.isEmpty() ? ScanStatus.COMPLETE : ScanStatus.PARTIAL;
  }

  @Override
  public String toString() {
    return "RecordingScanContext{name="
        + name
        + ", format="
        + format
        + ", findings="
        + findings
        + ", partial="
        + partialReasons
        + ", members="
        + Arrays.toString(members.stream().map(Member::name).toArray())
        + '}';
  }
}
