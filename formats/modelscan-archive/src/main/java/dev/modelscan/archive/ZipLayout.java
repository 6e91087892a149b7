package dev.modelscan.archive;

import java.io.IOException;

/**
 * Where a zip archive's central directory is and how many entries it claims, read from the end record (and the ZIP64
 * locator and record): offsets as written, or, when the directory is not where they say but where the end record
 * implies, shifted by the bytes that were put in front of the archive (as Python's {@code zipfile} tolerates). Filled
 * once by {@link #read}, then only read.
 */
final class ZipLayout {

  /** Takes a structural problem of the archive as a finding. */
  @FunctionalInterface
  interface Problems {
    /**
     * Reports one problem.
     *
     * @param offset where it is
     * @param message what it is, without a final period
     */
    void structure(long offset, String message);
  }

  long cdStart;
  long cdSize;
  long entries;
  long shift;
  /** Where the directory area ends: the ZIP64 record, or the end record. */
  long cdAreaEnd;

  private ZipLayout() {}

  /**
   * Reads where the central directory is from the end record at {@code tail[i]} (and the ZIP64 locator and record
   * when present), and whether the archive is shifted by bytes put in front of it.
   *
   * @param window reads the content
   * @param tail the last bytes of the content, holding the end record
   * @param i where the end record starts in {@code tail}
   * @param eocdPos where it starts in the content
   * @param structure takes each structural problem (offset, message) as a finding
   * @return the layout, or null when no central directory can be found from it
   * @throws IOException when the content cannot be read
   */
  static ZipLayout read(Window window, byte[] tail, int i, long eocdPos, Problems structure) throws IOException {
    ZipLayout l = new ZipLayout();
    l.entries = Bytes.u16(tail, i + 10);
    l.cdSize = Bytes.u32(tail, i + 12);
    long cdOffset = Bytes.u32(tail, i + 16);
    l.cdAreaEnd = eocdPos;
    if (Bytes.u16(tail, i + 4) != 0 || Bytes.u16(tail, i + 6) != 0) {
      structure.structure(eocdPos, "the end record claims a multi-disk (spanned) archive; only this part was read");
    }
    // ZIP64: a locator 20 bytes before the end record points at the ZIP64 end record.
    if (eocdPos >= 20 && window.u32(eocdPos - 20) == ZipScanner.ZIP64_LOCATOR) {
      byte[] loc = window.read(eocdPos - 20, 20);
      long declared = Bytes.u64(loc, 8);
      long adjacent = eocdPos - 20 - 56;
      long recordPos = -1;
      if (declared >= 0 && declared <= eocdPos - 20 - 56 && window.u32(declared) == ZipScanner.ZIP64_EOCD) {
        recordPos = declared;
      } else if (adjacent >= 0 && window.u32(adjacent) == ZipScanner.ZIP64_EOCD) {
        recordPos = adjacent;
      }
      if (recordPos < 0) {
        structure.structure(eocdPos - 20, "ZIP64 locator points at no ZIP64 end record");
      } else {
        byte[] rec = window.read(recordPos, 56);
        l.entries = Bytes.u64(rec, 32);
        l.cdSize = Bytes.u64(rec, 40);
        cdOffset = Bytes.u64(rec, 48);
        l.cdAreaEnd = recordPos;
        if (l.entries < 0 || l.cdSize < 0 || cdOffset < 0) {
          structure.structure(recordPos, "ZIP64 end record holds values beyond 2^63");
          return null;
        }
      }
    }
    if (l.cdSize > l.cdAreaEnd) {
      structure.structure(eocdPos, "the central directory is larger than the bytes before the end record");
      return null;
    }
    long implied = l.cdAreaEnd - l.cdSize;
    if (l.cdSize == 0 && l.entries == 0) {
      l.cdStart = implied;
      l.shift = Math.max(0, implied - cdOffset);
      return l;
    }
    if (cdOffset + l.cdSize <= l.cdAreaEnd && window.u32(cdOffset) == ZipScanner.CEN) {
      l.cdStart = cdOffset;
      l.shift = 0;
    } else if (implied >= 0 && window.u32(implied) == ZipScanner.CEN) {
      // Offsets are relative to where the archive starts: bytes were put in front of it.
      l.cdStart = implied;
      l.shift = implied - cdOffset;
    } else {
      structure.structure(eocdPos, "the central directory is neither where the end record says nor where it implies");
      return null;
    }
    return l;
  }
}
