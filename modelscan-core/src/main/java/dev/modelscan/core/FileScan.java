package dev.modelscan.core;

import dev.modelscan.api.Finding;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.Location;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.SiblingFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The state of the scan of one input file and everything nested in it. Used by one thread: nested content is scanned
 * synchronously on the thread that scans the file.
 */
final class FileScan {
  final String path;
  final Optional<Path> inputFile;
  final ScanSettings settings;
  final List<Finding> findings = new ArrayList<>();
  final List<MemberResult> members = new ArrayList<>();
  // The input file's folder, for its scanner (ScanContext.siblings); empty for bytes and streams.
  final Optional<SiblingFiles> siblings;
  private final long deadlineNanos;
  private long decompressedBytes;

  FileScan(String path, Optional<Path> inputFile, Optional<SiblingFiles> siblings, ScanSettings settings) {
    this.path = path;
    this.inputFile = inputFile;
    this.siblings = siblings;
    this.settings = settings;
    this.deadlineNanos = System.nanoTime() + settings.limits().scanTimeout().toNanos();
  }

  /**
   * The folder that an input file's neighbours may resolve into through symbolic links: its own folder, or for a file
   * of a Hugging Face cache snapshot ({@code models--org--name/snapshots/<commit>/...}) the repository folder, because
   * huggingface_hub writes every snapshot file as a link into the repository's {@code blobs/}.
   */
  static Path linkBoundary(Path inputFile) {
    Path abs = inputFile.toAbsolutePath().normalize();
    HubCache.Place place = HubCache.of(abs);
    return place != null && !place.blob() ? place.repoDir() : abs.getParent();
  }

  /** The limit finding of this file at {@code entry}. */
  Finding limitFinding(String entry, ScanLimitExceededException e, long offset) {
    return Finding.builder(StandardRules.LIMIT_REACHED)
        .location(new Location(path, entry, offset < -1 ? -1 : offset))
        .scanner("engine")
        .message(e.getMessage() + ". The rest was not analysed; raise the limit to scan it.")
        .build();
  }

  /** Records a nested member's result. */
  MemberResult recordMember(String entry, Outcome o) {
    MemberResult m = new MemberResult(entry, o.format(), o.status(), o.reason(), o.scanner());
    members.add(m);
    return m;
  }

  void checkDeadline(String what) {
    if (System.nanoTime() - deadlineNanos > 0) {
      throw settings.limits().exceeded(LimitType.SCAN_TIMEOUT, -1, "scan of " + what + " (ms)");
    }
  }

  /** Decompressed bytes still allowed for this input file. */
  long decompressedBudget() {
    return Math.max(0, settings.limits().maxTotalDecompressedBytes() - decompressedBytes);
  }

  void addDecompressed(long n) {
    decompressedBytes += n;
  }
}
