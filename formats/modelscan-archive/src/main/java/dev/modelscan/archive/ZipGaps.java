package dev.modelscan.archive;

import dev.modelscan.api.spi.MemberKind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Accounts for the bytes of a zip archive that no member owns: data before the first local header (what
 * {@code torch.load} reads instead of the archive), members that overlap each other or the directory, and gaps
 * between members or before the directory. Such bytes are reported and handed over for dispatch by content; local
 * headers found in a gap are walked and dispatched as members.
 */
final class ZipGaps {

  /** Hands the members the walk added from a given index on over for scanning. */
  @FunctionalInterface
  interface Members {
    /**
     * Dispatches the walk's records from {@code first} on.
     *
     * @param first index of the first record to dispatch
     * @throws IOException when the content cannot be read
     */
    void dispatchFrom(int first) throws IOException;
  }

  /** Gaps of at most this many zero bytes are alignment padding, not hidden data. */
  private static final int PADDING_TOLERANCE = 64;

  private static final int MAX_OVERLAP_REPORTS = 10;

  /** The walk these gaps belong to. */
  private final ZipWalkState s;

  private final ZipLocalHeaders local;
  private final Members members;

  ZipGaps(ZipWalkState s, ZipLocalHeaders local, Members members) {
    this.s = s;
    this.local = local;
    this.members = members;
  }

  void handlePrefix(ZipLayout l) throws IOException {
    long first = l.cdStart;
    for (ZipRecord r : s.records) {
      if (r.dataStart >= 0) {
        first = Math.min(first, r.localHeaderOffset);
      }
    }
    if (first > 0) {
      prefix(first);
    }
  }

  void prefix(long first) {
    s.ctx.report(
        s.ctx.finding(ArchiveRules.ZIP_PREPENDED_DATA)
            .offset(0)
            .message(
                first
                    + " bytes come before the zip archive. torch.load and numpy.load read those bytes instead of"
                    + " the archive (a pickle there runs on load); they were scanned as '[prepended-data]'.")
            .build());
    s.ctx.scanMember("[prepended-data]", s.src.slice(0, first), MemberKind.CONTENT);
  }

  void findOverlapsAndGaps(ZipLayout l) throws IOException {
    List<ZipRecord> located = new ArrayList<>();
    for (ZipRecord r : s.records) {
      if (r.dataStart >= 0 && r.rangeEnd >= 0 && r.fromCentral) {
        located.add(r);
      }
    }
    located.sort(Comparator.comparingLong((ZipRecord r) -> r.localHeaderOffset).thenComparingLong(r -> r.rangeEnd));
    int overlaps = 0;
    long covered = -1;
    ZipRecord coveredBy = null;
    List<long[]> gaps = new ArrayList<>();
    for (ZipRecord r : located) {
      if (coveredBy != null && r.localHeaderOffset < covered) {
        if (overlaps++ < MAX_OVERLAP_REPORTS) {
          s.ctx.report(
              s.ctx.finding(ArchiveRules.ZIP_OVERLAPPING_MEMBERS)
                  .offset(r.localHeaderOffset)
                  .message(
                      "Member '"
                          + ArchiveSupport.printable(r.name)
                          + "' overlaps member '"
                          + ArchiveSupport.printable(coveredBy.name)
                          + "' (bytes "
                          + r.localHeaderOffset
                          + " to "
                          + Math.min(covered, r.rangeEnd)
                          + ").")
                  .build());
        }
      } else if (coveredBy != null && r.localHeaderOffset > covered) {
        gaps.add(new long[] {covered, r.localHeaderOffset});
      }
      if (r.rangeEnd > covered) {
        covered = r.rangeEnd;
        coveredBy = r;
      }
    }
    if (overlaps > MAX_OVERLAP_REPORTS) {
      s.ctx.report(
          s.ctx.finding(ArchiveRules.ZIP_OVERLAPPING_MEMBERS)
              .offset(-1)
              .message(overlaps + " overlapping members in all; only the first " + MAX_OVERLAP_REPORTS + " named.")
              .build());
    }
    if (covered > l.cdStart && coveredBy != null) {
      s.ctx.report(
          s.ctx.finding(ArchiveRules.ZIP_OVERLAPPING_MEMBERS)
              .offset(l.cdStart)
              .message(
                  "Member '"
                      + ArchiveSupport.printable(coveredBy.name)
                      + "' runs into the central directory.")
              .build());
    } else if (coveredBy != null && covered < l.cdStart) {
      gaps.add(new long[] {covered, l.cdStart});
    }
    long cdEnd = l.cdStart + l.cdSize;
    if (cdEnd < l.cdAreaEnd && !isZip64Records(cdEnd, l.cdAreaEnd)) {
      gaps.add(new long[] {cdEnd, l.cdAreaEnd});
    }
    for (long[] g : gaps) {
      s.ctx.checkDeadline();
      gap(g[0], g[1]);
    }
  }

  /** Between the directory and the end record only the ZIP64 record and locator belong. */
  private boolean isZip64Records(long from, long to) throws IOException {
    return to - from >= 4 && s.u32At(from) == ZipScanner.ZIP64_EOCD;
  }

  private void gap(long from, long to) throws IOException {
    long length = to - from;
    if (length <= PADDING_TOLERANCE && allZero(s.window.read(from, (int) length))) {
      return;
    }
    if (s.u32At(from) == ZipLocalHeaders.LFH) {
      int before = s.records.size();
      long stop = local.walkLocal(from, to, true);
      members.dispatchFrom(before);
      if (stop < to) {
        s.hidden(stop, to - stop, "between members");
      }
      return;
    }
    s.hidden(from, length, "between members or before the central directory");
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}
