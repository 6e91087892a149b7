package dev.modelscan.archive;

import java.io.IOException;

/**
 * Reads a zip archive's central directory entry by entry, in order and by offset (nothing is looked up by name, so
 * duplicate names are all kept), adding one {@link ZipRecord} per entry to the walk's records. The directory is the
 * view of strict readers; {@link ZipLocalHeaders} then compares it with what streaming readers see.
 */
final class ZipCentralDirectory {

  /** The walk this directory belongs to. */
  private final ZipWalkState s;

  ZipCentralDirectory(ZipWalkState s) {
    this.s = s;
  }

  /** Reads every directory entry in order; returns false when the walk stopped early. */
  boolean readCentral(ZipLayout l) throws IOException {
    long pos = l.cdStart;
    long end = Math.min(s.size, l.cdAreaEnd);
    long count = 0;
    while (pos + 46 <= end && s.u32At(pos) == ZipScanner.CEN) {
      if (!s.budget.take(pos)) {
        return false;
      }
      byte[] h = s.window.read(pos, 46);
      int nameLength = Bytes.u16(h, 28);
      int extraLength = Bytes.u16(h, 30);
      int commentLength = Bytes.u16(h, 32);
      long varEnd = pos + 46 + nameLength + extraLength + commentLength;
      if (varEnd > end) {
        s.structure(pos, "central directory entry " + count + " runs past the directory");
        s.ctx.markPartial("the central directory is truncated after " + count + " entries");
        return false;
      }
      ZipRecord r = new ZipRecord(true);
      r.centralOffset = pos;
      r.versionMadeBy = Bytes.u16(h, 4);
      r.flags = Bytes.u16(h, 8);
      r.method = Bytes.u16(h, 10);
      r.crc = Bytes.u32(h, 16);
      r.compressedSize = Bytes.u32(h, 20);
      r.size = Bytes.u32(h, 24);
      r.externalAttributes = Bytes.u32(h, 38);
      r.localHeaderOffset = Bytes.u32(h, 42);
      r.rawName = s.window.read(pos + 46, nameLength);
      r.name = ZipScanner.decodeName(r.rawName, r.flags);
      byte[] extra = s.window.read(pos + 46 + nameLength, extraLength);
      ZipExtraFields.applyZip64(extra, r, true);
      checkUnicodePath(extra, r, pos);
      r.localHeaderOffset += l.shift;
      s.records.add(r);
      count++;
      pos = varEnd;
    }
    if (count != l.entries) {
      s.structure(
          l.cdStart,
          "the end record announces " + l.entries + " entries but the central directory holds " + count);
    }
    if (pos != l.cdStart + l.cdSize && count > 0) {
      s.structure(pos, "the central directory entries end at " + pos + ", not where its size says");
    }
    return true;
  }

  /**
   * Info-ZIP's Unicode Path extra field (0x7075) gives a second name that 7-Zip and unzip use instead of the
   * header's, while Python's zipfile and PyTorch ignore it: a name differential like a local/central mismatch.
   */
  private void checkUnicodePath(byte[] extra, ZipRecord r, long offset) {
    String unicode = ZipExtraFields.unicodePath(extra);
    if (unicode != null && !unicode.equals(r.name)) {
      s.ctx.report(
          s.ctx.finding(ArchiveRules.ZIP_HEADER_MISMATCH)
              .offset(offset)
              .message(
                  "Member '"
                      + ArchiveSupport.printable(r.name)
                      + "' carries a Unicode Path field naming '"
                      + ArchiveSupport.printable(unicode)
                      + "': 7-Zip and unzip extract it under that name, Python and PyTorch under the other.")
              .build());
      ArchiveSupport.checkTraversal(s.ctx, unicode, offset);
    }
  }
}
