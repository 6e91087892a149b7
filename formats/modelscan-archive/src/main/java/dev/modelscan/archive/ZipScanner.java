package dev.modelscan.archive;

import com.google.auto.service.AutoService;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.io.Utf8;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.deflate64.Deflate64CompressorInputStream;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Scans zip archives (and the formats built on zip: PyTorch checkpoints, TorchScript archives, NumPy {@code .npz},
 * Keras 3 {@code .keras}) with its own reader, because the loaders that matter accept archives that strict readers
 * reject, and strict readers are how scanners have been bypassed.
 *
 * <h2>How the archive is read</h2>
 *
 * <ol>
 *   <li>The end-of-central-directory record is searched backwards from the end (behind a comment of up to 64 KiB),
 *       with the ZIP64 locator and record when present. Offsets are taken as written; when the directory is not
 *       where they say but where the end record implies, the archive is read shifted (bytes were prepended, as
 *       Python's {@code zipfile} tolerates).
 *   <li>Every central directory entry is visited in order, by offset: nothing is looked up by name, so duplicate
 *       names are all scanned (PyTorch reads the first, Python the last).
 *   <li>Each entry's local header is read at its offset and compared with the directory (name, method, flags,
 *       sizes, CRC, data descriptor); disagreements are findings, never errors.
 *   <li>Stored members are handed over as slices of the content without copying; tensor storages of a PyTorch
 *       archive ({@code <root>/data/<n>}) as {@link MemberKind#OPAQUE_DATA}, so a 2 GB checkpoint costs a few
 *       small reads. Deflate, Deflate64, bzip2, LZMA and xz members are decompressed as streams; the engine bounds
 *       their size and ratio. CRC-32 is checked wherever the member is read whole anyway: compressed members and
 *       stored members handed over as content.
 *   <li>Bytes that no member owns — before the first local header, between members, between the directory and the
 *       end record, after the end record — are reported and handed over for dispatch by content (a pickle before a
 *       zip is exactly what {@code torch.load} runs). Local headers found in such gaps are scanned as members.
 * </ol>
 *
 * <p><b>Archives without a central directory</b> (truncated uploads, hand-made streams) are walked forwards through
 * their local headers, as a streaming reader would. A member whose sizes are only in a data descriptor is delimited
 * by searching for a descriptor whose compressed size matches the distance; when none does, the walk stops there and
 * the result is partial.
 *
 * <p>Members marked encrypted are reported and their bytes are still handed over as they are: the flag is a known
 * decoy (loaders that never read the member ignore it). If nothing recognised those bytes, the result is partial.
 *
 * @since 0.1
 */
@AutoService(ModelScanner.class)
public final class ZipScanner implements ModelScanner {

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "zip",
          ModelScanVersion.current(),
          "Zip archives and zip-based model formats (PyTorch, TorchScript, npz, Keras 3), read tamper-tolerantly"
              + " member by member",
          List.of("zip"),
          // torch.save writes a zip whatever the name (fastai's .pkl too). Generic names such as .bin are listed by
          // no scanner: a .bin can be anything, so its content can never disagree with it.
          List.of("zip", "pt", "pth", "pkl", "ckpt", "npz", "keras", "mar"));

  static final int CEN = 0x02014b50;
  private static final int EOCD = 0x06054b50;
  static final int ZIP64_EOCD = 0x06064b50;
  static final int ZIP64_LOCATOR = 0x07064b50;
  private static final int EOCD_SIZE = 22;
  private static final int MAX_COMMENT = 0xFFFF;
  private static final long U32_MAX = 0xFFFF_FFFFL;

  /**
   * Stored members handed over as content are CRC-checked up to this size. The check costs a second full read; the
   * CRC trick matters for pickles and configs (small), not for a gigabyte weights file inside a {@code .keras}.
   */
  static final long STORED_CRC_LIMIT = 64L << 20;


  /** Creates the scanner; it is stateless. */
  public ZipScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public List<Rule> rules() {
    return List.of(
        ArchiveRules.PATH_TRAVERSAL,
        ArchiveRules.LINK_MEMBER,
        ArchiveRules.SPECIAL_FILE_MEMBER,
        ArchiveRules.SCRIPT_MEMBER,
        ArchiveRules.ENCRYPTED_MEMBER,
        ArchiveRules.DUPLICATE_NAME,
        ArchiveRules.ZIP_HEADER_MISMATCH,
        ArchiveRules.ZIP_BAD_CRC,
        ArchiveRules.ZIP_PREPENDED_DATA,
        ArchiveRules.HIDDEN_DATA,
        ArchiveRules.ZIP_LOCAL_ONLY_MEMBER,
        ArchiveRules.ZIP_OVERLAPPING_MEMBERS,
        ArchiveRules.STRUCTURE,
        ArchiveRules.UNSUPPORTED_METHOD,
        ArchiveRules.CORRUPT_STREAM,
        StandardRules.LIMIT_REACHED);
  }

  /**
   * Claims content that starts with a local header or an empty-archive end record (certain), or whose last 64 KiB
   * hold a plausible end record (strong: a zip appended to something else, which the engine scans as both).
   */
  @Override
  public Recognition recognize(ContentHead head) {
    if (head.startsWith((byte) 'P', (byte) 'K', (byte) 3, (byte) 4)
        || head.startsWith((byte) 'P', (byte) 'K', (byte) 5, (byte) 6)
        || head.startsWith((byte) 'P', (byte) 'K', (byte) 7, (byte) 8, (byte) 'P', (byte) 'K', (byte) 3, (byte) 4)) {
      return Recognition.of("zip", Recognition.CERTAIN);
    }
    ByteBuffer tail = head.isComplete() ? head.head() : head.tail();
    long tailStart = head.size() - tail.remaining();
    return findEndRecord(tail, tailStart) >= 0 ? Recognition.of("zip", Recognition.STRONG) : Recognition.none();
  }

  /**
   * Finds the last plausible end record in a buffer without copying it: recognize() runs on every member of every
   * archive (200 tensor storages of a checkpoint), so it looks for the 'P' of the signature first.
   */
  static int findEndRecord(ByteBuffer tail, long tailStart) {
    int limit = tail.limit();
    int i = limit - EOCD_SIZE;
    while (i >= 0) {
      // Skip 8 bytes at a time while none of them is 'P' (0x50): a SWAR "has zero byte" test on x ^ 0x5050...
      if (i >= 7) {
        long x = tail.getLong(i - 7) ^ 0x5050_5050_5050_5050L;
        if (((x - 0x0101_0101_0101_0101L) & ~x & 0x8080_8080_8080_8080L) == 0) {
          i -= 8;
          continue;
        }
      }
      if (tail.get(i) == 'P' && tail.get(i + 1) == 'K' && tail.get(i + 2) == 5 && tail.get(i + 3) == 6) {
        byte[] rec = new byte[EOCD_SIZE];
        tail.get(i, rec);
        int commentLength = Bytes.u16(rec, 20);
        long cdSize = Bytes.u32(rec, 12);
        long cdOffset = Bytes.u32(rec, 16);
        boolean zip64 = cdSize == U32_MAX || cdOffset == U32_MAX || Bytes.u16(rec, 10) == 0xFFFF;
        // The comment must fit in the content and the directory must fit before the record (unless ZIP64 says).
        if (i + EOCD_SIZE + commentLength <= limit && (zip64 || cdSize <= tailStart + i)) {
          return i;
        }
      }
      i--;
    }
    return -1;
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    try {
      new Walk(ctx).run();
    } catch (java.io.EOFException e) {
      // Every structure read is bounds-checked by Window; a field that still points past the end (a ZIP64 size
      // of 2^32 in a 95-byte file) is malformed content, not an I/O failure. Found by fuzzing.
      throw new MalformedContentException(
          -1, "a zip structure points past the end of the content: " + e.getMessage(), e);
    }
  }

  /**
   * One scan's walk: where the directory is, then the directory, the local headers, the members and the bytes around
   * them, in that order. The parts share their state through {@link ZipWalkState}.
   */
  private static final class Walk {
    private final ZipWalkState s;
    private final ZipCentralDirectory central;
    private final ZipLocalHeaders local;
    private final ZipGaps gaps;
    private ZipModelLayout model = ZipModelLayout.PLAIN;
    private final Map<String, ZipRecord> seenExact = new HashMap<>();
    private final Map<String, ZipRecord> seenFolded = new HashMap<>();

    Walk(ScanContext ctx) {
      this.s = new ZipWalkState(ctx);
      this.central = new ZipCentralDirectory(s);
      this.local = new ZipLocalHeaders(s);
      this.gaps = new ZipGaps(s, local, this::dispatchFrom);
    }

    void run() throws IOException {
      int tailLength = (int) Math.min(s.size, EOCD_SIZE + MAX_COMMENT);
      byte[] tail = s.window.read(s.size - tailLength, tailLength);
      int eocdIndex = findEndRecord(ByteBuffer.wrap(tail), s.size - tailLength);
      if (eocdIndex < 0) {
        s.structure(0, "no end-of-central-directory record: the archive was read through its local headers only");
        walkWithoutDirectory();
        return;
      }
      long eocdPos = s.size - tailLength + eocdIndex;
      ZipLayout layout = ZipLayout.read(s.window, tail, eocdIndex, eocdPos, s::structure);
      if (layout == null) {
        walkWithoutDirectory();
        return;
      }
      long zipEnd = eocdPos + EOCD_SIZE + Bytes.u16(tail, eocdIndex + 20);
      if (layout.shift > 0 && TarScanner.memberEncloses(s.ctx, s.src, layout.shift, zipEnd)) {
        // The whole zip is the data of one member of a tar that starts this content (a NeMo checkpoint's
        // model_weights.ckpt): the tar reading scans it as that member. Its own structure is not a polyglot of the
        // container, and the tar headers before it are not prepended data.
        return;
      }
      boolean complete = central.readCentral(layout);
      local.resolveLocalHeaders(layout.shift);
      classify();
      gaps.handlePrefix(layout);
      dispatchAll();
      if (complete) {
        gaps.findOverlapsAndGaps(layout);
      }
      long end = eocdPos + EOCD_SIZE + Bytes.u16(tail, eocdIndex + 20);
      if (end < s.size) {
        s.hidden(end, s.size - end, "after the end of the archive");
      }
    }

    /** Without a usable directory: whatever precedes the first local header, then the local headers in order. */
    private void walkWithoutDirectory() throws IOException {
      long first = local.firstLocalHeader();
      if (first < 0) {
        s.ctx.markPartial("no zip local header found");
        return;
      }
      if (first > 0) {
        gaps.prefix(first);
      }
      local.walkLocal(first, s.size, false);
      classify();
      dispatchAll();
    }

    // ---- format -------------------------------------------------------------------------------------------------

    /** Refines the format from the member names, the way the loaders decide (see {@link ZipModelLayout}). */
    private void classify() {
      model = ZipModelLayout.of(s.records);
      if (!model.format().equals("zip")) {
        s.ctx.refineFormat(model.format());
      }
    }

    // ---- members ------------------------------------------------------------------------------------------------

    private void dispatchAll() throws IOException {
      dispatchFrom(0);
    }

    private void dispatchFrom(int first) throws IOException {
      for (int i = first; i < s.records.size(); i++) {
        ZipRecord r = s.records.get(i);
        s.ctx.checkDeadline();
        checkName(r, seenExact, seenFolded);
        if (r.dataStart < 0 || r.rangeEnd < 0) {
          continue;
        }
        if (r.isDirectory() && r.compressedSize == 0) {
          continue;
        }
        if (r.encrypted()) {
          ArchiveSupport.reportEncrypted(
              s.ctx,
              r.name,
              r.localHeaderOffset,
              (r.flags & 0x0040) != 0 ? "strong encryption flag" : "encryption flag in the central directory");
        }
        dispatch(r);
      }
    }

    private void checkName(ZipRecord r, Map<String, ZipRecord> exact, Map<String, ZipRecord> folded) {
      long off = r.fromCentral ? r.centralOffset : r.localHeaderOffset;
      ArchiveSupport.checkTraversal(s.ctx, r.name, off);
      int type = r.unixFileType();
      if (type == 0xA000) {
        ArchiveSupport.reportLink(s.ctx, off, r.name, linkTarget(r), true);
      } else if (type != 0 && type != 0x8000 && type != 0x4000) {
        s.ctx.report(
            s.ctx.finding(ArchiveRules.SPECIAL_FILE_MEMBER)
                .offset(off)
                .message(
                    String.format(
                        Locale.ROOT,
                        "Member '%s' has Unix file type 0%o (device, FIFO or socket).",
                        ArchiveSupport.printable(r.name),
                        type >> 12))
                .build());
      }
      ZipRecord before = exact.putIfAbsent(r.name, r);
      String fold = r.name.toLowerCase(Locale.ROOT);
      ZipRecord foldedBefore = folded.putIfAbsent(fold, r);
      if (before != null || foldedBefore != null) {
        ZipRecord other = before != null ? before : foldedBefore;
        s.ctx.report(
            s.ctx.finding(ArchiveRules.DUPLICATE_NAME)
                .offset(off)
                .message(
                    "Member '"
                        + ArchiveSupport.printable(r.name)
                        + "' "
                        + (before != null ? "repeats the name of" : "differs only in case from")
                        + " the member at offset "
                        + other.localHeaderOffset
                        + "; readers disagree on which one they load. Both were scanned.")
                .build());
      }
    }

    /** A stored symlink's data is its target; read it when it is small. */
    private String linkTarget(ZipRecord r) {
      if (r.method != 0 || r.dataStart < 0 || r.compressedSize > 1024 || r.dataEnd() > s.size) {
        return null;
      }
      try {
        return decodeName(s.window.read(r.dataStart, (int) r.compressedSize), r.flags);
      } catch (IOException e) {
        return null;
      }
    }

    private void dispatch(ZipRecord r) throws IOException {
      long available = Math.min(r.compressedSize, s.size - r.dataStart);
      if (r.method == 0) {
        ByteSource slice = s.src.slice(r.dataStart, available);
        byte[] head = s.window.read(r.dataStart, (int) Math.min(available, ArchiveSupport.PEEK_BYTES));
        MemberKind kind = model.kindOf(r, head);
        checkTorchScriptAwareName(r, head);
        // An encrypted member's data starts with the encryption header (12 bytes for PKWARE encryption, salt and
        // verifier for AES), so its compressed size exceeds its size by design: not a length disagreement.
        if (r.compressedSize != r.size && !r.encrypted()) {
          s.ctx.report(
              s.ctx.finding(ArchiveRules.ZIP_HEADER_MISMATCH)
                  .offset(r.localHeaderOffset)
                  .message(
                      "Stored member '"
                          + ArchiveSupport.printable(r.name)
                          + "' has compressed size "
                          + r.compressedSize
                          + " but size "
                          + r.size
                          + "; readers disagree on its length.")
                  .build());
        }
        MemberResult result = s.ctx.scanMember(r.name, slice, kind);
        afterEncrypted(r, result);
        if (kind == MemberKind.CONTENT && available == r.compressedSize && available <= STORED_CRC_LIMIT) {
          checkCrc(r, crcOf(slice), available);
        }
        return;
      }
      if (r.method == 99 && r.encrypted()) {
        // WinZip AES: method 99 is the encryption wrapper (the real method is in the 0x9901 extra field), reported
        // once as encryption, not again as an unknown compression method.
        s.ctx.markPartial("member '" + r.name + "' is AES-encrypted; its content cannot be read without the password");
        return;
      }
      GuardedInputStream.Opener opener = decoder(r, available);
      if (opener == null) {
        s.ctx.report(
            s.ctx.finding(ArchiveRules.UNSUPPORTED_METHOD)
                .offset(r.localHeaderOffset)
                .message(
                    "Member '"
                        + ArchiveSupport.printable(r.name)
                        + "' uses compression method "
                        + r.method
                        + ", which is not decoded; it was not scanned.")
                .build());
        s.ctx.markPartial("member '" + r.name + "' uses unsupported compression method " + r.method);
        return;
      }
      CRC32 crc = new CRC32();
      GuardedInputStream guard = new GuardedInputStream(() -> new CheckedInputStream(opener.open(), crc));
      try {
        BufferedInputStream in = new BufferedInputStream(guard, ArchiveSupport.PEEK_BYTES * 2);
        byte[] head = ArchiveSupport.isScriptName(r.name) ? ArchiveSupport.peek(in, ArchiveSupport.PEEK_BYTES) : null;
        checkTorchScriptAwareName(r, head);
        MemberResult result = s.ctx.scanMember(r.name, in, r.compressedSize, MemberKind.CONTENT);
        afterEncrypted(r, result);
      } finally {
        guard.release();
      }
      if (r.encrypted() && guard.failure() != null && !isMemoryLimit(guard.failure())) {
        // PKWARE-encrypted data is ciphertext to the decoder: failing on it is what encryption means, not corruption
        // (the encryption itself was reported once by dispatchFrom).
        s.ctx.markPartial(
            "member '" + r.name + "' is encrypted: it could not be decompressed without the password");
        return;
      }
      if (!guard.reportFailure(s.ctx, "member '" + r.name + "'", r.localHeaderOffset) && guard.reachedEnd()) {
        checkCrc(r, crc.getValue(), guard.count());
      }
    }

    private static boolean isMemoryLimit(Exception e) {
      return e instanceof org.tukaani.xz.MemoryLimitException
          || e instanceof org.apache.commons.compress.MemoryLimitException;
    }

    /** Script names are findings, except TorchScript source in the archive's code directory. */
    private void checkTorchScriptAwareName(ZipRecord r, byte[] head) {
      if (model.isTorchScriptCode(r.name)) {
        return;
      }
      ArchiveSupport.checkScriptName(s.ctx, r.name, head, r.localHeaderOffset);
    }

    /** A member marked encrypted whose bytes nobody recognised was not seen: partial. */
    private void afterEncrypted(ZipRecord r, MemberResult result) {
      if (r.encrypted() && (result.status() != ScanStatus.COMPLETE || result.format().isEmpty())) {
        s.ctx.markPartial("member '" + r.name + "' is encrypted and its bytes were not recognised");
      }
    }

    private GuardedInputStream.Opener decoder(ZipRecord r, long available) {
      ByteSource data = s.src.slice(r.dataStart, available);
      switch (r.method) {
        case 8:
          return () -> inflating(data);
        case 9:
          return () -> new Deflate64CompressorInputStream(new BufferedInputStream(data.openStream(), 65536));
        case 12:
          return () -> new BZip2CompressorInputStream(new BufferedInputStream(data.openStream(), 65536), false);
        case 14:
          return () -> lzma(data);
        case 95:
          return () ->
              new XZInputStream(
                  new BufferedInputStream(data.openStream(), 65536),
                  ArchiveSupport.decoderMemoryLimitKiB(s.ctx.limits()));
        default:
          return null;
      }
    }

    /** Raw deflate; a dummy byte after the data keeps the inflater from asking for more at the very end. */
    private static InputStream inflating(ByteSource data) {
      InputStream raw =
          new SequenceInputStream(
              new BufferedInputStream(data.openStream(), 65536), new ByteArrayInputStream(new byte[1]));
      return new InflaterInputStream(raw, new Inflater(true), 65536) {
        @Override
        public void close() throws IOException {
          try {
            super.close();
          } finally {
            inf.end();
          }
        }
      };
    }

    /** Zip's LZMA (method 14): 2-byte version, 2-byte properties size, 5 properties bytes, then the raw stream. */
    private InputStream lzma(ByteSource data) throws IOException {
      InputStream in = new BufferedInputStream(data.openStream(), 65536);
      byte[] header = in.readNBytes(9);
      if (header.length < 9 || Bytes.u16(header, 2) != 5) {
        throw new IOException("bad LZMA member header");
      }
      byte props = header[4];
      int dictSize = (int) Bytes.u32(header, 5);
      int needed = LZMAInputStream.getMemoryUsage(dictSize, props);
      if (needed > ArchiveSupport.decoderMemoryLimitKiB(s.ctx.limits())) {
        throw new org.tukaani.xz.MemoryLimitException(needed, ArchiveSupport.decoderMemoryLimitKiB(s.ctx.limits()));
      }
      return new LZMAInputStream(in, -1, props, dictSize);
    }

    private long crcOf(ByteSource slice) throws IOException {
      CRC32 crc = new CRC32();
      byte[] buf = new byte[64 * 1024];
      long pos = 0;
      long n = slice.size();
      while (pos < n) {
        if ((pos & ((1 << 24) - 1)) == 0) {
          s.ctx.checkDeadline();
        }
        int k = slice.read(pos, buf, 0, (int) Math.min(buf.length, n - pos));
        if (k < 0) {
          break;
        }
        crc.update(buf, 0, k);
        pos += k;
      }
      return crc.getValue();
    }

    private void checkCrc(ZipRecord r, long actual, long length) {
      if (r.encrypted()) {
        // The CRC covers the plaintext. Matching bytes mean the flag is a decoy over plaintext (scanned as such);
        // otherwise the bytes are ciphertext, which nothing could read: partial, not a bad CRC or a wrong size.
        if (actual != r.crc) {
          s.ctx.markPartial("member '" + r.name + "' is encrypted: its bytes are ciphertext and were not analysed");
        }
        return;
      }
      if (actual != r.crc) {
        s.ctx.report(
            s.ctx.finding(ArchiveRules.ZIP_BAD_CRC)
                .offset(r.localHeaderOffset)
                .message(
                    String.format(
                        Locale.ROOT,
                        "Member '%s' has CRC-32 %08x but its header says %08x: strict readers reject it, PyTorch"
                            + " loads it. It was scanned.",
                        ArchiveSupport.printable(r.name),
                        actual,
                        r.crc))
                .build());
      }
      if (length != r.size) {
        s.ctx.report(
            s.ctx.finding(ArchiveRules.ZIP_HEADER_MISMATCH)
                .offset(r.localHeaderOffset)
                .message(
                    "Member '"
                        + ArchiveSupport.printable(r.name)
                        + "' decompresses to "
                        + length
                        + " bytes but its header says "
                        + r.size
                        + "; loaders that trust the header allocate or truncate wrongly.")
                .build());
      }
    }
  }

  /**
   * Decodes a member name: UTF-8 when flagged or valid, else ISO-8859-1 (every byte kept, so that names that differ
   * in bytes stay different).
   */
  static String decodeName(byte[] raw, int flags) {
    if (Utf8.isValid(raw)) {
      return new String(raw, StandardCharsets.UTF_8);
    }
    return new String(raw, (flags & 0x0800) != 0 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
  }

}
