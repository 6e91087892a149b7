package dev.modelscan.archive;

import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ScanContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The state one zip scan shares between its parts ({@link ZipCentralDirectory}, {@link ZipLocalHeaders},
 * {@link ZipGaps} and the walk in {@link ZipScanner}): the content, the member budget and the records found so far,
 * in the order they were found. It also carries the two reports every part makes: a structural problem, and bytes
 * that belong to no member.
 */
final class ZipWalkState {
  final ScanContext ctx;
  final ByteSource src;
  final Window window;
  final long size;
  final ArchiveSupport.MemberBudget budget;
  /** Every member found, directory entries first, then local headers found outside the directory. */
  final List<ZipRecord> records = new ArrayList<>();

  ZipWalkState(ScanContext ctx) {
    this.ctx = ctx;
    this.src = ctx.source();
    this.window = new Window(src);
    this.size = src.size();
    this.budget = new ArchiveSupport.MemberBudget(ctx, "zip archive");
  }

  /**
   * Reports bytes that belong to no member and hands them over for dispatch by content: a payload placed where the
   * directory does not point is still read by loaders that find it by position.
   */
  void hidden(long from, long length, String where) {
    ctx.report(
        ctx.finding(ArchiveRules.HIDDEN_DATA)
            .offset(from)
            .message(
                length
                    + " bytes at offset "
                    + from
                    + " lie "
                    + where
                    + " and belong to no member; they were scanned as '[hidden-data@"
                    + from
                    + "]'.")
            .build());
    ctx.scanMember("[hidden-data@" + from + "]", src.slice(from, length), MemberKind.CONTENT);
  }

  /** Reports a structural problem of the archive; {@code message} has no final period. */
  void structure(long offset, String message) {
    ctx.report(ctx.finding(ArchiveRules.STRUCTURE).offset(Math.max(-1, offset)).message(message + ".").build());
  }

  /** The little-endian 32-bit value at {@code pos}, bounds-checked: a signature probe. */
  long u32At(long pos) throws IOException {
    return window.u32(pos);
  }
}
