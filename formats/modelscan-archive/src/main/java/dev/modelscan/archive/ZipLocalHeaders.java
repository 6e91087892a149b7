package dev.modelscan.archive;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads zip local file headers and data descriptors, the view of a streaming reader that never sees the central
 * directory: for each directory entry its local header, compared with the entry (disagreements are findings, never
 * errors), and, where there is no directory or bytes lie outside it, a forward walk through the local headers.
 */
final class ZipLocalHeaders {

  static final int LFH = 0x04034b50;
  private static final int DATA_DESCRIPTOR = 0x08074b50;

  /** Flag bits compared between local header and directory: encryption, descriptor, patch, strong enc., UTF-8. */
  private static final int COMPARED_FLAGS = 0x0001 | 0x0008 | 0x0020 | 0x0040 | 0x0800 | 0x2000;

  /** The walk these headers belong to. */
  private final ZipWalkState s;

  ZipLocalHeaders(ZipWalkState s) {
    this.s = s;
  }

  /** The offset of the first local header signature, or -1. */
  long firstLocalHeader() throws IOException {
    byte[] buf = new byte[64 * 1024];
    long pos = 0;
    while (pos < s.size) {
      s.ctx.checkDeadline();
      int n = (int) Math.min(buf.length, s.size - pos);
      s.src.readFully(pos, buf, 0, n);
      for (int i = 0; i + 4 <= n; i++) {
        if (Bytes.u32(buf, i) == LFH) {
          return pos + i;
        }
      }
      if (pos + n >= s.size) {
        break;
      }
      pos += n - 3;
    }
    return -1;
  }

  void resolveLocalHeaders(long shift) throws IOException {
    for (ZipRecord r : s.records) {
      s.ctx.checkDeadline();
      long lho = r.localHeaderOffset;
      if (lho < 0 || lho + 30 > s.size || s.u32At(lho) != LFH) {
        s.structure(
            r.centralOffset,
            "member '" + r.name + "' has no local header at offset " + lho + "; loaders cannot read it");
        s.ctx.markPartial("member '" + r.name + "' could not be located");
        continue;
      }
      byte[] h = s.window.read(lho, 30);
      int nameLength = Bytes.u16(h, 26);
      int extraLength = Bytes.u16(h, 28);
      if (lho + 30 + nameLength + extraLength > s.size) {
        s.structure(lho, "local header of '" + r.name + "' runs past the end of the content");
        s.ctx.markPartial("member '" + r.name + "' is truncated");
        continue;
      }
      ZipRecord local = localHeader(lho, h, nameLength, extraLength);
      r.dataStart = local.dataStart;
      compare(r, local);
      long dataEnd = r.dataStart + r.compressedSize;
      if (dataEnd > s.size || dataEnd < 0) {
        s.structure(lho, "member '" + r.name + "' claims " + r.compressedSize + " bytes, past the end of the content");
        s.ctx.markPartial("member '" + r.name + "' is truncated");
        r.rangeEnd = s.size;
        continue;
      }
      r.rangeEnd = dataEnd + descriptorLength(r, (local.flags & 0x0008) != 0, dataEnd);
    }
  }

  private void compare(ZipRecord central, ZipRecord local) {
    List<String> diffs = new ArrayList<>();
    if (!java.util.Arrays.equals(central.rawName, local.rawName)) {
      diffs.add("name '" + ArchiveSupport.printable(local.name) + "' in the local header");
      // Streaming extractors write the member under its local name.
      ArchiveSupport.checkTraversal(s.ctx, local.name, central.localHeaderOffset);
    }
    if (central.method != local.method) {
      diffs.add("method " + local.method + " locally vs " + central.method + " in the directory");
    }
    int flagDiff = (central.flags ^ local.flags) & COMPARED_FLAGS;
    if (flagDiff != 0) {
      diffs.add(
          String.format(
              Locale.ROOT, "flags 0x%04x locally vs 0x%04x in the directory", local.flags, central.flags));
      if ((local.flags & 0x0041) != 0 && !central.encrypted()) {
        ArchiveSupport.reportEncrypted(s.ctx, central.name, central.localHeaderOffset, "local header only");
      }
    }
    if ((local.flags & 0x0008) == 0) {
      if (local.crc != central.crc) {
        diffs.add(String.format(Locale.ROOT, "CRC %08x locally vs %08x", local.crc, central.crc));
      }
      if (local.compressedSize != central.compressedSize || local.size != central.size) {
        diffs.add(
            "sizes "
                + local.compressedSize
                + "/"
                + local.size
                + " locally vs "
                + central.compressedSize
                + "/"
                + central.size);
      }
    }
    if (!diffs.isEmpty()) {
      s.ctx.report(
          s.ctx.finding(ArchiveRules.ZIP_HEADER_MISMATCH)
              .offset(central.localHeaderOffset)
              .message(
                  "Member '"
                      + ArchiveSupport.printable(central.name)
                      + "': local header and central directory disagree: "
                      + String.join("; ", diffs)
                      + ". It was scanned as the central directory describes it.")
              .build());
    }
  }

  /**
   * The record a local file header at {@code offset} describes ({@code h} holds its 30 fixed bytes): what a
   * streaming reader, which never sees the central directory, would take the member to be.
   */
  private ZipRecord localHeader(long offset, byte[] h, int nameLength, int extraLength) throws IOException {
    ZipRecord local = new ZipRecord(false);
    local.localHeaderOffset = offset;
    local.flags = Bytes.u16(h, 6);
    local.method = Bytes.u16(h, 8);
    local.crc = Bytes.u32(h, 14);
    local.compressedSize = Bytes.u32(h, 18);
    local.size = Bytes.u32(h, 22);
    local.rawName = s.window.read(offset + 30, nameLength);
    local.name = ZipScanner.decodeName(local.rawName, local.flags);
    ZipExtraFields.applyZip64(s.window.read(offset + 30 + nameLength, extraLength), local, false);
    local.dataStart = offset + 30 + nameLength + extraLength;
    return local;
  }

  /** The length of the data descriptor after a member, checked against the directory's values. */
  private long descriptorLength(ZipRecord r, boolean hasDescriptor, long dataEnd) throws IOException {
    if (!hasDescriptor || dataEnd < 0 || dataEnd >= s.size) {
      return 0; // no descriptor can follow data that already runs to or past the end
    }
    int avail = (int) Math.min(24, s.size - dataEnd);
    byte[] d = s.window.read(dataEnd, avail);
    int base = avail >= 4 && Bytes.u32(d, 0) == DATA_DESCRIPTOR ? 4 : 0;
    if (base + 12 <= avail && Bytes.u32(d, base + 4) == r.compressedSize && Bytes.u32(d, base + 8) == r.size) {
      checkDescriptorCrc(r, Bytes.u32(d, base));
      return base + 12;
    }
    if (base + 20 <= avail && Bytes.u64(d, base + 4) == r.compressedSize && Bytes.u64(d, base + 12) == r.size) {
      checkDescriptorCrc(r, Bytes.u32(d, base));
      return base + 20;
    }
    if (base + 12 <= avail) {
      s.ctx.report(
          s.ctx.finding(ArchiveRules.ZIP_HEADER_MISMATCH)
              .offset(dataEnd)
              .message(
                  "Member '"
                      + ArchiveSupport.printable(r.name)
                      + "': its data descriptor does not repeat the directory's sizes; streaming readers see"
                      + " another member length.")
              .build());
    }
    return Math.min(base + 12, avail);
  }

  private void checkDescriptorCrc(ZipRecord r, long crc) {
    if (crc != r.crc) {
      s.ctx.report(
          s.ctx.finding(ArchiveRules.ZIP_HEADER_MISMATCH)
              .offset(r.dataEnd())
              .message(
                  String.format(
                      Locale.ROOT,
                      "Member '%s': data descriptor CRC %08x differs from the directory's %08x.",
                      ArchiveSupport.printable(r.name),
                      crc,
                      r.crc))
              .build());
    }
  }

  /**
   * Walks local headers forwards from {@code start} to {@code end}, as a streaming reader does, adding what it
   * finds to {@link ZipWalkState#records}.
   *
   * @param hidden whether these headers sit where the central directory does not look (reported as such)
   * @return where the walk stopped
   */
  long walkLocal(long start, long end, boolean hidden) throws IOException {
    long pos = start;
    while (pos + 30 <= end && s.u32At(pos) == LFH) {
      if (!s.budget.take(pos)) {
        return end;
      }
      byte[] h = s.window.read(pos, 30);
      int nameLength = Bytes.u16(h, 26);
      int extraLength = Bytes.u16(h, 28);
      if (pos + 30 + nameLength + extraLength > end) {
        break;
      }
      ZipRecord r = localHeader(pos, h, nameLength, extraLength);
      r.versionMadeBy = 0;
      if ((r.flags & 0x0008) != 0 && r.compressedSize == 0) {
        if (!findDescriptor(r, end)) {
          s.structure(pos, "member '" + r.name + "' has no central directory entry and no findable data descriptor");
          s.ctx.markPartial("the local-header walk stopped at member '" + r.name + "'");
          return pos;
        }
      } else {
        r.rangeEnd = r.dataEnd() + ((r.flags & 0x0008) != 0 ? descriptorLength(r, true, r.dataEnd()) : 0);
      }
      if (r.dataEnd() > end) {
        s.structure(pos, "member '" + r.name + "' runs past the end of the content");
        s.ctx.markPartial("member '" + r.name + "' is truncated");
        return end;
      }
      if (hidden) {
        s.ctx.report(
            s.ctx.finding(ArchiveRules.ZIP_LOCAL_ONLY_MEMBER)
                .offset(pos)
                .message(
                    "Member '"
                        + ArchiveSupport.printable(r.name)
                        + "' has a local header but no central directory entry: streaming readers extract it,"
                        + " others do not see it. It was scanned.")
                .build());
      }
      s.records.add(r);
      pos = r.rangeEnd;
    }
    if (!hidden && pos < end && s.records.isEmpty()) {
      s.ctx.markPartial("no readable zip member found");
    } else if (!hidden && pos < end) {
      s.hidden(pos, end - pos, "after the last local header");
    }
    return pos;
  }

  /** Finds the data descriptor that ends a member of unknown size: one whose compressed size is its distance. */
  private boolean findDescriptor(ZipRecord r, long end) throws IOException {
    byte[] buf = new byte[64 * 1024 + 24];
    long pos = r.dataStart;
    while (pos < end) {
      s.ctx.checkDeadline();
      int n = (int) Math.min(buf.length, end - pos);
      s.src.readFully(pos, buf, 0, n);
      for (int i = 0; i + 16 <= n; i++) {
        if (Bytes.u32(buf, i) != DATA_DESCRIPTOR) {
          continue;
        }
        long at = pos + i;
        long distance = at - r.dataStart;
        if (Bytes.u32(buf, i + 8) == distance) {
          r.crc = Bytes.u32(buf, i + 4);
          r.compressedSize = distance;
          r.size = Bytes.u32(buf, i + 12);
          r.rangeEnd = at + 16;
          return true;
        }
        if (i + 24 <= n && Bytes.u64(buf, i + 8) == distance) {
          r.crc = Bytes.u32(buf, i + 4);
          r.compressedSize = distance;
          r.size = ZipExtraFields.nonNegative(Bytes.u64(buf, i + 16));
          r.rangeEnd = at + 24;
          return true;
        }
      }
      if (n < buf.length) {
        break;
      }
      pos += n - 24;
    }
    return false;
  }
}
