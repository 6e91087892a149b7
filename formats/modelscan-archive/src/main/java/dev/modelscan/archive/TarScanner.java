package dev.modelscan.archive;

import com.google.auto.service.AutoService;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scans tar archives (v7, POSIX ustar, pax, GNU) with its own header walker: regular members are handed over as
 * slices of the content, never copied or extracted.
 *
 * <p>Honours what Python's {@code tarfile} honours, so the scanner sees the member a loader extracts: GNU long names
 * and link names ({@code L}/{@code K}), pax extended headers (per-file {@code x} and global {@code g}: {@code path},
 * {@code linkpath}, {@code size} — a pax size overrides the header's, which is how data hides behind a header that
 * says 0), the ustar name prefix, and base-256 sizes.
 *
 * <p>Reports names that escape the extraction directory, symbolic and hard links (PyTorch's legacy tar loader and
 * naive extractors write through them), device and FIFO members, script-like names, and bytes after the end of the
 * archive. Sparse members are handed over as stored (holes not re-expanded) and make the result partial. A header
 * that fails its checksum ends the walk: the rest is reported, handed over for dispatch, and the result is partial.
 *
 * @since 0.1
 */
@AutoService(ModelScanner.class)
public final class TarScanner implements ModelScanner {

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "tar",
          ModelScanVersion.current(),
          "tar archives (v7, ustar, pax, GNU), including PyTorch's legacy tar checkpoints, member by member",
          List.of("tar"),
          // torch.load reads a tar as PyTorch's legacy format (torch/serialization.py _legacy_load opens any file that
          // is not a zip with tarfile first), so a tar named .pt/.pth is a checkpoint of that format, not a disguise.
          List.of("tar", "nemo", "pt", "pth"));

  private static final int BLOCK = 512;

  /** Longest GNU long name or pax header read into memory, besides {@code maxStringBytes}. */
  private static final int MAX_META_BYTES = 1 << 20;

  /** Creates the scanner; it is stateless. */
  public TarScanner() {}

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
        ArchiveRules.HIDDEN_DATA,
        ArchiveRules.STRUCTURE,
        StandardRules.LIMIT_REACHED);
  }

  /**
   * Claims content whose first 512 bytes are a tar header with a valid checksum: certain with the {@code ustar}
   * magic, probable without it (v7 headers, which Python's tarfile accepts).
   */
  @Override
  public Recognition recognize(ContentHead head) {
    if (head.headLength() < BLOCK) {
      return Recognition.none();
    }
    byte[] h = new byte[BLOCK];
    head.head().get(h);
    if (h[0] == 0 || !checksumValid(h)) {
      return Recognition.none();
    }
    if (Bytes.at(h, 257, 'u', 's', 't', 'a', 'r')) {
      return Recognition.of("tar", Recognition.CERTAIN);
    }
    int type = h[156];
    boolean v7Type = type == 0 || (type >= '0' && type <= '7');
    return v7Type && parseNumber(h, 124, 12) >= 0 ? Recognition.of("tar", Recognition.PROBABLE) : Recognition.none();
  }

  static boolean checksumValid(byte[] h) {
    long stored = parseNumber(h, 148, 8);
    if (stored < 0) {
      return false;
    }
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = (i >= 148 && i < 156) ? ' ' : h[i];
      unsigned += b & 0xFF;
      signed += (i >= 148 && i < 156) ? ' ' : (byte) b;
    }
    return stored == unsigned || stored == signed;
  }

  /**
   * Parses an octal field (leading spaces/NULs, digits, terminated by NUL or space) or a GNU base-256 field.
   *
   * @return the value, or -1 when the field is not a valid non-negative number
   */
  static long parseNumber(byte[] h, int off, int len) {
    if ((h[off] & 0x80) != 0) {
      if ((h[off] & 0xFF) == 0xFF) {
        return -1; // negative base-256
      }
      long v = h[off] & 0x7F;
      for (int i = 1; i < len; i++) {
        if (v > (Long.MAX_VALUE >> 8)) {
          return -1;
        }
        v = (v << 8) | (h[off + i] & 0xFF);
      }
      return v;
    }
    int i = off;
    int end = off + len;
    while (i < end && (h[i] == ' ' || h[i] == 0)) {
      i++;
    }
    long v = 0;
    boolean digits = false;
    while (i < end && h[i] >= '0' && h[i] <= '7') {
      if (v > (Long.MAX_VALUE >> 3)) {
        return -1;
      }
      v = v * 8 + (h[i] - '0');
      digits = true;
      i++;
    }
    if (i < end && h[i] != 0 && h[i] != ' ') {
      return -1;
    }
    return digits || i > off ? v : 0;
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    ByteSource src = ctx.source();
    long size = src.size();
    ArchiveSupport.MemberBudget budget = new ArchiveSupport.MemberBudget(ctx, "tar archive");
    Map<String, String> globalPax = new HashMap<>();
    Map<String, String> pax = null;
    String longName = null;
    String longLink = null;
    Set<String> names = new HashSet<>();
    long[] lastZipMember = null;
    long pos = 0;
    boolean ended = false;
    while (pos + BLOCK <= size) {
      ctx.checkDeadline();
      byte[] h = src.readBytes(pos, BLOCK);
      if (allZero(h)) {
        // One zero block ends the archive for Python's tarfile (two by the spec).
        pos += BLOCK;
        if (pos + BLOCK <= size && allZero(src.readBytes(pos, BLOCK))) {
          pos += BLOCK;
        }
        ended = true;
        break;
      }
      if (!checksumValid(h)) {
        structure(ctx, pos, "header at offset " + pos + " fails its checksum; the walk stopped there");
        ctx.markPartial("tar header at offset " + pos + " is corrupt; the rest was not read as tar");
        hidden(ctx, src, pos, size - pos, "after the last valid tar header");
        return;
      }
      Map<String, String> merged = new HashMap<>(globalPax);
      if (pax != null) {
        merged.putAll(pax);
      }
      long headerSize = parseNumber(h, 124, 12);
      long memberSize = headerSize;
      if (merged.containsKey("size")) {
        memberSize = parseDecimal(merged.get("size"));
      }
      if (memberSize < 0) {
        structure(ctx, pos, "header at offset " + pos + " has an invalid size");
        ctx.markPartial("tar member at offset " + pos + " has an invalid size");
        return;
      }
      String name = longName != null ? longName : merged.getOrDefault("path", headerName(h));
      String link = longLink != null ? longLink : merged.getOrDefault("linkpath", cString(h, 157, 100));
      int type = h[156] & 0xFF;
      long dataStart = pos + BLOCK;
      long available = Math.max(0, Math.min(memberSize, size - dataStart));
      boolean truncated = available < memberSize;
      long next = dataStart + roundUp(memberSize);
      if (next < 0) {
        next = size;
      }
      // Meta entries describe the next header; they are not members.
      if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
        if (truncated && memberSize <= Math.min(MAX_META_BYTES, ctx.limits().maxStringBytes())) {
          structure(ctx, pos, "extended header at offset " + pos + " runs past the end of the archive");
          ctx.markPartial("tar archive truncated inside an extended header");
          return;
        }
        if (memberSize > Math.min(MAX_META_BYTES, ctx.limits().maxStringBytes())) {
          ctx.limitReached(
              new ScanLimitExceededException(
                  LimitType.STRING_BYTES,
                  Math.min(MAX_META_BYTES, ctx.limits().maxStringBytes()),
                  memberSize,
                  "tar extended header at offset " + pos),
              pos);
          return;
        }
        byte[] meta = src.readBytes(dataStart, (int) memberSize);
        switch (type) {
          case 'L' -> longName = cString(meta, 0, meta.length);
          case 'K' -> longLink = cString(meta, 0, meta.length);
          case 'x' -> pax = parsePax(meta);
          default -> globalPax.putAll(parsePax(meta));
        }
        pos = next;
        continue;
      }
      pax = null;
      longName = null;
      longLink = null;
      // Meta headers above are bounded by the deadline; members count against maxArchiveMembers.
      if (!budget.take(pos)) {
        return;
      }
      ArchiveSupport.checkTraversal(ctx, name, pos);
      if (!names.add(name)) {
        ctx.report(
            ctx.finding(ArchiveRules.DUPLICATE_NAME)
                .offset(pos)
                .message(
                    "Member '"
                        + ArchiveSupport.printable(name)
                        + "' appears more than once; extraction keeps the last. Every copy was scanned.")
                .build());
      }
      if (merged.keySet().stream().anyMatch(k -> k.startsWith("GNU.sparse"))) {
        type = 'S';
      }
      switch (type) {
        case '1', '2' -> {
          ArchiveSupport.reportLink(ctx, pos, name, link, type == '2');
          pos = next;
          continue;
        }
        case '3', '4', '6' -> {
          ctx.report(
              ctx.finding(ArchiveRules.SPECIAL_FILE_MEMBER)
                  .offset(pos)
                  .message(
                      "Member '"
                          + ArchiveSupport.printable(name)
                          + "' is a "
                          + (type == '6' ? "FIFO" : type == '3' ? "character device" : "block device")
                          + ".")
                  .build());
          pos = next;
          continue;
        }
        case 'S' -> ctx.markPartial("sparse tar member '" + name + "' was scanned as stored, holes not expanded");
        case 'M', 'V' -> ctx.markPartial("multi-volume or volume-label entry '" + name + "' was not interpreted");
        default -> {
          // Regular files ('0', NUL, '7') and types tarfile treats as regular files.
        }
      }
      if (available > 0 && type != 'V') {
        byte[] peek = src.readBytes(dataStart, (int) Math.min(available, ArchiveSupport.PEEK_BYTES));
        if (Bytes.at(peek, 0, 'P', 'K', 3, 4)) {
          lastZipMember = new long[] {dataStart, available};
        }
        ArchiveSupport.checkScriptName(ctx, name, peek, pos);
        ctx.scanMember(name, src.slice(dataStart, available), MemberKind.CONTENT);
      }
      if (truncated) {
        structure(ctx, pos, "member '" + name + "' claims " + memberSize + " bytes but the archive ends first");
        ctx.markPartial("tar member '" + name + "' is truncated");
        return;
      }
      pos = next;
    }
    if (names.contains("pickle") && names.contains("storages") && names.contains("tensors")) {
      ctx.refineFormat("pytorch-legacy-tar");
    }
    if (lastZipMember != null && zipEndRecordInside(src, lastZipMember[0], lastZipMember[1])) {
      // A NeMo checkpoint ends with a torch.save zip: the zip's end record in the tar's tail is that member's own
      // structure (scanned as the member), not a second reading of the container.
      ctx.declareEmbedded("zip");
    }
    if (!ended && pos < size) {
      structure(ctx, pos, "the archive ends inside a header");
      ctx.markPartial("tar archive truncated inside a header");
    } else if (pos < size) {
      long end = pos;
      // Writers pad to a record size (10 KiB) with zeros; only non-zero bytes are hidden data.
      long firstNonZero = firstNonZero(src, end, size);
      if (firstNonZero >= 0) {
        hidden(ctx, src, firstNonZero, size - firstNonZero, "after the end-of-archive marker");
      }
    }
  }

  /**
   * Whether the zip end record that the zip scanner would find in the content's tail lies inside the member at
   * {@code [dataStart, dataStart + length)}, its comment included.
   */
  private static boolean zipEndRecordInside(ByteSource src, long dataStart, long length) throws IOException {
    long size = src.size();
    int tailLength = (int) Math.min(size, ContentHead.TAIL_SIZE);
    long tailStart = size - tailLength;
    int at = ZipScanner.findEndRecord(java.nio.ByteBuffer.wrap(src.readBytes(tailStart, tailLength)), tailStart);
    if (at < 0) {
      return false;
    }
    long eocd = tailStart + at;
    return eocd >= dataStart && eocd + 22 <= dataStart + length;
  }

  /**
   * Whether the byte range {@code [from, to)} lies inside the data of one regular member of the tar archive that
   * starts at offset 0 of {@code src}: the zip scanner asks this to tell a zip that is a member (a NeMo checkpoint's
   * {@code model_weights.ckpt}) from a zip laid over the tar. Walks the headers only, bounded by the member budget
   * and the deadline; any doubt (a bad checksum, a truncated header) answers false.
   */
  static boolean memberEncloses(ScanContext ctx, ByteSource src, long from, long to) throws IOException {
    long size = src.size();
    if (size < BLOCK) {
      return false;
    }
    Map<String, String> globalPax = new HashMap<>();
    Map<String, String> pax = null;
    long pos = 0;
    int members = 0;
    int max = ctx.limits().maxArchiveMembers();
    while (pos + BLOCK <= size && pos <= from && members++ <= max) {
      ctx.checkDeadline();
      byte[] h = src.readBytes(pos, BLOCK);
      if (allZero(h) || !checksumValid(h)) {
        return false;
      }
      if (pos == 0 && !Bytes.at(h, 257, 'u', 's', 't', 'a', 'r')) {
        // Only a ustar-magic tar is claimed above the zip (CERTAIN against STRONG), so only then is it certain that
        // the tar reading runs and scans the member; a v7 tar loses to the zip claim, whose reading must then stay.
        return false;
      }
      long memberSize = parseNumber(h, 124, 12);
      Map<String, String> merged = new HashMap<>(globalPax);
      if (pax != null) {
        merged.putAll(pax);
      }
      if (merged.containsKey("size")) {
        memberSize = parseDecimal(merged.get("size"));
      }
      if (memberSize < 0) {
        return false;
      }
      int type = h[156] & 0xFF;
      long dataStart = pos + BLOCK;
      long next = dataStart + roundUp(memberSize);
      if (next < 0) {
        return false;
      }
      if (type == 'x' || type == 'g') {
        if (memberSize > Math.min(MAX_META_BYTES, ctx.limits().maxStringBytes()) || dataStart + memberSize > size) {
          return false;
        }
        Map<String, String> parsed = parsePax(src.readBytes(dataStart, (int) memberSize));
        if (type == 'x') {
          pax = parsed;
        } else {
          globalPax.putAll(parsed);
        }
      } else if (type != 'L' && type != 'K') {
        pax = null;
        boolean regular = type == '0' || type == 0 || type == '7';
        if (regular && from >= dataStart && to <= Math.min(size, dataStart + memberSize)) {
          return true;
        }
      }
      pos = next;
    }
    return false;
  }

  private static String headerName(byte[] h) {
    String name = cString(h, 0, 100);
    // POSIX ustar ("ustar\0" + "00") keeps a directory prefix at 345; GNU ("ustar  ") uses that space otherwise.
    if (Bytes.at(h, 257, 'u', 's', 't', 'a', 'r', 0)) {
      String prefix = cString(h, 345, 155);
      if (!prefix.isEmpty()) {
        return prefix + "/" + name;
      }
    }
    return name;
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    byte[] raw = java.util.Arrays.copyOfRange(b, off, end);
    return ZipScanner.decodeName(raw, 0);
  }

  /** Parses pax records {@code "<len> <key>=<value>\n"}; malformed records end the parse. */
  static Map<String, String> parsePax(byte[] data) {
    Map<String, String> out = new HashMap<>();
    int pos = 0;
    while (pos < data.length) {
      int space = pos;
      while (space < data.length && data[space] != ' ') {
        space++;
      }
      long len = parseDecimal(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
      if (len <= 0 || pos + len > data.length || space >= pos + len) {
        break;
      }
      int recordEnd = (int) (pos + len);
      String record = new String(data, space + 1, recordEnd - space - 1, StandardCharsets.UTF_8);
      if (record.endsWith("\n")) {
        record = record.substring(0, record.length() - 1);
      }
      int eq = record.indexOf('=');
      if (eq > 0) {
        out.put(record.substring(0, eq), record.substring(eq + 1));
      }
      pos = recordEnd;
    }
    return out;
  }

  private static long parseDecimal(String s) {
    if (s == null || s.isEmpty() || s.length() > 18) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static long roundUp(long n) {
    return (n + BLOCK - 1) / BLOCK * BLOCK;
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static long firstNonZero(ByteSource src, long from, long to) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long pos = from;
    while (pos < to) {
      int n = src.read(pos, buf, 0, (int) Math.min(buf.length, to - pos));
      if (n < 0) {
        break;
      }
      for (int i = 0; i < n; i++) {
        if (buf[i] != 0) {
          return pos + i;
        }
      }
      pos += n;
    }
    return -1;
  }

  private static void structure(ScanContext ctx, long offset, String message) {
    ctx.report(ctx.finding(ArchiveRules.STRUCTURE).offset(offset).message("tar: " + message + ".").build());
  }

  private static void hidden(ScanContext ctx, ByteSource src, long from, long length, String where) {
    ctx.report(
        ctx.finding(ArchiveRules.HIDDEN_DATA)
            .offset(from)
            .message(
                length + " bytes at offset " + from + " lie " + where + "; they were scanned as '[hidden-data@"
                    + from + "]'.")
            .build());
    ctx.scanMember("[hidden-data@" + from + "]", src.slice(from, length), MemberKind.CONTENT);
  }
}
