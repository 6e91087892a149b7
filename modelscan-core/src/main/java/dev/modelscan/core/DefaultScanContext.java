package dev.modelscan.core;

import dev.modelscan.api.Finding;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.Location;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.SiblingFile;
import dev.modelscan.api.spi.SiblingFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The engine's {@link ScanContext}: one per scanner run on one piece of content. */
final class DefaultScanContext implements ScanContext {

  /** Below this many decompressed bytes the ratio is not checked: tiny members compress absurdly well. */
  static final long RATIO_CHECK_THRESHOLD = 1L << 20;

  private static final int MAX_REASONS = 5;

  private final Dispatcher engine;
  private final FileScan fs;
  private final ScannerRegistry.Claim claim;
  private final ByteSource source;
  private final String name;
  private final String entry;
  private final int depth;
  private String format;
  private ScanStatus status = ScanStatus.COMPLETE;
  private final List<String> reasons = new ArrayList<>();
  private int droppedReasons;
  private boolean analysedSomething;
  private final java.util.Set<String> embedded = new java.util.TreeSet<>();
  private final List<SiblingFile> companions = new ArrayList<>();

  DefaultScanContext(
      Dispatcher engine,
      FileScan fs,
      ScannerRegistry.Claim claim,
      ByteSource source,
      String name,
      String entry,
      int depth) {
    this.engine = engine;
    this.fs = fs;
    this.claim = claim;
    this.source = source;
    this.name = name;
    this.entry = entry;
    this.depth = depth;
    this.format = claim.recognition().format();
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
    format = value;
  }

  @Override
  public void declareEmbedded(String otherFormat) {
    embedded.add(Objects.requireNonNull(otherFormat, "otherFormat"));
  }

  @Override
  public void declareCompanion(SiblingFile file) {
    Objects.requireNonNull(file, "file");
    // Only the input file's own scanner knows its neighbours; nested content has no folder. Only a regular file inside
    // the model can be its data: a declaration of anything else would cover nothing the scan could read.
    if (depth == 0 && fs.siblings.isPresent() && file.isFile()) {
      companions.add(file);
    }
  }

  @Override
  public Optional<SiblingFiles> siblings() {
    return depth == 0 ? fs.siblings : Optional.empty();
  }

  /** The formats this content declared as legitimately embedded. */
  java.util.Set<String> embedded() {
    return embedded;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Location location() {
    return new Location(fs.path, entry, -1);
  }

  @Override
  public Optional<Path> inputFile() {
    return depth == 0 ? fs.inputFile : Optional.empty();
  }

  @Override
  public int depth() {
    return depth;
  }

  @Override
  public ScanSettings settings() {
    return fs.settings;
  }

  @Override
  public Finding.Builder finding(Rule rule) {
    return Finding.builder(rule).location(location()).scanner(claim.scannerName());
  }

  @Override
  public void report(Finding finding) {
    fs.findings.add(Objects.requireNonNull(finding, "finding"));
    analysedSomething = true;
  }

  @Override
  public void markPartial(String reason) {
    degrade(ScanStatus.PARTIAL, reason);
  }

  @Override
  public void limitReached(ScanLimitExceededException exceeded, long offset) {
    fs.findings.add(fs.limitFinding(entry, exceeded, offset));
    degrade(ScanStatus.PARTIAL, exceeded.getMessage());
  }

  @Override
  public void checkDeadline() {
    fs.checkDeadline(location().toString());
  }

  void malformed(MalformedContentException e) {
    // Judged before the malformed finding itself counts as analysis: nothing seen before the break means FAILED.
    boolean sawSomething = analysedSomething;
    // The offset comes from the scanner, computed from attacker-controlled fields: a negative one (a wrapped length)
    // must not make recording the finding throw, or the exception would escape the scan.
    report(
        finding(StandardRules.MALFORMED_CONTENT)
            .offset(e.offset() < -1 ? -1 : e.offset())
            .message(e.getMessage() + ". The rest of the content was not analysed.")
            .build());
    degrade(sawSomething ? ScanStatus.PARTIAL : ScanStatus.FAILED, "malformed: " + e.getMessage());
  }

  void crashed(Throwable e) {
    String what = Reasons.describe(e);
    fs.findings.add(
        finding(StandardRules.SCANNER_ERROR)
            .message("Scanner " + claim.scannerName() + " failed (" + what + "); the content was not fully analysed.")
            .build());
    degrade(ScanStatus.FAILED, "scanner " + claim.scannerName() + " failed: " + what);
  }

  private void degrade(ScanStatus to, String reason) {
    status = status.worst(to);
    if (reason != null && !reason.isEmpty() && !reasons.contains(reason)) {
      if (reasons.size() < MAX_REASONS) {
        reasons.add(reason);
      } else {
        droppedReasons++;
      }
    }
  }

  Outcome outcome() {
    String reason = String.join("; ", reasons);
    if (droppedReasons > 0) {
      reason += " (and " + droppedReasons + " more)";
    }
    return new Outcome(format, status, reason, claim.scannerName(), embedded, companions, false);
  }

  @Override
  public MemberResult scanMember(String memberName, ByteSource content, MemberKind kind) {
    Objects.requireNonNull(content, "content");
    analysedSomething = true;
    String childEntry = childEntry(memberName);
    Outcome o;
    if (depth + 1 > fs.settings.limits().maxNestingDepth()) {
      o = tooDeep(childEntry);
    } else {
      o = engine.dispatch(fs, content, memberName, childEntry, depth + 1, kind);
    }
    return rollUp(childEntry, o);
  }

  @Override
  public MemberResult scanMember(String memberName, InputStream decompressed, long compressedSize, MemberKind kind) {
    Objects.requireNonNull(decompressed, "decompressed");
    analysedSomething = true;
    String childEntry = childEntry(memberName);
    if (depth + 1 > fs.settings.limits().maxNestingDepth()) {
      return rollUp(childEntry, tooDeep(childEntry));
    }
    ScanLimits limits = fs.settings.limits();
    long ratioBytes = Long.MAX_VALUE;
    if (compressedSize > 0) {
      long byRatio =
          compressedSize > Long.MAX_VALUE / limits.maxCompressionRatio()
              ? Long.MAX_VALUE
              : compressedSize * limits.maxCompressionRatio();
      ratioBytes = Math.max(RATIO_CHECK_THRESHOLD, byRatio);
    }
    try (Spool spool = new Spool()) {
      Spool.Stop stop = null;
      String readError = null;
      try {
        stop = spool.fill(decompressed, limits.maxMemberBytes(), fs.decompressedBudget(), ratioBytes);
      } catch (IOException | RuntimeException e) {
        // Corrupt compressed data: what came out before the break is still scanned, as a loader would have used it.
        readError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      }
      fs.addDecompressed(spool.size());
      String stopReason = null;
      if (stop != null) {
        stopReason = reportStop(stop, childEntry, spool.size(), compressedSize, limits);
      }
      if (readError != null) {
        fs.findings.add(
            Finding.builder(StandardRules.MALFORMED_CONTENT)
                .location(new Location(fs.path, childEntry, spool.size()))
                .scanner(claim.scannerName())
                .message(
                    "The compressed data is corrupt after "
                        + spool.size()
                        + " bytes ("
                        + readError
                        + "); only the bytes before the break were analysed.")
                .build());
        stopReason = Reasons.join(stopReason == null ? "" : stopReason, "corrupt: " + readError);
      }
      Outcome o = engine.dispatch(fs, spool.source(), memberName, childEntry, depth + 1, kind);
      if (stopReason != null) {
        o = o.degraded(ScanStatus.PARTIAL, stopReason);
      }
      return rollUp(childEntry, o);
    } catch (IOException e) {
      return rollUp(
          childEntry,
          Outcome.of(
              Outcome.UNKNOWN_FORMAT, ScanStatus.FAILED, "could not spool the member: " + e.getMessage(), ""));
    }
  }

  private String reportStop(
      Spool.Stop stop, String childEntry, long produced, long compressedSize, ScanLimits limits) {
    ScanLimitExceededException e;
    Rule rule = StandardRules.DECOMPRESSION_BOMB;
    switch (stop) {
      case RATIO:
        e =
            limits.exceeded(
                LimitType.COMPRESSION_RATIO,
                compressedSize > 0 ? produced / compressedSize : -1,
                "member " + childEntry + " (" + compressedSize + " compressed bytes, ratio)");
        break;
      case MEMBER_BYTES:
        e = limits.exceeded(LimitType.MEMBER_BYTES, -1, "member " + childEntry + " (bytes)");
        break;
      default:
        rule = StandardRules.LIMIT_REACHED;
        e = limits.exceeded(LimitType.TOTAL_DECOMPRESSED_BYTES, -1, "decompressed content of " + fs.path + " (bytes)");
        break;
    }
    fs.findings.add(
        Finding.builder(rule)
            .location(new Location(fs.path, childEntry, -1))
            .scanner("engine")
            .message(
                e.getMessage()
                    + ". Decompression stopped after "
                    + produced
                    + " bytes; only those were analysed. A loader would keep inflating.")
            .build());
    return e.getMessage();
  }

  /** Reasons bubble up through every level; keep each bounded so a deep nest cannot grow them without end. */
  private static String abbreviate(String reason) {
    return reason.length() <= 300 ? reason : reason.substring(0, 297) + "...";
  }

  private String childEntry(String memberName) {
    Objects.requireNonNull(memberName, "name");
    return entry.isEmpty() ? memberName : entry + Location.ENTRY_SEPARATOR + memberName;
  }

  private Outcome tooDeep(String childEntry) {
    ScanLimitExceededException e =
        fs.settings.limits().exceeded(LimitType.NESTING_DEPTH, depth + 1, "nested member " + childEntry + " (depth)");
    fs.findings.add(fs.limitFinding(childEntry, e, -1));
    return Outcome.of(Outcome.UNKNOWN_FORMAT, ScanStatus.SKIPPED, e.getMessage(), "");
  }

  /** A member that is not complete makes its parent partial: the parent's content was not all seen. */
  private MemberResult rollUp(String childEntry, Outcome o) {
    MemberResult m = fs.recordMember(childEntry, o);
    if (o.status() != ScanStatus.COMPLETE) {
      degrade(
          ScanStatus.PARTIAL,
          abbreviate(
              "member "
                  + childEntry
                  + " "
                  + o.status().name().toLowerCase(java.util.Locale.ROOT)
                  + (o.reason().isEmpty() ? "" : ": " + o.reason())));
    }
    return m;
  }
}
