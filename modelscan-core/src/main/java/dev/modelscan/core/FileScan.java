package dev.modelscan.core;

import dev.modelscan.api.Finding;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.ScanSettings;
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
  // Neighbouring files the input's scanner declared as data of the model (ScanContext.declareCompanion).
  final List<Path> companions = new ArrayList<>();
  private final long deadlineNanos;
  private long decompressedBytes;

  FileScan(String path, Optional<Path> inputFile, ScanSettings settings) {
    this.path = path;
    this.inputFile = inputFile;
    this.settings = settings;
    this.deadlineNanos = System.nanoTime() + settings.limits().scanTimeout().toNanos();
  }

  /** See {@link dev.modelscan.api.spi.ScanContext#linkBoundary()}. */
  static Path linkBoundary(Path inputFile) {
    Path abs = inputFile.toAbsolutePath().normalize();
    HubCache.Place place = HubCache.of(abs);
    return place != null && !place.blob() ? place.repoDir() : abs.getParent();
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
